"""A real HTTP server on 127.0.0.1 that replays recorded responses, for services that cannot run in the tests.

GitHub, GitLab and Jenkins cannot be started here, so their collectors are tested against responses in the services'
documented formats, served over real HTTP. Routes match on method + path + query and answer with a status, headers and
a body file. Paged routes add the pagination headers the service documents (an RFC 8288 `Link` header with
rel="next"/"last", GitLab's `X-Page`/`X-Next-Page`/`X-Total-Pages`). Any status can be served (401, 404, 500, a rate
limit with its headers), so can a body that is not JSON, and a route can hang for `delay_s` seconds.

Routes come from a YAML manifest beside the body files (`RecordedHttpServer.from_manifest`) or from `add()`:

    routes:
      - path: /repos/acme/app                      # method defaults to GET
        body: app/repo.json                        # relative to the manifest
      - path: /repos/acme/app/actions/runs
        query: {per_page: "100"}                   # exact query ("*" matches any value); omit to match any query
        pages: [app/runs-1.json, app/runs-2.json]  # served for ?page=1 (or no page), ?page=2 ...
        paging: link                               # link | gitlab | link+gitlab
      - path: /repos/acme/limited
        status: 403
        headers: {x-ratelimit-remaining: "0", x-ratelimit-reset: "{{epoch:+1h}}"}
        text: '{"message": "API rate limit exceeded"}'
      - path: /repos/acme/slow
        delay_s: 30                                # hangs (cut short when the server stops)

Recorded bodies carry times relative to the moment the server starts, so that time windows stay stable:
`{{iso:-3d4h}}` becomes an ISO 8601 UTC time 3 days 4 hours ago, `"{{ms:-2d}}"` (quotes included) a bare number of
epoch milliseconds, `{{epoch:+1h}}` epoch seconds. `{{base}}` is the server's base URL and `{{header:NAME}}` the
value of a request header (to check that an echoed credential is redacted).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import yaml

from tests.support.local_http import LocalServer, QuietHandler

ANY = "*"
_TOKEN = re.compile(r'"\{\{ms:(?P<qms>[^}]*)\}\}"|\{\{(?P<kind>iso|ms|epoch|header|base)(?::(?P<arg>[^}]*))?\}\}')
_OFFSET = re.compile(r"^(?P<sign>[+-])(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    query: Mapping[str, str] | None  # None matches any query
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    bodies: tuple[bytes, ...] = (b"",)  # one body, or one per page when `paging` is set
    paging: str | None = None  # link | gitlab | link+gitlab
    page_param: str = "page"
    delay_s: float = 0.0
    content_type: str = "application/json; charset=utf-8"


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


def normalise_path(path: str) -> str:
    """Decode a path for matching, but keep an encoded slash (GitLab's `group%2Fproject`) distinct from `/`."""
    return unquote(re.sub("%2[fF]", "%252F", path))


def offset(text: str) -> dt.timedelta:
    match = _OFFSET.match(text.strip())
    if not match:
        raise ValueError(f"bad time offset {text!r}; expected e.g. -3d4h or +1h")
    delta = dt.timedelta(
        days=int(match["d"] or 0),
        hours=int(match["h"] or 0),
        minutes=int(match["m"] or 0),
        seconds=int(match["s"] or 0),
    )
    return -delta if match["sign"] == "-" else delta


class RecordedHttpServer:
    """Serves recorded responses; start with `with RecordedHttpServer(...) as server:` or `start()`/`stop()`."""

    def __init__(self, routes: list[Route] | None = None) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.routes: list[Route] = list(routes or [])
        self.requests: list[SeenRequest] = []
        self.unmatched: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._server: LocalServer | None = None

    # --- routes ---------------------------------------------------------------------------------------

    @classmethod
    def from_manifest(cls, manifest: Path) -> RecordedHttpServer:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        server = cls()
        for entry in data["routes"]:
            server.add_entry(entry, manifest.parent)
        return server

    def add_entry(self, entry: Mapping[str, Any], base: Path) -> None:
        """One manifest entry; `body`/`pages` name files relative to `base`, `text` is an inline body."""
        if "pages" in entry:
            bodies = tuple((base / name).read_bytes() for name in entry["pages"])
        elif "body" in entry:
            bodies = ((base / entry["body"]).read_bytes(),)
        else:
            bodies = (str(entry.get("text", "")).encode(),)
        query = entry.get("query")
        self.add(
            Route(
                method=str(entry.get("method", "GET")).upper(),
                path=str(entry["path"]),
                query=None if query is None else {str(k): str(v) for k, v in query.items()},
                status=int(entry.get("status", 200)),
                headers={str(k): str(v) for k, v in (entry.get("headers") or {}).items()},
                bodies=bodies,
                paging=entry.get("paging", "link" if "pages" in entry else None),
                page_param=str(entry.get("page_param", "page")),
                delay_s=float(entry.get("delay_s", 0)),
                content_type=str(entry.get("content_type", "application/json; charset=utf-8")),
            )
        )

    def add(self, route: Route) -> None:
        with self._lock:
            self.routes.append(route)

    def match(self, method: str, path: str, query: dict[str, str]) -> tuple[Route, int] | None:
        """The route answering this request and the page it asks for (1 for unpaged routes)."""
        wanted = normalise_path(path)
        with self._lock:
            candidates = [r for r in self.routes if r.method == method and normalise_path(r.path) == wanted]
        # routes with an explicit query are more specific than catch-all ones
        for route in sorted(candidates, key=lambda r: r.query is None):
            page = 1
            rest = dict(query)
            if route.paging:
                raw_page = rest.pop(route.page_param, "1")
                if not raw_page.isdigit():
                    continue
                page = int(raw_page)
            if route.query is not None and not _query_matches(route.query, rest):
                continue
            return route, page
        return None

    # --- serving --------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running")
        return self._server.url

    def start(self) -> RecordedHttpServer:
        self._server = LocalServer(type("Handler", (_Handler,), {"recorded": self}), name="recorded-http")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()  # also wakes hanging handlers

    def __enter__(self) -> RecordedHttpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def seen(self, path_prefix: str = "") -> list[SeenRequest]:
        """Requests received so far whose decoded path starts with `path_prefix`."""
        prefix = normalise_path(path_prefix)
        with self._lock:
            return [r for r in self.requests if normalise_path(r.path).startswith(prefix)]

    @contextmanager
    def recording(self) -> Iterator[list[SeenRequest]]:
        """The requests received inside the block."""
        with self._lock:
            start = len(self.requests)
        captured: list[SeenRequest] = []
        yield captured
        with self._lock:
            captured.extend(self.requests[start:])

    # --- rendering ------------------------------------------------------------------------------------

    def render(self, text: str, headers: Mapping[str, str]) -> str:
        def replace(match: re.Match[str]) -> str:
            if match["qms"] is not None:
                return str(int((self.now + offset(match["qms"])).timestamp() * 1000))
            kind, arg = match["kind"], match["arg"] or ""
            if kind == "base":
                return self.base_url
            if kind == "header":
                return headers.get(arg.lower(), "")
            moment = self.now + offset(arg or "+0s")
            if kind == "iso":
                return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            if kind == "ms":
                return str(int(moment.timestamp() * 1000))
            return str(int(moment.timestamp()))

        return _TOKEN.sub(replace, text)

    def at(self, delta: str) -> dt.datetime:
        """The moment a fixture's `{{iso:DELTA}}` stands for."""
        return self.now + offset(delta)

    def _record(self, request: SeenRequest, matched: bool) -> None:
        with self._lock:
            self.requests.append(request)
            if not matched:
                self.unmatched.append(request)

    def _pagination_headers(self, route: Route, page: int, path: str, query: dict[str, str]) -> dict[str, str]:
        last = len(route.bodies)
        headers: dict[str, str] = {}
        assert route.paging is not None
        if "link" in route.paging:

            def url(n: int) -> str:
                return f"{self.base_url}{path}?{urlencode({**query, route.page_param: str(n)})}"

            links = []
            if page < last:
                links.append(f'<{url(page + 1)}>; rel="next"')
            if page > 1:
                links.append(f'<{url(page - 1)}>; rel="prev"')
            links += [f'<{url(1)}>; rel="first"', f'<{url(last)}>; rel="last"']
            headers["Link"] = ", ".join(links)
        if "gitlab" in route.paging:
            headers.update(
                {
                    "X-Page": str(page),
                    "X-Per-Page": query.get("per_page", "20"),
                    "X-Total-Pages": str(last),
                    "X-Next-Page": str(page + 1) if page < last else "",
                    "X-Prev-Page": str(page - 1) if page > 1 else "",
                }
            )
        return headers


def _query_matches(expected: Mapping[str, str], actual: Mapping[str, str]) -> bool:
    if set(expected) != set(actual):
        return False
    return all(value == ANY or actual[key] == value for key, value in expected.items())


class _Handler(QuietHandler):
    recorded: RecordedHttpServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: avoid the 40 ms delayed-ACK stall

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length", "0") or 0)
        if length:
            self.rfile.read(length)
        found = self.recorded.match(self.command, parts.path, query)
        self.recorded._record(SeenRequest(self.command, parts.path, query, headers), found is not None)
        if found is None:
            self.send(404, b'{"message": "Not Found (no recorded response)"}')
            return
        route, page = found
        if route.delay_s and self.server.owner.release.wait(route.delay_s):  # type: ignore[attr-defined]
            return  # the server is stopping: drop the connection
        if page < 1 or page > len(route.bodies):
            self.send(404, b'{"message": "Not Found (no such page)"}')
            return
        out_headers = {k: self.recorded.render(v, headers) for k, v in route.headers.items()}
        if route.paging:
            rest = {k: v for k, v in query.items() if k != route.page_param}
            out_headers.update(self.recorded._pagination_headers(route, page, parts.path, rest))
        body = self.recorded.render(route.bodies[page - 1].decode("utf-8"), headers).encode("utf-8")
        self.send(route.status, body, route.content_type, out_headers)

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve
    do_HEAD = _serve

"""One target's HTTP client: retries, redirects followed hop by hop, deadlines, capped bodies, budgets, raw evidence.
Every failure ends as `Unavailable` (no usable answer came) or `CollectError` (the answer cannot be used) with a reason
that names no credential."""

from __future__ import annotations

import base64
import ssl
import time
from collections.abc import Callable
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx

from evidence_collectors.config import HttpTargetConfig
from evidence_collectors.http.body import MB, Body, announced_length, finished
from evidence_collectors.http.credentials import Credentials, origin
from evidence_collectors.http.deadline import Clock, bound_transports
from evidence_collectors.http.errors import CollectError, LimitReached, RateLimited, Unavailable
from evidence_collectors.http.jsonbody import parse_json
from evidence_collectors.http.redirects import REDIRECT_STATUS, next_hop
from evidence_collectors.http.retry import RETRY_STATUS, retry_after_s
from evidence_collectors.raw import RawStore
from evidence_collectors.secrets import Redactor, read_secret, redact_url


class HttpSession:
    """One target's HTTP client. Used by one thread at a time (a collector reads its target sequentially).

    `refusals` are checked on every answer before the retry logic: a service's own rate-limit answers raise there with
    the service's detail.
    """

    def __init__(
        self,
        config: HttpTargetConfig,
        raw: RawStore,
        redactor: Redactor,
        *,
        auth_header: str = "Authorization",
        auth_scheme: str = "Bearer",
        backoff_s: float = 0.5,
    ) -> None:
        self.config = config
        self.raw = raw
        self.redactor = redactor
        self.backoff_s = backoff_s
        self.requests = 0  # sent so far, redirects and retries included
        self.received = 0  # body bytes read so far, decompressed
        self.refusals: list[Callable[[httpx.Response], None]] = []
        headers: dict[str, str] = {}
        token = read_secret(config.token_env, config.token_file)
        if token and config.username:
            redactor.add_basic(config.username, token)
            pair = base64.b64encode(f"{config.username}:{token}".encode()).decode()
            headers["Authorization"] = f"Basic {pair}"
        elif token:
            redactor.add(token)
            headers[auth_header] = f"{auth_scheme} {token}".strip()
        verify: bool | ssl.SSLContext = (
            ssl.create_default_context(cafile=str(config.ca_file)) if config.ca_file else config.verify_tls
        )
        self.client = httpx.Client(
            base_url=config.url,
            headers={
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",  # the encodings whose decompression is capped here
                "User-Agent": "mlops-maturity-collector",
            },
            timeout=config.timeout_s,
            verify=verify,
            follow_redirects=False,  # followed in `_exchange`, where credentials are kept to their origin
            event_hooks={"response": [self._take_location]},
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # cookies are neither kept nor sent
        )
        self.home = origin(self.client.base_url)
        self.guard = Credentials(headers, redactor, self.home)
        self._clock = Clock()
        self._location: str | None = None  # the Location of the answer just received, taken out of its headers
        bound_transports(self.client, self._clock)

    @property
    def credentials(self) -> dict[str, str]:
        return self.guard.headers

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def url(self, path: str) -> str:
        """An absolute, redacted URL for records and messages."""
        try:
            full = str(self.client.build_request("GET", path).url)
        except (httpx.InvalidURL, UnicodeError, ValueError):
            full = path
        return redact_url(full, self.redactor)

    # --- requests ---------------------------------------------------------------------------------------------

    def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None
    ) -> tuple[httpx.Response, str]:
        """Send with retries; return the response (body read, decompressed) and the SHA-256 of its stored body."""
        where = self.url(path)
        try:
            first = self.client.build_request(method, path, params=params, json=json_body)
            str(first.url).encode("ascii")
        except (httpx.InvalidURL, UnicodeError, ValueError):
            raise CollectError(f"unusable URL: {where}") from None
        last = ""
        for attempt in range(self.config.retries + 1):
            if attempt:
                self._sleep(min(self.backoff_s * 2 ** (attempt - 1), 8.0))
            try:
                response = self._exchange(first, where)
            except httpx.TimeoutException:
                last = self._timeout_reason()
                continue
            except httpx.ConnectError as exc:
                last = f"cannot connect: {type(exc).__name__}"
                continue
            except httpx.RemoteProtocolError as exc:
                last = f"the server broke the HTTP protocol ({type(exc).__name__})"
                continue
            except httpx.TransportError as exc:
                last = f"connection failed: {type(exc).__name__}"
                continue
            except (httpx.HTTPError, httpx.InvalidURL, UnicodeError, ValueError) as exc:
                raise CollectError(f"{where}: unusable answer: {type(exc).__name__}") from None
            for refuse in self.refusals:
                refuse(response)
            status = response.status_code
            if status in RETRY_STATUS:
                wait = retry_after_s(response.headers.get("Retry-After"))
                if wait is not None and wait > self.config.max_retry_after_s:
                    self.keep(response)
                    asked = f"{wait:g} s" if wait != float("inf") else "an unbounded time"
                    raise RateLimited(
                        f"rate limited; server asks to retry after {asked} (HTTP {status} from {where}; "
                        f"max_retry_after_s is {self.config.max_retry_after_s:g})",
                        status,
                    )
                if attempt < self.config.retries:
                    last = f"HTTP {status}"
                    self._sleep(wait or 0.0)
                    continue
            sha = self.keep(response)
            if status in (401, 403):
                raise CollectError(
                    f"HTTP {status} from {where}: not authorised (check the token named in the targets file)", status
                )
            if status == 429:
                raise RateLimited(f"rate limited: HTTP 429 from {where}", status)
            if status >= 500:
                raise Unavailable(f"HTTP {status} from {where}", status)
            if status >= 400:
                raise CollectError(f"HTTP {status} from {where}", status)
            return response, sha
        raise Unavailable(f"{where}: {last} after {self.config.retries + 1} attempt(s)")

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> tuple[Any, httpx.Response, str]:
        response, sha = self.request("GET", path, params=params)
        return parse_json(response.content, self.url(path)), response, sha

    def post_json(self, path: str, body: Any) -> tuple[Any, httpx.Response, str]:
        response, sha = self.request("POST", path, json_body=body)
        return parse_json(response.content, self.url(path)), response, sha

    def keep(self, response: httpx.Response) -> str:
        """Store a read response as raw evidence, every known secret masked in body, URL and content type."""
        return self.raw.add(
            self.redactor.bytes(response.content),
            url=self.url(str(response.request.url)),
            status=response.status_code,
            content_type=self.redactor(response.headers.get("content-type", "")),
        )

    # --- one attempt: redirects, deadline, body ------------------------------------------------------------------

    def _exchange(self, first: httpx.Request, where: str) -> httpx.Response:
        """One attempt: follow redirects hop by hop and read the final body, all within the request deadline."""
        request = first
        seen = {str(request.url)}
        self._clock.start(self.config.request_deadline_s)
        try:
            for _ in range(self.config.max_redirects + 1):
                self._spend()
                self.guard.authorise(request)
                self._location = None
                response = self.client.send(request, stream=True)
                try:
                    if response.status_code not in REDIRECT_STATUS or self._location is None:
                        return finished(response, request, self._body(response))
                    request = next_hop(request, response, self._location, self.guard, self.client.headers, self.url)
                finally:
                    response.close()
                if str(request.url) in seen:
                    raise LimitReached(f"redirect loop at {self.url(str(request.url))} (from {where})")
                seen.add(str(request.url))
            raise LimitReached(f"more than {self.config.max_redirects} redirects from {where}")
        finally:
            self._clock.stop()

    def _take_location(self, response: httpx.Response) -> None:
        """Take the Location header out of every answer before httpx sees it: httpx would otherwise build the next
        request itself, even when not following it, and fail on a Location it cannot parse before `next_hop` could
        judge it."""
        self._location = response.headers.get("location")
        if self._location is not None:
            del response.headers["location"]

    def _timeout_reason(self) -> str:
        if self._clock.limited:
            return f"no complete answer within {self.config.request_deadline_s:g} s"
        return f"no answer within {self.config.timeout_s:g} s"

    def _spend(self) -> None:
        if self.requests >= self.config.max_requests:
            raise LimitReached(f"request budget of {self.config.max_requests} requests spent")
        if self.received >= self.config.max_total_mb * MB:
            raise LimitReached(self._total_spent())
        self.requests += 1

    def _total_spent(self) -> str:
        return f"download budget of {self.config.max_total_mb:g} MB spent"

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _body(self, response: httpx.Response) -> bytes:
        where = self.url(str(response.request.url))
        max_wire = int(self.config.max_response_mb * MB)
        announced = announced_length(response)
        if announced is not None and announced > max_wire:
            raise LimitReached(f"{where}: response larger than {self.config.max_response_mb:g} MB")
        encoding = response.headers.get("content-encoding", "").strip().lower()
        max_decoded = int(self.config.max_decoded_mb * MB)
        left = int(self.config.max_total_mb * MB) - self.received
        too_large = f"response larger than {self.config.max_decoded_mb:g} MB once decompressed"
        limit, reason = (left, self._total_spent()) if left < max_decoded else (max_decoded, too_large)
        body = Body(encoding, max_wire, limit, where, reason)
        try:
            for chunk in response.iter_raw():
                body.feed(chunk)
        finally:
            self.received += len(body.data)
        return bytes(body.data)

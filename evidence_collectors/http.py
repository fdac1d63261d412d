"""HTTP for collectors: one policy for every read, so that any server, however hostile, costs bounded time, memory and
requests, and never receives or gets stored a credential it should not.

- Credentials go only to the target's own origin (scheme, host, port). Redirects are followed here, hop by hop, up to
  `max_redirects`; a hop to another origin carries no credential header and no credential-like query parameter.
- Every socket operation waits at most until the request's deadline (`request_deadline_s`), so a server that drips
  bytes cannot hold a request longer than that, however short each wait (`timeout_s`) is.
- Bodies are streamed against two caps: bytes as sent (`max_response_mb`) and bytes once decompressed
  (`max_decoded_mb`), so neither a huge body nor a compression bomb is ever held in memory whole.
- A target spends at most `max_requests` requests and reads at most `max_total_mb` (raw evidence is kept in memory
  until the target is done); `Retry-After` is waited for up to `max_retry_after_s`.
- Every body kept as raw evidence, and every URL and reason, is masked for every known encoding of the credentials.

Collectors only read: this session offers GET (and POST for the few search APIs that are read-only by design).
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import json
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlencode

import httpcore
import httpx

from evidence_collectors.config import HttpTargetConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.secrets import Redactor, is_sensitive_name, read_secret, redact_url

RETRY_STATUS = {429, 500, 502, 503, 504}
MB = 1024 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}
_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_WRITE_SLICE = 64 * 1024

Origin = tuple[str, str, int]


class Unavailable(Exception):
    """The system could not be reached, did not answer in time, or answered with a server error (5xx)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status of a server error; None when no answer came at all


class CollectError(Exception):
    """The system answered, but not in a usable way (HTTP error, invalid JSON, unexpected shape)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status, when the problem was one


class LimitReached(Unavailable):
    """A limit of the targets file stopped the read (size, deadline, request budget, redirects): not retried."""


class RateLimited(Unavailable):
    """The service refused the request for its rate limit: retrying at once cannot help, so it is not retried."""


# --- deadlines ------------------------------------------------------------------------------------------------------


class _Clock(threading.local):
    """The deadline of the request under way in this thread; None between requests."""

    until: float | None = None
    limited = False  # the last wait was cut short by the deadline: a timeout then means the deadline passed

    def start(self, seconds: float) -> None:
        self.until, self.limited = time.monotonic() + seconds, False

    def stop(self) -> None:
        self.until = None

    def bound(self, timeout: float | None, error: type[Exception]) -> float | None:
        """The wait allowed for one socket operation: the configured timeout, but never past the deadline."""
        if self.until is None:
            return timeout
        left = self.until - time.monotonic()
        self.limited = timeout is None or left <= timeout
        if left <= 0:
            raise error("the request's deadline has passed")
        return left if timeout is None else min(timeout, left)


class _BoundedStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, clock: _Clock) -> None:
        self._inner = inner
        self._clock = clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._clock.bound(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), _WRITE_SLICE):  # each slice re-reads the time left
            self._inner.write(buffer[start : start + _WRITE_SLICE], self._clock.bound(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        wait = self._clock.bound(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._inner.start_tls(ssl_context, server_hostname, wait), self._clock)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _BoundedBackend(httpcore.NetworkBackend):
    """Opens connections (directly or through a proxy) whose operations end by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend, clock: _Clock) -> None:
        self._inner = inner
        self._clock = clock

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        wait = self._clock.bound(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._inner.connect_tcp(host, port, wait, local_address, socket_options), self._clock)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        wait = self._clock.bound(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._inner.connect_unix_socket(path, wait, socket_options), self._clock)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _bound_transports(client: httpx.Client, clock: _Clock) -> None:
    """Put the deadline under every transport of the client (the direct one and any proxy from the environment)."""
    for transport in [client._transport, *client._mounts.values()]:
        if transport is None:
            continue
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if not isinstance(backend, httpcore.NetworkBackend):
            raise RuntimeError(f"cannot bound the network I/O of {type(transport).__name__}: request deadlines need it")
        pool._network_backend = _BoundedBackend(backend, clock)  # type: ignore[union-attr]


# --- bodies ---------------------------------------------------------------------------------------------------------


class _Body:
    """Collects a streamed body, decompressing as it goes, and refuses it as soon as a cap is passed."""

    def __init__(self, encoding: str, max_wire: int, max_decoded: int, where: str, too_large: str) -> None:
        self.encoding = encoding
        self.max_wire, self.max_decoded, self.where, self.too_large = max_wire, max_decoded, where, too_large
        self.wire = 0
        self.data = bytearray()
        self._inflater: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding not in ("", "identity"):
            raise CollectError(f"{where}: unsupported Content-Encoding {encoding!r}")
        self._first = True

    def feed(self, chunk: bytes) -> None:
        self.wire += len(chunk)
        if self.wire > self.max_wire:
            raise LimitReached(f"{self.where}: response larger than {self.max_wire / MB:g} MB")
        if self._inflater is None:
            self._grow(chunk)
            return
        while chunk:
            try:  # never more output than the cap allows: a bomb is stopped with bounded memory
                piece = self._inflater.decompress(chunk, self.max_decoded - len(self.data) + 1)
            except zlib.error:
                if self.encoding == "deflate" and self._first:  # some servers send raw deflate, without zlib header
                    self._inflater, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise CollectError(f"{self.where}: {self.encoding} body cannot be decompressed") from None
            self._first = False
            self._grow(piece)
            chunk = self._inflater.unconsumed_tail

    def _grow(self, piece: bytes) -> None:
        if len(self.data) + len(piece) > self.max_decoded:
            raise LimitReached(f"{self.where}: {self.too_large}")
        self.data += piece


def retry_after_s(value: str | None) -> float | None:
    """Seconds a `Retry-After` header asks to wait (delta seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def origin(url: httpx.URL) -> Origin:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 0)


# --- the session ----------------------------------------------------------------------------------------------------


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
        self.credentials: dict[str, str] = {}
        token = read_secret(config.token_env, config.token_file)
        if token and config.username:
            redactor.add_basic(config.username, token)
            pair = base64.b64encode(f"{config.username}:{token}".encode()).decode()
            self.credentials["Authorization"] = f"Basic {pair}"
        elif token:
            redactor.add(token)
            self.credentials[auth_header] = f"{auth_scheme} {token}".strip()
        verify: bool | ssl.SSLContext = (
            ssl.create_default_context(cafile=str(config.ca_file)) if config.ca_file else config.verify_tls
        )
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",  # the encodings whose decompression is capped here
            "User-Agent": "mlops-maturity-collector",
        }
        self.client = httpx.Client(
            base_url=config.url,
            headers=headers,
            timeout=config.timeout_s,
            verify=verify,
            follow_redirects=False,  # followed in `_exchange`, where credentials are kept to their origin
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # cookies are neither kept nor sent
        )
        self.home = origin(self.client.base_url)
        self._clock = _Clock()
        _bound_transports(self.client, self._clock)

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def url(self, path: str) -> str:
        """An absolute, redacted URL for records and messages."""
        try:
            full = str(self.client.build_request("GET", path).url)
        except httpx.InvalidURL:
            full = path
        return redact_url(full, self.redactor)

    # --- requests ---------------------------------------------------------------------------------------------

    def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None
    ) -> tuple[httpx.Response, str]:
        """Send with retries; return the response (body read, decompressed) and the SHA-256 of its stored body."""
        where = self.url(path)
        last = ""
        for attempt in range(self.config.retries + 1):
            if attempt:
                self._sleep(min(self.backoff_s * 2 ** (attempt - 1), 8.0))
            try:
                response = self._exchange(method, path, params, json_body)
            except httpx.TimeoutException:
                last = self._timeout_reason()
                continue
            except httpx.ConnectError as exc:
                last = f"cannot connect: {type(exc).__name__}"
                continue
            except httpx.TransportError as exc:
                last = f"connection failed: {type(exc).__name__}"
                continue
            except httpx.HTTPError as exc:
                raise CollectError(f"{where}: unusable answer: {type(exc).__name__}") from None
            for refuse in self.refusals:
                refuse(response)
            status = response.status_code
            if status in RETRY_STATUS:
                wait = retry_after_s(response.headers.get("Retry-After"))
                if wait is not None and wait > self.config.max_retry_after_s:
                    self.keep(response)
                    raise RateLimited(
                        f"rate limited; server asks to retry after {wait:g} s (HTTP {status} from {where}; "
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
        return _json(response, self.url(path)), response, sha

    def post_json(self, path: str, body: Any) -> tuple[Any, httpx.Response, str]:
        response, sha = self.request("POST", path, json_body=body)
        return _json(response, self.url(path)), response, sha

    def keep(self, response: httpx.Response) -> str:
        """Store a read response as raw evidence, every known secret masked in body, URL and content type."""
        return self.raw.add(
            self.redactor.bytes(response.content),
            url=self.url(str(response.request.url)),
            status=response.status_code,
            content_type=self.redactor(response.headers.get("content-type", "")),
        )

    # --- one attempt: redirects, deadline, body ------------------------------------------------------------------

    def _exchange(self, method: str, path: str, params: dict[str, Any] | None, json_body: Any) -> httpx.Response:
        """One attempt: follow redirects hop by hop and read the final body, all within the request deadline."""
        request = self.client.build_request(method, path, params=params, json=json_body)
        seen = {str(request.url)}
        self._clock.start(self.config.request_deadline_s)
        try:
            for _ in range(self.config.max_redirects + 1):
                self._spend()
                self._authorise(request)
                response = self.client.send(request, stream=True)
                try:
                    if not response.is_redirect:
                        return _finished(response, request, self._body(response))
                    request = self._redirected(request, response)
                finally:
                    response.close()
                if str(request.url) in seen:
                    raise LimitReached(f"redirect loop at {self.url(str(request.url))} (from {self.url(path)})")
                seen.add(str(request.url))
            raise LimitReached(f"more than {self.config.max_redirects} redirects from {self.url(path)}")
        finally:
            self._clock.stop()

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

    def _authorise(self, request: httpx.Request) -> None:
        """Credentials only on the target's own origin; anywhere else, no header that could carry one."""
        if origin(request.url) == self.home:
            request.headers.update(self.credentials)
            return
        for name in list(request.headers):
            if self._is_credential(name, request.headers[name]):
                del request.headers[name]

    def _is_credential(self, name: str, value: str) -> bool:
        """A header or query parameter that carries, or may carry, a credential."""
        ours = name.lower() in {c.lower() for c in self.credentials}
        return ours or is_sensitive_name(name) or self.redactor.contains(value)

    def _redirected(self, request: httpx.Request, response: httpx.Response) -> httpx.Request:
        """The next hop, as a browser would send it (303, and 301/302 after POST, become GET), with no credential when
        it leaves the target's origin."""
        try:
            url = request.url.join(response.headers["location"]).copy_with(userinfo=b"", fragment=None)
        except (httpx.InvalidURL, UnicodeError, ValueError):
            raise CollectError(f"redirect to an unusable URL from {self.url(str(request.url))}") from None
        if url.scheme not in ("http", "https"):
            raise CollectError(f"redirect to a {url.scheme or 'relative'} URL from {self.url(str(request.url))}")
        method, code = request.method, response.status_code
        if (code == 303 and method != "HEAD") or (code in (301, 302) and method == "POST"):
            method = "GET"
        headers = {k: v for k, v in self.client.headers.items() if not self._is_credential(k, v)}
        content = request.content if method == request.method and method != "GET" else None
        if content is not None:
            headers["Content-Type"] = request.headers.get("content-type", "application/json")
        if origin(url) != self.home:
            kept = [(k, v) for k, v in url.params.multi_items() if not self._is_credential(k, v)]
            url = url.copy_with(query=urlencode(kept).encode() or None)
        return httpx.Request(method, url, headers=headers, content=content, extensions=request.extensions)

    def _body(self, response: httpx.Response) -> bytes:
        where = self.url(str(response.request.url))
        max_wire = int(self.config.max_response_mb * MB)
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > max_wire:
            raise LimitReached(f"{where}: response larger than {self.config.max_response_mb:g} MB")
        encoding = response.headers.get("content-encoding", "").strip().lower()
        max_decoded = int(self.config.max_decoded_mb * MB)
        left = int(self.config.max_total_mb * MB) - self.received
        too_large = f"response larger than {self.config.max_decoded_mb:g} MB once decompressed"
        limit, reason = (left, self._total_spent()) if left < max_decoded else (max_decoded, too_large)
        body = _Body(encoding, max_wire, limit, where, reason)
        try:
            for chunk in response.iter_raw():
                body.feed(chunk)
        finally:
            self.received += len(body.data)
        return bytes(body.data)


def _finished(response: httpx.Response, request: httpx.Request, body: bytes) -> httpx.Response:
    """The answer with its decoded body in memory, as callers read it."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _BODY_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=body, request=request)


def _json(response: httpx.Response, where: str) -> Any:
    try:
        return json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise CollectError(f"invalid JSON from {where}") from None

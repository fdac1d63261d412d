"""HTTP for collectors: timeouts, bounded retries with backoff, TLS on, every response body kept by its hash.

Collectors only read: this session offers GET (and POST for the few search APIs that are read-only by design).
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from evidence_collectors.config import HttpTargetConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.secrets import Redactor, read_secret, redact_url

RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 30.0


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


class HttpSession:
    def __init__(
        self,
        config: HttpTargetConfig,
        raw: RawStore,
        redactor: Redactor,
        *,
        auth_header: str = "Authorization",
        auth_scheme: str = "Bearer",
        backoff_s: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.raw = raw
        self.redactor = redactor
        self.backoff_s = backoff_s
        headers = {"Accept": "application/json", "User-Agent": "mlops-maturity-collector"}
        token = read_secret(config.token_env, config.token_file)
        redactor.add(token)
        auth: httpx.BasicAuth | None = None
        if token and config.username:
            auth = httpx.BasicAuth(config.username, token)
        elif token:
            headers[auth_header] = f"{auth_scheme} {token}".strip()
        verify: bool | str = str(config.ca_file) if config.ca_file else config.verify_tls
        self.client = httpx.Client(
            base_url=config.url,
            headers=headers,
            auth=auth,
            timeout=config.timeout_s,
            verify=verify,
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def url(self, path: str) -> str:
        return redact_url(str(self.client.build_request("GET", path).url))

    def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None
    ) -> tuple[httpx.Response, str]:
        """Send with retries; return the response and the SHA-256 of its stored body."""
        last: str = ""
        for attempt in range(self.config.retries + 1):
            if attempt:
                time.sleep(min(self.backoff_s * 2 ** (attempt - 1), 8.0))
            try:
                response = self.client.request(method, path, params=params, json=json_body)
            except httpx.TimeoutException:
                last = f"no answer within {self.config.timeout_s:g} s"
                continue
            except httpx.TransportError as exc:
                last = f"cannot connect: {type(exc).__name__}"
                continue
            if response.status_code in RETRY_STATUS and attempt < self.config.retries:
                last = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    time.sleep(min(float(retry_after), MAX_RETRY_AFTER_S))
                continue
            sha = self.raw.add(
                self.redactor.bytes(response.content),
                url=self.url(str(response.request.url)),
                status=response.status_code,
                content_type=response.headers.get("content-type", ""),
            )
            if response.status_code in (401, 403):
                raise CollectError(
                    f"HTTP {response.status_code} from {self.url(path)}: not authorised "
                    "(check the token named in the targets file)"
                )
            if response.status_code >= 500:
                raise Unavailable(f"HTTP {response.status_code} from {self.url(path)}", response.status_code)
            if response.status_code >= 400:
                raise CollectError(f"HTTP {response.status_code} from {self.url(path)}", response.status_code)
            return response, sha
        raise Unavailable(f"{self.url(path)}: {last} after {self.config.retries + 1} attempt(s)")

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> tuple[Any, httpx.Response, str]:
        response, sha = self.request("GET", path, params=params)
        return _json(response, self.url(path)), response, sha

    def post_json(self, path: str, body: Any) -> tuple[Any, httpx.Response, str]:
        response, sha = self.request("POST", path, json_body=body)
        return _json(response, self.url(path)), response, sha


def _json(response: httpx.Response, where: str) -> Any:
    try:
        return json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CollectError(f"invalid JSON from {where}") from None

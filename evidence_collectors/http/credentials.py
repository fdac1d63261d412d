"""Credentials kept to the target's origin: sent on its own requests only, and stripped from any request, header or
query parameter bound elsewhere."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from evidence_collectors.secrets import Redactor, is_sensitive_name

Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: httpx.URL) -> Origin:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 0)


class Credentials:
    """The credential headers of one target and its origin, the only one they are sent to."""

    def __init__(self, headers: dict[str, str], redactor: Redactor, home: Origin) -> None:
        self.headers = headers
        self.redactor = redactor
        self.home = home
        self._names = {name.lower() for name in headers}

    def at_home(self, url: httpx.URL) -> bool:
        return origin(url) == self.home

    def authorise(self, request: httpx.Request) -> None:
        """Credentials only on the target's own origin; anywhere else, no header that could carry one."""
        if self.at_home(request.url):
            request.headers.update(self.headers)
            return
        for name in list(request.headers):
            if self.is_credential(name, request.headers[name]):
                del request.headers[name]

    def is_credential(self, name: str, value: str) -> bool:
        """A header or query parameter that carries, or may carry, a credential."""
        return name.lower() in self._names or is_sensitive_name(name) or self.redactor.contains(value)

    def without_query_credentials(self, url: httpx.URL) -> httpx.URL:
        """`url` without the query parameters that carry, or may carry, a credential."""
        kept = [(k, v) for k, v in url.params.multi_items() if not self.is_credential(k, v)]
        return url.copy_with(query=urlencode(kept).encode() or None)

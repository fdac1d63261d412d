"""The next hop of a redirect, built as a browser would (303, and 301/302 after POST, become GET), only to http(s)
URLs, and without anything that could carry a credential when it leaves the target's origin."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from evidence_collectors.http.credentials import Credentials
from evidence_collectors.http.errors import CollectError

REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})


def next_hop(
    request: httpx.Request,
    response: httpx.Response,
    location: str,
    credentials: Credentials,
    default_headers: Mapping[str, str],
    describe: Callable[[str], str],
) -> httpx.Request:
    """The request the redirect `response` asks for with its `location`; `describe` gives a URL as messages may show
    it."""
    here = describe(str(request.url))
    try:
        url = request.url.join(location.strip()).copy_with(userinfo=b"", fragment=None)
        str(url).encode("ascii")  # a Location that httpx kept as non-ASCII text cannot be sent
        if url.port is not None and not 0 < url.port < 65536:
            raise ValueError("no such port")
    except (httpx.InvalidURL, UnicodeError, ValueError):
        raise CollectError(f"redirect to an unusable URL from {here}") from None
    if url.scheme not in ("http", "https"):
        raise CollectError(f"redirect to a {url.scheme[:20] or 'relative'} URL from {here} not followed")
    method, code = request.method, response.status_code
    if (code == 303 and method != "HEAD") or (code in (301, 302) and method == "POST"):
        method = "GET"
    headers = {k: v for k, v in default_headers.items() if not credentials.is_credential(k, v)}
    content = request.content if method == request.method and method != "GET" else None
    if content is not None:
        headers["Content-Type"] = request.headers.get("content-type", "application/json")
    if not credentials.at_home(url):
        if content:  # a body (a sign-in's password, say) kept by a 307/308 is not carried to another origin
            raise CollectError(f"redirect of a {method} with a body from {here} to another origin: not followed")
        url = credentials.without_query_credentials(url)
        if credentials.redactor.contains(str(url)):  # in the path or the host: it cannot be taken out, only refused
            raise CollectError(f"redirect from {here} to another origin with the credential in its URL: not followed")
    return httpx.Request(method, url, headers=headers, content=content, extensions=request.extensions)

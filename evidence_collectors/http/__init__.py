"""HTTP for collectors: one policy for every read, so that any server, however hostile, costs bounded time, memory and
requests, and never receives or gets stored a credential it should not.

- Credentials go only to the target's own origin (scheme, host, port). Redirects are followed hop by hop, up to
  `max_redirects`; a hop to another origin carries no credential header and no credential-like query parameter, and a
  hop whose URL itself carries a credential to another origin is refused (`redirects`, `credentials`).
- Every socket operation waits at most until the request's deadline (`request_deadline_s`), so a server that drips
  bytes cannot hold a request longer than that, however short each wait (`timeout_s`) is (`deadline`).
- Bodies are streamed against two caps: bytes as sent (`max_response_mb`) and bytes once decompressed
  (`max_decoded_mb`), so neither a huge body nor a compression bomb is ever held in memory whole (`body`).
- JSON that Python cannot hold safely (nesting too deep, integers too long, invalid UTF-8, lone surrogates) is an
  unusable answer, or has its lone surrogates replaced, never a crash (`jsonbody`).
- A target spends at most `max_requests` requests and reads at most `max_total_mb` (raw evidence is kept in memory
  until the target is done); `Retry-After` is waited for up to `max_retry_after_s` (`retry`, `session`).
- Every body kept as raw evidence, and every URL and reason, is masked for every known encoding of the credentials.

Collectors only read: the session offers GET (and POST for the few search APIs that are read-only by design).
"""

from typing import TYPE_CHECKING, Any

from evidence_collectors.http.errors import CollectError, LimitReached, RateLimited, Unavailable

if TYPE_CHECKING:
    from evidence_collectors.http.session import HttpSession

__all__ = ["CollectError", "HttpSession", "LimitReached", "RateLimited", "Unavailable"]


def __getattr__(name: str) -> Any:
    """HttpSession (and with it httpx) is imported when first used: the error classes alone are cheap."""
    if name == "HttpSession":
        from evidence_collectors.http.session import HttpSession

        return HttpSession
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

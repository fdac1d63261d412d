"""Reading the GitLab REST API v4: X-Next-Page (offset) or Link (keyset) pagination, rate-limit answers, and response
shapes checked on arrival.

Everything goes through `HttpSession` with the token in the PRIVATE-TOKEN header. Only GET is sent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from evidence_collectors.base import CollectContext
from evidence_collectors.gitlab.config import GitLabConfig
from evidence_collectors.http import HttpSession, RateLimited
from evidence_collectors.rest import LinkPagedApi, keep_refused, utc_epoch


class GitLabApi(LinkPagedApi):
    def __init__(self, config: GitLabConfig, ctx: CollectContext) -> None:
        session = HttpSession(config, ctx.raw, ctx.redactor, auth_header="PRIVATE-TOKEN", auth_scheme="")
        super().__init__(config, ctx, session, config.max_pages)
        self.session.refusals.append(self._refuse_rate_limited)
        self.project = project_path(config)

    def _next(
        self, response: httpx.Response, path: str, base: dict[str, Any]
    ) -> tuple[str, dict[str, Any] | None] | None:
        """Offset pagination names the next page in X-Next-Page; keyset pagination only sends a Link header."""
        if "x-next-page" in response.headers:
            number = response.headers["x-next-page"].strip()
            return (path, {**base, "page": number}) if number else None
        following = super()._next(response, path, base)  # a link to another host is refused at once
        return None if following is None else (self._same_origin(following[0]), None)

    def _refuse_rate_limited(self, response: httpx.Response) -> None:
        if response.status_code != 429:
            return
        where = keep_refused(self.session, response)
        headers = response.headers
        detail = []
        if headers.get("ratelimit-remaining") is not None:
            detail.append(f"{headers['ratelimit-remaining']} of {headers.get('ratelimit-limit', '?')} requests left")
        reset = headers.get("ratelimit-reset", "")
        if reset.isdigit():
            detail.append("resets at " + utc_epoch(reset))
        if headers.get("retry-after"):
            detail.append(f"retry after {headers['retry-after']} s")
        raise RateLimited(f"GitLab rate limit reached (HTTP 429 from {where}): " + (", ".join(detail) or "no detail"))


def project_path(config: GitLabConfig) -> str:
    """/api/v4/projects/group%2Fname (a path is URL-encoded); /api/v4 is not repeated when the URL already ends so."""
    prefix = "" if urlsplit(config.url).path.rstrip("/").endswith("/api/v4") else "/api/v4"
    return f"{prefix}/projects/{quote(config.project, safe='')}"

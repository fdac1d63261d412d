"""Reading the GitHub REST API: Link-header pagination, rate-limit answers, and response shapes checked on arrival.

Everything goes through `HttpSession` (deadlines, size caps, budgets, retries, raw recording, redaction).
Only GET is sent.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from evidence_collectors.base import CollectContext
from evidence_collectors.github.config import GitHubConfig
from evidence_collectors.http import HttpSession, RateLimited
from evidence_collectors.rest import LinkPagedApi, keep_refused, utc_epoch

API_VERSION = "2022-11-28"


class GitHubApi(LinkPagedApi):
    def __init__(self, config: GitHubConfig, ctx: CollectContext) -> None:
        super().__init__(config, ctx, HttpSession(config, ctx.raw, ctx.redactor), config.max_pages)
        self.session.client.headers.update(
            {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
        )
        self.session.refusals.append(self._refuse_rate_limited)
        self.repo = f"/repos/{config.repository}"

    def branch_path(self, branch: str) -> str:
        return f"{self.repo}/branches/{quote(branch, safe='')}"

    # --- rate limits ----------------------------------------------------------------------------------

    def _refuse_rate_limited(self, response: httpx.Response) -> None:
        """403/429 with x-ratelimit-remaining: 0 (primary limit) or retry-after (secondary limit): unavailable."""
        if response.status_code not in (403, 429):
            return
        headers = response.headers
        remaining, retry_after = headers.get("x-ratelimit-remaining"), headers.get("retry-after")
        if response.status_code == 403 and remaining != "0" and retry_after is None:
            return  # an ordinary permission refusal: HttpSession reports it
        where = keep_refused(self.session, response)
        raise RateLimited(
            f"GitHub rate limit reached (HTTP {response.status_code} from {where}): " + rate_limit_detail(headers)
        )


def rate_limit_detail(headers: httpx.Headers) -> str:
    if headers.get("x-ratelimit-remaining") == "0":
        limit = headers.get("x-ratelimit-limit", "?")
        resource = headers.get("x-ratelimit-resource", "core")
        reset = headers.get("x-ratelimit-reset", "")
        when = utc_epoch(reset) if reset.isdigit() else "an unknown time"
        return f"0 of {limit} requests left for '{resource}', resets at {when}"
    retry_after = headers.get("retry-after")
    if retry_after:
        return f"secondary rate limit, retry after {retry_after} s"
    return "too many requests"

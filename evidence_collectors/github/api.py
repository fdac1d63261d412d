"""Reading the GitHub REST API: Link-header pagination, rate-limit answers, and response shapes checked on arrival.

Everything goes through `HttpSession` (timeouts, retries, raw recording, redaction). Only GET is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.github.config import GitHubConfig
from evidence_collectors.http import CollectError, HttpSession, Unavailable
from evidence_collectors.secrets import redact_url

API_VERSION = "2022-11-28"
PER_PAGE = 100

M = TypeVar("M", bound=BaseModel)


class RateLimited(Unavailable):
    """GitHub refused the request for its rate limit; retrying at once cannot help, so the target is not retried."""


@dataclass
class Pages(Generic[M]):
    """Every item read from a paged list, the raw responses behind them, and whether the page cap cut the list."""

    items: list[M]
    url: str
    raw: list[str] = field(default_factory=list)
    pages: int = 0
    capped: bool = False

    def cap_note(self, what: str) -> str:
        return f" (stopped after {self.pages} pages: more {what} exist than were read)" if self.capped else ""


class GitHubApi:
    def __init__(self, config: GitHubConfig, ctx: CollectContext) -> None:
        self.config = config
        self.ctx = ctx
        self.session = HttpSession(config, ctx.raw, ctx.redactor)
        self.session.client.headers.update(
            {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
        )
        self.session.client.event_hooks["response"].append(self._refuse_rate_limited)
        self.repo = f"/repos/{config.repository}"

    def __enter__(self) -> GitHubApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.client.close()

    def url(self, path: str) -> str:
        return self.session.url(path)

    def branch_path(self, branch: str) -> str:
        return f"{self.repo}/branches/{quote(branch, safe='')}"

    # --- single objects -------------------------------------------------------------------------------

    def get(self, path: str, model: type[M], params: dict[str, Any] | None = None) -> tuple[M, str]:
        data, _, sha = self.session.get_json(path, params)
        return parse(model, data, self.url(path)), sha

    # --- paged lists ----------------------------------------------------------------------------------

    def pages(
        self,
        path: str,
        model: type[M],
        *,
        items_key: str | None = None,
        params: dict[str, Any] | None = None,
        stop: Callable[[list[M]], bool] | None = None,
        max_pages: int | None = None,
    ) -> Pages[M]:
        """Follow rel="next" links until the last page, `stop(page_items)` says enough, or the page cap.

        `items_key` names the list inside an object response (e.g. "workflow_runs"); None for array responses.
        """
        limit = max_pages or self.config.max_pages
        result: Pages[M] = Pages(items=[], url=self.url(path))
        target: str = path
        query: dict[str, Any] | None = {"per_page": PER_PAGE, **(params or {})}
        while True:
            data, response, sha = self.session.get_json(target, query)
            result.raw.append(sha)
            result.pages += 1
            where = self.url(target)
            found = data.get(items_key) if items_key and isinstance(data, dict) else data
            if not isinstance(found, list):
                raise CollectError(
                    f"unexpected response from {where}: expected a list"
                    + (f" under '{items_key}'" if items_key else "")
                )
            page = [parse(model, item, where) for item in found]
            result.items += page
            following = response.links.get("next", {}).get("url")
            if not following or (stop is not None and stop(page)):
                return result
            if result.pages >= limit:
                result.capped = True
                return result
            target, query = self._same_origin(following), None

    def _same_origin(self, link: str) -> str:
        """A next link is followed only on the API's own host, so the token never travels elsewhere."""
        base, nxt = urlsplit(self.config.url), urlsplit(link)
        if (nxt.scheme, nxt.netloc) != (base.scheme, base.netloc):
            raise CollectError(f"pagination link to another host not followed: {redact_url(link)}")
        return link

    # --- rate limits ----------------------------------------------------------------------------------

    def _refuse_rate_limited(self, response: httpx.Response) -> None:
        """403/429 with x-ratelimit-remaining: 0 (primary limit) or retry-after (secondary limit): unavailable."""
        if response.status_code not in (403, 429):
            return
        headers = response.headers
        remaining, retry_after = headers.get("x-ratelimit-remaining"), headers.get("retry-after")
        if response.status_code == 403 and remaining != "0" and retry_after is None:
            return  # an ordinary permission refusal: HttpSession reports it
        response.read()
        where = redact_url(str(response.request.url))
        self.ctx.raw.add(
            self.ctx.redactor.bytes(response.content),
            url=where,
            status=response.status_code,
            content_type=headers.get("content-type", ""),
        )
        raise RateLimited(
            f"GitHub rate limit reached (HTTP {response.status_code} from {where}): " + rate_limit_detail(headers)
        )


def rate_limit_detail(headers: httpx.Headers) -> str:
    if headers.get("x-ratelimit-remaining") == "0":
        limit = headers.get("x-ratelimit-limit", "?")
        resource = headers.get("x-ratelimit-resource", "core")
        reset = headers.get("x-ratelimit-reset", "")
        when = (
            dt.datetime.fromtimestamp(int(reset), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if reset.isdigit()
            else "an unknown time"
        )
        return f"0 of {limit} requests left for '{resource}', resets at {when}"
    retry_after = headers.get("retry-after")
    if retry_after:
        return f"secondary rate limit, retry after {retry_after} s"
    return "too many requests"


def parse(model: type[M], data: Any, where: str) -> M:
    """Validate one response object; a shape we cannot read is the system's answer being unusable."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        path = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise CollectError(f"unexpected response from {where}: {path}: {first['msg']}") from None

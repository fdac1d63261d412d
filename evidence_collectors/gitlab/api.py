"""Reading the GitLab REST API v4: X-Next-Page (offset) or Link (keyset) pagination, rate-limit answers, and response
shapes checked on arrival.

Everything goes through `HttpSession` with the token in the PRIVATE-TOKEN header. Only GET is sent.
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
from evidence_collectors.gitlab.config import GitLabConfig
from evidence_collectors.http import CollectError, HttpSession, Unavailable
from evidence_collectors.secrets import redact_url

PER_PAGE = 100

M = TypeVar("M", bound=BaseModel)


class RateLimited(Unavailable):
    """GitLab answered 429: retrying at once cannot help, so the request is not retried."""


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


class GitLabApi:
    def __init__(self, config: GitLabConfig, ctx: CollectContext) -> None:
        self.config = config
        self.ctx = ctx
        self.session = HttpSession(config, ctx.raw, ctx.redactor, auth_header="PRIVATE-TOKEN", auth_scheme="")
        self.session.client.event_hooks["response"].append(self._refuse_rate_limited)
        self.project = project_path(config)

    def __enter__(self) -> GitLabApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.client.close()

    def url(self, path: str) -> str:
        return self.session.url(path)

    def get(self, path: str, model: type[M]) -> tuple[M, str]:
        data, _, sha = self.session.get_json(path)
        return parse(model, data, self.url(path)), sha

    def pages(
        self,
        path: str,
        model: type[M],
        *,
        params: dict[str, Any] | None = None,
        stop: Callable[[list[M]], bool] | None = None,
        max_pages: int | None = None,
    ) -> Pages[M]:
        """Read pages until X-Next-Page is empty (or, without it, no rel="next" link), `stop(page)`, or the cap."""
        limit = max_pages or self.config.max_pages
        result: Pages[M] = Pages(items=[], url=self.url(path))
        base: dict[str, Any] = {"per_page": PER_PAGE, **(params or {})}
        target: str = path
        query: dict[str, Any] | None = dict(base)
        while True:
            data, response, sha = self.session.get_json(target, query)
            result.raw.append(sha)
            result.pages += 1
            where = self.url(target)
            if not isinstance(data, list):
                raise CollectError(f"unexpected response from {where}: expected a list")
            page = [parse(model, item, where) for item in data]
            result.items += page
            following = self._next(response, path, base)
            if following is None or (stop is not None and stop(page)):
                return result
            if result.pages >= limit:
                result.capped = True
                return result
            target, query = following

    def _next(
        self, response: httpx.Response, path: str, base: dict[str, Any]
    ) -> tuple[str, dict[str, Any] | None] | None:
        """Offset pagination names the next page in X-Next-Page; keyset pagination only sends a Link header."""
        if "x-next-page" in response.headers:
            number = response.headers["x-next-page"].strip()
            return (path, {**base, "page": number}) if number else None
        link = response.links.get("next", {}).get("url")
        if not link:
            return None
        home, nxt = urlsplit(self.config.url), urlsplit(link)
        if (nxt.scheme, nxt.netloc) != (home.scheme, home.netloc):
            raise CollectError(f"pagination link to another host not followed: {redact_url(link)}")
        return link, None

    def _refuse_rate_limited(self, response: httpx.Response) -> None:
        if response.status_code != 429:
            return
        response.read()
        where = redact_url(str(response.request.url))
        headers = response.headers
        self.ctx.raw.add(
            self.ctx.redactor.bytes(response.content),
            url=where,
            status=429,
            content_type=headers.get("content-type", ""),
        )
        detail = []
        if headers.get("ratelimit-remaining") is not None:
            detail.append(f"{headers['ratelimit-remaining']} of {headers.get('ratelimit-limit', '?')} requests left")
        reset = headers.get("ratelimit-reset", "")
        if reset.isdigit():
            detail.append("resets at " + dt.datetime.fromtimestamp(int(reset), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        if headers.get("retry-after"):
            detail.append(f"retry after {headers['retry-after']} s")
        raise RateLimited(f"GitLab rate limit reached (HTTP 429 from {where}): " + (", ".join(detail) or "no detail"))


def project_path(config: GitLabConfig) -> str:
    """/api/v4/projects/group%2Fname (a path is URL-encoded); /api/v4 is not repeated when the URL already ends so."""
    prefix = "" if urlsplit(config.url).path.rstrip("/").endswith("/api/v4") else "/api/v4"
    return f"{prefix}/projects/{quote(config.project, safe='')}"


def parse(model: type[M], data: Any, where: str) -> M:
    """Validate one response object; a shape we cannot read is the system's answer being unusable."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        path = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise CollectError(f"unexpected response from {where}: {path}: {first['msg']}") from None

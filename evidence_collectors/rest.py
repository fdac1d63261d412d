"""Pieces the REST API clients of the collectors share: paged results, response shapes checked on arrival, rate-limit
refusals, and a client that follows RFC 8288 `Link: <...>; rel="next"` pages on the API's own host.

Everything goes through `HttpSession` (deadlines, size caps, request budget, retries, raw recording, redaction). A
listing ends at its page cap or when the server names a page it already served (an endless or looping listing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.config import HttpTargetConfig
from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.http.credentials import origin
from evidence_collectors.secrets import redact_url

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
PER_PAGE = 100


@dataclass
class Pages(Generic[T]):
    """Every item read from a paged list, the raw responses behind them, and why reading stopped early, if it did."""

    items: list[T] = field(default_factory=list)
    url: str = ""  # where the list is read, for the records
    raw: list[str] = field(default_factory=list)
    pages: int = 0
    stopped: str = ""  # why reading stopped before the last page (a cap or guard), or "" when every page was read

    @property
    def capped(self) -> bool:
        return bool(self.stopped)

    def cap_note(self, what: str) -> str:
        return f" ({self.stopped}: more {what} exist than were read)" if self.stopped else ""


def utc_epoch(seconds: str) -> str:
    """A rate-limit reset time (epoch seconds, as the headers give it) as an ISO 8601 UTC time; "an unknown time" for
    anything else (a server may send digits beyond any date, or digits `int` refuses, such as '²')."""
    if not re.fullmatch(r"[0-9]{1,12}", seconds.strip()):
        return "an unknown time"
    try:
        return dt.datetime.fromtimestamp(int(seconds), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return "an unknown time"


# --- response shapes -----------------------------------------------------------------------------------------------


def problem(exc: ValidationError) -> tuple[str, str]:
    """Where the first validation error is (dotted path, "" for the top level) and what it says."""
    first = exc.errors(include_input=False, include_url=False)[0]
    path = ".".join(str(p) for p in first["loc"])
    if len(path) > 160:  # nesting hundreds deep: the start and the end say where
        path = f"{path[:80]}…{path[-60:]}"
    return path, first["msg"]


def parse(model: type[M], data: Any, where: str) -> M:
    """Validate one response object; a shape we cannot read is the system's answer being unusable."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        path, message = problem(exc)
        raise CollectError(f"unexpected response from {where}: {path or '(top level)'}: {message}") from None


def checked(validate: Callable[[Any], T], data: Any, where: str) -> T:
    """Validate an API answer with `validate` (a model's or a TypeAdapter's); an unusable one is a CollectError."""
    try:
        return validate(data)
    except ValidationError as exc:
        path, message = problem(exc)
        raise CollectError(f"{where}: unexpected answer ({path}: {message})") from None


# --- clients -------------------------------------------------------------------------------------------------------


def keep_refused(session: HttpSession, response: httpx.Response) -> str:
    """Store a response refused before `HttpSession` judges it (as it would have), and return its redacted URL."""
    session.keep(response)
    return session.url(str(response.request.url))


class SessionApi:
    """A client over one `HttpSession`, closed when its `with` block ends."""

    session: HttpSession

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.client.close()

    def url(self, path: str) -> str:
        return self.session.url(path)


class DetailReads:
    """Single-item reads for fields a listing leaves out, limited by the target's max_detail_reads: an API with
    thousands of items must not turn into thousands of requests."""

    details_left: int

    def get(self, path: str, model: type[M]) -> tuple[M, str]:
        raise NotImplementedError

    def detail(self, path: str, model: type[M]) -> tuple[M, str] | None:
        """One item, while the budget lasts; None once it is spent, or when the item is gone (HTTP 404: deleted since
        it was listed)."""
        if self.details_left <= 0:
            return None
        self.details_left -= 1
        try:
            return self.get(path, model)
        except CollectError as exc:
            if exc.status == 404:
                return None
            raise


class LinkPagedApi(SessionApi):
    """GETs of single objects and of paged lists (`per_page` items a page, next pages named by a `Link` header)."""

    def __init__(self, config: HttpTargetConfig, ctx: CollectContext, session: HttpSession, max_pages: int) -> None:
        self.config = config
        self.ctx = ctx
        self.session = session
        self.max_pages = max_pages

    def get(self, path: str, model: type[M], params: dict[str, Any] | None = None) -> tuple[M, str]:
        data, _, sha = self.session.get_json(path, params)
        return parse(model, data, self.url(path)), sha

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
        """Read pages until the last (see `_next`), `stop(page_items)` says enough, or the page cap.

        `items_key` names the list inside an object response (e.g. "workflow_runs"); None for array responses.
        """
        limit = max_pages or self.max_pages
        result: Pages[M] = Pages(items=[], url=self.url(path))
        base: dict[str, Any] = {"per_page": PER_PAGE, **(params or {})}
        target: str = path
        query: dict[str, Any] | None = dict(base)
        seen: set[str] = set()
        while True:
            seen.add(_page_key(target, query))
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
            following = self._next(response, path, base)
            if following is None or (stop is not None and stop(page)):
                return result
            if result.pages >= limit:
                result.stopped = f"stopped after {result.pages} pages"
                return result
            target, query = following
            if query is None:  # a link, not a page number
                target = self._same_origin(target)
            if _page_key(target, query) in seen:
                result.stopped = f"stopped after {result.pages} pages: the server named a page it had already served"
                return result

    def _next(
        self, response: httpx.Response, path: str, base: dict[str, Any]
    ) -> tuple[str, dict[str, Any] | None] | None:
        """The next page: its rel="next" link (relative to the page it came with), whose URL carries the query; None
        after the last page."""
        link = response.links.get("next", {}).get("url")
        if not link:
            return None
        try:
            return str(response.request.url.join(link)), None
        except (httpx.InvalidURL, UnicodeError, ValueError):
            raise CollectError(f"unusable pagination link from {self.url(str(response.request.url))}") from None

    def _same_origin(self, link: str) -> str:
        """A next link is followed only on the API's own origin, so the token never travels elsewhere."""
        try:
            url = httpx.URL(link)
            str(url).encode("ascii")
        except (httpx.InvalidURL, UnicodeError, ValueError):
            raise CollectError(f"unusable pagination link: {redact_url(link, self.session.redactor)}") from None
        if origin(url) != self.session.home:
            raise CollectError(f"pagination link to another host not followed: {redact_url(link)}")
        return link


def _page_key(target: str, query: dict[str, Any] | None) -> str:
    return target + "?" + "&".join(f"{k}={v}" for k, v in sorted((query or {}).items()))

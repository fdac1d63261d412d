"""Reading the Jira REST APIs: platform v3 (Cloud) or v2 (Server / Data Center), and Jira Software Agile 1.0.

Two paging styles: `startAt`/`maxResults` (with `total` or `isLast`; a server may send fewer items than asked, so the
next page starts after the items received) and, for Cloud's /rest/api/3/search/jql, `nextPageToken`. Every list stops
at its guard (max_projects, max_issues), or when the server sends a page (or a page token, or issues) it already sent,
and says so; no item is counted twice, and only the items that fit under the guard are validated. Everything goes
through `HttpSession` (Cloud: e-mail and API token as basic auth; Server / Data Center: a personal access token as a
bearer token). Only GET is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter

from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.jira.config import JiraConfig
from evidence_collectors.jira.models import (
    Board,
    BoardPage,
    ChangelogPage,
    History,
    Issue,
    JiraField,
    JqlPage,
    Named,
    Project,
    ProjectPage,
    SearchPage,
    ServerInfo,
    Sprint,
    SprintPage,
)
from evidence_collectors.rest import Pages, SessionApi, checked, parse

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
AGILE = "/rest/agile/1.0"
MAX_WHOLE_LIST = 50_000  # fields or issue types of a site, at most (large sites have a few thousand fields)
MAX_EMBEDDED = 1_000  # histories of one issue's embedded changelog validated at most (a page could hold a million)
MAX_PAGES = 10_000  # a server that never says "last" is stopped by the item guards long before this

REPEATED = "the server sent a page it had already served"

# one page, its list cut to the room left under the cap: the items kept, whether the page says it is the last (None:
# it does not say), the total it announces, and how many items it held
PageOf = Callable[[Any, str, int], tuple[list[T], bool | None, int | None, int]]


def jql_quote(value: str) -> str:
    """A JQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def issue_jql(projects: Sequence[str], types: Sequence[str], condition: str = "") -> str:
    """Issues of `types` in `projects`, optionally further restricted, oldest first (a stable order for paging)."""
    clauses = [
        f"project in ({', '.join(jql_quote(p) for p in projects)})",
        f"issuetype in ({', '.join(jql_quote(t) for t in types)})",
    ]
    if condition:
        clauses.append(condition)
    return " AND ".join(clauses) + " ORDER BY created ASC"


class JiraApi(SessionApi):
    def __init__(self, config: JiraConfig, ctx: CollectContext) -> None:
        self.config = config
        self.session = HttpSession(config, ctx.raw, ctx.redactor)  # masks user:token in every encoding too
        self.version = config.api_version if config.api_version != "auto" else "2"
        self.jql_search = config.search == "jql"

    @property
    def rest(self) -> str:
        return f"/rest/api/{self.version}"

    def _get(self, path: str, params: dict[str, Any] | None = None) -> tuple[Any, str]:
        data, _, sha = self.session.get_json(path, params)
        return data, sha

    # --- the site ---------------------------------------------------------------------------------------------

    def server_info(self) -> tuple[ServerInfo, str]:
        """Which Jira answers; with api_version/search "auto", Cloud is read through v3 and /search/jql."""
        data, sha = self._get(f"{self.rest}/serverInfo")
        info = parse(ServerInfo, data, self.url(f"{self.rest}/serverInfo"))
        if self.config.api_version == "auto":
            self.version = "3" if info.cloud else "2"
        if self.config.search == "auto":
            self.jql_search = info.cloud and self.version == "3"
        return info, sha

    def projects(self) -> Pages[Project]:
        """The projects named in the target, or every readable one up to max_projects."""
        if self.config.projects:
            found: Pages[Project] = Pages(url=self.url(f"{self.rest}/project"))
            for key in self.config.projects:
                path = f"{self.rest}/project/{quote(key, safe='')}"
                try:
                    data, sha = self._get(path)
                except CollectError as exc:
                    raise CollectError(f"project {key!r} named in the targets file: {exc}") from None
                found.items.append(parse(Project, data, self.url(path)))
                found.raw.append(sha)
                found.pages += 1
            return found
        if self.version == "3":
            return self._start_at(
                f"{self.rest}/project/search", {}, _page(ProjectPage), self.config.max_projects, "max_projects"
            )
        data, sha = self._get(f"{self.rest}/project")
        cap = self.config.max_projects
        sent = len(data) if isinstance(data, list) else 0
        kept = data[:cap] if isinstance(data, list) else data  # only what is kept is validated
        listed = checked(TypeAdapter(list[Project]).validate_python, kept, self.url(f"{self.rest}/project"))
        result: Pages[Project] = Pages(items=listed, url=self.url(f"{self.rest}/project"))
        result.raw, result.pages = [sha], 1
        if sent > cap:
            result.stopped = f"stopped at max_projects ({cap} of {sent} projects)"
        return result

    def fields(self) -> tuple[list[JiraField], list[str]]:
        return self._whole_list(f"{self.rest}/field", TypeAdapter(list[JiraField]), "fields")

    def issue_types(self) -> tuple[list[Named], list[str]]:
        return self._whole_list(f"{self.rest}/issuetype", TypeAdapter(list[Named]), "issue types")

    def _whole_list(self, path: str, adapter: TypeAdapter[list[M]], what: str) -> tuple[list[M], list[str]]:
        """A list that is needed whole (a field left out could be the one the probes look for), so one longer than
        any site has is refused rather than cut; read before it is validated, which costs memory per item."""
        data, sha = self._get(path)
        if isinstance(data, list) and len(data) > MAX_WHOLE_LIST:
            raise CollectError(f"{self.url(path)}: more than {MAX_WHOLE_LIST} {what} ({len(data)}): not read")
        return checked(adapter.validate_python, data, self.url(path)), [sha]

    # --- issues -----------------------------------------------------------------------------------------------

    def search_url(self) -> str:
        return self.url(f"{self.rest}/search/jql" if self.jql_search else f"{self.rest}/search")

    def search(self, jql: str, fields: Sequence[str], changelog: bool = False) -> Pages[Issue]:
        """Every issue the JQL finds, up to max_issues, with the fields named (and the changelog when asked)."""
        params: dict[str, Any] = {"jql": jql, "fields": ",".join(fields)}
        if changelog:
            params["expand"] = "changelog"
        if self.jql_search:
            return self._token_pages(f"{self.rest}/search/jql", params)
        return self._start_at(f"{self.rest}/search", params, _issues, self.config.max_issues, "max_issues", _key)

    def _token_pages(self, path: str, params: dict[str, Any]) -> Pages[Issue]:
        """nextPageToken pages until the last, max_issues, or a page (token or content) already served."""
        result: Pages[Issue] = Pages(url=self.url(path))
        cap = self.config.max_issues
        token: str | None = None
        tokens: set[str] = set()
        served: set[str] = set()
        known: set[object] = set()
        while True:
            query = {**params, "maxResults": self.config.page_size}
            if token:
                query["nextPageToken"] = token
            data, sha = self._get(path, query)
            room = cap - len(result.items)
            trimmed, sent = _trimmed(data, "issues", room)
            page = parse(JqlPage, trimmed, self.url(path))
            if sha in served or (page.issues and all(i.key in known for i in page.issues)):
                result.stopped = f"stopped after {result.pages} pages: {REPEATED}"
                break
            served.add(sha)
            result.raw.append(sha)
            result.pages += 1
            result.items += _fresh(page.issues, _key, known)
            token = page.next_page_token
            last = bool(page.is_last or not token or not sent)
            if sent > room or (len(result.items) >= cap and not last):
                result.stopped = f"stopped at max_issues ({cap} issues)"
                break
            if last:
                break
            assert token is not None
            if token in tokens:
                result.stopped = f"stopped after {result.pages} pages: {REPEATED}"
                break
            tokens.add(token)
            if result.pages >= MAX_PAGES:
                result.stopped = f"stopped after {result.pages} pages"
                break
        return result

    def changelog(self, key: str) -> Pages[History]:
        """An issue's whole changelog (up to max_issues entries), for issues whose embedded changelog holds only the
        newest entries."""
        if self.version == "3":
            path = f"{self.rest}/issue/{quote(key, safe='')}/changelog"
            return self._start_at(path, {}, _page(ChangelogPage), self.config.max_issues, "max_issues")
        path = f"{self.rest}/issue/{quote(key, safe='')}"
        data, sha = self._get(path, {"expand": "changelog", "fields": "created"})
        issue = parse(Issue, _short_changelog(data), self.url(path))
        histories = issue.changelog.histories if issue.changelog else []
        read = Pages(items=histories, url=self.url(path), raw=[sha], pages=1)
        if issue.changelog is not None and issue.changelog.partial:
            read.stopped = f"stopped at {len(histories)} of {issue.changelog.total} entries"
        return read

    # --- boards and sprints -------------------------------------------------------------------------------------

    def boards(self, project: str) -> Pages[Board]:
        return self._start_at(
            f"{AGILE}/board", {"projectKeyOrId": project}, _page(BoardPage), self.config.max_issues, "max_issues"
        )

    def sprints(self, board: int) -> Pages[Sprint]:
        path = f"{AGILE}/board/{board}/sprint"
        return self._start_at(path, {}, _page(SprintPage), self.config.max_issues, "max_issues")

    def sprint_issues(self, sprint: int, fields: Sequence[str]) -> Pages[Issue]:
        return self._start_at(
            f"{AGILE}/sprint/{sprint}/issue",
            {"fields": ",".join(fields)},
            _issues,
            self.config.max_issues,
            "max_issues",
            _key,
        )

    # --- paging -------------------------------------------------------------------------------------------------

    def _start_at(
        self,
        path: str,
        params: dict[str, Any],
        page_of: PageOf[T],
        cap: int,
        guard: str,
        ident: Callable[[T], object] | None = None,
    ) -> Pages[T]:
        """startAt/maxResults pages until the last (isLast, total reached, or an empty page) or `cap` items.

        Only the items that fit under `cap` are validated (a page of a million costs no more than `cap`); a page the
        server has already sent, or one bringing no item not read before (`ident` says which are the same), ends the
        listing without counting anything twice."""
        result: Pages[T] = Pages(url=self.url(path))
        start = 0
        served: set[str] = set()
        known: set[object] = set()
        while True:
            data, sha = self._get(path, {**params, "startAt": start, "maxResults": self.config.page_size})
            room = cap - len(result.items)
            items, last, total, sent = page_of(data, self.url(path), room)
            if sha in served or (ident is not None and items and all(ident(i) in known for i in items)):
                result.stopped = f"stopped after {result.pages} pages: {REPEATED}"
                break
            served.add(sha)
            if ident is not None:  # an item met before (pages that overlap) is counted once
                items = _fresh(items, ident, known)
            result.raw.append(sha)
            result.pages += 1
            result.items += items
            start += sent
            if last is None:
                last = start >= total if total is not None else sent < self.config.page_size
            if sent > room or (len(result.items) >= cap and not last):
                result.stopped = f"stopped at {guard} ({cap})"
                break
            if last or not sent:
                break
            if result.pages >= MAX_PAGES:
                result.stopped = f"stopped after {result.pages} pages"
                break
        return result


def _trimmed(data: Any, key: str, room: int) -> tuple[Any, int]:
    """`data` with its list under `key` cut to `room` items before it is validated, and how many the server sent;
    issues with their embedded changelogs cut too."""
    found = data.get(key) if isinstance(data, dict) else None
    if not isinstance(found, list):
        return data, 0
    kept = found[: max(room, 0)]
    if key == "issues":
        kept = [_short_changelog(item) for item in kept]
    return {**data, key: kept}, len(found)


def _short_changelog(item: Any) -> Any:
    """An issue whose embedded changelog holds more than MAX_EMBEDDED histories with only the first of them, still
    announcing at least as many as were sent, so that it counts as partial (and is read on its own, within caps)."""
    log = item.get("changelog") if isinstance(item, dict) else None
    histories = log.get("histories") if isinstance(log, dict) else None
    if not isinstance(log, dict) or not isinstance(histories, list) or len(histories) <= MAX_EMBEDDED:
        return item
    total = log.get("total")
    total = total if type(total) is int and total > len(histories) else len(histories)
    return {**item, "changelog": {**log, "histories": histories[:MAX_EMBEDDED], "total": total}}


def _page(model: type[ProjectPage] | type[ChangelogPage] | type[BoardPage] | type[SprintPage]) -> PageOf[Any]:
    def page_of(data: Any, where: str, room: int) -> tuple[list[Any], bool | None, int | None, int]:
        trimmed, sent = _trimmed(data, "values", room)
        page = parse(model, trimmed, where)
        return list(page.values), page.is_last, page.total, sent

    return page_of


def _issues(data: Any, where: str, room: int) -> tuple[list[Issue], bool | None, int | None, int]:
    trimmed, sent = _trimmed(data, "issues", room)
    page = parse(SearchPage, trimmed, where)
    return page.issues, None, page.total, sent


def _key(issue: Issue) -> str:
    return issue.key


def _fresh(items: list[T], ident: Callable[[T], object], known: set[object]) -> list[T]:
    """The items not met before, each once, now known."""
    kept = []
    for item in items:
        if ident(item) not in known:
            known.add(ident(item))
            kept.append(item)
    return kept

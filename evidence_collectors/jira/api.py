"""Reading the Jira REST APIs: platform v3 (Cloud) or v2 (Server / Data Center), and Jira Software Agile 1.0.

Two paging styles: `startAt`/`maxResults` (with `total` or `isLast`; a server may send fewer items than asked, so the
next page starts after the items received) and, for Cloud's /rest/api/3/search/jql, `nextPageToken`. Every list stops
at its guard (max_projects, max_issues) and says so. Everything goes through `HttpSession` (Cloud: e-mail and API
token as basic auth; Server / Data Center: a personal access token as a bearer token). Only GET is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import TypeAdapter

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
AGILE = "/rest/agile/1.0"
MAX_PAGES = 10_000  # a server that never says "last" is stopped by the item guards long before this

# one page: its items, whether it says it is the last (None: it does not say), and the total it announces
PageOf = Callable[[Any, str], tuple[list[T], bool | None, int | None]]


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
        listed = checked(TypeAdapter(list[Project]).validate_python, data, self.url(f"{self.rest}/project"))
        result: Pages[Project] = Pages(items=listed[: self.config.max_projects], url=self.url(f"{self.rest}/project"))
        result.raw, result.pages = [sha], 1
        if len(listed) > self.config.max_projects:
            result.stopped = f"stopped at max_projects ({self.config.max_projects} of {len(listed)} projects)"
        return result

    def fields(self) -> tuple[list[JiraField], list[str]]:
        data, sha = self._get(f"{self.rest}/field")
        return checked(TypeAdapter(list[JiraField]).validate_python, data, self.url(f"{self.rest}/field")), [sha]

    def issue_types(self) -> tuple[list[Named], list[str]]:
        data, sha = self._get(f"{self.rest}/issuetype")
        return checked(TypeAdapter(list[Named]).validate_python, data, self.url(f"{self.rest}/issuetype")), [sha]

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
        return self._start_at(f"{self.rest}/search", params, _issues, self.config.max_issues, "max_issues")

    def _token_pages(self, path: str, params: dict[str, Any]) -> Pages[Issue]:
        result: Pages[Issue] = Pages(url=self.url(path))
        token: str | None = None
        seen: set[str] = set()
        while True:
            query = {**params, "maxResults": self.config.page_size}
            if token:
                query["nextPageToken"] = token
            data, sha = self._get(path, query)
            page = parse(JqlPage, data, self.url(path))
            result.raw.append(sha)
            result.pages += 1
            result.items += page.issues
            token = page.next_page_token
            if page.is_last or not token or not page.issues:
                break
            if len(result.items) >= self.config.max_issues:
                result.stopped = f"stopped at max_issues ({self.config.max_issues} issues)"
                break
            if token in seen:
                result.stopped = f"stopped after {result.pages} pages: the server named a page it had already served"
                break
            seen.add(token)
        result.items = result.items[: self.config.max_issues]
        return result

    def changelog(self, key: str) -> tuple[list[History], list[str]]:
        """An issue's whole changelog, for issues whose embedded changelog holds only the newest entries."""
        if self.version == "3":
            path = f"{self.rest}/issue/{quote(key, safe='')}/changelog"
            pages = self._start_at(path, {}, _page(ChangelogPage), self.config.max_issues, "max_issues")
            return pages.items, pages.raw
        path = f"{self.rest}/issue/{quote(key, safe='')}"
        data, sha = self._get(path, {"expand": "changelog", "fields": "created"})
        issue = parse(Issue, data, self.url(path))
        return (issue.changelog.histories if issue.changelog else []), [sha]

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
        )

    # --- paging -------------------------------------------------------------------------------------------------

    def _start_at(self, path: str, params: dict[str, Any], page_of: PageOf[T], cap: int, guard: str) -> Pages[T]:
        """startAt/maxResults pages until the last (isLast, total reached, or an empty page) or `cap` items."""
        result: Pages[T] = Pages(url=self.url(path))
        start = 0
        while True:
            data, sha = self._get(path, {**params, "startAt": start, "maxResults": self.config.page_size})
            items, last, total = page_of(data, self.url(path))
            result.raw.append(sha)
            result.pages += 1
            result.items += items
            start += len(items)
            if last is None:
                last = start >= total if total is not None else len(items) < self.config.page_size
            if last or not items:
                break
            if len(result.items) >= cap:
                result.stopped = f"stopped at {guard} ({cap})"
                break
            if result.pages >= MAX_PAGES:
                result.stopped = f"stopped after {result.pages} pages"
                break
        result.items = result.items[:cap]
        return result


def _page(model: type[ProjectPage] | type[ChangelogPage] | type[BoardPage] | type[SprintPage]) -> PageOf[Any]:
    def page_of(data: Any, where: str) -> tuple[list[Any], bool | None, int | None]:
        page = parse(model, data, where)
        return list(page.values), page.is_last, page.total

    return page_of


def _issues(data: Any, where: str) -> tuple[list[Issue], bool | None, int | None]:
    page = parse(SearchPage, data, where)
    return page.issues, None, page.total

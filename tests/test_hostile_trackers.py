"""The Jira and ZenTao collectors against hostile servers on 127.0.0.1: listings that never end or loop, pages far
larger than asked for, answers with every type wrong, dates no calendar holds, text built to make a regular
expression backtrack for minutes, sign-in answers that are HTML, redirect the password elsewhere or hide the token.
Each ends within its limits as `ok` with what could be read (and a note when cut short), or as `unavailable`/`error`
with a reason that says what the server did; never as a collector failure, and no credential reaches the bundle."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from evidence_collectors.bundle import write_bundle
from evidence_collectors.criteria import measurable
from evidence_collectors.jira.collector import JiraCollector
from evidence_collectors.jira.figures import key_order
from evidence_collectors.jira.figures import on_time as jira_on_time
from evidence_collectors.jira.models import Sprint
from evidence_collectors.jira.text import AC_LABELS, as_text, section
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.runner import collect
from evidence_collectors.targets import Target
from evidence_collectors.zentao.collector import ZentaoCollector
from evidence_collectors.zentao.figures import PlanView, is_measurable, plain_text
from evidence_collectors.zentao.figures import on_time as zentao_on_time
from tests.support.hostile import (
    Counter,
    HostileHandler,
    HostileServer,
    Route,
    answer,
    credential_forms,
    echo,
    leaks,
)
from tests.support.hostile import collect_target as run
from tests.support.memory import run_with_peak

Records = dict[str, EvidenceRecord]
TOKEN_ENV = "HOSTILE_TRACKER_TOKEN"
TOKEN = "jira-PAT-hostile-0123456789"
PASSWORD_ENV = "HOSTILE_TRACKER_PASSWORD"
PASSWORD = "zentao-Pa55word-hostile"
ISSUED = "zt-issued-token-abcdef0123456789"
FORMS = credential_forms(TOKEN, PASSWORD, ISSUED)


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def query(h: HostileHandler) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(h.path).query).items()}


def no_collector_failure(records: Records) -> None:
    """No record is a collector failure, and none names a credential."""
    for probe, record in records.items():
        assert not (record.reason or "").startswith("collector failed"), (probe, record.reason)
        assert not leaks(f"{record.reason} {record.summary}", FORMS), (probe, record.reason, record.summary)


def failed(records: Records, probes: tuple[str, ...], words: str) -> None:
    """Each of `probes` is unavailable or an error whose reason holds `words`."""
    no_collector_failure(records)
    for probe in probes:
        record = records[probe]
        assert record.status in (EvidenceStatus.unavailable, EvidenceStatus.error), (probe, record.status)
        assert words in (record.reason or ""), (probe, record.reason)


def timed(call: Callable[[], Records]) -> tuple[Records, float]:
    began = time.monotonic()
    records = call()
    return records, time.monotonic() - began


# --- a Jira site ---------------------------------------------------------------------------------------------------

REQ = ("jira.requirements", "jira.requirements_with_acceptance_criteria_ratio")
TYPES = [{"name": n} for n in ("Story", "Test", "Bug", "Risk", "Test Execution")]
AC_FIELD = {"id": "customfield_100", "name": "Acceptance Criteria", "custom": True}


def issue(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(n),
        "key": f"ML-{n}",
        "fields": {"issuetype": {"name": "Story"}, "created": "2026-12-01T10:00:00.000+0000", **fields},
    }


def jira_site(
    server: HostileServer,
    search: Route,
    *,
    cloud: bool = False,
    fields: list[dict[str, Any]] | None = None,
    extra: dict[str, Route] | None = None,
) -> None:
    """A Jira site with one project, ML; every search answers with `search` (the other listings are empty)."""
    rest = "/rest/api/3" if cloud else "/rest/api/2"
    info = answer({"version": "9.12", "deploymentType": "Cloud" if cloud else "Server"})
    server.routes.update(
        {
            "/rest/api/2/serverInfo": info,  # asked first: it says which API version to read
            f"{rest}/serverInfo": info,
            f"{rest}/project/ML": answer({"id": "1", "key": "ML"}),
            f"{rest}/field": answer(fields if fields is not None else [AC_FIELD]),
            f"{rest}/issuetype": answer(TYPES),
            "/rest/agile/1.0/board": answer({"values": [], "isLast": True}),
            f"{rest}/search": search,
            **(extra or {}),
        }
    )


def jira(server: HostileServer, **fields: Any) -> Records:
    base = {"token_env": TOKEN_ENV, "projects": ["ML"], "page_size": 10, "max_issues": 50}
    return run(JiraCollector, server.url, **(base | fields))


def stories_only(route: Route) -> Route:
    """`route` for requirement searches; every other search finds nothing."""

    def search(h: HostileHandler) -> None:
        if "Story" in query(h).get("jql", ""):
            route(h)
        else:
            h.send(200, json.dumps({"issues": [], "total": 0, "isLast": True}).encode())

    return search


def test_jira_classic_paging_whose_start_never_advances_counts_each_issue_once(home: HostileServer) -> None:
    """The server ignores startAt and announces ever more issues: the same ten come back on every page."""
    jira_site(
        home,
        stories_only(
            lambda h: h.send(200, json.dumps({"issues": [issue(n) for n in range(10)], "total": 10**9}).encode())
        ),
    )
    records, took = timed(lambda: jira(home))
    no_collector_failure(records)
    assert records["jira.requirements"].value == 10, records["jira.requirements"].summary
    assert "already" in records["jira.requirements"].summary
    assert home.hits("/rest/api/2/search?jql=project") < 10
    assert took < 15


def test_jira_classic_total_that_grows_stops_at_max_issues(home: HostileServer) -> None:
    pages = Counter()

    def growing(h: HostileHandler) -> None:
        n = pages.next()
        start = int(query(h).get("startAt", "0"))
        items = [issue(start + k) for k in range(10)]
        h.send(200, json.dumps({"issues": items, "total": start + 10 + n}).encode())

    jira_site(home, stories_only(growing))
    records, took = timed(lambda: jira(home))
    no_collector_failure(records)
    assert records["jira.requirements"].value == 50
    assert "stopped at max_issues (50)" in records["jira.requirements"].summary
    assert took < 15


@pytest.mark.parametrize("tokens", [["A", "A"], ["A", "B", "A"], ["A", "B", "C", "B"]])
def test_jira_cloud_page_tokens_that_repeat_or_cycle_end_without_counting_twice(
    home: HostileServer, tokens: list[str]
) -> None:
    """nextPageToken names a page already served (at once, or after a cycle): each page is counted once."""

    def cycling(h: HostileHandler) -> None:
        asked = query(h).get("nextPageToken", "")
        served = ["", *tokens].index(asked) if asked in ["", *tokens] else 0
        nxt = tokens[min(served, len(tokens) - 1)]
        body = {"issues": [issue(ord(asked[:1] or "0") * 100 + k) for k in range(10)], "nextPageToken": nxt}
        h.send(200, json.dumps(body).encode())

    jira_site(home, stories_only(cycling), cloud=True)
    records = jira(home, max_issues=1000)
    no_collector_failure(records)
    distinct = len(set(tokens)) + 1
    assert records["jira.requirements"].value == 10 * distinct, records["jira.requirements"].summary
    assert "already served" in records["jira.requirements"].summary


def test_jira_cloud_fresh_tokens_for_the_same_issues_end_without_counting_twice(home: HostileServer) -> None:
    """Every page names a new nextPageToken but holds the same ten issues (a server that does not advance)."""
    turn = Counter()

    def same(h: HostileHandler) -> None:
        h.send(200, json.dumps({"issues": [issue(k) for k in range(10)], "nextPageToken": f"t{turn.next()}"}).encode())

    jira_site(home, stories_only(same), cloud=True)
    records = jira(home, max_issues=1000)
    no_collector_failure(records)
    assert records["jira.requirements"].value == 10, records["jira.requirements"].summary
    assert "stopped after 1 pages: the server sent a page it had already served" in records["jira.requirements"].summary


def test_jira_page_far_larger_than_asked_is_cut_to_max_issues(home: HostileServer) -> None:
    big = json.dumps({"issues": [issue(n) for n in range(20_000)], "total": 20_000}).encode()
    jira_site(home, stories_only(lambda h: h.send(200, big)))
    records, took = timed(lambda: jira(home))
    no_collector_failure(records)
    assert records["jira.requirements"].value == 50
    assert "stopped at max_issues (50)" in records["jira.requirements"].summary
    assert took < 15


CHILD = """
import json, sys
from evidence_collectors.jira.collector import JiraCollector
from evidence_collectors.zentao.collector import ZentaoCollector
from tests.support.hostile import collect_target
collector = ZentaoCollector if sys.argv[2] == "zentao" else JiraCollector
scope = {"zentao": {"max_items": 100}, "jira-projects": {}}.get(sys.argv[2], {"projects": ["ML"], "max_issues": 100})
records = collect_target(collector, sys.argv[1], token_env="HOSTILE_TRACKER_TOKEN", page_size=100, timeout_s=30,
                         request_deadline_s=60, **scope)
print(json.dumps({p: [r.status.value, r.value, r.summary, r.reason] for p, r in records.items()}))
"""
MILLION = 999_990  # just under the JSON value cap of the HTTP layer (two values an item: its comma and its colon)


@pytest.mark.parametrize("kind", ["jira", "zentao", "jira-projects", "jira-changelog"])
def test_a_page_of_a_million_items_keeps_memory_bounded(home: HostileServer, tmp_path: Path, kind: str) -> None:
    """A million items on one page (or the most the JSON value cap lets through): only what the caps allow is
    validated; the collection's peak memory, sampled in its own process, stays far below what validating every item
    takes."""
    if kind == "jira":
        items = b",".join(b'{"key":"ML-%d"}' % n for n in range(MILLION))
        jira_site(home, stories_only(lambda h: h.send(200, b'{"total": 1, "issues": [' + items + b"]}")))
        probe, cap = "jira.requirements", "stopped at max_issues (100)"
    elif kind == "jira-projects":  # Jira Server lists every project in one answer; three values a project
        items = b",".join(b'{"id":"%d","key":"P%d"}' % (n, n) for n in range(MILLION // 3))
        jira_site(
            home,
            stories_only(answer({"issues": []})),
            extra={"/rest/api/2/project": lambda h: h.send(200, b"[" + items + b"]")},
        )
        probe, cap = "jira.projects", f"stopped at max_projects (50 of {MILLION // 3} projects)"
    elif kind == "jira-changelog":  # one issue whose embedded changelog holds 490,000 entries (four values each)
        entries = b",".join([b'{"created":"2026-12-01T10:00:00Z"}'] * 490_000)
        one = b'{"key": "ML-1", "changelog": {"histories": [' + entries + b"]}}"
        jira_site(
            home,
            stories_only(lambda h: h.send(200, b'{"issues": [' + one + b"]}")),
            extra={"/rest/api/2/issue/ML-1": lambda h: h.send(200, one)},
        )
        probe, cap = "jira.requirements", "changelogs read only in part: ML-1 stopped at 1000 of 490000 entries"
    else:
        items = b",".join(b'{"id":%d}' % n for n in range(1, MILLION + 1))
        zentao_site(home, {"/api.php/v1/products/1/bugs": lambda h: h.send(200, b'{"bugs": [' + items + b"]}")})
        probe, cap = "zentao.bugs", "stopped at max_items (100)"
    out = tmp_path / "out.json"
    with out.open("wb") as sink:
        code, err, peak = run_with_peak(
            [sys.executable, "-c", CHILD, home.url, kind], timeout_s=60, stdout=sink, cwd=Path(__file__).parents[1]
        )
    assert code == 0, err[-2000:]
    record = json.loads(out.read_text())[probe]
    assert record[0] == "ok" and cap in record[2], record
    assert not leaks(err, FORMS)
    # validating every item took 1.6 GB (jira), 0.9 GB (zentao), 0.34 GB (jira-projects), 0.51 GB (jira-changelog)
    limit = 450 if kind in ("jira", "zentao") else 250
    assert peak < limit, f"peak {peak:.0f} MB"


def test_jira_deeply_nested_and_huge_descriptions(home: HostileServer) -> None:
    """An ADF description nested 100,000 levels (beyond what JSON can be parsed to) fails its read; one nested 300
    levels and one of 5 MB of text lines are read within bounds."""
    deep = b'{"issues": [{"key": "ML-1", "fields": {"description": ' + b'{"type":"doc","content":[' * 100_000
    deep += b"]}" * 100_000 + b"}}]}"
    jira_site(home, stories_only(lambda h: h.send(200, deep)))
    records, took = timed(lambda: jira(home))
    failed(records, REQ, "nested too deep")
    assert took < 15

    text = json.dumps({"type": "text", "text": "Acceptance criteria: p95 under 200 ms"})
    nested = '{"type": "paragraph", "content": [' * 300 + text + "]}" * 300
    lines = {"type": "doc", "content": [{"type": "text", "text": "x\n" * 2_500_000}]}
    issues = [json.dumps(issue(1, description="@")).replace('"@"', nested), json.dumps(issue(2, description=lines))]
    page = ('{"total": 2, "issues": [' + ",".join(issues) + "]}").encode()
    home.routes["/rest/api/2/search"] = stories_only(lambda h: h.send(200, page))
    records, took = timed(lambda: jira(home, max_response_mb=20))
    no_collector_failure(records)
    assert records["jira.requirements"].value == 2
    assert took < 20


def test_jira_changelog_of_millions_and_out_of_order(home: HostileServer) -> None:
    """An embedded changelog announcing 5 million entries is read on its own, page by page, and stops at max_issues
    entries with a note; histories out of order still give the first review and the changes after it."""
    review = {"field": "status", "toString": "Approved"}
    edit = {"field": "description"}
    histories = [
        {"created": "2026-12-05T10:00:00.000+0000", "items": [edit]},
        {"created": "2026-12-02T10:00:00.000+0000", "items": [review]},
        {"created": "2026-12-03T10:00:00.000+0000", "items": [review]},
    ]
    listed = issue(1)
    listed["changelog"] = {"startAt": 0, "maxResults": 3, "total": 5_000_000, "histories": histories}

    def endless(h: HostileHandler) -> None:
        start = int(query(h).get("startAt", "0"))
        more = [{"created": f"2026-11-{1 + n % 28:02d}T10:00:00.000+0000", "id": str(start + n)} for n in range(10)]
        h.send(200, json.dumps({"values": histories + more, "total": 5_000_000, "startAt": start}).encode())

    jira_site(
        home,
        stories_only(answer({"issues": [listed], "total": 1})),
        cloud=True,
        extra={"/rest/api/3/issue/ML-1/changelog": endless},
    )
    records, took = timed(lambda: jira(home))
    no_collector_failure(records)
    summary = records["jira.requirements"].summary
    assert "changelogs read only in part: ML-1 stopped at max_issues (50)" in summary, summary
    assert home.hits("/rest/api/3/issue/ML-1/changelog") == 4  # 13 entries a page, 50 at most
    assert records["jira.requirements_reviewed_ratio"].value == 1.0
    assert records["jira.requirements_changed_after_review"].value == 1
    assert took < 15


# label, the search answer, and what comes of it: "" for figures counted, else words of the reason
WRONG: list[tuple[str, Any, str]] = [
    ("strings for numbers", {"issues": [issue(1, timeoriginalestimate="3600")], "total": "1"}, ""),
    ("null fields", {"issues": [{"key": "ML-1", "fields": None}], "total": None}, "issues.0.fields: Input should be"),
    ("array for an object", {"issues": [issue(1, status=[{"name": "Done"}])]}, "issues.0.fields.status: Input should"),
    (
        "NaN and 1e400",
        '{"issues": [{"key": "ML-1", "fields": {"timeoriginalestimate": NaN, "customfield_100": 1e400,'
        ' "created": Infinity}}], "total": 1}',
        "",
    ),
    ("a huge integer", '{"issues": [{"key": "ML-1", "fields": {"customfield_100": 1' + "0" * 400 + "}}]}", ""),
    ("zero date", {"issues": [issue(1, created="0000-00-00 00:00:00")]}, "issues.0.fields.created: Input should be"),
    ("no time zone", {"issues": [issue(1, created="2026-12-01T10:00:00")], "total": 1}, ""),
    ("epoch millis as a string", {"issues": [issue(1, created="1796000000000")], "total": 1}, ""),
    ("a key of 5000 digits", {"issues": [{"key": "ML-" + "9" * 5000}, {"key": "ML-²"}], "total": 2}, ""),
    ("issues as an object", {"issues": {"ML-1": issue(1)}, "total": 1}, "issues: Input should be a valid list"),
    ("a number for the page", 42, "(top level): Input should be a valid dictionary"),
]


@pytest.mark.parametrize(("label", "page", "reason"), WRONG, ids=[w[0] for w in WRONG])
def test_jira_answers_with_wrong_types_never_crash(home: HostileServer, label: str, page: Any, reason: str) -> None:
    body = page.encode() if isinstance(page, str) else json.dumps(page).encode()
    jira_site(home, lambda h: h.send(200, body))
    records = jira(home)
    if reason:
        failed(records, REQ, reason)
    else:
        no_collector_failure(records)
        assert all(records[p].status is EvidenceStatus.ok for p in REQ), (label, records[REQ[0]].reason)


LAST = "9999-12-31T23:59:59Z"


def test_jira_sprint_dates_at_the_edge_of_the_calendar(home: HostileServer) -> None:
    """A sprint ending on the last day a datetime holds, and one completed in year 1: no arithmetic overflows."""
    sprints = [
        {
            "id": 1,
            "state": "closed",
            "startDate": "2026-11-01T00:00:00Z",
            "endDate": "9999-12-31T23:59:59Z",
            "completeDate": "2026-12-01T00:00:00Z",
        },
        {"id": 2, "state": "active", "startDate": "0001-01-01T00:00:00+05:00", "endDate": "0001-01-01T00:00:00Z"},
        {"id": 3, "state": "closed", "endDate": "2026-12-01T00:00:00-23:59", "completeDate": "9999-12-31T23:59:59Z"},
    ]
    jira_site(
        home,
        stories_only(answer({"issues": [], "total": 0})),
        extra={
            "/rest/agile/1.0/board": answer({"values": [{"id": 1, "type": "scrum"}], "isLast": True}),
            "/rest/agile/1.0/board/1/sprint": answer({"values": sprints, "isLast": True}),
            "/rest/agile/1.0/sprint": answer(
                {"issues": [issue(7, status={"name": "Done"}, resolutiondate="9999-12-31T23:59:59Z")]}
            ),
        },
    )
    records = jira(home, window_days=3660)
    no_collector_failure(records)
    assert records["jira.plans"].status is EvidenceStatus.ok, records["jira.plans"].reason


def test_jira_links_to_itself_and_out_of_scope_and_odd_field_names(home: HostileServer) -> None:
    """Links forming a cycle, naming the issue itself or an issue of another project; custom field names full of
    regular-expression metacharacters and 10,000 characters long."""
    odd = [
        {"id": "customfield_1", "name": "Acceptance Criteria (.*+?[" + "(a+)+" * 2000, "custom": True},
        {"id": "customfield_2", "name": "Story Points " + "x" * 10_000, "custom": True},
        {"id": "customfield_3" + "]" * 100, "name": "[[(?P<", "custom": True},
    ]
    self_link = {
        "type": {"name": "Relates"},
        "outwardIssue": {"key": "ML-1", "fields": {"issuetype": {"name": "Story"}}},
    }
    foreign = {"type": {"name": "Tests"}, "inwardIssue": {"key": "XX-9", "fields": {"issuetype": {"name": "Test"}}}}
    issues = [
        issue(1, issuelinks=[self_link, foreign, None, {}], customfield_1="at least 90 %"),
        issue(2, issuelinks=[{"outwardIssue": {"key": "ML-1"}}], customfield_2="5"),
    ]
    jira_site(home, stories_only(answer({"issues": issues, "total": 2})), fields=odd)
    records = jira(home)
    no_collector_failure(records)
    assert records["jira.requirements"].value == 2
    assert records["jira.requirements_with_measurable_criteria_ratio"].value == 0.5
    assert records["jira.requirements_linked_to_test_cases_ratio"].value == 0.5


# --- pure functions on adversarial text ----------------------------------------------------------------------------

ADVERSARIAL = [
    "1" * 100_000,
    "9." * 50_000,
    "1," * 50_000,
    "1 " * 50_000,
    "at least " * 11_000,
    "<" * 100_000,
    "不低于" * 33_000,
    "1" * 99_990 + " ms",
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: f"{t[:6]!r}x{len(t)}")
def test_measurable_criteria_take_linear_time_on_100_kb(text: str) -> None:
    began = time.perf_counter()
    found = measurable(text) or is_measurable(text)
    assert time.perf_counter() - began < 1.0
    assert found == text.endswith(" ms")


def test_measurable_criteria_still_read_numbers() -> None:
    for text in ("p95 under 200 ms", "recall >= 0.85", "不低于 90", "99.5%", "1,000 users", "3 秒", "12.5.3 ms"):
        assert measurable(text), text
    for text in ("v1.2.3 of the API", "works well", "1.x"):
        assert not measurable(text), text


def test_html_of_unclosed_tags_is_stripped_in_linear_time() -> None:
    began = time.perf_counter()
    assert plain_text("<" * 200_000 + "b>验收").endswith("< 验收")
    assert time.perf_counter() - began < 1.0
    assert plain_text("&#39564;&#25910;&#26631;&#20934;<br/>&lt;200ms") == "验收标准 <200ms"


def test_issue_keys_and_sprint_ends_beyond_what_int_and_datetime_hold() -> None:
    assert key_order("ML-²") == ("ML-²", 0, "ML-²")
    assert key_order("ML-" + "9" * 5000)[1] == 0
    assert key_order("ML-10") == ("ML", 10, "")
    last = dt.datetime.max.replace(tzinfo=dt.UTC)
    assert jira_on_time(Sprint(id=1, endDate=last, completeDate=last))
    view = PlanView("execution", 1, "x", None, last, True, last)
    assert zentao_on_time(view)


def test_jira_text_of_huge_values() -> None:
    assert as_text(10**400) == "1" + "0" * 400
    assert section("x\n" * 100_000 + "Acceptance criteria: 5 ms", AC_LABELS) == "5 ms"
    began = time.perf_counter()
    assert section("x\n" * 20_000_000 + "Acceptance criteria: 5 ms", AC_LABELS) == ""  # beyond what is searched
    assert measurable("1" * 10_000_000 + " ms") is False  # likewise
    assert time.perf_counter() - began < 5.0


# --- a ZenTao server -----------------------------------------------------------------------------------------------

PRODUCT = {"products": [{"id": 1, "name": "推荐"}], "page": 1, "total": 1, "limit": 100}


def story(n: int | str, **fields: Any) -> dict[str, Any]:
    return {"id": n, "title": f"需求 {n}", "openedDate": "2026-12-01 10:00:00", "verify": "", **fields}


def zentao_site(server: HostileServer, routes: dict[str, Route] | None = None, *, token: Route | None = None) -> None:
    """One product whose listings are empty unless `routes` say otherwise."""
    empty = {"page": 1, "total": 0, "limit": 100}
    server.routes.update(
        {
            "/api.php/v1/tokens": token or answer({"token": ISSUED}, 201),
            "/api.php/v1/products": answer(PRODUCT),
            "/api.php/v1/products/1/stories": answer(empty | {"stories": []}),
            "/api.php/v1/products/1/testcases": answer(empty | {"testcases": []}),
            "/api.php/v1/products/1/bugs": answer(empty | {"bugs": []}),
            "/api.php/v1/products/1/projects": answer(empty | {"projects": []}),
            "/api.php/v1/products/1/plans": answer(empty | {"plans": []}),
            **(routes or {}),
        }
    )


def zentao(server: HostileServer, *, sign_in: bool = True, **fields: Any) -> Records:
    login = {"account": "auditor", "password_env": PASSWORD_ENV} if sign_in else {"token_env": TOKEN_ENV}
    return run(ZentaoCollector, server.url, **(login | {"page_size": 10, "max_items": 50} | fields))


ZREQ = ("zentao.requirements", "zentao.requirements_with_acceptance_criteria_ratio")


def test_zentao_listing_that_cycles_between_pages_counts_each_once(home: HostileServer) -> None:
    """The server answers page 1, 2, 1, 2, ... (never the same page twice in a row) and announces a huge total."""

    def cycling(h: HostileHandler) -> None:
        asked = int(query(h).get("page", "1"))
        bugs = [{"id": (asked - 1) % 2 * 10 + k + 1, "openedDate": "2026-12-01"} for k in range(10)]
        h.send(200, json.dumps({"page": asked, "total": 10**9, "limit": 10, "bugs": bugs}).encode())

    zentao_site(home, {"/api.php/v1/products/1/bugs": cycling})
    records, took = timed(lambda: zentao(home, max_items=1000))
    no_collector_failure(records)
    assert records["zentao.bugs"].value == 20, records["zentao.bugs"].summary
    assert "again" in records["zentao.bugs"].summary
    assert took < 15


def test_zentao_listing_whose_total_lies_and_limit_is_ignored(home: HostileServer) -> None:
    """`limit` ignored (20,000 items on one page), `total` as text: only max_items are read."""
    stories = [story(n, verify="响应时间不超过 200 毫秒") for n in range(1, 20_001)]
    body = json.dumps({"page": "1", "total": "many", "limit": "all", "stories": stories}).encode()
    zentao_site(home, {"/api.php/v1/products/1/stories": lambda h: h.send(200, body)})
    records, took = timed(lambda: zentao(home))
    no_collector_failure(records)
    assert records["zentao.requirements"].value == 50
    assert "stopped at max_items (50)" in records["zentao.requirements"].summary
    assert took < 15


def test_zentao_wrong_types_and_dates(home: HostileServer) -> None:
    stories = [
        story(1, openedDate="0000-00-00 00:00:00", pri="高", estimate="NaN", plan={"id": "x"}),
        story(2, openedDate="2026-12-01", reviewedBy=[None, 3, {"account": ["x"]}], version="1e400"),
        story(3, openedDate=1796000000000, verify=["a"], status=None),
        story("4", openedDate="2026-12-01T10:00:00+99:99", reviewedDate="9999-12-31 23:59:59-05:00"),
    ]
    executions = [
        {"id": 1, "status": "closed", "begin": "2026-11-01", "end": "9999-12-31", "realEnd": "9999-12-31"},
        {"id": 2, "status": "closed", "begin": "2026-11-01", "end": "2030-01-01", "closedDate": "2026-12-01"},
    ]
    zentao_site(
        home,
        {
            "/api.php/v1/products/1/stories": answer({"page": 1, "total": 4, "limit": 10, "stories": stories}),
            "/api.php/v1/products/1/projects": answer({"page": 1, "total": 1, "limit": 10, "projects": [{"id": 5}]}),
            "/api.php/v1/projects/5/executions": answer({"page": 1, "total": 2, "executions": executions}),
            "/api.php/v1/executions": answer({"page": 1, "total": 0, "stories": []}),
        },
    )
    records = zentao(home, window_days=3660)
    no_collector_failure(records)
    assert records["zentao.plans"].status is EvidenceStatus.ok, records["zentao.plans"].reason
    assert records["zentao.requirements"].status is EvidenceStatus.ok, records["zentao.requirements"].reason


UTF8 = "application/json; charset=utf-8"


def test_zentao_body_in_gbk_with_a_utf8_charset_is_an_error(home: HostileServer) -> None:
    body = json.dumps({"page": 1, "total": 1, "stories": [story(1, verify="不低于 90%")]}, ensure_ascii=False)
    zentao_site(
        home,
        {
            "/api.php/v1/products/1/stories": lambda h: h.send(
                200, body.encode("gbk"), "application/json; charset=utf-8"
            )
        },
    )
    records = zentao(home)
    failed(records, ZREQ, "not valid UTF-8")


# --- ZenTao signing in ---------------------------------------------------------------------------------------------


def zentao_bundle(server: HostileServer, tmp_path: Path) -> tuple[Records, dict[str, bytes]]:
    config = ZentaoCollector.config_model.model_validate(
        {
            "collector": "zentao",
            "name": "hostile",
            "url": server.url,
            "timeout_s": 2,
            "retries": 0,
            "account": "auditor",
            "password_env": PASSWORD_ENV,
        }
    )
    collection = collect([Target(config=config, collector=ZentaoCollector)])
    write_bundle(tmp_path / "bundle", collection)
    files = {p.name: p.read_bytes() for p in (tmp_path / "bundle").rglob("*") if p.is_file()}
    return {r.probe: r for r in collection.records}, files


def no_leak(files: dict[str, bytes]) -> None:
    for name, data in files.items():
        assert not leaks(data, FORMS), (name, leaks(data, FORMS))


def test_zentao_token_endpoint_answering_html_fails_and_keeps_no_token(home: HostileServer, tmp_path: Path) -> None:
    page = f'<html><body><form><input name="token" value="{ISSUED}"><p>{PASSWORD}</p></form></body></html>'
    zentao_site(home, token=lambda h: h.send(200, page.encode(), "text/html"))
    records, files = zentao_bundle(home, tmp_path)
    failed(records, ("zentao.projects",), "invalid JSON")
    no_leak(files)


@pytest.mark.parametrize("status", [302, 307, 308])
def test_zentao_sign_in_redirected_elsewhere_does_not_carry_the_password(
    home: HostileServer, elsewhere: HostileServer, tmp_path: Path, status: int
) -> None:
    zentao_site(home, token=lambda h: h.send(status, b"", headers={"Location": f"{elsewhere.url}/api.php/v1/tokens"}))
    elsewhere.routes["/api.php/v1/tokens"] = answer({"token": ISSUED, "echo": "x"})
    elsewhere.routes["/"] = echo()
    records, files = zentao_bundle(home, tmp_path)
    no_collector_failure(records)
    for seen in elsewhere.seen:
        assert seen.method == "GET", seen  # 302 turns the POST into a GET without its body
        assert not leaks(json.dumps(seen.headers) + seen.target, FORMS), seen
    if status == 302:
        assert elsewhere.seen
    else:  # 307 and 308 would keep the method and the body, password included
        assert not elsewhere.seen
        failed(records, ("zentao.projects",), "to another origin: not followed")
    no_leak(files)


def test_zentao_token_only_in_a_cookie_fails_and_the_cookie_is_neither_kept_nor_sent(
    home: HostileServer, tmp_path: Path
) -> None:
    zentao_site(
        home,
        token=lambda h: h.send(201, b'{"status": "success"}', headers={"Set-Cookie": f"zentaosid={ISSUED}; Path=/"}),
    )
    records, files = zentao_bundle(home, tmp_path)
    failed(records, ("zentao.projects",), "token")
    assert not any("cookie" in k.lower() for s in home.seen for k in s.headers)
    no_leak(files)


def test_zentao_html_escaped_chinese_criteria_are_read(home: HostileServer) -> None:
    verify = "&#21709;&#24212;&#26102;&#38388;&#19981;&#36229;&#36807; 200 &#27627;&#31186;"  # 响应时间不超过 200 毫秒
    zentao_site(
        home,
        {"/api.php/v1/products/1/stories": answer({"page": 1, "total": 1, "stories": [story(1, verify=verify)]})},
    )
    records = zentao(home)
    no_collector_failure(records)
    assert records["zentao.requirements_with_measurable_criteria_ratio"].value == 1.0


@pytest.mark.parametrize("issued", ["令牌-0123456789abcdef", "zt-token\r\nX-Evil: 1-0123456789", "zt " * 2000])
def test_zentao_token_no_header_can_carry_fails_cleanly(home: HostileServer, tmp_path: Path, issued: str) -> None:
    zentao_site(home, token=answer({"token": issued}, 201))
    records, files = zentao_bundle(home, tmp_path)
    failed(records, ("zentao.projects",), "a token that cannot be sent in an HTTP header")
    assert not any("X-Evil" in k or "x-evil" in k for s in home.seen for k in s.headers)
    for data in files.values():
        assert issued.encode() not in data


def test_jira_site_with_more_fields_than_any_site_has_is_an_error(home: HostileServer) -> None:
    """Fields are needed whole (the acceptance criteria field could be the one left out): a list of 60,000 is
    refused, not cut, and every probe that needs it says why."""
    fields = [{"id": f"customfield_{n}", "name": f"f{n}", "custom": True} for n in range(60_000)]
    jira_site(home, stories_only(answer({"issues": [issue(1)]})), fields=fields)
    records = jira(home)
    failed(records, REQ, "more than 50000 fields (60000): not read")


def test_jira_search_that_trickles_one_issue_a_page_ends_at_the_request_budget(home: HostileServer) -> None:
    def trickle(h: HostileHandler) -> None:
        start = int(query(h).get("startAt", "0"))
        h.send(200, json.dumps({"issues": [issue(start)], "total": 10**12}).encode())

    jira_site(home, stories_only(trickle))
    records, took = timed(lambda: jira(home, max_issues=100_000, max_requests=40))
    failed(records, REQ, "request budget of 40 requests spent")
    assert took < 15


# --- feasibility, scenario and effort facts ------------------------------------------------------------------------

FACTS = (
    "jira.requirements_with_feasibility_ratio",
    "jira.projects_with_feasibility_ratio",
    "jira.projects_with_scenario_ratio",
    "jira.requirements_with_time_logged_ratio",
)


def test_jira_odd_feasibility_headings_and_logged_time(home: HostileServer) -> None:
    """A heading of a megabyte, 200,000 empty feasibility headings in a row, a user story of repeated openings and
    time fields of every wrong type: read within bounds, each counted only when it really holds."""
    descriptions = [
        "h3. Feasibility " + "x" * 1_000_000 + "\nfeasible",  # a heading's own words are not its content
        "h3. Feasibility\n" * 200_000,  # all empty
        "As a " * 200_000 + " I want it so that it works",  # the parts beyond what is searched
        "*Feasibility conclusion:* feasible with conditions\nh3. Usage scenario\nbatch scoring every night",
    ]
    times: list[dict[str, Any]] = [
        {"timespent": "NaN", "aggregatetimespent": {"x": 1}},
        {"timespent": -3600, "timetracking": ["3600"]},
        {"timespent": None, "aggregatetimespent": None, "timetracking": {"timeSpentSeconds": "1800"}},
        {"timespent": True},
    ]
    issues = [issue(n + 1, description=d, **t) for n, (d, t) in enumerate(zip(descriptions, times, strict=True))]
    page = json.dumps({"total": len(issues), "issues": issues}).encode()
    jira_site(home, stories_only(lambda h: h.send(200, page)))
    records, took = timed(lambda: jira(home, max_response_mb=20))
    no_collector_failure(records)
    assert {records[p].status for p in FACTS} == {EvidenceStatus.ok}
    assert records["jira.requirements_with_feasibility_ratio"].value == 0.25  # only the last
    assert records["jira.projects_with_scenario_ratio"].value == 1.0  # the last one's section
    assert records["jira.requirements_with_time_logged_ratio"].value == 0.25  # only timeSpentSeconds "1800"
    assert took < 20


ZFACTS = tuple(p.replace("jira.", "zentao.") for p in FACTS)


def test_zentao_odd_specs_and_tasks(home: HostileServer) -> None:
    """Specs of unclosed heading tags, a megabyte heading and 100,000 empty feasibility headings, workflow fields
    that are not text, and tasks whose hours and story links come in every wrong form."""
    specs = [
        "<h3" * 200_000 + ">可行性结论",
        "<h3>可行性" + "评" * 1_000_000 + "</h3><p>可行</p>",  # a heading's own words are not its content
        "<h3>可行性</h3>" * 100_000,
        "<p><b>可行性结论：</b>有条件可行</p><h4>业务场景</h4><p>贷前批量评分</p>",
    ]
    stories = [story(n + 1, spec=s, product=1) for n, s in enumerate(specs)]
    stories[0]["feasibility"] = {"value": "可行"}  # a workflow field that is not text is not read
    stories[1]["feasibilityNote"] = ["可行"]
    tasks = [
        {"id": 1, "story": 1, "consumed": "NaN"},
        {"id": 2, "story": "2,3", "consumed": 5},
        {"id": 3, "story": 3, "consumed": "-4"},
        {"id": 4, "story": {"id": 4}, "consumed": "1.5"},
        {"id": 5, "story": 1, "consumed": 10**30},
    ]
    executions = [{"id": 9, "status": "doing", "begin": "2026-11-01", "end": "2026-12-31"}]
    listing = {"page": 1, "total": len(stories), "limit": 10, "stories": stories}
    zentao_site(
        home,
        {
            "/api.php/v1/products/1/stories": answer(listing),
            "/api.php/v1/products/1/projects": answer({"page": 1, "total": 1, "limit": 10, "projects": [{"id": 5}]}),
            "/api.php/v1/projects/5/executions": answer({"page": 1, "total": 1, "executions": executions}),
            "/api.php/v1/executions/9/tasks": answer({"page": 1, "total": len(tasks), "limit": 10, "tasks": tasks}),
            "/api.php/v1/executions/9/stories": answer({"page": 1, "total": 0, "stories": []}),
        },
    )
    records, took = timed(lambda: zentao(home, max_response_mb=20))
    no_collector_failure(records)
    assert {records[p].status for p in ZFACTS} == {EvidenceStatus.ok}
    assert records["zentao.requirements_with_feasibility_ratio"].value == 0.25  # only the last
    assert records["zentao.projects_with_scenario_ratio"].value == 1.0
    # story 1 (10**30 hours, a number however large) and story 4 (linked as an object, "1.5"); not "NaN", "-4" or a
    # link to "2,3"
    assert records["zentao.requirements_with_time_logged_ratio"].value == 0.5
    assert took < 20


def test_zentao_failing_task_listing_costs_only_the_effort_figure(home: HostileServer) -> None:
    """Tasks that answer 500 then a page that is not JSON: the effort figure is an error, the story figures stand."""
    executions = [{"id": 9, "status": "doing", "begin": "2026-11-01", "end": "2026-12-31"}]
    stories = [story(1, spec="<p>可行性：可行</p>", product=1)]
    zentao_site(
        home,
        {
            "/api.php/v1/products/1/stories": answer({"page": 1, "total": 1, "limit": 10, "stories": stories}),
            "/api.php/v1/products/1/projects": answer({"page": 1, "total": 1, "limit": 10, "projects": [{"id": 5}]}),
            "/api.php/v1/projects/5/executions": answer({"page": 1, "total": 1, "executions": executions}),
            "/api.php/v1/executions/9/tasks": lambda h: h.send(200, b"<html>upgrading</html>"),
        },
    )
    records = zentao(home)
    failed(records, ("zentao.requirements_with_time_logged_ratio",), "tasks")
    assert records["zentao.requirements_with_feasibility_ratio"].value == 1.0
    assert records["zentao.plans"].status is EvidenceStatus.ok

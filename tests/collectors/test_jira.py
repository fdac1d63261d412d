"""Jira collector against recorded REST API responses (platform v2/v3, Agile 1.0) served over real HTTP on 127.0.0.1.

The fixtures (tests/collectors/fixtures/jira/) are written by generate.py from tables of issues and sprints, one row
of flags each; the expected figures beside them (expected-jira.json for Jira Server, expected-cloud.json for Jira
Cloud) are counted from the same flags, not by the collector's code.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.criteria import measurable
from evidence_collectors.jira import JiraCollector
from evidence_collectors.jira.collector import BUG_PROBES, REQUIREMENT_PROBES, RISK_PROBES, TEST_PROBES
from evidence_collectors.jira.config import JiraConfig
from evidence_collectors.jira.models import Issue
from evidence_collectors.jira.text import AC_LABELS, adf_text, as_text, section
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer
from tests.support.servers import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "jira"
TOKEN = "NjM5ODk0OTk1MDQ2OlTestJiraPatSECRETx7"
EMAIL = "auditor@acme.example"
BASIC = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
ENV = "MLOPS_TEST_JIRA_TOKEN"
REQ_JQL = 'project in ("ML", "DATA") AND issuetype in ("Epic", "Story") AND created >= -180d ORDER BY created ASC'

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def config(url: str, name: str = "jira", **extra: Any) -> JiraConfig:
    fields = {"collector": "jira", "name": name, "url": url, "token_env": ENV}
    return collecting.target_config(JiraConfig, fields, extra)


def server_config(srv: RecordedHttpServer, **extra: Any) -> JiraConfig:
    return config(f"{srv.base_url}/jira", projects=["ML", "DATA"], **extra)


def cloud_config(srv: RecordedHttpServer, **extra: Any) -> JiraConfig:
    return config(f"{srv.base_url}/cloud", "cloud", username=EMAIL, **extra)


def collect(cfg: JiraConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(JiraCollector, cfg, "jira.")


def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"expected-{name}.json").read_text(encoding="utf-8"))
    return data


def values(records: collecting.Records) -> dict[str, Any]:
    return {probe: r.value for probe, r in records.items()}


# --- figures ---------------------------------------------------------------------------------------------------


def test_server_figures_match_the_recorded_site(server: RecordedHttpServer) -> None:
    records, ctx = collect(server_config(server))
    assert {r.status for r in records.values()} == {EvidenceStatus.ok}
    assert values(records) == expected("jira")
    assert values(records)["requirements"] == 24 and values(records)["plans"] == 8  # the tables' sizes
    summary = {probe: r.summary for probe, r in records.items()}
    assert (
        "18 of 24 requirements (75.0%) have acceptance criteria"
        in summary["requirements_with_acceptance_criteria_ratio"]
    )
    assert "4 of 16 reviewed requirement(s)" in summary["requirements_changed_after_review"]
    assert summary["requirements_changed_after_review"].endswith(": ML-1, ML-4, ML-5, ML-10")
    assert "(3 active" not in summary["plans"] and "(2 active, 6 closed)" in summary["plans"]
    assert "Sprint 12" in summary["plans_closed_on_time_ratio"] and "Sprint 20" in summary["plans_closed_on_time_ratio"]
    assert "(5 open)" in summary["risks"]
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        assert record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
    # three pages of requirements, the field and issue type lists, and ML-3's whole changelog
    assert len(records["requirements"].raw_sha256) == 6
    assert records["requirements"].source.url.endswith("/jira/rest/api/2/search")
    assert records["plans"].source.system == "issue_tracker"


def test_cloud_figures_match_the_recorded_site(server: RecordedHttpServer) -> None:
    records, _ = collect(cloud_config(server))
    assert {r.status for r in records.values()} == {EvidenceStatus.ok}
    assert values(records) == expected("cloud")
    assert records["requirements"].source.url.endswith("/cloud/rest/api/3/search/jql")
    assert "2 project(s) read: AI, MLOPS" in records["projects"].summary


def test_server_reads_page_by_page_with_the_documented_parameters(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(server_config(server))
    assert {r.method for r in seen} == {"GET"}, "read-only"
    assert not [r for r in server.unmatched if r in seen]
    assert {r.headers.get("authorization") for r in seen} == {f"Bearer {TOKEN}"}, "Server: a personal access token"
    searches = [r.query for r in seen if r.path == "/jira/rest/api/2/search" and r.query["jql"] == REQ_JQL]
    # the server sends 10 issues a page whatever is asked: the next page starts after the issues received
    assert [q["startAt"] for q in searches] == ["0", "10", "20"]
    assert all(q["expand"] == "changelog" for q in searches)
    fields = searches[0]["fields"].split(",")
    assert {"customfield_10100", "customfield_10016", "customfield_10010", "issuelinks", "fixVersions"} <= set(fields)
    assert [r.path for r in seen if "/issue/" in r.path] == ["/jira/rest/api/2/issue/ML-3"], "long changelogs only"
    sprint_pages = [r.query["startAt"] for r in seen if r.path == "/jira/rest/agile/1.0/board/1/sprint"]
    assert sprint_pages == ["0", "5"], "board 1 is read once, although both projects show it"
    assert not [r for r in seen if r.path.startswith("/jira/rest/agile/1.0/board/2")], "kanban boards have no sprints"
    sprint_reads = sorted({r.path.split("/")[-2] for r in seen if r.path.endswith("/issue") and "sprint" in r.path})
    assert sprint_reads == ["11", "12", "13", "14", "20", "21"], "closed sprints in the window only"
    assert [r.query["startAt"] for r in seen if r.path.endswith("/sprint/14/issue")] == ["0", "5", "10"]


def test_cloud_reads_with_next_page_tokens_and_basic_auth(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(cloud_config(server))
    assert not [r for r in server.unmatched if r in seen]
    assert {r.headers.get("authorization") for r in seen} == {f"Basic {BASIC}"}, "Cloud: e-mail and API token"
    paths = [r.path for r in seen]
    assert paths[0] == "/cloud/rest/api/2/serverInfo", "the version is read before any v3 call"
    assert not [p for p in paths[1:] if "/rest/api/2/" in p]
    assert [r.query["startAt"] for r in seen if r.path.endswith("/project/search")] == ["0", "1"]
    tokens = [r.query.get("nextPageToken") for r in seen if r.path.endswith("/search/jql") and "expand" in r.query]
    assert tokens == [None, "requirements-page-2"]
    assert "/cloud/rest/api/3/issue/AI-3/changelog" in paths
    assert "/cloud/rest/api/3/search" not in paths, "the classic search is not used on Cloud"


def test_all_readable_projects_when_none_are_named(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/jira"))
    assert values(records) == expected("jira"), "the project list gives the same projects, in the same order"
    capped, _ = collect(config(f"{server.base_url}/jira", "capped", max_projects=1, max_issues=10))
    assert capped["projects"].value == 1 and "stopped at max_projects" in capped["projects"].summary
    assert capped["requirements"].status is EvidenceStatus.error, "the JQL for one project is not recorded"


def test_issue_guard_is_said_in_the_summary(server: RecordedHttpServer) -> None:
    records, _ = collect(server_config(server, max_issues=10))
    assert records["requirements"].value == 10
    assert "stopped at max_issues (10)" in records["requirements"].summary
    assert records["bugs"].value == 8, "lists shorter than the guard are whole"


def test_long_changelogs_are_read_up_to_their_guard(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(server_config(server, max_changelog_reads=0))
    assert not [r for r in seen if "/issue/" in r.path]
    assert records["requirements_reviewed_ratio"].value == round(15 / 24, 4), "ML-3's review is in its older entries"
    assert "max_changelog_reads" in records["requirements_reviewed_ratio"].summary


def test_the_window_is_configurable(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(server_config(server, window_days=30))
    assert "created >= -30d" in next(r.query["jql"] for r in seen if r.path.endswith("/search"))
    # sprints 15 and 22 are active, sprint 21 ended 26 days ago; of the closed sprints only 21 is read
    assert (records["plans"].value, records["plans_closed_on_time_ratio"].value) == (3, 1.0)
    assert records["plan_completion_ratio"].value == 1.0
    assert "in the last 30 days" in records["plans"].summary


def test_the_type_names_are_configurable(server: RecordedHttpServer) -> None:
    records, _ = collect(server_config(server, risk_types=["Hazard"], bug_types=["Bug"], test_case_types=["测试用例"]))
    assert records["risks"].value == 0 and records["risks_with_owner_and_mitigation_ratio"].value == 0.0
    assert "the site has no issue type named hazard" in records["risks"].summary
    assert "no risks to check" in records["risks_with_owner_and_mitigation_ratio"].summary
    assert records["test_cases"].value == 0
    assert records["bugs"].value == 8


# --- faults ------------------------------------------------------------------------------------------------------


def test_a_failing_search_costs_only_its_own_probes(server: RecordedHttpServer) -> None:
    started = time.monotonic()
    records, _ = collect(config(f"{server.base_url}/partial", "partial", projects=["ML"]))
    assert time.monotonic() - started < 10, "the hanging search is abandoned after timeout_s"
    status = {probe: r.status for probe, r in records.items()}
    assert records["projects"].value == 1
    assert (records["plans"].value, records["plans_with_dates_ratio"].value) == (2, 1.0)
    assert records["plans_closed_on_time_ratio"].value == 1.0
    requirement_probes = [p for p in status if f"jira.{p}" in REQUIREMENT_PROBES]
    assert len(requirement_probes) == len(REQUIREMENT_PROBES) == 17
    assert {status[p] for p in requirement_probes} == {EvidenceStatus.unavailable}
    assert records["requirements"].reason.startswith("requirement issues: HTTP 500 from ")
    assert {status[p] for p in status if p.startswith("test_cases")} == {EvidenceStatus.error}
    assert "invalid JSON" in records["test_cases"].reason
    assert {status[p] for p in status if p.startswith("bugs")} == {EvidenceStatus.unavailable}
    assert "retry after 120 s" in records["bugs"].reason
    assert {status[p] for p in status if p.startswith("risks")} == {EvidenceStatus.unavailable}
    assert "no answer within 1 s" in records["risks"].reason
    assert status["plan_completion_ratio"] is EvidenceStatus.error
    assert records["plan_completion_ratio"].reason.startswith("sprint issues: HTTP 403")
    for record in records.values():
        assert (record.value is None) == (record.status is not EvidenceStatus.ok)
        assert record.status is EvidenceStatus.ok or record.summary.startswith(record.status.value)


def test_an_unreadable_field_list_fails_the_issue_probes_only(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/nofields", "nofields"))
    issue_sections = (*REQUIREMENT_PROBES, *TEST_PROBES, *BUG_PROBES, *RISK_PROBES)
    issue_probes = [p for p in records if f"jira.{p}" in issue_sections]
    assert len(issue_probes) == len(issue_sections) == 32  # projects_with_* are counted from the requirement issues
    assert {records[p].status for p in issue_probes} == {EvidenceStatus.unavailable}
    assert all("/nofields/rest/api/2/field" in (records[p].reason or "") for p in issue_probes)
    assert (records["projects"].value, records["plans"].value, records["plan_completion_ratio"].value) == (1, 0, 0.0)
    assert "no requirements planned to check" in records["plan_completion_ratio"].summary


def test_whole_target_failures_become_records_and_other_targets_complete(server: RecordedHttpServer) -> None:
    collection = collecting.collect_targets(
        JiraCollector,
        config(f"{server.base_url}/locked", "locked"),
        config(f"http://127.0.0.1:{free_port()}/jira", "refused"),
        config(f"{server.base_url}/jira", "missing", projects=["NOPE"]),
        server_config(server, name="ok"),
    )
    by_target = collecting.records_by_target(collection.records)
    locked = by_target["locked"]
    assert {r.status for r in locked} == {EvidenceStatus.error}, "a refused token: no probe has a value"
    assert all("HTTP 401" in (r.reason or "") and "not authorised" in (r.reason or "") for r in locked)
    assert {r.status for r in by_target["refused"]} == {EvidenceStatus.unavailable}
    assert "cannot connect" in (by_target["refused"][0].reason or "")
    assert {r.status for r in by_target["missing"]} == {EvidenceStatus.error}
    assert "project 'NOPE' named in the targets file: HTTP 404" in (by_target["missing"][0].reason or "")
    assert {r.status for r in by_target["ok"]} == {EvidenceStatus.ok}


def test_the_token_appears_nowhere(server: RecordedHttpServer) -> None:
    collection = collecting.collect_targets(
        JiraCollector,
        server_config(server, name="ok"),
        cloud_config(server),
        config(f"{server.base_url}/partial", "partial", projects=["ML"]),
        config(f"{server.base_url}/locked", "locked"),
        config(f"{server.base_url}/locked", "locked-cloud", username=EMAIL),
    )
    assert any(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in server.seen("/locked"))
    assert any(r.headers.get("authorization") == f"Basic {BASIC}" for r in server.seen("/locked"))
    for record in collection.records:
        text = record.model_dump_json()
        assert TOKEN not in text and BASIC not in text
    bodies = b"".join(item.body + item.url.encode() for item in collection.raw.items())
    assert TOKEN.encode() not in bodies and BASIC.encode() not in bodies
    assert b"Invalid credentials presented: Bearer ***" in bodies, "the echoed token is masked in the stored body"
    assert b"Invalid credentials presented: Basic ***" in bodies
    assert b"browse the sprint for Bearer ***" in bodies
    with pytest.raises(Exception) as caught:
        JiraCollector().collect(
            config(f"{server.base_url}/locked", "locked"), CollectContext(raw=RawStore(), redactor=Redactor())
        )
    assert TOKEN not in str(caught.value) and BASIC not in str(caught.value)


# --- text and shapes -----------------------------------------------------------------------------------------------


def test_descriptions_in_wiki_markup_and_document_format_give_the_same_sections() -> None:
    wiki = "h2. Context\nScoring for new customers.\nh3. Acceptance criteria\n* AUC ≥ 0.85\n* 延迟不超过 200 毫秒\n"
    wiki += "h3. Notes\nx"
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Context"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Scoring for new customers."}]},
            {"type": "heading", "attrs": {"level": 3}, "content": [{"type": "text", "text": "Acceptance criteria"}]},
            {
                "type": "bulletList",
                "content": [
                    {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": t}]}]}
                    for t in ("AUC ≥ 0.85", "延迟不超过 200 毫秒")
                ],
            },
            {"type": "heading", "attrs": {"level": 3}, "content": [{"type": "text", "text": "Notes"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "x"}]},
        ],
    }
    assert section(wiki, AC_LABELS) == "* AUC ≥ 0.85 * 延迟不超过 200 毫秒"
    assert section(adf_text(doc), AC_LABELS) == "AUC ≥ 0.85 延迟不超过 200 毫秒"
    assert section("验收标准：\n# 召回率不低于 85%", AC_LABELS) == "# 召回率不低于 85%", "# is a wiki list item"
    assert section("The acceptance of the model is unclear.", AC_LABELS) == ""
    assert section("h3. Acceptance criteria\nh3. Notes\nlater", AC_LABELS) == "", "an empty section is no criteria"
    assert section("h3. Acceptance criteria (draft)\n*Notes*\nlater", AC_LABELS) == ""
    assert section("*Acceptance criteria:*\nF1 >= 0.7", AC_LABELS) == "F1 >= 0.7"
    assert as_text({"type": "doc", "version": 1, "content": []}) == ""
    assert as_text({"self": "x", "value": "", "id": "1"}) == "", "an option without a value is not set"
    nested: dict[str, Any] = {"type": "doc", "content": []}
    inner = nested
    for _ in range(500):  # deeper than anything readable: cut short, no crash
        child: dict[str, Any] = {"type": "blockquote", "content": []}
        inner["content"].append(child)
        inner = child
    inner["content"].append({"type": "text", "text": "deep"})
    assert adf_text(nested) == ""


@pytest.mark.parametrize(
    ("criteria", "expected_value"),
    [
        ("recall >= 0.8 on the holdout set", True),
        ("p95 latency under 150 ms", True),
        ("准确率不低于 90%", True),
        ("响应时间 200 毫秒以内", True),
        ("at least 3 reviewers sign off", True),
        ("the dashboard shows the new segment", False),
        ("works across 2 sprints of data", False),
        ("uses the v2 API", False),
    ],
)
def test_measurable_criteria(criteria: str, expected_value: bool) -> None:
    assert measurable(criteria) is expected_value


def test_jira_times_with_numeric_offsets_are_read() -> None:
    issue = Issue.model_validate(
        {"key": "ML-1", "fields": {"created": "2024-03-01T09:00:00.000+0800", "updated": "2024-03-02"}}
    )
    assert issue.fields.created is not None and issue.fields.created.utcoffset() is not None
    assert issue.fields.created.isoformat() == "2024-03-01T09:00:00+08:00"
    assert issue.fields.updated is not None and issue.fields.updated.tzinfo is not None
    linked = Issue.model_validate(
        {"key": "ML-2", "fields": {"issuelinks": [None, {"outwardIssue": {"key": "ML-9", "fields": {}}}]}}
    )
    assert [link.other.key for link in linked.links if link.other] == ["ML-9"], "a null link is skipped"


# --- configuration ---------------------------------------------------------------------------------------------


def test_config_defaults_and_refusals() -> None:
    base = {"collector": "jira", "name": "jira", "url": "https://acme.atlassian.net"}
    cfg = JiraConfig.model_validate(base)
    assert (cfg.projects, cfg.window_days, cfg.api_version, cfg.search) == ([], 180, "auto", "auto")
    assert "Story" in cfg.requirement_types and "需求" in cfg.requirement_types
    assert "已评审" in cfg.review_statuses and "Approved" in cfg.review_statuses
    bad: list[dict[str, Any]] = [
        {"token": TOKEN},  # inline credentials
        {"url": f"https://{EMAIL.split('@')[0]}:{TOKEN}@acme.atlassian.net"},
        {"projects": ["ML; DROP"]},
        {"window_days": 0},
        {"api_version": "4"},
        {"requirement_types": [""]},
        {"token_env": ENV},  # a Cloud API token goes with the account's e-mail address
    ]
    for extra in bad:
        with pytest.raises(ValidationError) as caught:
            JiraConfig.model_validate({**base, **extra})
        assert TOKEN not in str(caught.value)


def test_probe_catalogue_is_complete() -> None:
    collecting.assert_catalogue_complete(JiraCollector, "jira.")
    assert JiraCollector.system == "issue_tracker" and JiraCollector.version == "1.0.0"
    assert json.loads(json.dumps([s.model_dump() for s in JiraCollector.probes]))
    assert set(expected("jira")) == {p.removeprefix("jira.") for p in JiraCollector.probe_ids()}

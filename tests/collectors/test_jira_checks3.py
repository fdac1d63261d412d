"""The Jira probes added for automated checks of defect handling and performance targets: bugs assigned to a person,
bugs with a severity, an affected version and a test case, and projects whose requirements state a model performance
target. Recorded Jira Server and Cloud answers (fixtures/jira, written by generate.py from its tables) served over real
HTTP on 127.0.0.1, and the rules on hand-made issues."""

from __future__ import annotations

import time
from typing import Any

import pytest

from evidence_collectors.jira import JiraCollector
from evidence_collectors.jira.config import JiraConfig
from evidence_collectors.jira.figures import (
    FieldMap,
    Kinds,
    bug_findings,
    has_precondition,
    has_test_data,
    project_plan_finding,
    requirement_facts,
    target_finding,
)
from evidence_collectors.jira.models import Issue, JiraField, Sprint
from evidence_collectors.jira.text import performance_target
from evidence_collectors.records import EvidenceStatus
from tests.collectors.test_jira import EMAIL, ENV, FIXTURES, TOKEN
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)

NEW = (
    "projects_with_dated_plans_ratio",
    "test_cases_fully_specified_ratio",
    "projects_with_performance_target_ratio",
    "bugs_with_owner_ratio",
    "bugs_with_severity_version_and_test_case_ratio",
)


def collect(srv: RecordedHttpServer, site: str, **extra: Any) -> collecting.Records:
    fields = {"collector": "jira", "name": site, "url": f"{srv.base_url}/{site}", "token_env": ENV}
    records, _ = collecting.collect_records(JiraCollector, collecting.target_config(JiraConfig, fields, extra), "jira.")
    return records


def test_new_probes_are_in_the_catalogue_with_both_languages() -> None:
    specs = {p.id: p for p in JiraCollector.probes}
    for suffix in NEW:
        spec = specs[f"jira.{suffix}"]
        assert spec.value_type == "ratio" and spec.short and spec.short_zh


def test_server_site(server: RecordedHttpServer) -> None:
    records = collect(server, "jira", projects=["ML", "DATA"])
    assert all(records[p].status is EvidenceStatus.ok for p in NEW)
    # ML-203 and DATA-202 have no assignee
    assert records["bugs_with_owner_ratio"].value == 0.75
    assert records["bugs_with_owner_ratio"].summary.startswith("6 of 8 bugs (75.0%) have an assignee")
    # ML-202 and DATA-201 have all three; ML-201 and ML-206 are linked to requirements, ML-205 has no version
    assert records["bugs_with_severity_version_and_test_case_ratio"].value == 0.25
    # ML-101 (Xray step data), ML-102, ML-107 (Precondition field with a test data part), ML-108 and ML-110; ML-104
    # has preconditions only, ML-105 no expected result, DATA-101 a Precondition field holding only test data
    assert records["test_cases_fully_specified_ratio"].value == round(5 / 13, 4)
    # ML's board 1 holds sprints 11-15, all dated; DATA's board 3 also holds sprint 20, closed without an end date
    assert records["projects_with_dated_plans_ratio"].value == 0.5
    assert records["projects_with_dated_plans_ratio"].summary.endswith("not: DATA")
    # both projects have a requirement with "recall >= 0.80" (ML-14: 召回率不低于 85%)
    assert records["projects_with_performance_target_ratio"].value == 1.0


def test_cloud_site_without_a_severity_field(server: RecordedHttpServer) -> None:
    records = collect(server, "cloud", username=EMAIL)
    assert records["bugs_with_owner_ratio"].value == round(2 / 3, 4)  # AI-202 is unassigned
    traced = records["bugs_with_severity_version_and_test_case_ratio"]
    assert traced.value == 0.0 and "the site has no severity field" in traced.summary
    assert records["test_cases_fully_specified_ratio"].value == 0.25  # AI-101 (ADF sections)
    assert records["projects_with_dated_plans_ratio"].summary.endswith("not: MLOPS")  # a kanban board only


# --- the rules, on hand-made issues ----------------------------------------------------------------------------------

KINDS = Kinds(
    requirement=frozenset({"story"}),
    test_case=frozenset({"test"}),
    test_execution=frozenset(),
    bug=frozenset({"bug"}),
    risk=frozenset(),
)
SEVERITY = JiraField(id="customfield_7", name="Severity", custom=True)
RISK_SEVERITY = JiraField(id="customfield_8", name="Risk Severity", custom=True)


def bug(key: str, links: list[str], **fields: Any) -> Issue:
    issuelinks = [
        {"type": {"name": "Relates"}, "outwardIssue": {"key": other, "fields": {"issuetype": {"name": kind}}}}
        for other, kind in (link.split(":") for link in links)
    ]
    data = {"issuetype": {"name": "Bug"}, "issuelinks": issuelinks, **fields}
    return Issue.model_validate({"key": key, "fields": data})


def findings(bugs: list[Issue], fields: FieldMap) -> dict[str, Any]:
    return {f.probe: f.value for f in bug_findings(bugs, KINDS, (), "u", 180, "", fields)}


def test_a_bug_needs_severity_version_and_a_test_case() -> None:
    fields = FieldMap.of([SEVERITY, RISK_SEVERITY])
    assert [f.id for f in fields.severity] == ["customfield_7"], "a risk's severity does not grade a bug"
    version = [{"id": "1", "name": "1.0"}]
    complete = bug("ML-1", ["ML-9:Test"], versions=version, customfield_7={"value": "Major"})
    no_version = bug("ML-2", ["ML-9:Test"], versions=[], customfield_7={"value": "Major"})
    only_story = bug("ML-3", ["ML-8:Story"], versions=version, customfield_7={"value": "Major"})
    risk_graded = bug("ML-4", ["ML-9:Test"], versions=version, customfield_8={"value": "High"})
    found = findings([complete, no_version, only_story, risk_graded], fields)
    assert found["jira.bugs_with_severity_version_and_test_case_ratio"] == 0.25
    assert findings([complete], FieldMap())["jira.bugs_with_severity_version_and_test_case_ratio"] == 0.0


def test_a_bug_is_owned_only_with_an_assignee() -> None:
    owned = bug("ML-1", [], assignee={"displayName": "Li Wei"})
    found = findings([owned, bug("ML-2", []), bug("ML-3", [], assignee=None)], FieldMap())
    assert found["jira.bugs_with_owner_ratio"] == round(1 / 3, 4)
    assert findings([], FieldMap())["jira.bugs_with_owner_ratio"] == 0.0


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("recall >= 0.80 on the March holdout set", True),
        ("AUC at least 0.9", True),
        ("top-5 accuracy above 90%", True),
        ("召回率不低于 85%", True),
        ("离线评估 AUC 不低于 0.82，线上点击率提升至少 3%", True),
        ("NDCG@10 不低于 0.45", True),
        ("KS 不低于 0.35", True),
        ("p95 scoring latency under 150 ms", False),  # a service figure, not a model's performance
        ("GPU 利用率不低于 60%", False),
        ("API error rate below 0.1%", False),  # a service's figure
        ("cache hit rate above 90%", False),
        ("识别率不低于 98%", True),
        ("准确率明显提升", False),  # a metric without a value
        ("the dashboard shows 3 segments", False),
        ("Recall matters.\nThe page loads in 2 s", False),  # metric and figure in different sentences
        ("mask 5 items; recall improves", False),
    ],
)
def test_a_performance_target_names_a_metric_and_its_value(text: str, states: bool) -> None:
    assert performance_target(text) is states


def test_a_long_description_is_read_in_linear_time() -> None:
    text = ("recall " + "9" * 5000 + " ") * 40 + "\n" + "准确率" * 20_000
    started = time.monotonic()
    assert performance_target(text) is False
    assert time.monotonic() - started < 2


def requirement(key: str, criteria: str) -> Issue:
    fields = {"issuetype": {"name": "Story"}, "description": f"h3. Acceptance criteria\n* {criteria}\n"}
    return Issue.model_validate({"key": key, "fields": fields})


def test_every_project_read_counts_also_those_without_requirements() -> None:
    facts = [
        requirement_facts(requirement("ML-1", "recall >= 0.9 on holdout"), FieldMap(), KINDS),
        requirement_facts(requirement("DATA-1", "latency under 150 ms"), FieldMap(), KINDS),
    ]
    found = target_finding(facts, ["ML", "DATA", "OPS"], (), "u", "created in the last 180 days", "")
    assert found.value == round(1 / 3, 4)
    assert found.summary.endswith("none in DATA, OPS")
    assert target_finding(facts, [], (), "u", "", "").value == 0.0


PRECONDITION = JiraField(id="customfield_20", name="Pre-Condition", custom=True)
STEPS = JiraField(id="customfield_21", name="Manual Test Steps", custom=True)
DATA = JiraField(id="customfield_22", name="Test Data", custom=True)
CASE_FIELDS = FieldMap.of([PRECONDITION, STEPS, DATA])


def case(**fields: Any) -> Issue:
    return Issue.model_validate({"key": "ML-1", "fields": {"issuetype": {"name": "Test"}, **fields}})


def test_preconditions_and_test_data_come_from_fields_sections_or_steps() -> None:
    sections = "h3. Preconditions\nModel v3 is registered\nh3. Test data\nHoldout set v3\nh3. Steps\n* run"
    assert has_precondition(case(description=sections), CASE_FIELDS)
    assert has_test_data(case(description=sections), CASE_FIELDS)
    only_data = case(customfield_20="Test data: holdout v3")
    assert has_test_data(only_data, CASE_FIELDS) and not has_precondition(only_data, CASE_FIELDS)
    steps = {"steps": [{"index": 1, "fields": {"Action": "score", "Data": "7 days of logs", "Expected Result": "ok"}}]}
    assert has_test_data(case(customfield_21=steps), CASE_FIELDS)
    empty_data = {"steps": [{"index": 1, "fields": {"Action": "score", "Data": "", "Expected Result": "ok"}}]}
    assert not has_test_data(case(customfield_21=empty_data), CASE_FIELDS)
    assert has_test_data(case(customfield_22={"value": "holdout v3"}), CASE_FIELDS)
    assert not has_precondition(case(description="h3. Steps\n* run it"), CASE_FIELDS)
    assert not has_test_data(case(description="The dataset is the usual one."), CASE_FIELDS)


def test_deeply_nested_steps_are_not_followed_without_bound() -> None:
    nested: Any = {"Data": "deep"}
    for _ in range(10_000):
        nested = {"x": nested}
    assert not has_test_data(case(customfield_21=nested), CASE_FIELDS)


def sprint(sid: int, end: str | None, state: str = "closed") -> Sprint:
    return Sprint.model_validate({"id": sid, "state": state, "startDate": "2026-10-01T00:00:00Z", "endDate": end})


def test_a_project_needs_counted_sprints_all_with_an_end_date() -> None:
    counted = [sprint(1, "2026-10-14T00:00:00Z"), sprint(2, None), sprint(3, "2026-11-14T00:00:00Z", "active")]
    by_project = {"ML": {1, 3}, "DATA": {1, 2}, "OPS": {9}}  # sprint 9 is not counted (future, or too old)
    found = project_plan_finding(counted, by_project, ["ML", "DATA", "OPS", "WEB"], (), "u", 180, "")
    assert found.value == 0.25
    assert found.summary.endswith("not: DATA, OPS, WEB")

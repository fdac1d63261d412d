"""The Jira probes added for the 2022.10.4 checks: renewed confirmation of requirements changed after their review,
and risks with a category and a rating. Recorded Jira Server and Cloud answers (fixtures/jira, written by
generate.py), served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from typing import Any

from evidence_collectors.jira import JiraCollector
from evidence_collectors.jira.config import JiraConfig
from evidence_collectors.jira.figures import FieldMap, Kinds, requirement_facts, risk_findings
from evidence_collectors.jira.models import History, Issue, JiraField
from evidence_collectors.records import EvidenceStatus
from tests.collectors.test_jira import EMAIL, ENV, FIXTURES, TOKEN
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)

NEW = (
    "requirements_reconfirmed_after_change_ratio",
    "risks_with_category_and_rating_ratio",
    "risks_project_coverage_ratio",
)


def collect(srv: RecordedHttpServer, site: str, **extra: Any) -> collecting.Records:
    fields = {"collector": "jira", "name": site, "url": f"{srv.base_url}/{site}", "token_env": ENV}
    records, _ = collecting.collect_records(JiraCollector, collecting.target_config(JiraConfig, fields, extra), "jira.")
    return records


def test_new_probes_are_in_the_catalogue() -> None:
    assert {f"jira.{p}" for p in NEW} <= set(JiraCollector.probe_ids())


def test_server_site(server: RecordedHttpServer) -> None:
    records = collect(server, "jira", projects=["ML", "DATA"])
    assert all(records[p].status is EvidenceStatus.ok for p in NEW)
    # ML-1, ML-4, ML-5 and ML-10 changed after their review; only ML-1 went back through review and was approved
    assert records["requirements_reconfirmed_after_change_ratio"].value == 0.25
    assert records["requirements_reconfirmed_after_change_ratio"].summary.startswith(
        "1 of 4 requirements changed after their review (25.0%)"
    )
    # 7 risks counted; ML-402 has neither a category nor a rating (ML-405, also ungraded, is closed and too old)
    assert records["risks_with_category_and_rating_ratio"].value == round(5 / 7, 4)


def test_cloud_site_without_grading_fields(server: RecordedHttpServer) -> None:
    records = collect(server, "cloud", username=EMAIL)
    # AI-2, the only requirement changed after its review, was sent back to review and approved again
    assert records["requirements_reconfirmed_after_change_ratio"].value == 1.0
    assert records["risks_with_category_and_rating_ratio"].value == 0.0
    assert "the site has no risk category or rating field" in records["risks_with_category_and_rating_ratio"].summary


# --- the rule on hand-made changelogs ---------------------------------------------------------------------------------

KINDS = Kinds(
    requirement=frozenset({"story"}),
    test_case=frozenset({"test"}),
    test_execution=frozenset(),
    bug=frozenset(),
    risk=frozenset(),
    review_statuses=("approved",),
)
FIELDS = FieldMap.of([JiraField(id="customfield_1", name="Acceptance Criteria", custom=True)])


def history(day: int, field: str, to: str = "") -> History:
    item = {"field": field, "fieldId": field, "toString": to}
    created = (dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(days=day)).isoformat()
    return History.model_validate({"id": str(day), "created": created, "items": [item]})


def facts(*histories: History) -> tuple[bool, bool]:
    issue = Issue.model_validate({"id": "1", "key": "ML-1", "fields": {"issuetype": {"name": "Story"}}})
    found = requirement_facts(issue, FIELDS, KINDS, list(histories))
    return found.changed_after_review, found.reconfirmed


def test_only_a_review_after_the_last_change_counts() -> None:
    approve = history(1, "status", "Approved")
    assert facts(approve) == (False, False)
    assert facts(approve, history(2, "description")) == (True, False)
    assert facts(approve, history(2, "description"), history(3, "status", "Approved")) == (True, True)
    # approved again, then changed once more: the last change is not confirmed
    later = (history(2, "customfield_1"), history(3, "status", "Approved"), history(4, "description"))
    assert facts(approve, *later) == (True, False)
    # a change before the first review is not a change after review
    assert facts(history(0, "description"), approve) == (False, False)


def test_every_project_read_should_keep_risks(server: RecordedHttpServer) -> None:
    records = collect(server, "jira", projects=["ML", "DATA"])
    assert records["risks_project_coverage_ratio"].value == 1.0  # ML-401... and DATA-401/402
    risks = [Issue.model_validate({"key": key, "fields": {"issuetype": {"name": "Risk"}}}) for key in ("ML-1", "ML-2")]
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    found = {f.probe: f for f in risk_findings(risks, FieldMap(), now, (), "u", 180, "", ["ML", "DATA", "OPS"])}
    assert found["jira.risks_project_coverage_ratio"].value == round(1 / 3, 4)
    assert found["jira.risks_project_coverage_ratio"].summary.endswith("none in DATA, OPS")

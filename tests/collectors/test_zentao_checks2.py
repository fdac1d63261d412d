"""The ZenTao probes added for the 2022.10.4 checks: renewed confirmation of stories changed after their review, and
risks with a category and a rating. Recorded REST API v1 answers (fixtures/zentao/acme) served over real HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from evidence_collectors.records import EvidenceStatus
from evidence_collectors.rest import Pages
from evidence_collectors.zentao import ZentaoCollector
from evidence_collectors.zentao.figures import reconfirmed, risk_findings
from evidence_collectors.zentao.models import Project, Risk, Story
from tests.collectors.test_zentao import FIXTURES, PASSWORD, PASSWORD_ENV, collect, config
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

server = collecting.recorded_server(FIXTURES / "routes.yaml")

NEW = (
    "zentao.requirements_reconfirmed_after_change_ratio",
    "zentao.risks_with_category_and_rating_ratio",
    "zentao.risks_project_coverage_ratio",
)


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def test_new_probes_are_in_the_catalogue() -> None:
    assert set(NEW) <= set(ZentaoCollector.probe_ids())


def test_figures_on_the_recorded_site(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme"))
    assert all(records[p].status is EvidenceStatus.ok for p in NEW)
    # stories 3, 10, 14, 29 and 35 changed after review; only 3 was reviewed again after its last change
    renewed = records["zentao.requirements_reconfirmed_after_change_ratio"]
    assert renewed.value == 0.2
    assert renewed.summary.startswith("1 of 5 stories opened in the last 180 days changed after review (20.0%)")
    # risks 1, 3, 4 and 7 have a category and a rate; 2 and 6 have a rate of 0
    assert records["zentao.risks_with_category_and_rating_ratio"].value == round(4 / 6, 4)


def story(**fields: Any) -> Story:
    base = {"id": 1, "version": 2, "status": "active", "reviewedBy": "lina"}
    return Story.model_validate(base | fields)


def test_a_story_counts_only_when_reviewed_after_its_last_change() -> None:
    reviewed_later = {"reviewedDate": "2026-11-03 10:00:00", "changedDate": "2026-11-02 10:00:00"}
    assert reconfirmed(story(**reviewed_later))
    assert not reconfirmed(story(reviewedDate="2026-11-01 10:00:00", changedDate="2026-11-02 10:00:00"))
    assert not reconfirmed(story(status="changing", **reviewed_later)), "still waiting for its review"
    assert not reconfirmed(story(reviewedDate="2026-11-03 10:00:00")), "change time unknown"
    # without changedDate the last edit stands in: a review made last is the last edit
    assert reconfirmed(story(reviewedDate="2026-11-03 10:00:00", lastEditedDate="2026-11-03 10:00:00"))
    assert not reconfirmed(story(reviewedDate="2026-11-03 10:00:00", lastEditedDate="2026-11-04 09:00:00"))
    assert not reconfirmed(story(version=1, **reviewed_later)), "never changed after review"


def test_every_open_project_should_keep_risks(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme"))
    assert records["zentao.risks_project_coverage_ratio"].value == 1.0  # projects 11 and 12 both hold risks
    projects = [
        Project(id=11, name="a", status="doing"),
        Project(id=12, name="b", status="wait"),
        Project(id=13, name="c", status="closed"),  # closed projects are left out
    ]
    risks = Pages(items=[Risk.model_validate({"id": 1, "project": 11, "status": "active"})])
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    found = {f.probe: f for f in risk_findings(risks, now - dt.timedelta(days=180), now, 180, projects)}
    assert found["zentao.risks_project_coverage_ratio"].value == 0.5
    assert found["zentao.risks_project_coverage_ratio"].summary.endswith("none in #12 b")

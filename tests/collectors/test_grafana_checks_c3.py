"""The Grafana probe on delivery (DORA) metrics shown on dashboards.

The recorded instance of grafana_support.py shows model and business panels only, so the probe reads an empty list
there. Two more dashboards in the Grafana API format, modelled on a DevLake-style DORA board, are then served by the
same fake (search answer and dashboard JSON) to check what counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from evidence_collectors.grafana.collector import GrafanaCollector
from evidence_collectors.grafana.config import GrafanaConfig
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.collectors.grafana_support import FakeGrafana, load, message
from tests.support import collecting
from tests.support.local_http import json_answer

TOKEN = "glsa_TestServiceAccount_c3c3c3c3"


def _hit(uid: str, title: str) -> dict[str, Any]:
    return {"id": len(uid), "uid": uid, "title": title, "type": "dash-db", "folderTitle": "Engineering", "tags": []}


def _sql_panel(title: str, sql: str, **extra: Any) -> dict[str, Any]:
    target = {"refId": "A", "datasource": {"type": "mysql", "uid": "lake"}, "rawQuery": True, "rawSql": sql}
    return {"type": "stat", "title": title, "targets": [target], **extra}


DORA: dict[str, Any] = {
    "meta": {"folderTitle": "Engineering", "provisioned": True},
    "dashboard": {
        "uid": "dora",
        "title": "DORA",
        "panels": [
            _sql_panel("Deployment Frequency", "SELECT count(*) FROM cicd_deployment_commits WHERE result = 'SUCCESS'"),
            _sql_panel("Median Lead Time for Changes", "SELECT percentile(pr_cycle_time, 0.5) FROM project_pr_metrics"),
            {
                "type": "row",
                "title": "Stability",
                "collapsed": True,
                "panels": [
                    _sql_panel("Change Failure Rate", "SELECT failed / total FROM deployment_outcomes"),
                    # names neither metric in its title: read from its query
                    _sql_panel("Stability (hours)", "SELECT avg(time_to_restore_hours) FROM incidents"),
                ],
            },
        ],
    },
}
NOTES = {
    "meta": {"folderTitle": "Engineering"},
    "dashboard": {
        "uid": "eng-notes",
        "title": "Engineering notes",
        # a text panel that only names a metric has no query: it does not count
        "panels": [{"type": "text", "title": "MTTR target: 1 hour", "options": {"content": "Restore within 1 h"}}],
    },
}


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRAFANA_C3_TOKEN", TOKEN)
    return TOKEN


def run(url: str) -> dict[str, EvidenceRecord]:
    fields = {"collector": "grafana", "name": "grafana", "url": url, "token_env": "GRAFANA_C3_TOKEN"}
    cfg = collecting.target_config(GrafanaConfig, fields, {})
    records, _ = collecting.collect_records(GrafanaCollector, cfg, prefix="grafana.")
    return records


@pytest.fixture
def recorded(token: str) -> Iterator[FakeGrafana]:
    with FakeGrafana(token=token) as fake:
        yield fake


def test_the_recorded_instance_shows_no_delivery_metric(recorded: FakeGrafana) -> None:
    record = run(recorded.url)["delivery_metrics"]
    assert record.status is EvidenceStatus.ok
    assert record.value == []  # "Failed requests (1 h)" is a model error panel, not a failed deployment
    assert "none of the 5 dashboards read" in record.summary


def test_dora_panels_are_recognised_by_title_or_query(token: str) -> None:
    search = [*load("search.json"), _hit("dora", "DORA"), _hit("eng-notes", "Engineering notes")]
    faults = {
        "/api/search": json_answer(search),
        "/api/dashboards/uid/dora": json_answer(DORA),
        "/api/dashboards/uid/eng-notes": json_answer(NOTES),
    }
    with FakeGrafana(token=token, faults=faults) as fake:
        records = run(fake.url)
    record = records["delivery_metrics"]
    assert record.status is EvidenceStatus.ok
    assert record.value == ["lead_time", "deployment_frequency", "change_failure_rate", "time_to_restore"]
    assert "4 of 4 DORA key metrics" in record.summary and "Engineering notes" not in record.summary
    assert records["model_dashboards"].value == 3  # the DORA board queries no model metric


def test_a_partial_board_names_what_is_missing(token: str) -> None:
    partial = {"meta": {}, "dashboard": {**DORA["dashboard"], "panels": DORA["dashboard"]["panels"][:1]}}
    faults = {"/api/search": json_answer([_hit("dora", "DORA")]), "/api/dashboards/uid/dora": json_answer(partial)}
    with FakeGrafana(token=token, faults=faults) as fake:
        record = run(fake.url)["delivery_metrics"]
    assert record.value == ["deployment_frequency"]
    assert "not found: lead_time, change_failure_rate, time_to_restore" in record.summary


def test_a_failed_dashboard_read_makes_the_probe_unavailable(token: str) -> None:
    faults = {"/api/dashboards/uid/churn-serving": message(502, "Bad Gateway")}
    with FakeGrafana(token=token, faults=faults) as fake:
        records = run(fake.url)
    assert records["delivery_metrics"].status is EvidenceStatus.unavailable
    assert "HTTP 502" in records["delivery_metrics"].reason and records["delivery_metrics"].value is None
    assert records["dashboards"].status is EvidenceStatus.ok

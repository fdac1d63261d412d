"""The Grafana probes on described delivery metrics and on the data pipeline topics of panels and alert rules.

The recorded instance of grafana_support.py shows model and business panels and model alert rules only. Dashboards
in the Grafana API format (a data platform board and a DORA board with and without panel descriptions) and alert
rules built from the recorded ones with new titles and queries are then served by the same fake.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from evidence_collectors.grafana.collector import GrafanaCollector
from evidence_collectors.grafana.config import GrafanaConfig
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.collectors.grafana_support import FakeGrafana, load, message
from tests.support import collecting
from tests.support.local_http import json_answer

TOKEN = "glsa_TestServiceAccount_c4c4c4c4"
RULES = "/api/v1/provisioning/alert-rules"


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRAFANA_C4_TOKEN", TOKEN)
    return TOKEN


def run(url: str) -> dict[str, EvidenceRecord]:
    fields = {"collector": "grafana", "name": "grafana", "url": url, "token_env": "GRAFANA_C4_TOKEN"}
    cfg = collecting.target_config(GrafanaConfig, fields, {})
    records, _ = collecting.collect_records(GrafanaCollector, cfg, prefix="grafana.")
    return records


def _hit(uid: str, title: str) -> dict[str, Any]:
    return {"id": len(uid), "uid": uid, "title": title, "type": "dash-db", "folderTitle": "Data", "tags": []}


def _panel(title: str, expr: str, description: str = "", kind: str = "timeseries") -> dict[str, Any]:
    target = {"refId": "A", "datasource": {"type": "prometheus", "uid": "prom-main"}, "expr": expr}
    return {"type": kind, "title": title, "description": description, "targets": [target]}


def _board(uid: str, title: str, panels: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "meta": {"folderTitle": "Data", "provisioned": True},
        "dashboard": {"uid": uid, "title": title, "panels": panels},
    }


DATA_BOARD = _board(
    "data-platform",
    "Data platform",
    [
        _panel(
            "Ingestion success rate",
            "sum(rate(ingest_batches_total{status='ok'}[1h])) / sum(rate(ingest_batches_total[1h]))",
        ),
        _panel("Ingestion lag", "max(ingest_lag_seconds)"),
        _panel("Feature freshness", "time() - max(feast_materialization_last_success_timestamp)"),
        _panel("Training runs", 'sum(increase(training_job_runs_total{status="success"}[1d]))'),
        _panel("Gate pass rate", "avg(model_evaluation_passed)"),  # the query names evaluation, the title does not
        # names a topic but has no query: does not count
        {"type": "text", "title": "Preprocessing runbook", "options": {"content": "see wiki"}},
    ],
)
DORA_DESCRIBED = _board(
    "dora",
    "DORA",
    [
        _panel("Lead time for changes", "sdp:lead_time:by_app", "Median hours from commit to production deploy"),
        _panel("Deployment frequency", "sum(increase(dora_deployments_total[7d]))", "Production deploys per week"),
        _panel("Change failure rate", "sum(dora_failed_deployments_total) / sum(dora_deployments_total)", "", "stat"),
    ],
)


def _serve(token: str, boards: list[dict[str, Any]], **faults: Any) -> FakeGrafana:
    search = [_hit(b["dashboard"]["uid"], b["dashboard"]["title"]) for b in boards]
    served = {"/api/search": json_answer(search), **faults}
    served |= {f"/api/dashboards/uid/{b['dashboard']['uid']}": json_answer(b) for b in boards}
    return FakeGrafana(token=token, faults=served)


@pytest.fixture
def recorded(token: str) -> Iterator[FakeGrafana]:
    with FakeGrafana(token=token) as fake:
        yield fake


def test_the_recorded_instance_shows_no_data_topic_and_no_delivery_metric(recorded: FakeGrafana) -> None:
    records = run(recorded.url)
    assert records["dashboard_pipeline_topics"].value == []
    assert records["alert_pipeline_topics"].value == []
    assert records["delivery_metric_kinds"].value == 0
    described = records["delivery_metrics_described_ratio"]
    assert described.status is EvidenceStatus.ok and described.value == 0.0
    assert "none is described" in described.summary


def test_delivery_metrics_are_counted_and_their_descriptions_checked(token: str) -> None:
    with _serve(token, [DORA_DESCRIBED]) as fake:
        records = run(fake.url)
    assert records["delivery_metric_kinds"].value == 3
    described = records["delivery_metrics_described_ratio"]
    assert described.value == round(2 / 3, 4)
    assert "without: change_failure_rate" in described.summary
    # a second board that describes the change failure rate completes the set
    more = _board(
        "cfr", "Stability", [_panel("Failed deployments", "sum(dora_failed_deployments_total)", "Failed / all")]
    )
    with _serve(token, [DORA_DESCRIBED, more]) as fake:
        assert run(fake.url)["delivery_metrics_described_ratio"].value == 1.0


def test_dashboard_topics_need_a_query(token: str) -> None:
    with _serve(token, [DATA_BOARD]) as fake:
        record = run(fake.url)["dashboard_pipeline_topics"]
    assert record.value == [
        "ingestion",
        "ingestion_quality",
        "ingestion_timeliness",
        "feature_store",
        "training",
        "evaluation",
    ]
    assert "preprocessing" not in record.summary


def _rule(base: dict[str, Any], uid: str, title: str, expr: str, *, paused: bool = False) -> dict[str, Any]:
    made = copy.deepcopy(base)
    made.update({"uid": uid, "title": title, "isPaused": paused})
    made["data"][0]["model"]["expr"] = expr
    return made


def test_alert_topics_leave_out_paused_rules(token: str) -> None:
    recorded = load("alert-rules.json")
    rules = [
        *recorded,
        _rule(
            recorded[0], "ing-fail", "Ingestion failures", "sum(rate(ingest_batches_total{status='error'}[15m])) > 0"
        ),
        _rule(recorded[0], "prep", "Preprocessing job failed", "max(preprocess_last_run_failed) > 0"),
        _rule(recorded[0], "lag", "Ingestion lag", "max(ingest_lag_seconds) > 900", paused=True),
    ]
    with FakeGrafana(token=token, faults={RULES: json_answer(rules)}) as fake:
        record = run(fake.url)["alert_pipeline_topics"]
    assert record.value == ["ingestion", "ingestion_quality", "preprocessing"]
    assert "Ingestion lag" not in record.summary


def test_failed_reads_make_the_topic_probes_unavailable(token: str) -> None:
    faults = {RULES: message(503, "unavailable"), "/api/dashboards/uid/churn-serving": message(502, "Bad Gateway")}
    with FakeGrafana(token=token, faults=faults) as fake:
        records = run(fake.url)
    for probe in ("alert_pipeline_topics", "dashboard_pipeline_topics", "delivery_metric_kinds"):
        assert records[probe].status is EvidenceStatus.unavailable and records[probe].value is None, probe
    assert records["dashboards"].status is EvidenceStatus.ok


def _report(uid: str, frequency: str, state: str = "scheduled") -> dict[str, Any]:
    """A report in the documented GET /api/reports shape (recipients and message as Grafana returns them)."""
    return {
        "id": len(uid) + len(frequency),
        "name": f"{uid} {frequency}",
        "recipients": "leads@example.com",
        "schedule": {"frequency": frequency, "intervalFrequency": "", "intervalAmount": 0, "timeZone": "UTC"},
        "state": state,
        "dashboards": [{"dashboard": {"id": 1, "uid": uid, "name": uid}, "reportVariables": {}}],
        "formats": ["pdf"],
    }


def test_recorded_reports_are_not_of_measurement_dashboards(recorded: FakeGrafana) -> None:
    record = run(recorded.url)["recurring_measurement_reports"]
    assert record.status is EvidenceStatus.ok
    assert record.value == 0
    assert "none of the 2 reports (1 recurring and active)" in record.summary


def test_only_active_recurring_reports_of_delivery_dashboards_count(token: str) -> None:
    reports = [
        _report("dora", "monthly"),
        _report("dora", "weekly", state="paused"),
        _report("dora", "once"),
        _report("data-platform", "daily"),  # recurring, but its dashboard shows no delivery metric
    ]
    with _serve(token, [DORA_DESCRIBED, DATA_BOARD], **{"/api/reports": json_answer(reports)}) as fake:
        record = run(fake.url)["recurring_measurement_reports"]
    assert record.value == 1
    assert "dora monthly (monthly)" in record.summary


def test_open_source_grafana_has_no_reporting_api(token: str) -> None:
    with FakeGrafana(token=token, faults={"/api/reports": message(404, "Not found")}) as fake:
        records = run(fake.url)
    record = records["recurring_measurement_reports"]
    assert record.status is EvidenceStatus.unavailable and "Grafana Enterprise" in record.reason
    assert record.value is None
    assert records["delivery_metrics"].status is EvidenceStatus.ok


def test_delivery_alert_rules(token: str, recorded: FakeGrafana) -> None:
    assert run(recorded.url)["delivery_alert_rules"].value == 0
    base = load("alert-rules.json")[0]
    rules = [
        _rule(
            base,
            "cfr",
            "Change failure rate above 15%",
            "sum(dora_failed_deployments_total) / sum(dora_deployments_total)",
        ),
        _rule(base, "lt", "Slow delivery", "max(sdp:lead_time:by_app) > 7 * 86400"),  # named by the query only
        _rule(base, "old", "Deployment frequency low", "sum(increase(dora_deployments_total[7d])) < 1", paused=True),
    ]
    with FakeGrafana(token=token, faults={RULES: json_answer(rules)}) as fake:
        record = run(fake.url)["delivery_alert_rules"]
    assert record.value == 2
    assert "Change failure rate above 15%, Slow delivery" in record.summary

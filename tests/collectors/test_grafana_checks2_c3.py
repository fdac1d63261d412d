"""The Grafana probe on alert rules that warn on a forecast of a model or delivery metric.

The recorded instance of grafana_support.py has only fixed-threshold rules, so the probe reads 0 there. A rule list in
the provisioning API format, built from the recorded rules with forecast queries added, is then served by the same
fake to check what counts.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from evidence_collectors.grafana.collector import GrafanaCollector
from evidence_collectors.grafana.config import GrafanaConfig
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.collectors.grafana_support import FakeGrafana, load, message
from tests.support import collecting
from tests.support.local_http import json_answer

TOKEN = "glsa_TestServiceAccount_c3c3c3c4"
PROBE = "key_metric_forecast_alert_rules"


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRAFANA_C3B_TOKEN", TOKEN)
    return TOKEN


def run(url: str) -> dict[str, EvidenceRecord]:
    fields = {"collector": "grafana", "name": "grafana", "url": url, "token_env": "GRAFANA_C3B_TOKEN"}
    cfg = collecting.target_config(GrafanaConfig, fields, {})
    records, _ = collecting.collect_records(GrafanaCollector, cfg, prefix="grafana.")
    return records


def _with_query(rule: dict[str, Any], uid: str, title: str, expr: str, *, paused: bool = False) -> dict[str, Any]:
    """A copy of a recorded rule with a new title and a new query in its first data entry."""
    made = copy.deepcopy(rule)
    made.update({"uid": uid, "title": title, "isPaused": paused})
    made["data"][0]["model"]["expr"] = expr
    return made


def forecast_rules() -> list[dict[str, Any]]:
    recorded = load("alert-rules.json")
    base = recorded[0]
    return [
        *recorded,
        _with_query(base, "err-trend", "Churn errors rising", "predict_linear(model_request_errors_total[6h], 14400)"),
        _with_query(base, "lead-trend", "Lead time at risk", "predict_linear(sdp:lead_time:by_app[7d], 1209600)"),
        # forecasts of capacity are not about key metrics; a paused forecast does not count
        _with_query(base, "disk-trend", "Disk full soon", "predict_linear(node_filesystem_avail_bytes[6h], 14400)"),
        _with_query(
            base, "paused", "Drift trend", "holt_winters(max(model_feature_drift_psi)[1h:1m], 0.3, 0.3)", paused=True
        ),
    ]


def test_the_recorded_instance_has_no_forecast_rule(token: str) -> None:
    with FakeGrafana(token=token) as fake:
        record = run(fake.url)[PROBE]
    assert record.status is EvidenceStatus.ok
    assert record.value == 0
    assert "none of the 0 active forecast alert rules" in record.summary


def test_forecasts_of_model_and_delivery_metrics_count(token: str) -> None:
    with FakeGrafana(token=token, faults={"/api/v1/provisioning/alert-rules": json_answer(forecast_rules())}) as fake:
        records = run(fake.url)
    record = records[PROBE]
    assert record.value == 2
    assert "2 of 3 active forecast alert rules" in record.summary
    assert "Churn errors rising, Lead time at risk" in record.summary
    assert record.raw_sha256 == records["alert_rules"].raw_sha256


def test_a_failed_rules_read_makes_the_probe_unavailable(token: str) -> None:
    faults = {"/api/v1/provisioning/alert-rules": message(503, "Service Unavailable")}
    with FakeGrafana(token=token, faults=faults) as fake:
        records = run(fake.url)
    assert records[PROBE].status is EvidenceStatus.unavailable and records[PROBE].value is None
    assert "HTTP 503" in records[PROBE].reason
    assert records["dashboards"].status is EvidenceStatus.ok

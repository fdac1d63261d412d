"""The Prometheus probes on alerting rules that learn a baseline from history or alert on a forecast.

The real Prometheus of prometheus_support.py evaluates only fixed-threshold rules, so both probes read 0 there. A rule
set with baseline and forecast rules is then served in the /api/v1/rules format through the fault proxy in front of
the same server, after the real server has accepted every one of its expressions as valid PromQL.
"""

from __future__ import annotations

from typing import Any

import httpx

from evidence_collectors.records import EvidenceStatus
from tests.collectors.prometheus_support import (
    FaultProxy,
    PrometheusServer,
    answer,
    prometheus_fixture,  # noqa: F401  (the module-scoped real Prometheus)
)
from tests.collectors.prometheus_support import collect_prometheus as run
from tests.support.local_http import status

NEW = ("anomaly_alerting_rules", "forecast_alerting_rules")


def _rule(kind: str, name: str, expr: str) -> dict[str, Any]:
    base = {"name": name, "query": expr, "health": "ok", "labels": {}, "annotations": {}}
    return {**base, "type": "alerting", "state": "inactive"} if kind == "alert" else {**base, "type": "recording"}


ADAPTIVE_GROUPS: list[dict[str, Any]] = [
    {
        "name": "model-baselines",
        "file": "baselines.yml",
        "rules": [
            _rule("record", "model:latency_seconds:mean_1d", "avg_over_time(model:request_latency_seconds:p99[1d])"),
            _rule(
                "record", "model:latency_seconds:stddev_1d", "stddev_over_time(model:request_latency_seconds:p99[1d])"
            ),
            _rule(
                "record",
                "model:latency_seconds:zband",
                "model:latency_seconds:mean_1d + 3 * model:latency_seconds:stddev_1d",
            ),
            # reads the stddev only through the z-band recording rule: counted through the chain
            _rule("alert", "ModelLatencyAnomaly", "model:request_latency_seconds:p99 > model:latency_seconds:zband"),
            _rule(
                "alert",
                "PredictionVolumeWeekOverWeek",
                "sum(rate(model_predictions_total[1h])) < 0.5 * sum(rate(model_predictions_total[1h] offset 1w))",
            ),
            _rule(
                "alert",
                "ErrorBudgetExhaustedSoon",
                "predict_linear(model:error_ratio:rate1m[6h], 4 * 3600) > 0.05",
            ),
            _rule(
                "alert",
                "DriftTrendSmoothed",
                "holt_winters(max by (model_name) (model_feature_drift_psi)[1h:1m], 0.3, 0.3) > 0.2",
            ),
            # fixed thresholds and short offsets do not count
            _rule("alert", "ModelHighLatency", "model:request_latency_seconds:p99 > 0.5"),
            _rule(
                "alert",
                "PredictionsDroppedLastFiveMinutes",
                "rate(model_predictions_total[5m]) < rate(model_predictions_total[5m] offset 5m) / 2",
            ),
        ],
    }
]
EXPECTED_ANOMALY = ["DriftTrendSmoothed", "ModelLatencyAnomaly", "PredictionVolumeWeekOverWeek"]
EXPECTED_FORECAST = ["DriftTrendSmoothed", "ErrorBudgetExhaustedSoon"]


def test_fixed_threshold_rules_give_zero(prometheus: PrometheusServer) -> None:
    records = run(prometheus.url)
    for probe in NEW:
        assert records[probe].status is EvidenceStatus.ok, records[probe].reason
        assert records[probe].value == 0, probe
    assert "none of the 8 alerting rules compares with a baseline" in records["anomaly_alerting_rules"].summary
    assert "none of the 8 alerting rules alerts on a forecast" in records["forecast_alerting_rules"].summary


def test_baseline_and_forecast_rules_are_counted(prometheus: PrometheusServer) -> None:
    for group in ADAPTIVE_GROUPS:
        for rule in group["rules"]:
            valid = httpx.get(f"{prometheus.url}/api/v1/query", params={"query": rule["query"]}).json()
            assert valid["status"] == "success", (rule["name"], valid)
    with FaultProxy(prometheus.url, faults={"/api/v1/rules": answer({"groups": ADAPTIVE_GROUPS})}) as proxy:
        records = run(proxy.url)
    assert records["alerting_rules"].value == 6
    assert records["anomaly_alerting_rules"].value == len(EXPECTED_ANOMALY)
    assert records["forecast_alerting_rules"].value == len(EXPECTED_FORECAST)
    assert ", ".join(EXPECTED_ANOMALY) in records["anomaly_alerting_rules"].summary
    assert ", ".join(EXPECTED_FORECAST) in records["forecast_alerting_rules"].summary
    assert records["anomaly_alerting_rules"].raw_sha256 == records["alerting_rules"].raw_sha256


def test_a_failed_rules_read_costs_both_probes(prometheus: PrometheusServer) -> None:
    with FaultProxy(prometheus.url, faults={"/api/v1/rules": status(503, b"overloaded")}) as proxy:
        records = run(proxy.url)
    for probe in NEW:
        assert records[probe].status is EvidenceStatus.unavailable and "HTTP 503" in records[probe].reason
        assert records[probe].value is None
    assert records["model_metric_names"].status is EvidenceStatus.ok


PELORUS_NAMES = [
    "commit_timestamp",
    "deploy_timestamp",
    "failure_creation_timestamp",
    "failure_resolution_timestamp",
    "sdp:lead_time:by_app",
    "go_goroutines",
    "kube_deployment_created",
    "model_request_errors_total",
]


def test_no_delivery_metric_on_the_model_server(prometheus: PrometheusServer) -> None:
    record = run(prometheus.url)["delivery_metrics"]
    assert record.status is EvidenceStatus.ok
    assert record.value == []
    assert "is a DORA key metric" in record.summary


def test_delivery_metrics_are_read_from_metric_names(prometheus: PrometheusServer) -> None:
    names = {"/api/v1/label/__name__/values": answer(PELORUS_NAMES)}
    with FaultProxy(prometheus.url, faults=names) as proxy:
        records = run(proxy.url)
    record = records["delivery_metrics"]
    assert record.value == ["lead_time", "deployment_frequency", "change_failure_rate", "time_to_restore"]
    assert "lead_time (commit_timestamp, sdp:lead_time:by_app)" in record.summary
    assert "kube_deployment_created" not in record.summary
    partial = {"/api/v1/label/__name__/values": answer(["deploy_timestamp", "go_goroutines"])}
    with FaultProxy(prometheus.url, faults=partial) as proxy:
        record = run(proxy.url)["delivery_metrics"]
    assert record.value == ["deployment_frequency"]
    assert "not found: lead_time, change_failure_rate, time_to_restore" in record.summary


def test_failed_metric_names_read_makes_delivery_metrics_unavailable(prometheus: PrometheusServer) -> None:
    with FaultProxy(prometheus.url, faults={"/api/v1/label/__name__/values": status(503, b"overloaded")}) as proxy:
        record = run(proxy.url)["delivery_metrics"]
    assert record.status is EvidenceStatus.unavailable and "HTTP 503" in record.reason

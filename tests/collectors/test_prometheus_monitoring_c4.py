"""The Prometheus probes on per-model metric coverage, error metrics per model service, kept delivery history and the
pipeline topics of metric names and alerting rules.

A real Prometheus scrapes the exporter of prometheus_support.py with more series: an online accuracy and a GPU memory
gauge for the churn model, a deployment counter, a training run counter and an ingestion lag gauge. Rule sets, a
target list with the dead canary left out, and answers about samples from months ago are served in the /api/v1
formats through the fault proxy in front of the same server (the rule expressions are first accepted by the real
server as valid PromQL).
"""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from evidence_collectors import model_metrics as vocab
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.collectors.prometheus_support import FaultProxy, PrometheusServer, answer, start_prometheus
from tests.collectors.prometheus_support import collect_prometheus as run
from tests.support.local_http import QuietHandler
from tests.support.servers import require_binary

EXTRA = textwrap.dedent("""\
    # TYPE model_online_accuracy gauge
    model_online_accuracy{model_name="churn",model_version="3"} 0.91
    # TYPE model_gpu_memory_bytes gauge
    model_gpu_memory_bytes{model_name="churn"} 1.2e9
    # TYPE dora_deployments_total counter
    dora_deployments_total{app="churn"} 12
    # TYPE training_job_runs_total counter
    training_job_runs_total{pipeline="churn",status="success"} 3
    # TYPE ingest_lag_seconds gauge
    ingest_lag_seconds{source="crm"} 42
""")


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    server = start_prometheus(require_binary("prometheus"), tmp_path_factory.mktemp("prometheus"), EXTRA)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def healthy(prometheus: PrometheusServer) -> dict[str, EvidenceRecord]:
    return run(prometheus.url)


def test_per_model_aspects_are_read_model_by_model(healthy: dict[str, EvidenceRecord]) -> None:
    # churn: latency, traffic, errors, resources (GPU), data quality, prediction score, drift and accuracy;
    # fraud: latency, traffic, errors only; resnet (Triton): latency, traffic, errors only
    full = healthy["monitored_models_with_all_aspects_ratio"]
    assert full.status is EvidenceStatus.ok, full.reason
    assert full.value == round(1 / 3, 4)
    assert "1 of 3 models" in full.summary
    assert "fraud (no resources, data_quality, prediction_distribution)" in full.summary
    assert "churn (" not in full.summary
    performance = healthy["monitored_models_with_performance_metric_ratio"]
    assert performance.value == round(1 / 3, 4)
    assert "resnet (no model_performance)" in performance.summary
    categories = healthy["model_metric_categories"].value
    assert isinstance(categories, list) and "model_performance" in categories


def test_error_metrics_are_counted_per_model_serving_target(
    healthy: dict[str, EvidenceRecord], prometheus: PrometheusServer
) -> None:
    # the model exporter exposes error counters; the canary is down and exposes nothing
    record = healthy["model_serving_targets_with_error_metrics_ratio"]
    assert record.value == 0.5
    assert f"without: model-canary {prometheus.dead_address}" in record.summary

    def only_up(handler: QuietHandler, query: dict[str, list[str]]) -> None:
        data = httpx.get(f"{prometheus.url}/api/v1/targets", params={"state": "active"}).json()["data"]
        data["activeTargets"] = [t for t in data["activeTargets"] if t["health"] == "up"]
        handler.send(200, json.dumps({"status": "success", "data": data}).encode())

    with FaultProxy(prometheus.url, faults={"/api/v1/targets": only_up}) as proxy:
        assert run(proxy.url)["model_serving_targets_with_error_metrics_ratio"].value == 1.0


def test_no_model_metrics_means_no_model_is_covered(prometheus: PrometheusServer) -> None:
    with FaultProxy(prometheus.url, faults={"/api/v1/label/__name__/values": answer(["billing_invoices_total"])}) as p:
        records = run(p.url)
    for probe in ("monitored_models_with_all_aspects_ratio", "monitored_models_with_performance_metric_ratio"):
        assert records[probe].status is EvidenceStatus.ok and records[probe].value == 0.0, probe
    assert records["delivery_metrics_history_days"].value == 0
    assert "no delivery metric has series now" in records["delivery_metrics_history_days"].summary


def test_a_new_server_has_no_delivery_history(healthy: dict[str, EvidenceRecord]) -> None:
    record = healthy["delivery_metrics_history_days"]
    assert record.status is EvidenceStatus.ok, record.reason
    assert record.value == 0
    assert "dora_deployments_total" in record.summary and "no samples from 30 days ago" in record.summary


def _history_from(days: int, upstream: str, asked: list[float]) -> Any:
    """/api/v1/query as a server holding delivery samples from `days` days ago on; other queries go upstream."""

    def fault(handler: QuietHandler, query: dict[str, list[str]]) -> None:
        expr = query["query"][0]
        if "last_over_time(" not in expr:
            upstream_answer = httpx.get(f"{upstream}/api/v1/query", params={k: v[0] for k, v in query.items()})
            handler.send(upstream_answer.status_code, upstream_answer.content)
            return
        at = float(query["time"][0])
        asked.append(at)
        kept = at >= time.time() - days * 86400 - 3600
        result = [{"metric": {}, "value": [at, "1"]}] if kept else []
        body = {"status": "success", "data": {"resultType": "vector", "result": result}}
        handler.send(200, json.dumps(body).encode())

    return fault


@pytest.mark.parametrize(("kept_days", "expected", "calls"), [(200, 180, 3), (800, 730, 1), (45, 30, 5)])
def test_delivery_history_is_the_oldest_age_with_samples(
    prometheus: PrometheusServer, kept_days: int, expected: int, calls: int
) -> None:
    asked: list[float] = []
    with FaultProxy(prometheus.url, faults={"/api/v1/query": _history_from(kept_days, prometheus.url, asked)}) as p:
        record = run(p.url)["delivery_metrics_history_days"]
    assert record.value == expected
    assert len(asked) == calls  # oldest first, stopping at the first age with samples
    assert f"have samples from {expected} days ago" in record.summary


def _alert(name: str, expr: str) -> dict[str, Any]:
    return {"name": name, "query": expr, "health": "ok", "labels": {}, "annotations": {}, "type": "alerting"}


TOPIC_RULES = [
    _alert("IngestLagHigh", "max(ingest_lag_seconds) > 600"),
    _alert("IngestRecordsFailing", "rate(ingest_records_failed_total[5m]) > 0"),
    _alert("FeatureStoreStale", "time() - max(feast_materialization_last_success_timestamp) > 7200"),
    _alert("ModelHighLatency", "model:request_latency_seconds:p99 > 0.5"),
    _alert("NightlyRetrainFailed", 'increase(training_job_runs_total{status="failed"}[1d]) > 0'),
    _alert("ChangeFailureRateHigh", "sum(dora_failed_deployments_total) / sum(dora_deployments_total) > 0.15"),
]


def test_alert_pipeline_topics(prometheus: PrometheusServer, healthy: dict[str, EvidenceRecord]) -> None:
    # the real rule file watches models and infrastructure only
    assert healthy["alert_pipeline_topics"].value == []
    assert "none of the 8 alerting rules" in healthy["alert_pipeline_topics"].summary
    for rule in TOPIC_RULES:
        valid = httpx.get(f"{prometheus.url}/api/v1/query", params={"query": rule["query"]}).json()
        assert valid["status"] == "success", (rule["name"], valid)
    groups = [{"name": "data", "file": "data.yml", "rules": TOPIC_RULES}]
    with FaultProxy(prometheus.url, faults={"/api/v1/rules": answer({"groups": groups})}) as proxy:
        records = run(proxy.url)
    delivery = records["delivery_alerting_rules"]
    assert delivery.value == 1 and "ChangeFailureRateHigh" in delivery.summary
    assert healthy["delivery_alerting_rules"].value == 0
    record = records["alert_pipeline_topics"]
    assert record.value == ["ingestion", "ingestion_quality", "ingestion_timeliness", "feature_store", "training"]
    assert "ingestion_quality (IngestRecordsFailing)" in record.summary
    assert "ingestion_timeliness (IngestLagHigh)" in record.summary


def test_metric_pipeline_topics_come_from_names_with_samples(healthy: dict[str, EvidenceRecord]) -> None:
    record = healthy["metric_pipeline_topics"]
    assert record.status is EvidenceStatus.ok, record.reason
    assert record.value == ["ingestion", "ingestion_timeliness", "training"]
    assert "training (training_job_runs_total)" in record.summary


@pytest.mark.parametrize(
    ("name", "topics"),
    [
        ("prometheus_rule_evaluation_duration_seconds", []),  # rule evaluation is not model evaluation
        ("grafana_alerting_rule_evaluation_failures_total", []),
        ("model_evaluation_runs_total", ["evaluation"]),
        ("strain_gauge_reading", []),
        ("nightly_retrain_failures_total", ["training"]),
        ("ingest_records_rejected_total", ["ingestion", "ingestion_quality"]),
        ("feast_online_store_read_latency_seconds", ["feature_store"]),
    ],
)
def test_pipeline_topic_words(name: str, topics: list[str]) -> None:
    assert vocab.ordered_topics(vocab.data_topics(name, "")) == topics


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("model_online_accuracy", {"model_performance"}),
        ("churn_f1_score", {"model_performance"}),  # an F1 score is no prediction score
        ("model_online_ctr", {"model_performance"}),  # a recommender's quality on live traffic
        ("model_online_recall_at_100", {"model_performance"}),
        ("model_prediction_score_bucket", {"prediction_distribution"}),
    ],
)
def test_performance_metrics_are_their_own_category(name: str, category: set[str]) -> None:
    assert vocab.categories(name) == category
    assert vocab.is_model_metric(name)

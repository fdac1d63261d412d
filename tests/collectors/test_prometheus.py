"""The Prometheus collector against a real Prometheus that scrapes a model-serving exporter and evaluates model rules.

Expected figures follow from what prometheus_support.py puts in (exporter text, scrape jobs, rule file).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest

from evidence_collectors import model_metrics as vocab
from evidence_collectors.base import CollectContext
from evidence_collectors.config import TargetConfig
from evidence_collectors.prometheus import collector
from evidence_collectors.prometheus.collector import PrometheusCollector
from evidence_collectors.prometheus.config import PrometheusConfig
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.collectors.prometheus_support import FaultProxy, PrometheusServer, answer, start_prometheus
from tests.support import collecting
from tests.support.local_http import hang, status
from tests.support.servers import free_port, require_binary

MODEL_NAMES = [
    "model_feature_drift_psi",
    "model_input_missing_values_total",
    "model_prediction_score_bucket",
    "model_prediction_score_count",
    "model_prediction_score_sum",
    "model_predictions_total",
    "model_request_duration_seconds_bucket",
    "model_request_duration_seconds_count",
    "model_request_duration_seconds_sum",
    "model_request_errors_total",
    "nv_inference_request_duration_us",
    "nv_inference_request_failure",
    "nv_inference_request_success",
]
UNVERSIONED = {"model_feature_drift_psi", "model_input_missing_values_total"}
RULE_PROBES = sorted(p.removeprefix("prometheus.") for p in collector.RULE_PROBES)


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    binary = require_binary("prometheus")
    server = start_prometheus(binary, tmp_path_factory.mktemp("prometheus"))
    try:
        yield server
    finally:
        server.stop()


def config(url: str, **extra: Any) -> PrometheusConfig:
    return collecting.target_config(PrometheusConfig, {"collector": "prometheus", "name": "prom", "url": url}, extra)


def run(cfg: TargetConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(PrometheusCollector, cfg, prefix="prometheus.")


@pytest.fixture(scope="module")
def healthy(prometheus: PrometheusServer) -> tuple[dict[str, EvidenceRecord], CollectContext]:
    return run(config(prometheus.url))


# No model alert of the test server ever resolves (they fire for as long as it runs): nothing to time, unavailable.
UNRESOLVED = {"model_alert_resolution_median_minutes", "model_alert_resolution_p90_minutes"}


def values(records: dict[str, EvidenceRecord]) -> dict[str, Any]:
    return {k: r.value for k, r in records.items()}


def test_figures_match_what_prometheus_was_given(
    healthy: tuple[dict[str, EvidenceRecord], CollectContext], prometheus: PrometheusServer
) -> None:
    records, _ = healthy
    assert all(r.status is EvidenceStatus.ok for k, r in records.items() if k not in UNRESOLVED), {
        k: r.reason for k, r in records.items() if r.status is not EvidenceStatus.ok
    }
    assert all(records[k].status is EvidenceStatus.unavailable for k in UNRESOLVED)
    got = values(records)
    assert got["version"].startswith("2.")
    # scrape jobs: prometheus, model-serving, billing-api up; model-canary points at a port nobody listens on
    assert got["scrape_targets"] == 4
    assert got["scrape_targets_up_ratio"] == 0.75
    assert got["scrape_targets_down"] == [f"model-canary {prometheus.dead_address}"]
    assert got["alertmanagers"] == 1
    # model metrics: only the model exporter's, recording-rule outputs (model:...) left out
    assert got["model_metric_names"] == len(MODEL_NAMES)
    assert got["model_serving_frameworks"] == ["custom", "triton"]
    assert got["model_metric_categories"] == [
        "latency",
        "traffic",
        "errors",
        "prediction_distribution",
        "drift",
        "data_quality",
    ]
    assert got["monitored_models"] == ["churn", "fraud", "resnet"]
    versioned = len(MODEL_NAMES) - len(UNVERSIONED)
    assert got["model_metrics_with_version_label_ratio"] == round(versioned / len(MODEL_NAMES), 4)
    # model-serving targets: the exporter (exposes model metrics) and the canary (named for models, down)
    assert got["model_serving_targets"] == 2
    assert got["model_serving_targets_up_ratio"] == 0.5
    # rules: 8 alerting (5 about models), 4 recording (3 about models)
    assert got["alerting_rules"] == 8
    assert got["recording_rules"] == 4
    assert got["model_alerting_rules"] == 5
    assert got["model_recording_rules"] == 3
    assert got["model_alert_categories"] == ["availability", "latency", "errors", "prediction_distribution", "drift"]
    assert got["drift_alerting_rules"] == 1
    assert got["model_availability_alerting_rules"] == 1
    assert got["model_alerting_rules_with_owner_ratio"] == 0.6  # owner / team on 3 of 5
    assert got["model_alerting_rules_with_severity_ratio"] == 0.8  # PredictionScoreShift has none
    assert got["model_alerting_rules_with_runbook_ratio"] == 0.4
    assert got["model_slo_rules"] == 1
    assert got["unhealthy_rules"] == 1  # InstancesMismatch: many-to-many match
    # alerts: the drift alert and the canary's ModelServiceDown fire; TargetDown waits for its 10 minutes
    assert got["firing_alerts"] == 2
    assert got["firing_alert_names"] == ["FeatureDriftHigh", "ModelServiceDown"]
    assert got["firing_model_alerts"] == 2


def test_summaries_carry_the_numbers_and_raw_responses_are_kept(
    healthy: tuple[dict[str, EvidenceRecord], CollectContext],
) -> None:
    records, ctx = healthy
    stored = {item.sha256 for item in ctx.raw.items()}
    for key, record in records.items():
        assert record.summary and (record.raw_sha256 or key in UNRESOLVED), record.probe
        assert set(record.raw_sha256) <= stored, record.probe
        assert record.source.system == "prometheus"
    assert "3 of 4 active scrape targets (75.0%)" in records["scrape_targets_up_ratio"].summary
    assert (
        "3 of 5 model alerting rules (60.0%) name an owner" in records["model_alerting_rules_with_owner_ratio"].summary
    )
    assert "PredictionScoreShift" in records["model_alerting_rules_with_severity_ratio"].summary
    assert "InstancesMismatch (found duplicate series" in records["unhealthy_rules"].summary
    assert "1 pending" in records["firing_alerts"].summary


def test_an_organisation_pattern_adds_its_own_model_metrics(prometheus: PrometheusServer) -> None:
    records, _ = run(config(prometheus.url, model_metric_pattern=r"^billing_"))
    assert records["model_metric_names"].value == len(MODEL_NAMES) + 1
    assert records["model_serving_targets"].value == 3  # billing-api now exposes "model" metrics


def test_rule_groups_are_followed_page_by_page(
    prometheus: PrometheusServer, healthy: tuple[dict[str, EvidenceRecord], CollectContext]
) -> None:
    with FaultProxy(prometheus.url, paginate_rules=True) as proxy:
        paged, _ = run(config(proxy.url))
        capped, _ = run(config(proxy.url, max_pages=1))
    full, _ = healthy
    for probe in RULE_PROBES:
        assert paged[probe].value == full[probe].value, probe
    # one page holds only the first group (infrastructure): 3 alerting rules, none about models
    assert capped["alerting_rules"].value == 3
    assert capped["model_alerting_rules"].value == 0
    assert "max-pages guard was hit" in capped["alerting_rules"].summary


def test_empty_rule_set_and_no_targets_give_zero_not_none(prometheus: PrometheusServer) -> None:
    faults = {
        "/api/v1/rules": answer({"groups": []}),
        "/api/v1/targets": answer({"activeTargets": []}),
        "/api/v1/alerts": answer({"alerts": []}),
    }
    with FaultProxy(prometheus.url, faults=faults) as proxy:
        records, _ = run(config(proxy.url))
    assert all(r.status is EvidenceStatus.ok for k, r in records.items() if k not in UNRESOLVED)
    assert records["model_alerting_rules_with_owner_ratio"].value == 0.0
    assert "no model alerting rules" in records["model_alerting_rules_with_owner_ratio"].summary
    assert records["scrape_targets"].value == 0
    assert records["scrape_targets_up_ratio"].value == 0.0
    assert "no active scrape targets" in records["scrape_targets_up_ratio"].summary
    assert records["model_serving_targets"].value == 0
    assert records["firing_alerts"].value == 0


def test_each_failing_endpoint_costs_only_its_probes(prometheus: PrometheusServer) -> None:
    faults = {
        "/api/v1/rules": status(200, b'{"status": "success", "data": {"groups": [ ...'),  # invalid JSON
        "/api/v1/alerts": hang,
        "/api/v1/targets": status(401, b'{"status":"error","error":"unauthorized"}'),
        "/api/v1/alertmanagers": status(200, b'{"status": "error", "errorType": "internal", "error": "boom"}'),
    }
    started = time.monotonic()
    with FaultProxy(prometheus.url, faults=faults) as proxy:
        records, _ = run(config(proxy.url))
    assert time.monotonic() - started < 15
    by_status = {k: (r.status, r.reason) for k, r in records.items()}
    for probe in RULE_PROBES:
        assert by_status[probe][0] is EvidenceStatus.error and "invalid JSON" in by_status[probe][1], probe
    for probe in ("firing_alerts", "firing_alert_names", "firing_model_alerts"):
        assert by_status[probe][0] is EvidenceStatus.unavailable and "no answer within 1 s" in by_status[probe][1]
    for probe in (
        "scrape_targets",
        "scrape_targets_up_ratio",
        "scrape_targets_down",
        "model_serving_targets",
        "model_serving_targets_up_ratio",
    ):
        assert by_status[probe][0] is EvidenceStatus.error and "not authorised" in by_status[probe][1], probe
    assert by_status["alertmanagers"][0] is EvidenceStatus.error and "boom" in by_status["alertmanagers"][1]
    for probe in (
        "version",
        "model_metric_names",
        "model_serving_frameworks",
        "model_metric_categories",
        "monitored_models",
        "model_metrics_with_version_label_ratio",
    ):
        assert by_status[probe][0] is EvidenceStatus.ok, probe
    assert records["monitored_models"].value == ["churn", "fraud", "resnet"]
    for record in records.values():
        if record.status is not EvidenceStatus.ok:
            assert record.value is None and record.summary.startswith(record.status.value)


def test_server_errors_on_metric_names_make_model_series_probes_unavailable(prometheus: PrometheusServer) -> None:
    with FaultProxy(prometheus.url, faults={"/api/v1/label/__name__/values": status(503, b"overloaded")}) as proxy:
        records, _ = run(config(proxy.url))
    for probe in (
        "model_metric_names",
        "model_serving_frameworks",
        "model_metric_categories",
        "monitored_models",
        "model_metrics_with_version_label_ratio",
        "model_serving_targets",
        "model_serving_targets_up_ratio",
    ):
        assert records[probe].status is EvidenceStatus.unavailable, probe
        assert "HTTP 503" in records[probe].reason
    assert records["alerting_rules"].status is EvidenceStatus.ok


def test_a_rejected_query_is_an_error_with_the_reason(prometheus: PrometheusServer) -> None:
    body = b'{"status":"error","errorType":"bad_data","error":"query too long"}'
    with FaultProxy(prometheus.url, faults={"/api/v1/query": status(400, body)}) as proxy:
        records, _ = run(config(proxy.url))
    assert records["monitored_models"].status is EvidenceStatus.error
    assert "HTTP 400" in records["monitored_models"].reason
    assert records["model_metric_names"].status is EvidenceStatus.ok


def test_connection_refused_makes_every_probe_unavailable_and_other_targets_still_complete(
    prometheus: PrometheusServer,
) -> None:
    dead = config(f"http://127.0.0.1:{free_port()}").model_copy(update={"name": "dead"})
    live = config(prometheus.url).model_copy(update={"name": "live"})
    collection = collecting.collect_targets(PrometheusCollector, dead, live)
    dead_records = [r for r in collection.records if r.target == "dead"]
    live_records = [r for r in collection.records if r.target == "live"]
    assert all(r.status is EvidenceStatus.unavailable and "cannot connect" in r.reason for r in dead_records)
    assert all(
        r.status is EvidenceStatus.ok for r in live_records if r.probe.removeprefix("prometheus.") not in UNRESOLVED
    )


def test_a_hanging_server_is_unavailable_within_the_timeout(prometheus: PrometheusServer) -> None:
    started = time.monotonic()
    with FaultProxy(prometheus.url, faults={"/api/v1/status/buildinfo": hang}) as proxy:
        collection = collecting.collect_targets(PrometheusCollector, config(proxy.url))
    assert time.monotonic() - started < 10
    assert all(
        r.status is EvidenceStatus.unavailable and "no answer within 1 s" in r.reason for r in collection.records
    )


def test_the_token_is_sent_but_never_recorded(prometheus: PrometheusServer, monkeypatch: pytest.MonkeyPatch) -> None:
    token = "prom-Secret-7f3a9c1e5d"
    monkeypatch.setenv("PROM_TEST_TOKEN", token)
    leaky = answer({"activeAlertmanagers": [{"url": f"http://am.example:9093/{token}/api/v2/alerts?token={token}"}]})
    with FaultProxy(
        prometheus.url, require_token=token, echo_token_on="/api/v1/rules", faults={"/api/v1/alertmanagers": leaky}
    ) as proxy:
        records, ctx = run(config(proxy.url, token_env="PROM_TEST_TOKEN"))
        seen = proxy.seen_auth
    assert seen and all(auth == f"Bearer {token}" for auth in seen)
    assert records["model_metric_names"].status is EvidenceStatus.ok  # authorised
    assert records["alerting_rules"].status is EvidenceStatus.error  # the echoing 404
    assert records["alertmanagers"].value == 1
    texts = [r.model_dump_json() for r in records.values()]
    texts += [item.body.decode("utf-8", "replace") + item.url for item in ctx.raw.items()]
    assert not [t for t in texts if token in t]
    assert any("***" in item.body.decode("utf-8", "replace") for item in ctx.raw.items())


def test_a_missing_token_variable_is_an_error_without_contacting_the_server(prometheus: PrometheusServer) -> None:
    cfg = config(prometheus.url, token_env="PROM_TEST_TOKEN_UNSET")
    collection = collecting.collect_targets(PrometheusCollector, cfg)
    assert all(
        r.status is EvidenceStatus.error and "PROM_TEST_TOKEN_UNSET is not set" in r.reason for r in collection.records
    )


@pytest.mark.parametrize(
    "settings",
    [
        {"model_metric_pattern": "("},
        {"model_name_labels": ["model-name"]},
        {"model_version_labels": ["__name__"]},
        {"token": "inline"},
        {"url": "http://user:pw@prom:9090"},
    ],
)
def test_bad_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        config(**{"url": "http://127.0.0.1:9090", **settings})


def test_catalogue_is_complete_and_bilingual() -> None:
    collecting.assert_catalogue_complete(PrometheusCollector, "prometheus.")
    assert len(PrometheusCollector.probe_ids()) == 49
    assert Path(__file__).exists()


@pytest.mark.parametrize(
    ("name", "framework"),
    [
        ("request_predict_seconds_bucket", "kserve"),
        ("seldon_api_executor_server_requests_seconds_count", "seldon"),
        ("bentoml_service_request_duration_seconds_bucket", "bentoml"),
        ("ts_inference_latency_microseconds", "torchserve"),
        ("nv_inference_queue_duration_us", "triton"),
        (":tensorflow:serving:request_count", "tfserving"),
        ("model_infer_request_success", "mlserver"),
        ("ray_serve_deployment_request_counter", "ray_serve"),
        ("evidently_drift_share", "evidently"),
        ("churn_model_score", "custom"),
        ("process_cpu_seconds_total", None),
        ("http_requests_total", None),
    ],
)
def test_model_metric_names_are_attributed_to_their_framework(name: str, framework: str | None) -> None:
    assert vocab.framework_of(name) == framework


@pytest.mark.parametrize(
    ("title", "query", "expected"),
    [
        ("ModelHighErrorRate", "a_errors / model_request_duration_seconds_count", {"errors"}),
        ("ModelPSIHigh", "", {"drift"}),
        ("Untitled", 'up{job="model"} == 0', {"availability"}),
        ("Churn model p99 latency", "", {"latency"}),
        ("x", "model_data_drift_score", {"drift"}),
    ],
)
def test_categories_read_the_name_before_the_query(title: str, query: str, expected: set[str]) -> None:
    assert vocab.titled_categories(title, query) == expected

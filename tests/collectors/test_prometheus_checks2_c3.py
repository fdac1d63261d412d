"""The Prometheus probes on sample retention and on forecast alerts that watch model or delivery metrics.

The real Prometheus of prometheus_support.py runs with its default retention and fixed-threshold rules. Other flag
values and rule sets are served in the /api/v1 formats through the fault proxy in front of the same server, after the
real server has accepted every rule expression as valid PromQL.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from evidence_collectors.prometheus.retention import duration_days
from evidence_collectors.records import EvidenceStatus
from tests.collectors.prometheus_support import (
    FaultProxy,
    PrometheusServer,
    answer,
    prometheus_fixture,  # noqa: F401  (the module-scoped real Prometheus)
)
from tests.collectors.prometheus_support import collect_prometheus as run
from tests.support.local_http import status

FLAGS = "/api/v1/status/flags"


def _alert(name: str, expr: str) -> dict[str, Any]:
    return {"name": name, "query": expr, "health": "ok", "labels": {}, "annotations": {}, "type": "alerting"}


FORECAST_GROUPS: list[dict[str, Any]] = [
    {
        "name": "forecasts",
        "file": "forecasts.yml",
        "rules": [
            # a model metric forecast and a delivery metric forecast count
            _alert("ModelErrorsRisingSoon", "predict_linear(model_request_errors_total[6h], 4 * 3600) > 100"),
            _alert("LeadTimeTargetAtRisk", "predict_linear(sdp:lead_time:by_app[7d], 14 * 86400) > 7 * 86400"),
            # a capacity forecast is a forecast, but not on a key metric
            _alert("DiskFullSoon", "predict_linear(node_filesystem_avail_bytes[6h], 4 * 3600) < 0"),
            # a model rule with a fixed threshold is no forecast
            _alert("ModelHighErrors", "rate(model_request_errors_total[5m]) > 1"),
        ],
    }
]


def test_real_server_keeps_the_default_retention_and_has_no_key_forecast(prometheus: PrometheusServer) -> None:
    records = run(prometheus.url)
    retention = records["retention_days"]
    assert retention.status is EvidenceStatus.ok, retention.reason
    assert retention.value == 15.0
    assert "default of 15 days" in retention.summary
    forecast = records["key_metric_forecast_alerting_rules"]
    assert forecast.status is EvidenceStatus.ok and forecast.value == 0
    assert "none of the 0 forecast alerting rules" in forecast.summary


def test_retention_flags(prometheus: PrometheusServer) -> None:
    long = {"storage.tsdb.retention.time": "2y2w", "storage.tsdb.retention.size": "500GB"}
    with FaultProxy(prometheus.url, faults={FLAGS: answer(long)}) as proxy:
        record = run(proxy.url)["retention_days"]
    assert record.value == 744.0
    assert "a size limit of 500GB may drop older samples sooner" in record.summary
    size_only = {"storage.tsdb.retention.time": "0s", "storage.tsdb.retention.size": "50GB"}
    with FaultProxy(prometheus.url, faults={FLAGS: answer(size_only)}) as proxy:
        record = run(proxy.url)["retention_days"]
    assert record.status is EvidenceStatus.unavailable and "only a size limit" in record.reason
    with FaultProxy(prometheus.url, faults={FLAGS: status(404, b"404 page not found")}) as proxy:
        records = run(proxy.url)
    # a server without the flags endpoint (Thanos, Mimir) answers 404: an error record, never a figure
    assert records["retention_days"].status is EvidenceStatus.error and "HTTP 404" in records["retention_days"].reason
    assert records["retention_days"].value is None
    assert records["alertmanagers"].status is EvidenceStatus.ok


def test_forecasts_on_key_metrics_are_counted(prometheus: PrometheusServer) -> None:
    for rule in FORECAST_GROUPS[0]["rules"]:
        valid = httpx.get(f"{prometheus.url}/api/v1/query", params={"query": rule["query"]}).json()
        assert valid["status"] == "success", (rule["name"], valid)
    with FaultProxy(prometheus.url, faults={"/api/v1/rules": answer({"groups": FORECAST_GROUPS})}) as proxy:
        records = run(proxy.url)
    assert records["forecast_alerting_rules"].value == 3
    record = records["key_metric_forecast_alerting_rules"]
    assert record.value == 2
    assert "LeadTimeTargetAtRisk, ModelErrorsRisingSoon" in record.summary
    assert "DiskFullSoon" not in record.summary


@pytest.mark.parametrize(("text", "days"), [("15d", 15.0), ("720h", 30.0), ("1y", 365.0), ("0s", 0.0), ("", 0.0)])
def test_duration_days(text: str, days: float) -> None:
    assert duration_days(text) == days


def test_duration_days_rejects_other_text() -> None:
    with pytest.raises(ValueError, match="not a Prometheus duration"):
        duration_days("15 days")


COVERAGE = "model_serving_targets_with_availability_alert_ratio"


def test_real_server_watches_every_model_serving_target(prometheus: PrometheusServer) -> None:
    # ModelServiceDown (up{job=~"model-.*"} == 0) and TargetDown (up == 0) select both model jobs
    record = run(prometheus.url)[COVERAGE]
    assert record.status is EvidenceStatus.ok, record.reason
    assert record.value == 1.0
    assert "2 of 2 model-serving scrape targets (100.0%)" in record.summary


def test_a_down_alert_for_one_job_does_not_cover_another(prometheus: PrometheusServer) -> None:
    groups = [
        {
            "name": "serving",
            "file": "serving.yml",
            "rules": [
                _alert("ModelServingDown", 'up{job="model-serving"} == 0'),
                _alert("InstancesMismatch", "up * on() up > 5"),  # selects up, but is no availability rule
            ],
        }
    ]
    with FaultProxy(prometheus.url, faults={"/api/v1/rules": answer({"groups": groups})}) as proxy:
        record = run(proxy.url)[COVERAGE]
    assert record.value == 0.5
    assert "not watched: model-canary" in record.summary and "ModelServingDown" in record.summary
    with FaultProxy(prometheus.url, faults={"/api/v1/rules": answer({"groups": []})}) as proxy:
        assert run(proxy.url)[COVERAGE].value == 0.0

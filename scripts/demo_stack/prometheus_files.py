"""Prometheus configuration for the demo: scrape jobs, the alert receiver, and the bank's rule files.

The rules follow the questionnaires: indicators are recording rules (p50/p95/p99 latency, QPS, error ratio, SLO
availability, missing-input ratio, score mean), and the PrometheusRule `reco-alerts` alerts on availability, latency
against the 80 ms p99 budget, errors, error-budget burn, PSI drift above 0.2, score shift, missing inputs and online
quality below the floor of the operation manual (reco-ranking's CTR, card-fraud's precision), each with severity,
team and a runbook (the score-shift rule, added by hand after an incident, has no runbook yet).
Intervals are one second so that the demo settles within seconds; the expressions are those of a real deployment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from scripts.demo_stack.catalogue import PSI_ALERT_THRESHOLD

RUNBOOKS = "https://confluence.hxbank.internal/display/RECO/Runbook+"
BY = "model_name, model_version"


def _record(name: str, expr: str) -> dict[str, Any]:
    return {"record": name, "expr": expr}


def _alert(
    name: str, expr: str, for_: str, severity: str, team: str, summary: str, runbook: str | None
) -> dict[str, Any]:
    rule: dict[str, Any] = {"alert": name, "expr": expr}
    if for_:
        rule["for"] = for_
    rule["labels"] = {"severity": severity, "team": team}
    rule["annotations"] = {"summary": summary, "response_time": "30m" if severity == "critical" else "4h"}
    if runbook:
        rule["annotations"]["runbook_url"] = RUNBOOKS + runbook
    return rule


def _quantile(q: float) -> str:
    return f"histogram_quantile({q}, sum by (le, {BY}) (rate(model_request_duration_seconds_bucket[5m])))"


RECORDING_RULES: list[dict[str, Any]] = [
    _record("model:request_latency_seconds:p50_5m", _quantile(0.5)),
    _record("model:request_latency_seconds:p95_5m", _quantile(0.95)),
    _record("model:request_latency_seconds:p99_5m", _quantile(0.99)),
    _record("model:requests:rate5m", f"sum by ({BY}) (rate(model_requests_total[5m]))"),
    _record(
        "model:request_error_ratio:rate5m",
        f"sum by ({BY}) (rate(model_request_errors_total[5m])) / sum by ({BY}) (rate(model_requests_total[5m]))",
    ),
    _record("model:slo_availability:ratio_rate5m", "1 - model:request_error_ratio:rate5m"),
    _record(
        "model:feature_null_ratio:rate5m",
        f"sum by ({BY}) (rate(model_feature_null_values_total[5m])) / sum by ({BY}) (rate(model_requests_total[5m]))",
    ),
    _record(
        "model:prediction_score:mean_rate5m",
        f"sum by ({BY}) (rate(model_prediction_score_sum[5m]))"
        f" / sum by ({BY}) (rate(model_prediction_score_count[5m]))",
    ),
]

ALERTING_RULES: list[dict[str, Any]] = [
    _alert(
        "ModelServiceDown",
        'up{job="model-serving"} == 0',
        "2m",
        "critical",
        "sre",
        "Model service {{ $labels.instance }} cannot be scraped",
        "model-service-down",
    ),
    _alert(
        "ModelLatencyP99High",
        "model:request_latency_seconds:p99_5m > 0.08",
        "10m",
        "warning",
        "reco",
        "p99 latency of {{ $labels.model_name }} v{{ $labels.model_version }} above the 80 ms budget",
        "model-latency",
    ),
    _alert(
        "ModelErrorRateHigh",
        "model:request_error_ratio:rate5m > 0.01",
        "5m",
        "critical",
        "sre",
        "More than 1% of {{ $labels.model_name }} requests fail",
        "model-errors",
    ),
    _alert(
        "ModelSLOErrorBudgetBurn",
        "(1 - model:slo_availability:ratio_rate5m) > 14.4 * (1 - 0.999)",
        "5m",
        "critical",
        "sre",
        "{{ $labels.model_name }} burns its 99.9% availability error budget 14 times too fast",
        "model-slo",
    ),
    _alert(
        "ModelFeatureDriftPSIHigh",
        f"max by (model_name, feature) (model_feature_drift_psi) > {PSI_ALERT_THRESHOLD}",
        "",  # the PSI is computed once a day by reco_drift_psi: one value above the threshold is enough
        "warning",
        "reco",
        "PSI of {{ $labels.feature }} for {{ $labels.model_name }} above 0.2",
        "feature-drift",
    ),
    _alert(
        "ModelPredictionScoreShift",
        "model:prediction_score:mean_rate5m > 0.6",
        "30m",
        "warning",
        "reco",
        "Mean score of {{ $labels.model_name }} v{{ $labels.model_version }} shifted upwards",
        None,
    ),
    _alert(
        "ModelFeatureNullRateHigh",
        "model:feature_null_ratio:rate5m > 0.02",
        "15m",
        "warning",
        "reco",
        "More than 2% of {{ $labels.model_name }} requests miss a feature value",
        "feature-quality",
    ),
]

# the floor of an online quality gauge (model_online_<name>, computed hourly from predictions joined with outcomes):
# the reco team alerts on reco-ranking's CTR only (reco-retrieval's recall has a dashboard but no alert, as its
# Part 2 interview says), the fraud team on card-fraud's precision
QUALITY_FLOORS: dict[str, tuple[str, float, str]] = {
    "ctr": ("ModelOnlineCTRLow", 0.035, "reco"),
    "precision": ("ModelOnlinePrecisionLow", 0.8, "fraud-analytics"),
}

ALERTING_RULES += [
    _alert(
        alert,
        f"model_online_{metric} < {floor:g}",
        "1h",
        "warning",
        team,
        f"Online {metric} of {{{{ $labels.model_name }}}} v{{{{ $labels.model_version }}}} below {floor:g}",
        "model-quality",
    )
    for metric, (alert, floor, team) in QUALITY_FLOORS.items()
]

PLATFORM_RULES: list[dict[str, Any]] = [
    _record("job:up:avg", "avg by (job) (up)"),
    _alert(
        "PrometheusRuleEvaluationFailures",
        "increase(prometheus_rule_evaluation_failures_total[5m]) > 0",
        "5m",
        "warning",
        "platform",
        "Prometheus failed to evaluate rules",
        "prometheus-rules",
    ),
    _alert(
        "PrometheusSelfScrapeDown",
        'up{job="prometheus"} == 0',
        "10m",
        "warning",
        "platform",
        "Prometheus cannot scrape itself at {{ $labels.instance }}",
        "prometheus-down",
    ),
]


class PrometheusFiles(BaseModel):
    config: Path
    rules: Path


def write(
    directory: Path,
    port: int,
    model_targets: dict[str, str],
    delivery_target: str,
    alert_receiver: str,
    interval_s: float = 1.0,
) -> PrometheusFiles:
    """Write prometheus.yml and rules.yml into `directory`; `model_targets` maps a model to its exporter address."""
    directory.mkdir(parents=True, exist_ok=True)
    rules = directory / "rules.yml"
    rules.write_text(
        yaml.safe_dump(
            {
                "groups": [
                    {"name": "model-indicators", "interval": f"{interval_s:g}s", "rules": RECORDING_RULES},
                    {"name": "reco-alerts", "interval": f"{interval_s:g}s", "rules": ALERTING_RULES},
                    {"name": "platform", "interval": f"{interval_s:g}s", "rules": PLATFORM_RULES},
                ]
            },
            sort_keys=False,
            width=200,
        ),
        encoding="utf-8",
    )
    config = directory / "prometheus.yml"
    scrape = f"{interval_s:g}s"
    config.write_text(
        yaml.safe_dump(
            {
                "global": {
                    "scrape_interval": scrape,
                    "evaluation_interval": scrape,
                    "external_labels": {"cluster": "demo"},
                },
                "rule_files": [str(rules)],
                "alerting": {
                    "alertmanagers": [{"api_version": "v2", "static_configs": [{"targets": [alert_receiver]}]}]
                },
                "scrape_configs": [
                    {"job_name": "prometheus", "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]},
                    {
                        "job_name": "model-serving",
                        "static_configs": [
                            {"targets": [address], "labels": {"service": model}}
                            for model, address in model_targets.items()
                        ],
                    },
                    {"job_name": "delivery", "static_configs": [{"targets": [delivery_target]}]},
                ],
            },
            sort_keys=False,
            width=200,
        ),
        encoding="utf-8",
    )
    return PrometheusFiles(config=config, rules=rules)


def rule_counts() -> tuple[int, int]:
    """(alerting, recording) rules written, for the checks of what the collector finds."""
    rules = RECORDING_RULES + ALERTING_RULES + PLATFORM_RULES
    return sum("alert" in r for r in rules), sum("record" in r for r in rules)

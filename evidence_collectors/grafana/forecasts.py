"""Grafana-managed alert rules that warn on a forecast of a key metric.

A rule counts when its data queries extrapolate a series (PromQL predict_linear, holt_winters or
double_exponential_smoothing) and the forecast is of a model metric or a delivery (DORA) metric, so that it warns
before a target on such a metric is missed. Forecasts of disk or memory do not count.
"""

from __future__ import annotations

import re

from evidence_collectors import model_metrics as vocab
from evidence_collectors.grafana.delivery import DELIVERY_METRICS
from evidence_collectors.grafana.models import AlertRule
from evidence_collectors.outcome import Finding, sample

FORECAST = re.compile(r"\b(predict_linear|holt_winters|double_exponential_smoothing)\s*\(", re.IGNORECASE)


def _key_metric(rule: AlertRule, query: str, extra: re.Pattern[str] | None) -> bool:
    """About models or delivery; the forecast function names are taken out so "predict" is not read as a model word."""
    text = FORECAST.sub("(", query)
    if vocab.is_model_text(rule.title, text, extra=extra):
        return True
    lowered = f"{vocab.snake(rule.title)} {text}".lower()
    return any(p.search(lowered) for p in DELIVERY_METRICS.values())


def forecast_findings(rules: list[AlertRule], extra: re.Pattern[str] | None) -> dict[str, Finding]:
    active = [r for r in rules if r.record is None and not r.is_paused]
    forecasting = [r for r in active if FORECAST.search(r.queries())]
    key = sorted(r.title for r in forecasting if _key_metric(r, r.queries(), extra))
    if key:
        summary = f"{len(key)} of {len(forecasting)} active forecast alert rules watch a model or delivery metric: "
        summary += sample(key)
    else:
        summary = (
            f"none of the {len(forecasting)} active forecast alert rules (of {len(active)} active alert rules) "
            "watches a model or a DORA delivery metric"
        )
    return {"grafana.key_metric_forecast_alert_rules": Finding(len(key), summary)}

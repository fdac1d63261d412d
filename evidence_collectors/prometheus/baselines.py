"""Facts about alerting rules that do more than compare with a fixed threshold: rules whose expression learns a
baseline from history (deviation from a rolling mean, seasonal comparison with an earlier period, smoothing) and
rules that alert on a forecast (predict_linear, Holt-Winters smoothing).

A rule also counts when it reads a recording rule that computes such a baseline or forecast, directly or through
other recording rules, because that is how these alerts are usually written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from evidence_collectors import model_metrics as vocab
from evidence_collectors.outcome import Finding, sample
from evidence_collectors.prometheus.delivery import DELIVERY_METRICS
from evidence_collectors.prometheus.models import Rule
from evidence_collectors.prometheus.rules import RuleSet

# Functions and modifiers that make a rule compare with what history says is normal.
BASELINE = re.compile(
    r"\b(stddev_over_time|stdvar_over_time|quantile_over_time|mad_over_time|holt_winters"
    r"|double_exponential_smoothing)\s*\(|\boffset\s+-?\d+[dwy]|z_?score",
    re.IGNORECASE,
)
# Functions that extrapolate a series into the future.
FORECAST = re.compile(r"\b(predict_linear|holt_winters|double_exponential_smoothing)\s*\(", re.IGNORECASE)
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def _derived(recording: Iterable[Rule], pattern: re.Pattern[str]) -> set[str]:
    """Names of recording rules that compute the pattern, directly or by reading one that does."""
    rules = list(recording)
    found = {r.name for r in rules if pattern.search(r.query)}
    while True:
        more = {r.name for r in rules if r.name not in found and found & set(_IDENTIFIER.findall(r.query))}
        if not more:
            return found
        found |= more


def _using(rules: RuleSet, pattern: re.Pattern[str]) -> list[str]:
    derived = _derived(rules.recording, pattern)
    return sorted(
        {r.name for r in rules.alerting if pattern.search(r.query) or derived & set(_IDENTIFIER.findall(r.query))}
    )


def _key_metric(rule: Rule, model_outputs: set[str], extra: re.Pattern[str] | None) -> bool:
    """A rule about models, or one whose expression names a DORA key metric or its source timestamps.

    The forecast functions are taken out first: "predict" in predict_linear would otherwise read as a model word.
    """
    query = FORECAST.sub("(", rule.query)
    names = _IDENTIFIER.findall(query)
    if vocab.is_model_text(rule.name, query, extra=extra) or model_outputs & set(names):
        return True
    return any(p.search(n.lower()) for n in names for p in DELIVERY_METRICS.values())


def _key_forecasts(rules: RuleSet, forecast: list[str], extra: re.Pattern[str] | None) -> list[str]:
    outputs = {r.name for r in rules.model_recording}
    chosen = set(forecast)
    return sorted({r.name for r in rules.alerting if r.name in chosen and _key_metric(r, outputs, extra)})


def baseline_findings(rules: RuleSet, extra: re.Pattern[str] | None = None) -> dict[str, Finding]:
    note = rules.capped_note
    total = len(rules.alerting)
    anomaly = _using(rules, BASELINE)
    forecast = _using(rules, FORECAST)
    key = _key_forecasts(rules, forecast, extra)
    return {
        "prometheus.anomaly_alerting_rules": Finding(
            len(anomaly),
            (
                f"{len(anomaly)} of {total} alerting rules compare with a baseline learned from history: "
                f"{sample(anomaly)}"
                if anomaly
                else f"none of the {total} alerting rules compares with a baseline learned from history "
                "(all use fixed thresholds)"
            )
            + note,
        ),
        "prometheus.forecast_alerting_rules": Finding(
            len(forecast),
            (
                f"{len(forecast)} of {total} alerting rules alert on a forecast: {sample(forecast)}"
                if forecast
                else f"none of the {total} alerting rules alerts on a forecast (predict_linear, Holt-Winters)"
            )
            + note,
        ),
        "prometheus.key_metric_forecast_alerting_rules": Finding(
            len(key),
            (
                f"{len(key)} of {len(forecast)} forecast alerting rules watch a model or delivery metric: {sample(key)}"
                if key
                else f"none of the {len(forecast)} forecast alerting rules watches a model or a DORA delivery metric"
            )
            + note,
        ),
    }

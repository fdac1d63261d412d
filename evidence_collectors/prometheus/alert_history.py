"""Alert history: which model alerts fired over a bounded window, how long they took to resolve, which flap, and which
model alerting rules were never exercised, read from the `ALERTS` series rule evaluation writes.

Prometheus writes `ALERTS{alertname, alertstate, <alert labels>}` = 1 at every evaluation while an alert is pending
or firing, and a staleness marker when it stops. A range query of `max_over_time(ALERTS{alertstate="firing"}[2 steps])`
has a point at every step after which the alert fired within two steps, so episodes shorter than the step are not
missed and an evaluation that comes a little late (rules run every evaluation_interval, often the same as the step)
does not split an episode; consecutive points form one firing episode, whose length (the span of its points less the
extra step the wider range adds) is known to about one step.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from evidence_collectors import model_metrics as vocab
from evidence_collectors.http import Unavailable
from evidence_collectors.outcome import Finding, percent, ratio, sample
from evidence_collectors.prometheus.api import PrometheusApi
from evidence_collectors.prometheus.models import RangeSeries, Rule
from evidence_collectors.prometheus.rules import RuleSet

P = "prometheus."
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
_IDENTITY_SKIP = frozenset({"__name__", "alertstate"})


@dataclass(frozen=True)
class Episode:
    """One uninterrupted stretch in which one alert (name and labels) was firing."""

    name: str
    labels: tuple[tuple[str, str], ...]
    start: float
    end: float
    open: bool  # still firing at the end of the window
    cut: bool  # already firing at the start of the window: its true start is unknown

    @property
    def key(self) -> str:
        shown = ",".join(f"{k}={v}" for k, v in self.labels if k != "alertname")
        return f"{self.name}{{{shown}}}" if shown else self.name


@dataclass(frozen=True)
class History:
    episodes: list[Episode]
    start: float
    end: float
    step: float

    @property
    def window(self) -> str:
        hours = (self.end - self.start) / 3600
        return f"the last {hours:g} h (step {self.step:g} s)"


def read(api: PrometheusApi, window_h: float, step_s: float) -> tuple[History, list[str]]:
    """Firing episodes of every alert in the last `window_h` hours, at a resolution of `step_s` seconds."""
    end = time.time()
    start = end - window_h * 3600
    expr = f'max_over_time(ALERTS{{alertstate="firing"}}[{max(1, round(2 * step_s * 1000))}ms])'
    series, shas = api.query_range(expr, start, end, step_s)
    return History(episodes_of(series, start, end, step_s), start, end, step_s), shas


def episodes_of(series: Sequence[RangeSeries], start: float, end: float, step: float) -> list[Episode]:
    """Split each series' points into runs: a gap of more than one step ends an episode."""
    episodes: list[Episode] = []
    for one in series:
        labels = tuple(sorted((k, v) for k, v in one.metric.items() if k not in _IDENTITY_SKIP))
        name = one.metric.get("alertname", "")
        times = sorted(t for t, v in one.values if v not in ("0", "NaN"))
        runs: list[list[float]] = []
        for t in times:
            if runs and t - runs[-1][-1] <= step * 1.5:
                runs[-1].append(t)
            else:
                runs.append([t])
        episodes += [
            Episode(name, labels, r[0], r[-1], open=r[-1] >= end - step * 1.5, cut=r[0] <= start + step * 1.5)
            for r in runs
        ]
    return sorted(episodes, key=lambda e: (e.start, e.key))


def model_episodes(history: History, rules: RuleSet, extra: re.Pattern[str] | None) -> list[Episode]:
    """Episodes of alerts raised by a model alerting rule, or naming a model in their labels (as
    prometheus.firing_model_alerts reads alerts)."""
    names = {r.name for r in rules.model_alerting}
    return [
        e for e in history.episodes if e.name in names or vocab.is_model_text(*(v for _, v in e.labels), extra=extra)
    ]


def quality_kinds(rule: Rule) -> set[str]:
    """'drift' and/or 'performance' when the rule's name or a metric its expression reads is about data or
    prediction drift, or about a model evaluation measure (accuracy, AUC, F1, error ...)."""
    found = vocab.categories(vocab.snake(rule.name))
    for name in _IDENTIFIER.findall(rule.query):
        found |= vocab.categories(name)
    return {k for k, c in (("drift", "drift"), ("performance", "model_performance")) if c in found}


def decay_rule_findings(rules: RuleSet) -> dict[str, Finding]:
    chosen = sorted({r.name for r in rules.alerting if "performance" in quality_kinds(r)})
    summary = (
        f"{len(chosen)} alerting rule(s) read a model evaluation measure (accuracy, AUC, F1, error ...): "
        f"{sample(chosen)}"
        if chosen
        else f"none of the {len(rules.alerting)} alerting rules reads a model evaluation measure"
    )
    return {P + "performance_decay_alerting_rules": Finding(len(chosen), summary + rules.capped_note)}


def _minutes(seconds: float) -> float:
    """Three significant figures: hours-long outages and sub-minute flaps both keep their meaning."""
    return float(f"{seconds / 60:.3g}")


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def history_findings(
    history: History, rules: RuleSet, extra: re.Pattern[str] | None, flap_min: int
) -> dict[str, Finding]:
    """Every alert-history probe but the resolution times (see resolution_findings)."""
    model = model_episodes(history, rules, extra)
    where = f"in {history.window}"
    note = rules.capped_note
    per_name = Counter(e.name for e in model)
    listed = ", ".join(f"{n} ×{c}" for n, c in sorted(per_name.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
    still = sum(e.open for e in model)
    episodes_summary = (
        f"{len(model)} firing episode(s) of model alerts {where}: {listed}"
        + (f"; {still} still firing" if still else "")
        if model
        else f"no model alert fired {where} ({len(history.episodes)} episode(s) of other alerts)"
    )
    per_key = Counter(e.key for e in model)
    flapping = sorted(k for k, n in per_key.items() if n >= flap_min)
    flap_summary = (
        f"{len(flapping)} model alert(s) fired {flap_min} or more times {where}: "
        + sample([f"{k} ×{per_key[k]}" for k in flapping], 8)
        if flapping
        else f"no model alert fired {flap_min} or more times {where}"
        + (f" (most: {per_key.most_common(1)[0][1]})" if per_key else "")
    )
    rule_names = sorted({r.name for r in rules.model_alerting})
    fired = [n for n in rule_names if n in per_name]
    never = [n for n in rule_names if n not in per_name]
    fired_summary = (
        f"{len(fired)} of {len(rule_names)} model alerting rules ({percent(len(fired), len(rule_names))}) fired {where}"
        + (f"; never fired: {sample(never, 8)}" if never else "")
        if rule_names
        else "there are no model alerting rules, so none fired (0.0)"
    )
    kinds = {r.name: quality_kinds(r) for r in rules.alerting}
    quality = [e for e in history.episodes if kinds.get(e.name)]
    quality_names = Counter(e.name for e in quality)
    quality_summary = (
        f"{len(quality)} firing episode(s) of drift or performance-decay alerts {where}: "
        + ", ".join(f"{n} ×{c}" for n, c in sorted(quality_names.items()))
        if quality
        else f"no drift or performance-decay alert fired {where} "
        f"({sum(1 for k in kinds.values() if k)} such rule(s) exist)"
    )
    return {
        P + "model_alert_episodes_in_window": Finding(len(model), episodes_summary + note),
        P + "model_alert_names_fired_in_window": Finding(sorted(per_name), episodes_summary + note),
        P + "flapping_model_alerts": Finding(len(flapping), flap_summary + note),
        P + "model_alerting_rules_fired_ratio": Finding(ratio(len(fired), len(rule_names)), fired_summary + note),
        P + "drift_or_decay_alert_episodes_in_window": Finding(len(quality), quality_summary + note),
    }


def resolution_findings(history: History, rules: RuleSet, extra: re.Pattern[str] | None) -> dict[str, Finding]:
    """Median and 90th percentile of the time from firing to resolution over the model alert episodes that began and
    ended inside the window; nothing to measure (no such episode) is unavailable, not zero."""
    model = model_episodes(history, rules, extra)
    whole = [max(0.0, e.end - e.start - history.step) for e in model if not e.open and not e.cut]
    if not whole:
        raise Unavailable(
            f"no model alert both started and resolved in {history.window} "
            f"({len(model)} model alert episode(s), {sum(e.open for e in model)} still firing)"
        )
    left_out = len(model) - len(whole)
    tail = (
        f" over {len(whole)} resolved episode(s) in {history.window}, known to one step"
        + (f"; {left_out} left out (still firing or begun before the window)" if left_out else "")
        + rules.capped_note
    )
    median, p90 = _minutes(statistics.median(whole)), _minutes(_p90(whole))
    return {
        P + "model_alert_resolution_median_minutes": Finding(
            median, f"median {median:g} min from firing to resolved" + tail
        ),
        P + "model_alert_resolution_p90_minutes": Finding(
            p90, f"90th percentile {p90:g} min from firing to resolved" + tail
        ),
    }

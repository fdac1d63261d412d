"""Facts about Grafana-managed alert rules, data sources and deployment annotations."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from evidence_collectors import model_metrics as vocab
from evidence_collectors.grafana.models import AlertRule, Annotation, DataSource
from evidence_collectors.outcome import Finding, percent, ratio, sample

SEVERITY_KEYS = ("severity", "priority")


def _share(rules: list[AlertRule], keys: Sequence[str], what: str) -> Finding:
    if not rules:
        return Finding(0.0, f"there are no active model alert rules, so none {what} (0.0)")
    n = sum(1 for r in rules if any(r.keys().get(k) for k in keys))
    missing = sorted(r.title for r in rules if not any(r.keys().get(k) for k in keys))
    lacking = f"; without: {sample(missing)}" if missing else ""
    return Finding(
        ratio(n, len(rules)),
        f"{n} of {len(rules)} active model alert rules ({percent(n, len(rules))}) {what} ({'/'.join(keys)}){lacking}",
    )


def alert_findings(
    rules: list[AlertRule], owner_keys: Sequence[str], extra: re.Pattern[str] | None
) -> dict[str, Finding]:
    alerting = [r for r in rules if r.record is None]
    about_models = [r for r in alerting if vocab.is_model_text(r.title, r.queries(), extra=extra)]
    active = [r for r in about_models if not r.is_paused]
    paused = sorted(r.title for r in about_models if r.is_paused)
    cats = {r.title: vocab.titled_categories(r.title, r.queries()) for r in active}
    covered = vocab.ordered(c for found in cats.values() for c in found)
    drift = sorted(title for title, found in cats.items() if "drift" in found)
    recording = len(rules) - len(alerting)
    paused_note = f"; {len(paused)} paused and left out: {sample(paused)}" if paused else ""
    return {
        "grafana.alert_rules": Finding(
            len(alerting),
            f"{len(alerting)} Grafana-managed alert rules in {len({r.rule_group for r in alerting})} groups "
            f"({sum(r.is_paused for r in alerting)} paused; {recording} recording rule(s) not counted)",
        ),
        "grafana.model_alert_rules": Finding(
            len(active),
            f"{len(active)} of {len(alerting)} alert rules watch models and are active"
            + (f": {sample(sorted(cats))}" if active else "")
            + paused_note,
        ),
        "grafana.model_alert_categories": Finding(
            covered,
            f"active model alert rules cover {', '.join(covered)}"
            if covered
            else "no active model alert rule says which aspect it watches",
        ),
        "grafana.drift_alert_rules": Finding(
            len(drift),
            f"{len(drift)} active alert rule(s) fire on model or data drift: {sample(drift)}"
            if drift
            else "no active alert rule fires on model or data drift",
        ),
        "grafana.model_alert_rules_with_owner_ratio": _share(active, owner_keys, "name an owner"),
        "grafana.model_alert_rules_with_severity_ratio": _share(active, SEVERITY_KEYS, "carry a severity"),
    }


def data_source_findings(sources: list[DataSource]) -> dict[str, Finding]:
    types = Counter(s.type for s in sources)
    listed = ", ".join(f"{t} ×{types[t]}" for t in sorted(types))
    return {
        "grafana.data_sources": Finding(
            len(sources), f"{len(sources)} data sources: {listed}" if sources else "Grafana has no data source"
        ),
        "grafana.data_source_types": Finding(
            sorted(types), f"data source types: {', '.join(sorted(types))}" if types else "no data source types"
        ),
    }


def annotation_findings(
    annotations: list[Annotation], tags: Sequence[str], days: int, limit: int
) -> dict[str, Finding]:
    n = len(annotations)
    capped = f" (at least: the limit of {limit} was reached)" if n >= limit else ""
    return {
        "grafana.deployment_annotations": Finding(
            n, f"{n} annotations tagged {' or '.join(tags)} in the last {days} days{capped}"
        )
    }

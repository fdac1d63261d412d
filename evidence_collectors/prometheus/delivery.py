"""Facts about delivery indicators in Prometheus: which of the four DORA key metrics (lead time for changes,
deployment frequency, change failure rate, time to restore service) have series, read from metric names.

Delivery-metrics exporters write these as metrics (Pelorus, for example, exports deploy, commit, failure-creation and
failure-resolution timestamps from which the four are computed), and teams often record them with recording rules
(`sdp:lead_time:by_app`), so recording-rule outputs count here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evidence_collectors.outcome import Finding, sample
from evidence_collectors.prometheus.models import Rule

_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")

DELIVERY_METRICS: dict[str, re.Pattern[str]] = {
    "lead_time": re.compile(r"lead_?time|(^|[_:])commit_timestamp($|[_:])"),
    "deployment_frequency": re.compile(
        r"deploy(ment)?s?_(frequency|per_(day|week|month))|(^|[_:])deploy(ment)?_timestamp($|[_:])"
        r"|(^|[_:])(dora_)?deployments_total($|[_:])"
    ),
    "change_failure_rate": re.compile(
        r"change_failure|failed_deployments?|deployments?_failed|(^|[_:])failure_creation_timestamp($|[_:])"
    ),
    "time_to_restore": re.compile(
        r"time_to_(restore|recover)|(^|[_:])mttr($|[_:])|(^|[_:])failure_resolution_timestamp($|[_:])"
    ),
}
DELIVERY_ORDER = tuple(DELIVERY_METRICS)


def delivery_findings(names: Sequence[str], window_h: float) -> dict[str, Finding]:
    where: dict[str, list[str]] = {}
    for name in names:
        lowered = name.lower()
        for kind, pattern in DELIVERY_METRICS.items():
            if pattern.search(lowered):
                where.setdefault(kind, []).append(name)
    found = [k for k in DELIVERY_ORDER if k in where]
    missing = [k for k in DELIVERY_ORDER if k not in where]
    if found:
        shown = "; ".join(f"{k} ({sample(sorted(where[k]), 3)})" for k in found)
        summary = f"{len(found)} of 4 DORA key metrics have series: {shown}" + (
            f"; not found: {', '.join(missing)}" if missing else ""
        )
    else:
        summary = (
            f"none of the {len(names)} metric names with samples in the last {window_h:g} h is a DORA key metric "
            "or one of its source timestamps"
        )
    return {"prometheus.delivery_metrics": Finding(found, summary)}


# Ages (days) at which delivery series are looked for, oldest first: the figures measurement requirements name
# (6 months, 2 years) and the steps between.
HISTORY_DAYS = (730, 365, 180, 90, 30)


def delivery_names(names: Sequence[str]) -> list[str]:
    """Metric names (recording-rule outputs included) that are a DORA key metric or one of its source timestamps."""
    return [n for n in names if any(p.search(n.lower()) for p in DELIVERY_METRICS.values())]


def history_findings(found_at: int, names: Sequence[str]) -> dict[str, Finding]:
    """`found_at`: the oldest age in HISTORY_DAYS at which a delivery series had samples, 0 when none had."""
    if not names:
        summary = "no delivery metric has series now, so no delivery history is kept (0)"
    elif found_at:
        summary = f"delivery metrics ({sample(sorted(names), 3)}) have samples from {found_at} days ago"
        older = [d for d in HISTORY_DAYS if d > found_at]
        summary += f", none from {min(older)} days ago" if older else ""
    else:
        summary = f"delivery metrics ({sample(sorted(names), 3)}) have no samples from {min(HISTORY_DAYS)} days ago"
    return {"prometheus.delivery_metrics_history_days": Finding(found_at, summary)}


def delivery_alert_findings(alerting: Sequence[Rule], note: str) -> dict[str, Finding]:
    """Alerting rules whose expression reads a DORA key metric or one of its source timestamps."""
    chosen = sorted(
        r.name for r in alerting if delivery_names([n for n in _IDENTIFIER.findall(r.query) if n not in ("by", "on")])
    )
    summary = (
        f"{len(chosen)} of {len(alerting)} alerting rules watch a DORA key metric: {sample(chosen)}"
        if chosen
        else f"none of the {len(alerting)} alerting rules reads a DORA key metric or its source timestamps"
    )
    return {"prometheus.delivery_alerting_rules": Finding(len(chosen), summary + note)}

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

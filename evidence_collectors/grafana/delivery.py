"""Facts about delivery indicators on dashboards: which of the four DORA key metrics (lead time for changes,
deployment frequency, change failure rate, time to restore service) some dashboard panel shows.

Delivery-metrics tools (e.g. Apache DevLake, Four Keys, Pelorus) publish these as Grafana panels; a panel counts only
when it has a query, so a text panel that merely names a metric does not.
"""

from __future__ import annotations

import re

from evidence_collectors.grafana.api import DashboardRead
from evidence_collectors.grafana.models import AlertRule, Panel
from evidence_collectors.model_metrics import snake
from evidence_collectors.outcome import Finding, ratio, sample

_SEP = r"[\s_-]*"
DELIVERY_METRICS: dict[str, re.Pattern[str]] = {
    "lead_time": re.compile(rf"lead{_SEP}times?|前置时间|交付周期"),
    "deployment_frequency": re.compile(
        rf"(deploy(ment)?s?|release)s?{_SEP}(frequency|per{_SEP}(day|week|month))|部署频[率次]|发布频[率次]"
    ),
    "change_failure_rate": re.compile(
        rf"change{_SEP}fail|fail(ed|ure)?{_SEP}(deploy(ment)?s?|releases?|changes?)(?=[^a-z]|$)(?!{_SEP}recover)"
        rf"|(deploy(ment)?|release){_SEP}(fail|success)"
        r"|变更失败|部署失败|发布失败|部署成功率|发布成功率"
    ),
    "time_to_restore": re.compile(
        rf"time{_SEP}to{_SEP}(restore|recover|repair|resolve)|(^|[^a-z])mttr([^a-z]|$)|recovery{_SEP}time"
        r"|恢复时间|平均修复时间|故障恢复"
    ),
}
DELIVERY_ORDER = tuple(DELIVERY_METRICS)


def _kinds(text: str) -> set[str]:
    lowered = text.lower()
    return {kind for kind, pattern in DELIVERY_METRICS.items() if pattern.search(lowered)}


def panel_kinds(panel: Panel) -> set[str]:
    """Delivery indicators a panel shows: read from its title, or from its queries when the title names none."""
    if not panel.queries():
        return set()
    return _kinds(panel.title) or _kinds(snake(panel.title)) or _kinds(panel.queries())


def delivery_findings(read: DashboardRead) -> dict[str, Finding]:
    where: dict[str, set[str]] = {}
    described: set[str] = set()
    for doc in read.docs:
        title = doc.dashboard.title or doc.dashboard.uid
        for panel in doc.dashboard.all_panels():
            for kind in panel_kinds(panel):
                where.setdefault(kind, set()).add(title)
                if panel.description.strip():
                    described.add(kind)
    found = [k for k in DELIVERY_ORDER if k in where]
    missing = [k for k in DELIVERY_ORDER if k not in where]
    if found:
        shown = "; ".join(f"{k} ({sample(sorted(where[k]), 3)})" for k in found)
        summary = f"{len(found)} of 4 DORA key metrics shown on dashboards: {shown}" + (
            f"; not found: {', '.join(missing)}" if missing else ""
        )
    else:
        summary = f"none of the {len(read.docs)} dashboards read has a panel with a query for a DORA key metric"
    bare = [k for k in found if k not in described]
    if found:
        described_summary = f"{len(found) - len(bare)} of {len(found)} DORA key metrics shown on dashboards have a "
        described_summary += "panel description saying what they mean" + (
            f"; without: {', '.join(bare)}" if bare else ""
        )
    else:
        described_summary = "no DORA key metric is shown on a dashboard, so none is described (0.0)"
    return {
        "grafana.delivery_metrics": Finding(found, summary),
        "grafana.delivery_metric_kinds": Finding(len(found), summary),
        "grafana.delivery_metrics_described_ratio": Finding(
            ratio(len(found) - len(bare), len(found)), described_summary
        ),
    }


def delivery_alert_findings(rules: list[AlertRule]) -> dict[str, Finding]:
    """Active alert rules whose title or data queries name a DORA key metric: thresholds on delivery metrics."""
    active = [r for r in rules if r.record is None and not r.is_paused]
    chosen = sorted(r.title for r in active if _kinds(r.title) or _kinds(snake(r.title)) or _kinds(r.queries()))
    summary = (
        f"{len(chosen)} of {len(active)} active alert rules watch a DORA key metric: {sample(chosen)}"
        if chosen
        else f"none of the {len(active)} active alert rules watches a DORA key metric"
    )
    return {"grafana.delivery_alert_rules": Finding(len(chosen), summary)}

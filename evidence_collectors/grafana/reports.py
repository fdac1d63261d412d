"""Facts about reports that Grafana generates from measurement dashboards on a recurring schedule (Grafana
Enterprise Reporting): a report counts when it recurs (not once), is not paused or expired, and includes a dashboard
with a panel that shows a DORA key metric."""

from __future__ import annotations

from evidence_collectors.grafana.api import DashboardRead
from evidence_collectors.grafana.delivery import panel_kinds
from evidence_collectors.grafana.models import Report
from evidence_collectors.outcome import Finding, sample

RECURRING = frozenset({"hourly", "daily", "weekly", "monthly", "custom"})
STOPPED = frozenset({"paused", "expired"})


def measurement_dashboards(read: DashboardRead) -> set[str]:
    """Uids of the dashboards read that show a DORA key metric."""
    return {
        doc.dashboard.uid
        for doc in read.docs
        if doc.dashboard.uid and any(panel_kinds(p) for p in doc.dashboard.all_panels())
    }


def report_findings(reports: list[Report], read: DashboardRead) -> dict[str, Finding]:
    measured = measurement_dashboards(read)
    recurring = [r for r in reports if r.schedule.frequency.lower() in RECURRING and r.state.lower() not in STOPPED]
    chosen = sorted(
        f"{r.name or r.id} ({r.schedule.frequency})"
        for r in recurring
        if any(d.dashboard.uid in measured for d in r.dashboards)
    )
    if chosen:
        summary = f"{len(chosen)} of {len(reports)} reports are generated on a recurring schedule from a dashboard "
        summary += f"showing delivery metrics: {sample(chosen)}"
    else:
        summary = (
            f"none of the {len(reports)} reports ({len(recurring)} recurring and active) is generated from a "
            "dashboard showing delivery metrics"
        )
    return {"grafana.recurring_measurement_reports": Finding(len(chosen), summary)}

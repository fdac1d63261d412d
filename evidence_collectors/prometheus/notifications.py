"""Whether firing alerts reached an Alertmanager, read from Prometheus's own notifier metrics over the alert-history
window (only when Prometheus scrapes itself: otherwise the probe cannot decide and is unavailable).

Per Alertmanager, prometheus_notifications_sent_total counts the alerts sent and prometheus_notifications_errors_total
those whose sending failed; prometheus_notifications_dropped_total counts alerts no Alertmanager took (all failed, or
none was known yet). Alerts delivered are the most any one Alertmanager took (an HA pair receives the same alerts);
the share is delivered / (delivered + dropped).
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence_collectors.http import Unavailable
from evidence_collectors.outcome import Finding, percent
from evidence_collectors.prometheus.alert_history import History
from evidence_collectors.prometheus.api import PrometheusApi
from evidence_collectors.prometheus.models import Sample

PROBE = "prometheus.alert_notifications_delivered_ratio"


@dataclass(frozen=True)
class Notifications:
    scraped: bool  # Prometheus's notifier gauge has samples in the window
    alertmanagers: float  # most Alertmanagers discovered at once in the window
    sent: dict[str, float]  # Alertmanager URL -> alerts sent in the window
    errors: dict[str, float]  # Alertmanager URL -> alerts whose sending failed
    dropped: float

    @property
    def delivered(self) -> float:
        return max((n - self.errors.get(am, 0.0) for am, n in self.sent.items()), default=0.0)


def _value(sample: Sample) -> float:
    if sample.value is None or sample.value[1] in ("NaN", "+Inf", "-Inf"):
        return 0.0
    return max(0.0, float(sample.value[1]))


def read(api: PrometheusApi, window_h: float) -> tuple[Notifications, list[str]]:
    span = f"{max(1, round(window_h * 3600))}s"
    shas: list[str] = []

    def query(expr: str) -> list[Sample]:
        samples, more = api.instant(expr)
        shas.extend(more)
        return samples

    def per_manager(kind: str) -> dict[str, float]:
        expr = f"sum by (alertmanager) (increase(prometheus_notifications_{kind}_total[{span}]))"
        return {s.metric.get("alertmanager", ""): _value(s) for s in query(expr)}

    managers = query(f"max(max_over_time(prometheus_notifications_alertmanagers_discovered[{span}]))")
    dropped = query(f"sum(increase(prometheus_notifications_dropped_total[{span}]))")
    found = Notifications(
        scraped=bool(managers),
        alertmanagers=sum(_value(s) for s in managers),
        sent=per_manager("sent"),
        errors=per_manager("errors"),
        dropped=sum(_value(s) for s in dropped),
    )
    return found, shas


def delivery_findings(notes: Notifications, history: History) -> dict[str, Finding]:
    fired = len(history.episodes)
    where = f"in {history.window}"
    if not notes.scraped:
        raise Unavailable(
            "Prometheus does not scrape its own metrics (no prometheus_notifications_alertmanagers_discovered "
            f"samples {where}), so alert delivery cannot be read"
        )
    delivered, dropped = notes.delivered, notes.dropped
    if delivered + dropped < 0.5:
        if not fired:
            raise Unavailable(f"no alert fired {where} and none was sent: there was nothing to deliver")
        reason = "no Alertmanager was discovered" if notes.alertmanagers <= 0 else "none was sent"
        return {PROBE: Finding(0.0, f"{fired} alert episode(s) fired {where} but no notification went out: {reason}")}
    failing = sorted(am for am, n in notes.errors.items() if n >= 0.5)
    summary = (
        f"about {delivered:.0f} alert(s) reached an Alertmanager and {dropped:.0f} were dropped {where} "
        f"({percent(round(delivered), round(delivered + dropped))} delivered; "
        f"{notes.alertmanagers:g} Alertmanager(s) discovered)"
        + (f"; sending failed to {len(failing)} of {len(notes.sent)} Alertmanager(s)" if failing else "")
    )
    return {PROBE: Finding(round(delivered / (delivered + dropped), 4), summary)}

"""Facts about what Prometheus scrapes and where it sends alerts."""

from __future__ import annotations

from collections import Counter

from evidence_collectors.outcome import Finding, percent, ratio, sample
from evidence_collectors.prometheus.models import AlertmanagerDiscovery, ScrapeTarget
from evidence_collectors.secrets import redact_url


def target_findings(targets: list[ScrapeTarget]) -> dict[str, Finding]:
    health = Counter(t.health for t in targets)
    up, total = health.get("up", 0), len(targets)
    jobs = sorted({t.job for t in targets})
    down = sorted(f"{t.job} {t.instance}" for t in targets if t.health != "up")
    reasons = sorted(f"{t.job} {t.instance} ({t.last_error or t.health})" for t in targets if t.health != "up")
    if total:
        count_summary = (
            f"{total} active scrape targets in {len(jobs)} jobs ({sample(jobs)}): {up} up, "
            f"{health.get('down', 0)} down, {health.get('unknown', 0)} not yet scraped"
        )
        up_summary = f"{up} of {total} active scrape targets ({percent(up, total)}) were up at their last scrape"
    else:
        count_summary = "Prometheus has no active scrape targets"
        up_summary = "there are no active scrape targets, so none is up (0.0)"
    down_summary = (
        f"{len(down)} scrape target(s) not up: {sample(reasons)}" if down else "every active scrape target is up"
    )
    return {
        "prometheus.scrape_targets": Finding(total, count_summary),
        "prometheus.scrape_targets_up_ratio": Finding(ratio(up, total), up_summary),
        "prometheus.scrape_targets_down": Finding(down, down_summary),
    }


def alertmanager_findings(discovery: AlertmanagerDiscovery) -> dict[str, Finding]:
    urls = sorted(redact_url(str(a.get("url", ""))) for a in discovery.active)
    summary = (
        f"{len(urls)} Alertmanager(s) configured to receive alerts: {sample(urls)}"
        if urls
        else "no Alertmanager is configured: firing alerts notify nobody"
    )
    return {"prometheus.alertmanagers": Finding(len(urls), summary)}

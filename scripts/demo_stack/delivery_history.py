"""A year of the delivery pipeline's metrics, written into the demo Prometheus's TSDB before it starts.

The bank has kept its delivery measurements since the platform went live (its retention is 400 days), but a demo
Prometheus starts empty: without this, "measurement data kept for at least six months" could never hold. One sample a
day per series, from HISTORY_DAYS ago to yesterday, with the values the delivery exporter serves now (counters grow
towards them), converted to TSDB blocks by promtool, the tool Prometheus ships for backfilling.
"""

from __future__ import annotations

from pathlib import Path

from scripts.demo_stack.delivery import DAY_S, DEPLOYMENTS, LEAD_AND_RESTORE_H
from scripts.demo_stack.tsdb import create_blocks

HISTORY_DAYS = 395


def openmetrics(now_s: float, days: int = HISTORY_DAYS) -> str:
    """Daily samples of the delivery series (OpenMetrics text, samples in time order per series)."""
    stamps = [now_s - (days - k) * DAY_S for k in range(days)]  # oldest first, the last one a day ago

    def family(name: str, kind: str, series: list[tuple[str, list[float]]]) -> list[str]:
        sample = f"{name}_total" if kind == "counter" else name  # OpenMetrics: a counter family has no _total
        lines = [f"# TYPE {name} {kind}"]
        for labels, values in series:
            lines += [f"{sample}{{{labels}}} {v:g} {t:.0f}" for v, t in zip(values, stamps, strict=True)]
        return lines

    def growing(final: int) -> list[float]:
        return [float(int(final * (k + 1) / days)) for k in range(days)]

    out: list[str] = []
    out += family(
        "deployments",
        "counter",
        [(f'app="{app}",environment="prod"', growing(n)) for app, (n, _, _, _) in DEPLOYMENTS.items()],
    )
    out += family(
        "failed_deployments",
        "counter",
        [(f'app="{app}",environment="prod"', growing(d[1])) for app, d in DEPLOYMENTS.items()],
    )
    out += family(
        "lead_time_for_changes_hours",
        "gauge",
        [(f'app="{app}"', [h] * days) for app, (h, _) in LEAD_AND_RESTORE_H.items()],
    )
    out += family(
        "time_to_restore_hours",
        "gauge",
        [(f'app="{app}"', [h] * days) for app, (_, h) in LEAD_AND_RESTORE_H.items()],
    )
    return "\n".join(out) + "\n# EOF\n"


def backfill(data_dir: Path, work_dir: Path, now_s: float) -> None:
    """Write the history as TSDB blocks into `data_dir` (before Prometheus opens it)."""
    create_blocks(openmetrics(now_s), "delivery-history.om.txt", data_dir, work_dir)

"""The resolved targets file: the example's own targets (its git repository) plus the stack's MLflow and Prometheus on
the ports chosen at start (Prometheus's alert history read over the bank's monthly review period), the folder of
drift reports the stack wrote, and the recorded systems. Paths are rewritten relative to the new file, since a targets
file's paths are read relative to the file itself."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

PATH_KEYS = ("path", "token_file", "ca_file")


def _rebased(target: dict[str, Any], source_dir: Path, out_dir: Path) -> dict[str, Any]:
    moved = dict(target)
    for key in PATH_KEYS:
        value = moved.get(key)
        if isinstance(value, str) and not Path(value).expanduser().is_absolute():
            moved[key] = os.path.relpath((source_dir / value).resolve(), out_dir.resolve())
    return moved


ALERT_REVIEW_H = 24 * 30  # the bank reviews its model alerts monthly


def write_targets(
    base: Path,
    out_file: Path,
    mlflow_url: str,
    prometheus_url: str,
    recorded: Sequence[dict[str, Any]] = (),
    drift_reports: Path | None = None,
) -> Path:
    """Write `out_file`: the targets of `base`, the demo stack's two servers, its folder of drift reports and the
    targets of the recorded systems (the bank's tracker, cluster, orchestrator)."""
    document = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
    targets = [_rebased(t, base.parent, out_file.parent) for t in document.get("targets", [])]
    targets += [
        {"collector": "mlflow", "name": "tracking", "url": mlflow_url, "timeout_s": 30},
        {"collector": "prometheus", "name": "monitoring", "url": prometheus_url, "alert_history_h": ALERT_REVIEW_H},
    ]
    if drift_reports is not None:
        where = os.path.relpath(drift_reports.resolve(), out_file.parent.resolve())
        targets.append({"collector": "evidently", "name": "drift-reports", "path": where})
    targets += [dict(t) for t in recorded]
    header = (
        f"# Written by scripts/demo_stack from {base.name} for one demo run: the servers below live only while the\n"
        "# demo collects. Do not edit; edit the base file instead.\n"
    )
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(header + yaml.safe_dump({"targets": targets}, sort_keys=False), encoding="utf-8")
    return out_file

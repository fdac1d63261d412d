"""Backfill Prometheus's data directory with history written as OpenMetrics text, through `promtool`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def create_blocks(openmetrics: str, source_name: str, data_dir: Path, work_dir: Path) -> None:
    """Write `openmetrics` as TSDB blocks into `data_dir` (before Prometheus opens it); the text is kept in
    `work_dir/source_name` so a run can be checked afterwards."""
    promtool = shutil.which("promtool") or "/usr/bin/promtool"
    work_dir.mkdir(parents=True, exist_ok=True)
    source = work_dir / source_name
    source.write_text(openmetrics, encoding="utf-8")
    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            promtool,
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=744h",
            str(source),
            str(data_dir),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )

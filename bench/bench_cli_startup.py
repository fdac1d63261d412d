"""`mlops-maturity --help` start-up time: target < 300 ms (median of fresh processes)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bench.timing import Figure, median_ms

TARGET_MS = 300.0
RUNS = 15


def _cli() -> str:
    beside = Path(sys.executable).parent / "mlops-maturity"
    return str(beside) if beside.exists() else (shutil.which("mlops-maturity") or "mlops-maturity")


def run() -> list[Figure]:
    exe = _cli()

    def start() -> None:
        subprocess.run([exe, "--help"], check=True, capture_output=True)

    med, lo, hi = median_ms(start, RUNS, warmup=2)
    return [Figure("mlops-maturity --help", med, TARGET_MS, f"{RUNS} runs, min {lo:.0f} max {hi:.0f} ms")]

"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    median_ms: float
    target_ms: float
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.median_ms <= self.target_ms


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 3) -> tuple[float, float, float]:
    """Median, min and max wall time of `fn` in milliseconds over `runs` calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)

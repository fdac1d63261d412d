"""Scoring every requirement of a part: target < 5 ms per part (median)."""

from __future__ import annotations

import random

from assessors.assessment import Status
from assessors.scoring import score
from bench.timing import Figure, median_ms
from capability_model.catalog import resolve

TARGET_MS = 5.0
RUNS = 300


def run() -> list[Figure]:
    figures = []
    rng = random.Random(20221)
    choices = [Status.met, Status.met, Status.partial, Status.not_met, Status.not_applicable, None]
    for ref in ("caict-mlops-p1", "caict-mlops-p2"):
        loaded = resolve(ref)
        fw = loaded.framework
        statuses = {r.id: rng.choice(choices) for _, r in fw.requirements()}
        sha = loaded.sha256
        med, lo, hi = median_ms(lambda fw=fw, statuses=statuses, sha=sha: score(fw, statuses, 3, sha), RUNS)
        n = len(statuses)
        figures.append(
            Figure(f"score {fw.ref}", med, TARGET_MS, f"{n} requirements, {RUNS} runs, min {lo:.2f} max {hi:.2f} ms")
        )
    return figures

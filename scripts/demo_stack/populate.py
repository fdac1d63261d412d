"""Fill a running MLflow server with the example bank's tracking history and model registry.

    python -m scripts.demo_stack.populate http://127.0.0.1:5000 summary.json   # the summary: what it wrote, how fast

Deterministic: every value comes from fixed seeds; only the timestamps move, relative to now, so that "last 30 days"
stays true. What goes in is described in history_reco (the recommendation team of the questionnaires) and
history_bank (credit risk, card fraud, card marketing): 6 experiments, 126 runs, 5 registered models, 57 versions.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from scripts.demo_stack.filled import Counts, Populated
from scripts.demo_stack.history_bank import card_fraud, card_marketing, credit_pd
from scripts.demo_stack.history_reco import (
    poc_insurance,
    reco_ranking_experiments,
    reco_ranking_registry,
    reco_ranking_setup,
    reco_retrieval,
)
from scripts.demo_stack.mlflow_writer import Writer


def populate(url: str, threads: int = 4) -> Populated:
    """Each stream of history is written by its own writer, a few at once: the server works on one request while the
    client prepares the next (versions of one model stay in order, as one writer registers them all)."""
    started = time.monotonic()
    now_ms = int(time.time() * 1000)
    setup = Writer(url, now_ms)
    reco = reco_ranking_setup(setup)
    fills: list[Callable[[Writer], None]] = [
        partial(reco_ranking_registry, exp=reco),
        partial(reco_ranking_experiments, exp=reco),
        credit_pd,
        card_fraud,
        poc_insurance,
        reco_retrieval,
        card_marketing,
    ]

    def fill(step: Callable[[Writer], None]) -> Counts:
        writer = Writer(url, now_ms)
        step(writer)
        return writer.counts

    with ThreadPoolExecutor(max_workers=threads) as pool:
        counts = sum(pool.map(fill, fills), setup.counts)
    return Populated(seconds=round(time.monotonic() - started, 1), counts=counts)


if __name__ == "__main__":
    result = populate(sys.argv[1])
    Path(sys.argv[2]).write_text(result.model_dump_json(), encoding="utf-8")

"""A PDF report rendered in a separate process, so that the workshop keeps answering while it is made.

Rendering a PDF of both parts takes tens of seconds of pure Python work. Run inside the server it held the page
(and, through Python's global lock, every other person's clicks) until done. Here each export runs
app/workshop/export_worker.py as its own process (one at a time), watched by a thread of the server: the page shows
a progress bar and stays usable, and other people's clicks do not wait for it. The bar's estimate is the last
export's duration (the renderer reports no steps).
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from app.workshop import cached
from app.workshop.bundles import data_home
from app.workshop.export_worker import Handed
from app.workshop.service import Scores
from capability_model.schema import Lang

FIRST_GUESS_S = 40.0  # the bar's estimate before any export finished in this server
TIMEOUT_S = 900.0
_runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workshop-export")
_last_s: dict[str, float] = {}


class ExportFailedError(RuntimeError):
    """The worker process ended without a report (its error output is the message)."""


def _run(handed: Handed, fmt: str, lang: Lang) -> tuple[str, bytes, int]:
    with tempfile.TemporaryDirectory(prefix="workshop-export-") as tmp:
        given, out = Path(tmp) / "workshop.pickle", Path(tmp) / "report"
        given.write_bytes(pickle.dumps(handed))
        command = [sys.executable, "-m", "app.workshop.export_worker", str(given), fmt, lang, str(out)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        if done.returncode != 0 or not out.exists():
            raise ExportFailedError(done.stderr.strip()[-2000:] or f"the report worker ended with {done.returncode}")
        told = json.loads(done.stdout.strip().splitlines()[-1])
        return str(told["name"]), out.read_bytes(), int(told["revision"])


@dataclass
class Job:
    """One export under way or done: what it is for (revision, format, language) and its result to come."""

    wanted: tuple[int, str, str]
    future: Future[tuple[str, bytes, int]]
    started: float = field(default_factory=time.monotonic)

    def progress(self) -> float:
        """A share of the work done, from 0 to 0.95 while running (the estimate is the last export's duration)."""
        if self.future.done():
            return 1.0
        estimate = _last_s.get(self.wanted[1], FIRST_GUESS_S)
        return min(0.95, (time.monotonic() - self.started) / max(estimate, 1.0))

    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    def result(self) -> tuple[str, bytes, int]:
        """The file's name and bytes and the revision it shows (raises the worker's error, if it failed)."""
        return self.future.result(timeout=0)


def start(db: str, scores: Scores, fmt: str, lang: Lang) -> Job:
    """Start rendering the report of `scores` (the workshop as the page shows it) in a worker process."""
    bundle = cached.bundle_path(db, scores.workshop) if scores.bundle is not None else None
    handed = Handed(scores.workshop, bundle, str(data_home(db)))
    future = _runner.submit(_run, handed, fmt, lang)
    job = Job((scores.workshop.revision, fmt, lang), future)

    def finished(done: Future[tuple[str, bytes, int]]) -> None:
        if not done.cancelled() and done.exception() is None:
            _last_s[fmt] = job.elapsed_s()

    future.add_done_callback(finished)
    return job

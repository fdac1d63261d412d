"""Work done once per server, ahead of the first person who needs it: the most recently changed workshops scored
with their evidence (the frameworks, the bundle's verdicts, both parts). Libraries are not imported here: a module
imported by two threads at once can be seen half made (the dashboard's own imports stay in its run).

The first dashboard of a fresh server used to pay for all of that in the click that opened it (6 to 11 s), and
still some 2 s when the warm-up began only on the server's first page: about half of it was importing the pages'
libraries and every collector (the roadmap's efforts come from the probe catalogue). So the server makes those
imports as it starts, before it serves anyone (in one thread: no page run can see them half made), and begins the
scoring then, in a background thread; a page that needs a result still being made waits for it rather than making it
twice (Streamlit's cache holds one lock per entry).
"""

from __future__ import annotations

import threading

from app.workshop import cached
from app.workshop.failures import logger

WORKSHOPS = 3  # the most recently changed ones
_started: set[str] = set()
_lock = threading.Lock()


def _work(db: str) -> None:
    try:
        summaries = sorted(cached.store(db).summaries(), key=lambda s: s.updated_at, reverse=True)
        for summary in summaries[:WORKSHOPS]:
            cached.scores(db, summary.id)
    except Exception as exc:  # only a head start: the page that needs it does it again and shows any error
        logger.info("warming up %s: %s", db, exc)


def start(db: str) -> None:
    """Begin the warm-up for `db` (once per server process)."""
    with _lock:
        if db in _started:
            return
        _started.add(db)
    threading.Thread(target=_work, args=(db,), name="workshop-warm-up", daemon=True).start()


def at_server_start() -> None:
    """As the server starts (app/workshop/server.py), before it serves anyone: the pages' imports and the probe
    catalogue now, the scoring in the background. Without the workshop command's settings nothing is done here: the
    page says what is missing."""
    from app.workshop.config import NotConfiguredError, from_environment

    try:
        config = from_environment()
    except NotConfiguredError:
        return
    import pandas  # type: ignore[import-untyped]  # noqa: F401  # the dashboard's tables and charts
    import plotly.graph_objects  # type: ignore[import-untyped]  # noqa: F401

    from app.workshop import shell  # noqa: F401  # every page
    from evidence_collectors.registry import probe_catalogue

    probe_catalogue()  # imports every collector
    start(config.db)

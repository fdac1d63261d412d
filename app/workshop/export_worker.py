"""The report renderer run as its own process: `python -m app.workshop.export_worker GIVEN FORMAT LANG OUT`.

GIVEN is the workshop the server handed over (pickled by export_job.py); the worker scores it as the page does,
renders the report into OUT and prints the file's name and the revision it shows as JSON. It is started as a fresh
interpreter, not through multiprocessing: in a Streamlit server the main module is the app's script, which
multiprocessing would run again in the child. It ends when the server that started it has ended.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assessors.store import Workshop

PARENT_CHECK_S = 2.0


@dataclass(frozen=True)
class Handed:
    """What the server hands the worker: the workshop as loaded, its verified bundle's folder, the data folder."""

    workshop: Workshop
    bundle: str | None
    location: str


def _end_with_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="end-with-server", daemon=True).start()


def render(given: Path, fmt: str, lang: str) -> tuple[str, bytes, int]:
    """The workshop the server handed over (as the page showed it), scored as the page scores it, rendered: file
    name, bytes and revision. The database is not opened here: opening it checks it under its write lock, which
    would hold back everyone's clicks meanwhile."""
    from app.workshop.service import report_file, score_workshop
    from assessors.evidence import decide
    from assessors.workflow import open_bundle
    from capability_model.catalog import resolve
    from capability_model.schema import LANGS

    if lang not in LANGS:
        raise ValueError(f"no such language: {lang}")
    handed: Handed = pickle.loads(given.read_bytes())  # written by this server for this worker, never by a person
    workshop = handed.workshop
    bundle = open_bundle(handed.bundle) if handed.bundle else None
    frameworks = {a.framework: resolve(a.framework) for a in workshop.parts}
    scores = score_workshop(
        workshop,
        frameworks.__getitem__,
        bundle,
        lambda loaded: decide(loaded.framework, bundle.records) if bundle is not None else {},
        Path(handed.location),
    )
    name, data = report_file(scores, fmt, "zh" if lang == "zh" else "en")
    return name, data, workshop.revision


def main(argv: list[str]) -> int:
    given, fmt, lang, out = argv
    _end_with_parent(os.getppid())
    os.nice(10)  # the server answering clicks comes first; the report can wait a little
    name, data, revision = render(Path(given), fmt, lang)
    Path(out).write_bytes(data)
    print(json.dumps({"name": name, "revision": revision}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

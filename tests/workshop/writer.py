"""A second process writing answers to a shared store (used by the concurrency test).

python -m tests.workshop.writer DB WORKSHOP FRAMEWORK WHO GO_FILE REQUIREMENT...
Waits until GO_FILE exists, so that both writers start together, then saves one answer per requirement.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assessors.assessment import Answer, Status
from assessors.sqlite_store import SqliteStore


def main(argv: list[str]) -> int:
    db, workshop, framework, who, go, *requirements = argv
    store = SqliteStore(db)
    deadline = time.monotonic() + 30
    while not Path(go).exists():
        if time.monotonic() > deadline:
            return 3
        time.sleep(0.005)
    for n, rid in enumerate(requirements):
        store.save_answer(int(workshop), framework, rid, Answer(status=Status.met, note=f"{who} {n}"), who)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

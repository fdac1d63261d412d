"""One person editing a workshop in a process of its own, for the concurrent-edit tests (tests/workshop/test_edits.py).

Usage: python -m tests.workshop.edit_worker DB WORKSHOP FRAMEWORK WHO GO_FILE PLAN_JSON

The plan is a list of [requirement, field, value] edits. Each is sent as a page would send it: with the value of that
field this person last saw (their own last write, or what they last read) and the revision they last saw. A refused
edit is taken up again on the answer that refused it, as a person pressing "keep mine" would. Prints one JSON line per
edit: the outcome and the audit entry's id, so the test can match every edit with the trail.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from assessors.assessment import Status
from assessors.sql_open import open_store
from assessors.store import AnswerField, FieldEdit, FieldValue, field_value


def _value(field: AnswerField, raw: object) -> FieldValue:
    if field == "status":
        return Status(str(raw)) if raw else None
    if field == "evidence":
        return tuple(str(r) for r in raw) if isinstance(raw, list) else ()
    return str(raw)


def main(db: str, workshop: str, framework: str, who: str, go: str, plan: str) -> None:
    store = open_store(db)
    workshop_id = int(workshop)
    seen: dict[tuple[str, AnswerField], tuple[FieldValue, int]] = {}
    while not Path(go).exists():
        time.sleep(0.005)
    for rid, field, raw in json.loads(plan):
        value = _value(field, raw)
        base, revision = seen.get((rid, field), (field_value(None, field), 0))
        result = store.save_field(workshop_id, framework, rid, FieldEdit(field, value, base, revision), who)
        tries = 1
        while result.outcome == "conflict":  # keep mine, over the answer that refused it
            theirs = field_value(result.answer, field)
            result = store.save_field(
                workshop_id, framework, rid, FieldEdit(field, value, theirs, result.revision), who
            )
            tries += 1
        seen[(rid, field)] = (field_value(result.answer, field), result.revision)
        change = result.change.id if result.change else None
        print(json.dumps({"rid": rid, "field": field, "outcome": result.outcome, "audit": change, "tries": tries}))


if __name__ == "__main__":
    main(*sys.argv[1:7])

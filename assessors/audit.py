"""The audit trail of a workshop: one entry per saved change to an answer, and its CSV and JSON exports.

An entry records the verdict before and after, so the trail reads as a history of decisions; exports are pure
functions of the entries so that the UI, a test or a script produce identical files. A change of where a verdict came
from (a proposal drafted from evidence, withdrawn, confirmed, or overridden with a reason) is said at the start of the
entry's note, in both languages, by `provenance_note`: the trail then shows who confirmed or overrode what, and why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assessors.assessment import Answer
from capability_model.visible import spreadsheet_cell

AUDIT_COLUMNS: tuple[str, ...] = (
    "id",
    "at",
    "who",
    "framework",
    "requirement",
    "old_status",
    "new_status",
    "note",
    "evidence",
)


@dataclass(frozen=True)
class Change:
    """One saved change: requirement, old -> new status, the note and references saved with it, who and when."""

    id: int
    framework: str  # framework id of the part the requirement belongs to
    requirement: str
    old_status: str | None  # None: unknown (never answered, or answered without a status)
    new_status: str | None
    note: str
    evidence: tuple[str, ...]
    who: str
    at: dt.datetime

    def record(self) -> dict[str, object]:
        """A flat, JSON-ready mapping in AUDIT_COLUMNS order."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "who": self.who,
            "framework": self.framework,
            "requirement": self.requirement,
            "old_status": self.old_status,
            "new_status": self.new_status,
            "note": self.note,
            "evidence": list(self.evidence),
        }


def changes_json(changes: Sequence[Change]) -> str:
    return json.dumps([c.record() for c in changes], ensure_ascii=False, indent=2) + "\n"


def changes_csv(changes: Sequence[Change]) -> str:
    """One row per change; references joined by '; '. Callers add a BOM when spreadsheets must read Chinese."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(AUDIT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for change in changes:
        row = change.record()
        row["evidence"] = "; ".join(change.evidence)
        row["old_status"] = change.old_status or ""
        row["new_status"] = change.new_status or ""
        writer.writerow({k: spreadsheet_cell(v) if isinstance(v, str) else v for k, v in row.items()})
    return out.getvalue()


ProvenanceEvent = Literal["proposed", "withdrawn", "confirmed", "overridden"]


def provenance_note(event: ProvenanceEvent, answer: Answer) -> str:
    """The note of an audit entry that changes where a verdict came from: what happened, then the answer's own note.

    `answer` is the answer as saved by the change (for `withdrawn`: the proposal that was withdrawn)."""
    proposal = answer.proposal
    if event == "proposed":
        assert proposal is not None
        records = ", ".join(proposal.records) or "-"
        said = (
            f"证据建议 / proposed by evidence ({proposal.status}, {proposal.verification}): "
            f"{proposal.reason.zh} / {proposal.reason.en}; 记录 / records: {records}"
        )
    elif event == "withdrawn":
        said = "撤回证据建议 / proposal withdrawn: the new evidence gives no verdict"
    elif event == "confirmed":
        assert proposal is not None
        said = f"确认证据建议 / confirmed the evidence's proposal ({proposal.status})"
    else:
        against = f" ({proposal.status})" if proposal is not None else ""
        said = f"推翻证据建议 / overrode the evidence's proposal{against}; 理由 / reason: {answer.override_reason}"
    return f"{said} — {answer.note}" if answer.note else said

"""Proposals drafted from evidence in the workshop store: saved, confirmed and overridden without losing a newer answer.

Several people answer one workshop at once. Each write here happens in one write transaction (holding the workshop's
write lock: SQLite's database lock, PostgreSQL's lock on the workshop's row) that first re-reads the
requirement's stored revision and refuses (or, when drafting, skips) a requirement whose answer was saved again since
the person loaded it: a proposal never replaces a person's answer given meanwhile, and a confirmation or an override
always concerns the proposal the person saw. The audit entry of each change says what happened to the provenance
(assessors/audit.py, `provenance_note`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from pydantic import BaseModel

from assessors.answering import AnswerRefusedError, confirm, override
from assessors.assessment import Answer, Assessment, Status
from assessors.audit import Change, ProvenanceEvent, provenance_note
from assessors.draft import DraftResult
from assessors.sql_open import open_database
from assessors.sql_store import Connection, SqlStore
from assessors.store import WorkshopNotFoundError

_Decision = Callable[[Assessment], tuple[Answer, ProvenanceEvent]]  # the stored answer (as a part) -> the new one


class AnswerChangedError(AnswerRefusedError):
    """The stored answer is no longer the one the person saw: someone saved this requirement meanwhile."""


class DraftSaved(BaseModel):
    """What saving a draft did: requirements written, and those left alone because someone answered meanwhile."""

    proposed: list[str] = []
    withdrawn: list[str] = []
    skipped: list[str] = []  # answered (or drafted) by someone else since the draft was made: left as they are


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


OPEN_WAIT_S = 5.0


class ProposalStore(SqlStore):
    """The workshop store (an SQLite file or a PostgreSQL URL) with compare-and-set writes for drafting, confirming
    and overriding proposals."""

    def __init__(self, db: Path | str, *, open_wait_s: float = OPEN_WAIT_S) -> None:
        super().__init__(open_database(db, open_wait_s=open_wait_s))

    def _revision_of(self, conn: Connection, workshop_id: int, framework_id: str, requirement_id: str) -> int:
        row = conn.execute(
            "SELECT revision FROM answers WHERE workshop_id = ? AND framework_id = ? AND requirement_id = ?",
            (workshop_id, framework_id, requirement_id),
        ).fetchone()
        return int(row[0]) if row else 0

    def _write_event(
        self,
        conn: Connection,
        key: tuple[int, str, str],
        old: Answer | None,
        answer: Answer,
        event: tuple[ProvenanceEvent, Answer],
        who: str,
        revision: int,
    ) -> Change:
        """Write the answer and its audit entry, whose note says what happened to the provenance."""
        workshop_id, framework_id, requirement_id = key
        change = self._record(conn, workshop_id, (framework_id, requirement_id), old, answer, who, revision)
        note = provenance_note(*event)
        conn.execute("UPDATE audit SET note = ? WHERE id = ?", (note, change.id))
        return dataclasses.replace(change, note=note)

    def save_draft(
        self, workshop_id: int, framework_id: str, drafted: DraftResult, seen: Mapping[str, int], who: str
    ) -> DraftSaved:
        """Save the proposals (new, replaced, withdrawn) of a draft made from answers loaded at revisions `seen`.

        A requirement saved again since then is skipped: the draft was made without knowing that answer."""
        saved = DraftSaved()
        wanted = [*drafted.proposed, *drafted.withdrawn]
        if not wanted:
            return saved
        with self._write(workshop_id) as conn:
            revision = self._bump(conn, workshop_id)
            for rid in wanted:
                if self._revision_of(conn, workshop_id, framework_id, rid) != seen.get(rid, 0):
                    saved.skipped.append(rid)
                    continue
                old = self._stored(conn, workshop_id, framework_id, rid)
                answer = drafted.assessment.answers[rid]
                if rid in drafted.proposed:
                    event: tuple[ProvenanceEvent, Answer] = ("proposed", answer)
                    saved.proposed.append(rid)
                else:
                    event = ("withdrawn", old or Answer())
                    saved.withdrawn.append(rid)
                self._write_event(conn, (workshop_id, framework_id, rid), old, answer, event, who, revision)
        return saved

    def _part_with(
        self, conn: Connection, workshop_id: int, framework_id: str, requirement_id: str, answer: Answer
    ) -> Assessment:
        """The workshop's part holding only this answer: what the pure confirm/override functions work on."""
        row = conn.execute(
            "SELECT w.header, p.framework FROM workshops w JOIN parts p ON p.workshop_id = w.id "
            "WHERE w.id = ? AND p.framework_id = ?",
            (workshop_id, framework_id),
        ).fetchone()
        if row is None:
            raise WorkshopNotFoundError(workshop_id)
        header = json.loads(row[0])
        return Assessment.model_validate({**header, "framework": row[1], "answers": {requirement_id: answer}})

    def _decide(
        self, workshop_id: int, framework_id: str, requirement_id: str, seen: int, change: _Decision, who: str
    ) -> Change:
        with self._write(workshop_id) as conn:
            if self._revision_of(conn, workshop_id, framework_id, requirement_id) != seen:
                raise AnswerChangedError(f"{requirement_id}: someone saved this answer meanwhile")
            old = self._stored(conn, workshop_id, framework_id, requirement_id) or Answer()
            part = self._part_with(conn, workshop_id, framework_id, requirement_id, old)
            answer, event = change(part)
            revision = self._bump(conn, workshop_id)
            key = (workshop_id, framework_id, requirement_id)
            return self._write_event(conn, key, old, answer, (event, answer), who, revision)

    def confirm_proposal(self, workshop_id: int, framework_id: str, requirement_id: str, seen: int, who: str) -> Change:
        """Confirm the proposal stored at revision `seen` in the name of `who`; refused when it changed since."""

        def confirmed(part: Assessment) -> tuple[Answer, ProvenanceEvent]:
            done = confirm(part, [requirement_id], who, _now())
            if not done.confirmed:
                raise AnswerRefusedError(f"{requirement_id}: the proposal is already confirmed")
            return done.assessment.answers[requirement_id], "confirmed"

        return self._decide(workshop_id, framework_id, requirement_id, seen, confirmed, who)

    def override_proposal(
        self,
        workshop_id: int,
        framework_id: str,
        requirement_id: str,
        seen: int,
        status: Status,
        reason: str,
        who: str,
    ) -> Change:
        """Answer `status` against the proposal stored at revision `seen`, with the reason why; refused when the
        reason is empty, the status is the proposal's own, or the answer changed since."""

        def overridden(part: Assessment) -> tuple[Answer, ProvenanceEvent]:
            return override(part, requirement_id, status, reason, who, _now()).answers[requirement_id], "overridden"

        return self._decide(workshop_id, framework_id, requirement_id, seen, overridden, who)

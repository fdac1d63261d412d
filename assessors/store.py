"""Where a workshop's assessments live while people answer them: the storage interface and its data shapes.

A workshop is one organisation's assessment of one or more parts of the standard (Part 1, Part 2, ...). Each part is
an `Assessment`, the same shape as the CLI's assessment file; the parts share the header fields (organisation, scope,
people, dates, target level). The interface saves one field of one answer at a time (`save_field`), compared with
what the person's page showed, so nobody's work is overwritten by a page that was not redrawn: two people answering
different requirements, or different fields of one, never overwrite each other, and the same field changed by both
is refused for the second to decide. Every change is recorded in an audit trail in the writer's name. `SqliteStore`
(assessors/sqlite_store.py) implements it on an embedded file and `PostgresStore` (assessors/postgres_store.py) on a
PostgreSQL server, both with the same statements (assessors/sql_store.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from assessors.assessment import Answer, Assessment, Status
from assessors.audit import Change
from capability_model.schema import split_ref

# Fields of an Assessment that belong to one part; every other field is the workshop's shared header.
PART_FIELDS: frozenset[str] = frozenset({"schema_version", "framework", "evidence_bundle", "answers", "orphaned"})
HEADER_FIELDS: tuple[str, ...] = tuple(name for name in Assessment.model_fields if name not in PART_FIELDS)


class WorkshopNotFoundError(LookupError):
    """No workshop with that id in the store."""


# Why a store refuses its database; the UI words each kind for the people in the room.
ProblemKind = Literal[
    "directory", "not_file", "unreadable", "read_only", "empty", "not_sqlite", "damaged", "too_new", "foreign",
    "schema", "locked", "unavailable", "replaced",
]  # fmt: skip


class DatabaseProblem(RuntimeError):
    """The database cannot be used as it is (damaged, foreign, locked, not writable...): refused, never replaced.

    `kind` says which problem; the message names the file and what is wrong with it."""

    def __init__(self, kind: ProblemKind, message: str) -> None:
        super().__init__(message)
        self.kind: ProblemKind = kind


def header_of(assessment: Assessment) -> dict[str, Any]:
    """The shared header of an assessment, JSON-ready."""
    return assessment.model_dump(mode="json", include=set(HEADER_FIELDS))


def same_verdict(a: Answer | None, b: Answer | None) -> bool:
    """Whether two answers say the same thing (who and when aside): saving one over the other changes nothing.

    Where the verdict came from counts too: confirming a proposal, or overriding one with a reason, is a change."""
    a, b = a or Answer(), b or Answer()

    def said(x: Answer) -> tuple[object, ...]:
        return (
            x.status,
            x.note,
            x.note_lang,
            x.note_translations,
            x.evidence,
            x.source,
            x.proposal,
            x.confirmed_by is not None,
            x.override_reason,
        )

    return said(a) == said(b)


# The fields of an answer a person edits one at a time; each edit writes only its own field.
AnswerField = Literal["status", "note", "evidence"]
ANSWER_FIELDS: tuple[AnswerField, ...] = ("status", "note", "evidence")
FieldValue = Status | str | tuple[str, ...] | None  # status, note (stripped), evidence references (in order)


def field_value(answer: Answer | None, name: AnswerField) -> FieldValue:
    """One field of an answer in the form edits compare: a status, a stripped note, a tuple of references."""
    answer = answer or Answer()
    if name == "status":
        return answer.status
    if name == "note":
        return answer.note.strip()
    return tuple(answer.evidence)


@dataclass(frozen=True)
class FieldEdit:
    """A person's change of one field of one answer, with what their page showed: the field's value (`base`) and the
    answer's revision (`seen`).

    Optimistic concurrency as in HTTP's If-Match, per field: the edit is written when the stored field still holds
    `base` (whatever happened to the other fields meanwhile: they are kept, so the edit merges) and refused when
    someone else changed this very field since (a conflict the person resolves: keep theirs or keep mine)."""

    field: AnswerField
    value: FieldValue
    base: FieldValue
    seen: int = 0


EditOutcome = Literal["saved", "merged", "unchanged", "conflict"]


@dataclass(frozen=True)
class EditResult:
    """What a field edit did. `saved`: written onto the answer the page showed; `merged`: written onto a newer
    answer whose other fields were kept; `unchanged`: the field already held the value; `conflict`: refused, nothing
    written, `answer` is the other person's."""

    outcome: EditOutcome
    answer: Answer  # the answer stored when the call returned
    revision: int  # its revision (0: never saved)
    change: Change | None = None  # the audit entry written, when something was


@dataclass(frozen=True)
class Workshop:
    """A workshop as last saved: one bound Assessment per part, and the revision each answer was written at."""

    id: int
    revision: int  # grows with every saved change; equal revisions mean equal contents
    parts: tuple[Assessment, ...]
    answer_revisions: Mapping[str, int] = field(default_factory=dict)  # requirement id -> revision of its last write
    evidence_bundle: str | None = None

    @property
    def header(self) -> Assessment:
        """The part that carries the shared header (every part carries the same one)."""
        return self.parts[0]

    def part(self, framework_id: str) -> Assessment:
        for part in self.parts:
            if split_ref(part.framework)[0] == framework_id:
                return part
        raise KeyError(framework_id)

    @property
    def framework_ids(self) -> tuple[str, ...]:
        return tuple(split_ref(p.framework)[0] for p in self.parts)


@dataclass(frozen=True)
class WorkshopSummary:
    """One line of the list of workshops to open."""

    id: int
    organisation: str
    scope: str
    frameworks: tuple[str, ...]  # id@version of each part
    answered: int  # answers with a status
    updated_at: dt.datetime


class AssessmentStore(Protocol):
    """Storage of workshops. Every write is durable when the call returns; no call rewrites a whole document."""

    @property
    def location(self) -> str:
        """Where the data is, to show the user (a file path, a server address)."""
        ...

    def create(self, parts: Sequence[Assessment], who: str) -> int:
        """A new workshop with these parts (header taken from the first); their answers enter the audit trail."""
        ...

    def add_part(self, workshop_id: int, part: Assessment, who: str) -> list[Change]:
        """Import a part's answers: a new part is added; into an existing part (same framework id and version),
        each answer that differs from the stored one is saved as a change of its own."""
        ...

    def summaries(self) -> list[WorkshopSummary]:
        """Every workshop, most recently changed first."""
        ...

    def revision(self, workshop_id: int) -> int:
        """The workshop's revision: a cheap check whether anything changed since the last load."""
        ...

    def load(self, workshop_id: int, since: Workshop | None = None) -> Workshop: ...

    def update_header(self, workshop_id: int, changes: Mapping[str, Any]) -> None:
        """Change header fields (validated against Assessment before anything is written)."""
        ...

    def set_evidence_bundle(self, workshop_id: int, path: str | None) -> None: ...

    def save_answer(
        self, workshop_id: int, framework_id: str, requirement_id: str, answer: Answer, who: str
    ) -> Change | None:
        """Save a whole answer at once, stamped with who and now; None when it says what the stored one says.

        For scripts and imports: concurrent writers to one requirement keep the last write (the audit trail holds
        both). People's edits go through `save_field`, which never overwrites what they did not see."""
        ...

    def save_field(
        self, workshop_id: int, framework_id: str, requirement_id: str, edit: FieldEdit, who: str
    ) -> EditResult:
        """Write one field of one answer, stamped with who and now, when nobody changed that field since the page
        showed it; refused (outcome `conflict`, nothing written) when someone did. Other fields stay as stored."""
        ...

    def history(self, workshop_id: int, requirement_id: str | None = None) -> list[Change]:
        """The audit trail, oldest first; only one requirement's entries when it is named."""
        ...

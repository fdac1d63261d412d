"""The assessment file: who assessed what, against which framework version, and every answer given.

One shape for the CLI's YAML/JSON questionnaire, the workshop UI's storage and the reports.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assessors.evidence_refs import CitedRef
from assessors.frame import AssessmentFrame
from capability_model.schema import Lang, LocalizedText


class Status(StrEnum):
    """An answer's verdict; an absent or empty status means the requirement is still unknown."""

    met = "met"
    partial = "partial"
    not_met = "not_met"
    not_applicable = "not_applicable"


STATUS_LABELS: dict[str, dict[str, str]] = {
    "met": {"zh": "满足", "en": "met"},
    "partial": {"zh": "部分满足", "en": "partially met"},
    "not_met": {"zh": "不满足", "en": "not met"},
    "not_applicable": {"zh": "不适用", "en": "not applicable"},
    "unknown": {"zh": "未作答", "en": "unknown"},
}


Provenance = Literal["unanswered", "proposed", "confirmed", "answered", "overridden"]

REASON_MAX = 2000  # characters of an override reason: a paragraph, not a document (cite documents in `evidence`)
NAME_MAX = 80  # characters of a name recorded with an answer, as the workshop records names
# Characters that show nothing by themselves: controls, invisible formatting (zero-width, bidi), surrogates,
# unassigned code points, and every kind of space or line break.
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp"})
_DROPPED_FROM_NAMES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")


def is_blank_text(text: str) -> bool:
    """Whether `text` shows nothing a reader could take for a word: only spaces, line breaks, control or zero-width
    characters. A reason or a name made of those is no reason or name."""
    return all(c.isspace() or unicodedata.category(c) in _BLANK_CATEGORIES for c in text)


def note_language(text: str) -> Lang:
    """The language a note is written in, told from its script: Chinese when it holds at least as many CJK
    ideographs as Latin words (an English note may name a person in Chinese, a Chinese one a tool in English)."""
    han = sum(1 for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")
    words = len(_LATIN_WORD.findall(text))
    return "zh" if han and han >= words else "en"


def clean_name(raw: str) -> str:
    """A name as it is recorded with an answer: NFC, without control or invisible formatting characters, any run of
    white space (line breaks too) as one space, at most NAME_MAX characters ('' when nothing visible is left)."""
    text = unicodedata.normalize("NFC", raw)
    kept = "".join(
        " " if c.isspace() else c for c in text if c.isspace() or unicodedata.category(c) not in _DROPPED_FROM_NAMES
    )
    return " ".join(kept.split())[:NAME_MAX].strip()


class Proposal(BaseModel):
    """What collected evidence said about a requirement when the questionnaire was drafted from a bundle."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["met", "not_met"]
    verification: Literal["automated", "assisted"]
    records: list[str] = Field(default_factory=list, description="Evidence record ids the verdict rests on")
    reason: LocalizedText = Field(description="One line naming the checks, their values and targets")
    bundle: str | None = Field(default=None, description="SHA-256 of the bundle's manifest")
    proposed_at: dt.datetime


class Answer(BaseModel):
    """One requirement's answer: a person's, or a proposal drafted from evidence that a person may confirm.

    `source: evidence` marks a drafted answer; its status is the proposal's. A person may override a proposal (or the
    evidence's verdict) by answering otherwise, and must then say why in `override_reason`.
    """

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    note: str = ""
    note_lang: Lang | None = Field(
        default=None, description="The language `note` is written in (zh or en); told from its script when not given"
    )
    note_translations: dict[Lang, str] = Field(
        default_factory=dict, description="The note in the other language(s), e.g. {en: ...} beside a Chinese note"
    )
    evidence: list[CitedRef] = Field(
        default_factory=list,
        description="References to documents, records or evidence ids: a plain string, or an object with kind, "
        "title, location, version, sighted, sha256 and method",
    )
    answered_by: str | None = None
    answered_at: dt.datetime | None = None
    source: Literal["person", "evidence"] = "person"
    proposal: Proposal | None = None
    confirmed_by: str | None = None
    confirmed_at: dt.datetime | None = None
    override_reason: Annotated[str, Field(max_length=REASON_MAX)] = ""

    @field_validator("note", mode="before")
    @classmethod
    def _none_is_empty(cls, v: object) -> object:
        return "" if v is None else v

    @field_validator("evidence", mode="before")
    @classmethod
    def _plain_references(cls, v: object) -> object:
        """No references is an empty list; a plain string (older files and databases) is the reference it stands
        for (CitedRef), its text kept whole as the title."""
        return [] if v is None else v

    @field_validator("note_translations", mode="before")
    @classmethod
    def _no_translations(cls, v: object) -> object:
        """No translations, or a translation left empty, is none."""
        if v is None:
            return {}
        if isinstance(v, dict):
            return {k: t for k, t in v.items() if not (isinstance(t, str) and is_blank_text(t))}
        return v

    @field_validator("override_reason", mode="before")
    @classmethod
    def _no_reason_is_empty(cls, v: object) -> object:
        """No reason, or one of only spaces, control or zero-width characters, is an empty reason."""
        if v is None or (isinstance(v, str) and is_blank_text(v)):
            return ""
        return v

    @field_validator("confirmed_by")
    @classmethod
    def _someone_confirmed(cls, v: str | None) -> str | None:
        if v is not None and is_blank_text(v):
            raise ValueError("confirmed_by names nobody: give the name of the person who confirmed the proposal")
        return v

    @model_validator(mode="after")
    def _translations_of_other_languages(self) -> Answer:
        """A translation gives the note in another language than its own; the note's own text is `note`."""
        if not self.note_translations:  # the common case: nothing to compare (telling the language costs a scan)
            return self
        own = self.written_in
        if self.note.strip() and own in self.note_translations:
            raise ValueError(
                f"note_translations.{own} repeats the note's own language ({own}): put that text in note, or set "
                "note_lang to the language note is written in"
            )
        return self

    @model_validator(mode="after")
    def _consistent_provenance(self) -> Answer:
        """A drafted answer says what its proposal says; a person who answers against a proposal says why."""
        if self.source == "evidence":
            if self.proposal is None:
                raise ValueError("an answer with source 'evidence' needs its proposal")
            if self.status is None or self.status.value != self.proposal.status:
                raise ValueError(
                    f"an answer with source 'evidence' has its proposal's status ({self.proposal.status}); "
                    "to answer otherwise, set source to 'person' and give an override_reason"
                )
            if self.override_reason:
                raise ValueError("override_reason belongs to a person's answer (source 'person')")
            if (self.confirmed_by is None) != (self.confirmed_at is None):
                raise ValueError("a confirmation records both who and when: give confirmed_by and confirmed_at")
        else:
            if self.confirmed_by is not None or self.confirmed_at is not None:
                raise ValueError("confirmed_by / confirmed_at belong to a drafted answer (source 'evidence')")
            if self.override_reason and self.status is None:
                raise ValueError("an override_reason needs the status it argues for")
            if (
                self.proposal is not None
                and self.status is not None
                and self.status.value != self.proposal.status
                and not self.override_reason.strip()
            ):
                raise ValueError(
                    f"the status differs from the evidence's proposal ({self.proposal.status}): "
                    "give an override_reason saying why"
                )
        return self

    @property
    def is_blank(self) -> bool:
        return self.status is None and not self.note and not self.evidence and not self.note_translations

    @property
    def written_in(self) -> Lang:
        """The language of `note`: as stated, else told from its script."""
        return self.note_lang or note_language(self.note)

    def notes(self) -> dict[Lang, str]:
        """The note in every language it was given in."""
        given: dict[Lang, str] = {self.written_in: self.note} if self.note.strip() else {}
        return given | {k: t for k, t in self.note_translations.items() if t.strip()}

    def note_for(self, lang: Lang) -> tuple[str, Lang | None]:
        """The note to show in a report in `lang`, and the language it is in when that is not `lang` (the note
        exists only in another language); ('', None) without a note."""
        notes = self.notes()
        if lang in notes:
            return notes[lang], None
        for other, text in notes.items():
            return text, other
        return "", None

    @property
    def is_overridden(self) -> bool:
        """A person's verdict given with a reason against the evidence: it stands even where evidence decides."""
        return self.source == "person" and self.status is not None and bool(self.override_reason.strip())

    @property
    def provenance(self) -> Provenance:
        if self.source == "evidence":
            return "confirmed" if self.confirmed_by is not None else "proposed"
        if self.status is None:
            return "unanswered"
        return "overridden" if self.is_overridden else "answered"


class Assessment(BaseModel):
    """An organisation's answers to one part of the standard, at one framework version."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    organisation: Annotated[str, Field(min_length=1)]
    scope: Annotated[str, Field(min_length=1, description="The project or product line assessed")]
    assessor: Annotated[str, Field(min_length=1)]
    reviewer: str = ""
    participants: list[str] = Field(default_factory=list)
    started: dt.date
    completed: dt.date | None = None
    framework: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*@\d+(\.\d+)*$", description="id@version")]
    target_level: Annotated[int, Field(ge=1, le=5)] = 3
    evidence_bundle: str | None = Field(
        default=None, description="Evidence bundle directory (from `collect`), relative to this file"
    )
    frame: AssessmentFrame = Field(
        default_factory=AssessmentFrame, description="Scope, fieldwork period, methods and sign-off for the report"
    )
    answers: dict[str, Answer] = Field(default_factory=dict)
    orphaned: dict[str, Answer] = Field(
        default_factory=dict,
        description="Answers to requirements that the current framework version no longer has; kept, never dropped",
    )

    @field_validator("answers", "orphaned", mode="before")
    @classmethod
    def _blank_answers(cls, v: object) -> object:
        """`REQ-ID:` with nothing after it (a blank questionnaire line) is an unanswered requirement."""
        if isinstance(v, dict):
            return {k: ({} if a is None else a) for k, a in v.items()}
        return {} if v is None else v

    def statuses(self) -> dict[str, Status | None]:
        return {rid: a.status for rid, a in self.answers.items()}

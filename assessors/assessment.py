"""The assessment file: who assessed what, against which framework version, and every answer given.

One shape for the CLI's YAML/JSON questionnaire, the workshop UI's storage and the reports.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


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


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    note: str = ""
    evidence: list[str] = Field(default_factory=list, description="References to documents, records or evidence ids")
    answered_by: str | None = None
    answered_at: dt.datetime | None = None

    @field_validator("note", mode="before")
    @classmethod
    def _none_is_empty(cls, v: object) -> object:
        return "" if v is None else v

    @field_validator("evidence", mode="before")
    @classmethod
    def _none_is_no_evidence(cls, v: object) -> object:
        return [] if v is None else v

    @property
    def is_blank(self) -> bool:
        return self.status is None and not self.note and not self.evidence


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

"""An answer's evidence reference as an audit record: what was sighted, where, in which version, when and how.

A certification body reads a reference as "document X, version 3, at this location, sighted on this date, examined".
Older files and databases hold plain strings ("Confluence: SD-07 page history (v14)"); they still load: a string
becomes a reference whose title is the string itself, with nothing else inferred but a location for a URL. Such a
reference is written back as the same string, so a file read and saved again is unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

_URL = re.compile(r"^(?:https?|file)://\S+$", re.IGNORECASE)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class EvidenceKind(StrEnum):
    """What the reference points at."""

    document = "document"
    system_record = "system_record"
    interview = "interview"
    observation = "observation"
    automated_record = "automated_record"


class EvidenceMethod(StrEnum):
    """How the assessor verified it (the audit methods: examine, interview, test, automated test)."""

    examine = "EXAMINE"
    interview = "INTERVIEW"
    test = "TEST"
    test_automated = "TEST-AUTOMATED"


class EvidenceRef(BaseModel):
    """One piece of evidence cited for an answer. Only the title is required; what is not stated stays None."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: EvidenceKind | None = None
    title: str = Field(description="What the evidence is, as a reader would name it")
    location: str | None = Field(default=None, description="Path or URL where the evidence can be found")
    version: str | None = None
    sighted: dt.date | None = Field(default=None, description="The date the assessor saw it")
    sha256: str | None = Field(default=None, description="SHA-256 of the file sighted, 64 hex digits")
    method: EvidenceMethod | None = None

    @model_validator(mode="after")
    def _named(self) -> EvidenceRef:
        """A structured reference says what it is; a plain string is kept as it was written, whatever it holds."""
        if not self.title.strip() and self != EvidenceRef.model_construct(title=self.title):
            raise ValueError("a reference needs a title that says what it is")
        return self

    @field_validator("location", "version", mode="before")
    @classmethod
    def _empty_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("sha256", mode="before")
    @classmethod
    def _hex_digest(cls, v: object) -> object:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if not isinstance(v, str):
            raise ValueError("sha256 is 64 hexadecimal digits")
        digest = v.strip().lower().removeprefix("sha256:")
        if not _SHA256.fullmatch(digest):
            raise ValueError(f"sha256 is 64 hexadecimal digits, not {len(digest)} characters like {v[:12]!r}")
        return digest

    @classmethod
    def from_text(cls, text: str) -> EvidenceRef:
        """The reference a plain string stands for: the text as title; a URL is also its location."""
        stripped = text.strip()
        return cls(title=text, location=stripped if _URL.fullmatch(stripped) else None)

    @property
    def is_plain(self) -> bool:
        """Whether the reference says no more than its title (it was, or can be written as, a plain string)."""
        return self == EvidenceRef.from_text(self.title)

    @property
    def label(self) -> str:
        """One short line naming the reference: its title, and its version when it has one."""
        return f"{self.title} ({self.version})" if self.version else self.title

    def __str__(self) -> str:
        return self.label

    def stored(self) -> str | dict[str, Any]:
        """The form written to files and databases: the plain string for a reference that says no more than it."""
        return self.title if self.is_plain else self.model_dump(mode="json", exclude_none=True)


class CitedRef(str):
    """An answer's evidence reference: the reference's one-line label as a string, with the structured record
    behind it in `ref`.

    Code that reads references as text (joins them, compares them with strings, shows them in the workshop's text
    box, records them in the audit trail or in a result's outcomes) keeps working with the label; the structured
    record goes wherever references are stored or shown in full. Two references are equal when their records are;
    a reference equals a string when it is that string's plain reference.
    """

    ref: EvidenceRef

    def __new__(cls, ref: EvidenceRef) -> CitedRef:
        made = super().__new__(cls, ref.label)
        made.ref = ref
        return made

    @classmethod
    def of(cls, value: object) -> CitedRef:
        """A reference from a string (a plain reference), a mapping of the record's fields, or a record."""
        if isinstance(value, CitedRef):
            return value
        if isinstance(value, str):
            return cls(EvidenceRef.from_text(value))
        return cls(EvidenceRef.model_validate(value))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CitedRef):
            return self.ref == other.ref
        if isinstance(other, str):
            return self.ref.is_plain and self.ref.title == other
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__  # equal references have equal labels

    def __repr__(self) -> str:
        return f"CitedRef({self.ref!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (CitedRef, (self.ref,))

    def __deepcopy__(self, memo: dict[int, object]) -> CitedRef:
        return self  # immutable: the record is frozen and the label is a str

    def __copy__(self) -> CitedRef:
        return self

    @property
    def label(self) -> str:
        return self.ref.label

    def stored(self) -> str | dict[str, Any]:
        return self.ref.stored()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: type[Any], handler: GetCoreSchemaHandler) -> CoreSchema:
        record = handler.generate_schema(EvidenceRef)
        return core_schema.no_info_after_validator_function(
            cls,
            core_schema.no_info_before_validator_function(_record_input, record),
            serialization=core_schema.plain_serializer_function_ser_schema(_stored),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Editors accept the plain string too, as the loader does."""
        return {"anyOf": [{"type": "string", "minLength": 1}, handler(schema)]}


def _record_input(value: object) -> object:
    if isinstance(value, CitedRef):
        return value.ref
    if isinstance(value, str):
        return EvidenceRef.from_text(value)
    return value


def _stored(value: object) -> object:
    return as_ref(value).stored() if isinstance(value, str | EvidenceRef) else value


def as_ref(value: str | EvidenceRef) -> CitedRef:
    """A reference, also from code that still holds a plain string (e.g. after `model_copy`, which skips
    validation) or a bare record."""
    if isinstance(value, CitedRef):
        return value
    return CitedRef(value if isinstance(value, EvidenceRef) else EvidenceRef.from_text(value))

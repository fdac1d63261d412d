"""Form fields derived from the assessment model, so a field added to Assessment or Answer appears in the UI.

The header form iterates over the Assessment's header fields and picks a widget by each field's type and bounds; the
status choices are the Status enum. Nothing here draws: pages turn these specs into widgets.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, cast

from annotated_types import Ge, Le, MinLen
from pydantic.fields import FieldInfo

from assessors.assessment import Assessment, Status
from assessors.store import HEADER_FIELDS

FieldKind = Literal["text", "lines", "date", "level"]
STATUS_CHOICES: tuple[Status, ...] = tuple(Status)
_SPLIT_REFERENCES = re.compile(r"[,;，；\n]")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    required: bool  # the model refuses it empty
    optional: bool  # the model accepts None
    low: int | None = None
    high: int | None = None


def _base_type(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `| None`, and whether None was allowed."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(annotation))
    return annotation, False


def _spec(name: str, info: FieldInfo) -> FieldSpec:
    base, optional = _base_type(info.annotation)
    low = next((cast(int, m.ge) for m in info.metadata if isinstance(m, Ge)), None)
    high = next((cast(int, m.le) for m in info.metadata if isinstance(m, Le)), None)
    required = any(isinstance(m, MinLen) and m.min_length > 0 for m in info.metadata) or info.is_required()
    kind: FieldKind
    if base is int:
        kind = "level"
    elif base is dt.date:
        kind = "date"
    elif typing.get_origin(base) is list:
        kind = "lines"
    else:
        kind = "text"
    return FieldSpec(
        name,
        kind,
        required and not optional,
        optional,
        low,
        high,
    )


def _typed_in(info: FieldInfo) -> bool:
    """Whether a person types the field into a form: text, lines, a date or a level (a structured field such as
    the assessment's frame is set by its own command, not typed)."""
    base, _ = _base_type(info.annotation)
    return base in (str, int, dt.date) or (typing.get_origin(base) is list and typing.get_args(base) == (str,))


def header_fields() -> tuple[FieldSpec, ...]:
    """The shared header of a workshop's assessments that the header form shows, in model order."""
    fields = Assessment.model_fields
    return tuple(_spec(name, fields[name]) for name in HEADER_FIELDS if _typed_in(fields[name]))


def to_lines(values: list[str]) -> str:
    return "\n".join(values)


def from_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_references(text: str) -> list[str]:
    """Evidence references as typed in one box: separated by commas, semicolons or line breaks (also full-width)."""
    return [part.strip() for part in _SPLIT_REFERENCES.split(text) if part.strip()]


def format_references(references: list[str]) -> str:
    return ", ".join(references)

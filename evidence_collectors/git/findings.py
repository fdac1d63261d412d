"""A probe's computed value with its one-line summary and the raw evidence behind it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from evidence_collectors.records import ProbeValue


class Finding(BaseModel):
    value: ProbeValue
    summary: str
    raw: list[str] = Field(default_factory=list)


Findings = dict[str, Finding]


def sample(items: list[str] | set[str], limit: int = 5) -> str:
    """A short, stable list for summaries: 'a, b, c (+12 more)'."""
    chosen = sorted(items)
    more = f" (+{len(chosen) - limit} more)" if len(chosen) > limit else ""
    return ", ".join(chosen[:limit]) + more

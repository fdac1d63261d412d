"""The evidence record: one probe's finding about one target, with where and when it came from.

Collectors produce these; the assessors decide requirements from them. A record never says "not met": it carries a
value, and `status` says whether the value could be obtained at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

ProbeValue = bool | int | float | str | list[str] | None


class EvidenceStatus(StrEnum):
    ok = "ok"
    unavailable = "unavailable"  # the system could not be reached in time: the requirement stays undecided
    error = "error"  # the system answered, but not usably (401, invalid JSON, unexpected shape)


class EvidenceSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str  # e.g. "mlflow", "git", "prometheus"
    url: str  # where the data was read, credentials removed


class CollectorInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str


class EvidenceRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    probe: Annotated[str, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
    target: str  # the target's name in the targets file
    value: ProbeValue = None
    status: EvidenceStatus
    reason: str = ""
    source: EvidenceSource
    collected_at: dt.datetime
    collector: CollectorInfo
    raw_sha256: list[str] = Field(default_factory=list, description="SHA-256 of each raw response it was computed from")
    summary: str = ""
    id: str = Field(default="", description="Stable reference for answers and reports")

    @model_validator(mode="before")
    @classmethod
    def _with_id(cls, data: Any) -> Any:
        """The id hashes probe, target and collection time, so it is the same wherever the record is read."""
        if isinstance(data, dict) and not data.get("id"):
            at = data.get("collected_at")
            try:
                when = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
            except ValueError:  # no usable time: field validation reports it
                return data
            key = f"{data.get('probe')}|{data.get('target')}|{when.isoformat()}"
            data = {**data, "id": "ev-" + hashlib.sha256(key.encode()).hexdigest()[:12]}
        return data


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)

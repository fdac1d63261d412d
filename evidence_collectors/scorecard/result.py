"""The OpenSSF Scorecard JSON v2 result, read strictly enough that a damaged or hostile file is refused with the
field at fault rather than half-read.

Shape (Scorecard's `json.v2.schema`): `date` (RFC 3339 or YYYY-MM-DD), `repo` {name, commit}, `scorecard` {version,
commit}, `score` (aggregate, 0-10), `checks` [{name, score, reason, details, documentation {short, url}}], `metadata`.
A check's score is 0-10, or -1 when Scorecard could not decide (inconclusive). `details` and `metadata` are null when
Scorecard ran without them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_CHECKS = 200
INCONCLUSIVE = -1


class ScorecardError(ValueError):
    """A file that is not a usable Scorecard v2 result; the message names the file and the field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Repo(_Model):
    name: Annotated[str, Field(min_length=1, max_length=500)]
    commit: Annotated[str, Field(max_length=200)]


class Tool(_Model):
    version: Annotated[str, Field(max_length=200)]
    commit: Annotated[str, Field(max_length=200)]


class Documentation(_Model):
    short: str = ""
    url: str = ""


class Check(_Model):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    score: Annotated[int, Field(strict=True, ge=INCONCLUSIVE, le=10)]
    reason: str = ""
    details: list[str] | None = None
    documentation: Documentation | None = None

    @property
    def inconclusive(self) -> bool:
        return self.score == INCONCLUSIVE


class ScorecardResult(_Model):
    date: str
    repo: Repo
    scorecard: Tool
    score: Annotated[float, Field(ge=INCONCLUSIVE, le=10)]
    checks: Annotated[list[Check], Field(max_length=MAX_CHECKS)]
    metadata: list[str] | None = None

    @field_validator("date")
    @classmethod
    def _a_date(cls, value: str) -> str:
        parse_date(value)
        return value

    @field_validator("checks")
    @classmethod
    def _unique_names(cls, checks: list[Check]) -> list[Check]:
        seen: set[str] = set()
        for check in checks:
            if check.name in seen:
                raise ValueError(f"check {check.name!r} appears twice")
            seen.add(check.name)
        return checks

    @property
    def analysed_at(self) -> dt.datetime:
        return parse_date(self.date)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)


def parse_date(value: str) -> dt.datetime:
    """RFC 3339 as Scorecard writes it, or a bare date as older results carry; returned in UTC."""
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else None
        if when is None:
            when = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not an RFC 3339 time or a YYYY-MM-DD date") from None
    if when.tzinfo is None:
        raise ValueError(f"{value[:40]!r} has no time zone")
    return when.astimezone(dt.UTC).replace(microsecond=0)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refused (OSError or ScorecardError) when it is not a regular file or is too large."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise ScorecardError(f"{path}: not a regular file")
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ScorecardError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB: not a Scorecard result")
    return data


def parse_result(data: bytes, where: str) -> ScorecardResult:
    """A Scorecard v2 result from its bytes; ScorecardError naming the first problem."""
    try:
        value = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise ScorecardError(f"{where}: not UTF-8 text (byte offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ScorecardError(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except ValueError as exc:  # NaN or Infinity
        raise ScorecardError(f"{where}: not valid JSON ({exc})") from None
    except RecursionError:
        raise ScorecardError(f"{where}: JSON nested too deeply to be a Scorecard result") from None
    if not isinstance(value, dict):
        raise ScorecardError(f"{where}: not a Scorecard result (expected a JSON object, found {type(value).__name__})")
    if "checks" not in value and "repo" in value and "date" in value:
        raise ScorecardError(f"{where}: a Scorecard result without scored checks (write it with --format json)")
    try:
        return ScorecardResult.model_validate(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise ScorecardError(f"{where}: not a Scorecard v2 JSON result: {field}: {err['msg']}{more}") from None


def read_result(path: Path) -> ScorecardResult:
    """Read and check a result file; OSError when it cannot be read, ScorecardError when it is not a result."""
    return parse_result(read_bytes(path), str(path))

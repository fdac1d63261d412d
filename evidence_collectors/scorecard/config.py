"""Target settings for one OpenSSF Scorecard result file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from evidence_collectors.config import TargetConfig, resolve_relative


class ScorecardConfig(TargetConfig):
    """A result written by `scorecard --format json` (or the Scorecard Action's JSON), relative to the targets file."""

    path: Annotated[Path, Field(description="Scorecard JSON (v2) result file, relative to the targets file")]

    @field_validator("path")
    @classmethod
    def _relative_to_targets_file(cls, value: Path, info: ValidationInfo) -> Path:
        resolved = resolve_relative(value, info)
        assert resolved is not None
        return resolved

"""Target settings for one local git repository."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from evidence_collectors.config import TargetConfig, resolve_relative


class GitTargetConfig(TargetConfig):
    """A local clone (working or bare). `path` is relative to the targets file."""

    path: Annotated[Path, Field(description="Local repository (working tree or bare), relative to the targets file")]
    ref: Annotated[
        str,
        Field(pattern=r"^[^\s\-][^\s]*$", max_length=250, description="Branch, tag or commit to read (default HEAD)"),
    ] = "HEAD"
    history_days: Annotated[
        int, Field(ge=1, le=3650, description="Window for commit statistics, days back from now")
    ] = 90
    max_files_read: Annotated[
        int, Field(ge=100, le=1_000_000, description="Most files whose content is read; the rest are counted by path")
    ] = 20_000
    timeout_s: Annotated[float, Field(gt=0, le=300, description="Timeout per git command, seconds")] = 60.0

    @field_validator("path")
    @classmethod
    def _relative_to_targets_file(cls, value: Path, info: ValidationInfo) -> Path:
        resolved = resolve_relative(value, info)
        assert resolved is not None
        return resolved

"""Target settings for a folder of Evidently report files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from evidence_collectors.config import TargetConfig, resolve_relative

PREDICTION_COLUMNS = [
    "prediction",
    "predictions",
    "predicted",
    "pred",
    "y_pred",
    "prediction_label",
    "prediction_proba",
    "prediction_score",
    "score",
    "model_output",
]


class EvidentlyConfig(TargetConfig):
    """Evidently reports or snapshots saved as JSON (a folder, read recursively, or one file), relative to the
    targets file."""

    path: Annotated[Path, Field(description="Folder of Evidently JSON files (read recursively), or one such file")]
    window_days: Annotated[
        float, Field(gt=0, le=3650, description="Reports dated within this many days count as recent")
    ] = 30.0
    model_keys: list[str] = Field(
        default=["model", "model_name", "model_id"],
        description="Report metadata keys that name the model (else a `model:<name>` tag, else the first folder "
        "below `path`)",
    )
    prediction_columns: list[str] = Field(
        default=PREDICTION_COLUMNS,
        description="Column names (any case) that hold a model's output: a drift check on one covers prediction drift",
    )
    max_files: Annotated[int, Field(ge=1, le=100_000, description="JSON files read at most (the newest first)")] = 2000
    max_file_mb: Annotated[float, Field(gt=0, le=1024, description="Larger files are refused, MB")] = 64.0

    @field_validator("path")
    @classmethod
    def _relative_to_targets_file(cls, value: Path, info: ValidationInfo) -> Path:
        resolved = resolve_relative(value, info)
        assert resolved is not None
        return resolved

    @field_validator("model_keys")
    @classmethod
    def _keys(cls, value: list[str]) -> list[str]:
        if not value or not all(re.fullmatch(r"[\w.-]{1,100}", k) for k in value):
            raise ValueError("model_keys: one or more metadata key names (letters, digits, _ . -)")
        return value

"""Target settings for one Feast feature store: a repository folder holding feature_store.yaml, or a registry file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator

from evidence_collectors.config import TargetConfig, resolve_relative


class FeastConfig(TargetConfig):
    """Either `path` (the repository: the folder with feature_store.yaml) or `registry` (a registry file written by
    `feast apply`, read without the repository). Paths are relative to the targets file."""

    path: Annotated[Path | None, Field(description="Feast repository: the folder holding feature_store.yaml")] = None
    registry: Annotated[
        Path | None,
        Field(
            description="A Feast registry file (registry.db, the protobuf file `feast apply` writes), instead of path"
        ),
    ] = None
    project: Annotated[
        str | None,
        Field(
            pattern=r"^[A-Za-z0-9_]+$",
            description="Feast project to read; default: feature_store.yaml's project, or every project of a registry",
        ),
    ] = None
    freshness_days: Annotated[
        float,
        Field(gt=0, le=365, description="A feature view counts as freshly materialised within this many days"),
    ] = 1.0
    window_days: Annotated[
        int, Field(ge=1, le=3650, description="Window for feature views changed, days back from now")
    ] = 90
    max_registry_mb: Annotated[float, Field(gt=0, le=4096, description="Largest registry file read, MB")] = 256.0

    @field_validator("path", "registry")
    @classmethod
    def _relative_to_targets_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        return resolve_relative(value, info)

    @model_validator(mode="after")
    def _one_location(self) -> FeastConfig:
        if (self.path is None) == (self.registry is None):
            raise ValueError("name either path (the Feast repository) or registry (a registry file), not both")
        return self

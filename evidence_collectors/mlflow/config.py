"""Settings of an MLflow target: which experiments and registered models to read, and guards on how much."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from evidence_collectors.config import HttpTargetConfig

# An MLflow search filter quotes strings with single quotes; a pattern holding one could not be passed safely.
NamePattern = Annotated[str, Field(min_length=1, max_length=256, pattern=r"^[^'\\]+$")]


class MlflowConfig(HttpTargetConfig):
    """An MLflow tracking server (open-source MLflow 2.x or 3.x), read through its REST API.

    Name patterns use MLflow's SQL LIKE syntax (`%` any run of characters, `_` one character); several patterns are
    combined with OR. No pattern means every active experiment, or every registered model.
    """

    experiments: list[NamePattern] = Field(
        default_factory=list, description="Experiment name patterns to read, e.g. 'fraud-%'; empty = all active"
    )
    registered_models: list[NamePattern] = Field(
        default_factory=list, description="Registered model name patterns to read; empty = all"
    )
    max_runs: Annotated[int, Field(ge=1, le=10_000_000, description="Stop reading runs after this many")] = 200_000
    runs_page_size: Annotated[int, Field(ge=1, le=50_000, description="Runs per runs/search page")] = 1_000
    max_pages: Annotated[int, Field(ge=1, le=100_000, description="Guard on pages followed per listing")] = 1_000
    max_signature_reads: Annotated[
        int,
        Field(
            ge=0,
            le=100_000,
            description="Registered models whose newest version's MLmodel file is read, and released versions whose "
            "MLmodel file is read (each up to this many; 0: none)",
        ),
    ] = 2_000
    max_run_lookups: Annotated[
        int,
        Field(
            ge=0,
            le=100_000,
            description="Source runs of model versions outside the experiments read, fetched one by one",
        ),
    ] = 2_000

"""What the population wrote: the figures the demo prints and the test checks the collected evidence against.

Kept apart from the population itself so that reading a summary does not import mlflow."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field


class Counts(BaseModel):
    experiments: int = 0
    runs: int = 0
    statuses: Counter[str] = Field(default_factory=Counter)
    registered_models: int = 0
    model_versions: int = 0
    logged_models: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            experiments=self.experiments + other.experiments,
            runs=self.runs + other.runs,
            statuses=self.statuses + other.statuses,
            registered_models=self.registered_models + other.registered_models,
            model_versions=self.model_versions + other.model_versions,
            logged_models=self.logged_models + other.logged_models,
        )


class Populated(BaseModel):
    seconds: float
    counts: Counts

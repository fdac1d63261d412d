"""The parts of MLflow's REST answers the probes use.

Experiments, registered models and model versions are few and validated with pydantic. Runs can number in the
hundreds of thousands and each carries dozens of tags, params and metrics; validating all of that would cost more than
the server takes to send it, so a run is reduced at once to the handful of facts the probes need (`RunFacts`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

GIT_COMMIT = "mlflow.source.git.commit"
GIT_BRANCH = "mlflow.source.git.branch"  # MLflow sets it beside the commit when the script runs in a git working copy
PARENT_RUN = "mlflow.parentRunId"
NOTE = "mlflow.note.content"
USER = "mlflow.user"
SOURCE_TYPE = "mlflow.source.type"
LOGGED_MODELS = "mlflow.log-model.history"  # MLflow 2.x records logged models in this run tag
STAGE_NONE = "None"
# param names (lower case, after any "group." prefix) that set the budget of a hyperparameter search
BUDGET_PARAMS = frozenset({
    "n_trials", "num_trials", "max_trials", "total_trials", "max_total_trials", "max_trial_count", "n_iter",
    "num_samples", "max_evals", "trial_budget", "timeout", "timeout_s", "time_budget", "time_budget_s", "time_limit",
    "max_time", "max_runtime", "budget", "compute_budget", "max_budget",
})  # fmt: skip
_VERSION = re.compile(r"[0-9]{1,18}")


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Tag(_Shape):
    key: str
    value: str = ""


class Experiment(_Shape):
    experiment_id: str
    name: str = ""
    lifecycle_stage: str = "active"
    tags: list[Tag] = Field(default_factory=list)

    @property
    def described(self) -> bool:
        return any(t.key == NOTE and t.value.strip() for t in self.tags)


class Alias(_Shape):
    alias: str
    version: str


class RegisteredModel(_Shape):
    name: str
    description: str = ""
    tags: list[Tag] = Field(default_factory=list)
    aliases: list[Alias] = Field(default_factory=list)


class ModelVersion(_Shape):
    name: str
    version: str
    creation_timestamp: int | None = None
    current_stage: str = STAGE_NONE
    description: str = ""
    source: str = ""
    run_id: str = ""
    user_id: str = ""
    status: str = ""

    @property
    def number(self) -> int:
        return int(self.version) if _VERSION.fullmatch(self.version) else 0  # ASCII: '²'.isdigit() is true


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What the probes need from one run."""

    run_id: str
    experiment_id: str
    status: str
    start_time: int | None
    end_time: int | None
    user: str
    params: int
    metrics: int
    git_commit: bool
    parent_run_id: str
    source_type: str
    described: bool
    datasets: tuple[str, ...]  # "name@digest" of each dataset input
    logged_model: bool
    budget: bool = False  # a param sets a search budget (BUDGET_PARAMS)
    git_branch: bool = False
    dataset_located: bool = False  # a dataset input names both its content digest and its source (where it is kept)
    param_keys: tuple[str, ...] = ()  # names only (interned): a parent run's keys are compared with its trials'
    trial_params: tuple[tuple[str, str], ...] = ()  # names and values, kept for child runs (search trials) only

    @property
    def fully_tracked(self) -> bool:
        """Parameters, metrics, code version and data version all recorded."""
        return bool(self.params and self.metrics and self.git_commit and self.datasets)

    @property
    def dataset_versioned(self) -> bool:
        """A dataset input identifies its data version: it carries a content digest."""
        return any(not d.endswith("@") for d in self.datasets)

    @property
    def lineage(self) -> bool:
        """Enough to trace a model to its code, data and hyperparameters."""
        return bool(self.params and self.git_commit and self.datasets)


def parse_run(run: Mapping[str, Any]) -> RunFacts:
    """Reduce one run of a runs/search or runs/get answer. Raises KeyError/TypeError/AttributeError on other shapes."""
    info = run["info"]
    data = run.get("data") or {}
    tags = {t["key"]: t.get("value", "") for t in data.get("tags") or ()}
    inputs = (run.get("inputs") or {}).get("dataset_inputs") or ()
    datasets = tuple(f"{d['dataset'].get('name', '')}@{d['dataset'].get('digest', '')}" for d in inputs)
    located = any(str(d["dataset"].get("digest") or "").strip() and _located(d["dataset"]) for d in inputs)
    outputs = (run.get("outputs") or {}).get("model_outputs") or ()
    params = data.get("params") or ()
    parent = tags.get(PARENT_RUN, "")
    start, end = info.get("start_time"), info.get("end_time")
    return RunFacts(
        run_id=str(info.get("run_id") or info["run_uuid"]),
        experiment_id=str(info.get("experiment_id", "")),
        status=str(info.get("status", "")),
        start_time=int(start) if start is not None else None,
        end_time=int(end) if end is not None else None,
        user=tags.get(USER) or str(info.get("user_id", "")),
        params=len(params),
        metrics=len(data.get("metrics") or ()),
        git_commit=bool(tags.get(GIT_COMMIT, "").strip()),
        parent_run_id=parent,
        source_type=tags.get(SOURCE_TYPE, ""),
        described=bool(tags.get(NOTE, "").strip()),
        datasets=datasets,
        logged_model=bool(outputs) or LOGGED_MODELS in tags,
        budget=any(is_budget(str(p.get("key", ""))) for p in params),
        git_branch=bool(tags.get(GIT_BRANCH, "").strip()),
        dataset_located=located,
        param_keys=tuple(sys.intern(str(p.get("key", ""))) for p in params),
        trial_params=tuple((str(p.get("key", "")), str(p.get("value", ""))) for p in params) if parent else (),
    )


def _located(dataset: Mapping[str, Any]) -> bool:
    """The dataset's `source` (a JSON string such as {"uri": "s3://..."}) names where the data is kept."""
    source = str(dataset.get("source") or "").strip()
    return source not in ("", "{}", "null")


def is_budget(key: str) -> bool:
    """'n_trials', 'optuna.n_trials', 'tune/num_samples': the name, whatever group prefix it carries."""
    return key.replace("/", ".").rsplit(".", 1)[-1].strip().lower() in BUDGET_PARAMS

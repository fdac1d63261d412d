"""Writing runs, datasets and model versions through mlflow's Python client, back-dated relative to now.

The client API (create_run with a start time, log_batch, log_inputs, set_terminated with an end time) lets the demo
write a history spanning months in a few hundred requests; models that the collector reads (the newest version of each
registered model) are logged for real with mlflow.pyfunc.log_model and a signature.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mlflow
import mlflow.pyfunc
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag
from mlflow.models import ModelSignature
from mlflow.pyfunc.model import PythonModel
from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
from mlflow.types import ColSpec, Schema
from pydantic import BaseModel, ConfigDict, Field

from scripts.demo_stack.catalogue import ModelSpec
from scripts.demo_stack.filled import Counts

# mlflow warns about the stand-in model's type hints when the class below is defined, and about deprecated stages
warnings.filterwarnings("ignore", module=r"mlflow(\.|$)")
warnings.filterwarnings("ignore", category=FutureWarning)

DAY_MS = 86_400_000
MINUTE_MS = 60_000


def digest(*parts: str, length: int = 40) -> str:
    """A stable hex digest: commit ids and dataset digests that are the same on every run of the demo."""
    return hashlib.sha1("/".join(parts).encode()).hexdigest()[:length]


def dataset_input(name: str, version: str, rows: int, context: str, uri: str) -> DatasetInput:
    """A dataset as mlflow.log_input records it: name, content digest, source, profile; context training/evaluation."""
    dataset = Dataset(
        name=name,
        digest=digest(name, version, length=8),
        source_type="s3",
        source=json.dumps({"uri": uri}),
        profile=json.dumps({"num_rows": rows, "version": version}),
    )
    return DatasetInput(dataset=dataset, tags=[InputTag(key="mlflow.data.context", value=context)])


class RunSpec(BaseModel):
    """One run to write. Metric values given as a list are written as steps (a training curve)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str
    experiment_id: str
    start_ms: int
    minutes: float
    user: str
    source_type: str = "JOB"
    source_name: str = ""
    commit: str | None = None
    branch: str = "main"  # the git branch the commit was on (MLflow tags both)
    params: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, float | list[float]] = Field(default_factory=dict)
    datasets: list[DatasetInput] = Field(default_factory=list)
    note: str | None = None
    parent: str | None = None
    status: str = "FINISHED"
    tags: dict[str, str] = Field(default_factory=dict)


class Writer:
    def __init__(self, url: str, now_ms: int) -> None:
        os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"
        self.client = MlflowClient(tracking_uri=url, registry_uri=url)
        mlflow.set_tracking_uri(url)
        mlflow.set_registry_uri(url)
        logging.getLogger("mlflow").setLevel(logging.ERROR)
        self.now_ms = now_ms
        self.counts = Counts()

    def experiment(self, name: str, description: str | None, tags: dict[str, str]) -> str:
        all_tags = {**tags, **({"mlflow.note.content": description} if description else {})}
        self.counts.experiments += 1
        return str(self.client.create_experiment(name, tags=all_tags))

    def run(self, spec: RunSpec, *, end: bool = True, legacy_model: bool = False) -> str:
        """Write the run in three or four requests; `legacy_model`: it logged a model the MLflow 2.x way (the
        log-model history tag, an MLmodel file in its artifacts)."""
        tags = {"mlflow.user": spec.user, "mlflow.source.type": spec.source_type, "mlflow.runName": spec.name}
        tags |= {"mlflow.source.name": spec.source_name} if spec.source_name else {}
        if spec.commit:
            tags |= {"mlflow.source.git.commit": spec.commit, "mlflow.source.git.branch": spec.branch}
        tags |= {"mlflow.note.content": spec.note} if spec.note else {}
        tags |= {"mlflow.parentRunId": spec.parent} if spec.parent else {}
        tags |= spec.tags
        info = self.client.create_run(spec.experiment_id, start_time=spec.start_ms, tags=tags, run_name=spec.name).info
        run_id = str(info.run_id)
        metrics: list[Metric] = []
        for key, value in spec.metrics.items():
            steps = value if isinstance(value, list) else [value]
            step_ms = int(spec.minutes * MINUTE_MS / max(len(steps), 1))
            metrics += [Metric(key, v, spec.start_ms + (i + 1) * step_ms, i) for i, v in enumerate(steps)]
        params = [Param(k, str(v)) for k, v in spec.params.items()]
        run_tags = [RunTag("mlflow.log-model.history", _history(run_id))] if legacy_model else []
        if metrics or params or run_tags:
            self.client.log_batch(run_id, metrics=metrics, params=params, tags=run_tags)
        if legacy_model:
            _write_mlmodel(str(info.artifact_uri), run_id)
        if spec.datasets:
            self.client.log_inputs(run_id, spec.datasets)
        self.counts.runs += 1
        self.counts.statuses[spec.status] += 1
        if end:
            self.end(run_id, spec)
        return run_id

    def end(self, run_id: str, spec: RunSpec) -> None:
        end_ms = min(spec.start_ms + int(spec.minutes * MINUTE_MS), int(time.time() * 1000))
        self.client.set_terminated(run_id, spec.status, end_time=end_ms)

    def registered_model(self, model: ModelSpec) -> None:
        self.client.create_registered_model(model.name, tags=model.tags or None, description=model.description or None)
        self.counts.registered_models += 1

    def legacy_version(self, model: ModelSpec, run_id: str, description: str | None) -> str:
        """A version of a model the run logged the MLflow 2.x way (see `run`)."""
        version = self.client.create_model_version(
            model.name, f"runs:/{run_id}/model", run_id=run_id, description=description, await_creation_for=0
        )
        self.counts.model_versions += 1
        return str(version.version)

    def logged_version(
        self, model: ModelSpec, run_id: str, spec: RunSpec, description: str | None, signed: bool = True
    ) -> str:
        """A version logged for real (pyfunc model, signature from the model's features) by its run, then the run
        ended at its planned time."""
        signature = ModelSignature(
            inputs=Schema([ColSpec(f.dtype, f.name) for f in model.features]),
            outputs=Schema([ColSpec("double", "score")]),
        )
        with mlflow.start_run(run_id=run_id):
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=_ScoreModel(),
                signature=signature if signed else None,
                pip_requirements=["mlflow", "lightgbm==4.5.0", "pandas"],
                registered_model_name=model.name,
                await_registration_for=0,
            )
        self.end(run_id, spec)
        version = str(info.registered_model_version)
        if description:
            self.client.update_model_version(model.name, version, description=description)
        self.counts.model_versions += 1
        self.counts.logged_models += 1
        return version

    def days_ago(self, days: float) -> int:
        """A timestamp (ms) `days` before the population started."""
        return self.now_ms - int(days * DAY_MS)

    def versioned(
        self,
        model: ModelSpec,
        exp: str,
        days_ago: list[float],
        make: Callable[[int, float], RunSpec],
        signed: bool = True,
    ) -> None:
        """One training run per version, oldest first; the newest version is logged for real."""
        self.registered_model(model)
        for k, ago in enumerate(days_ago, start=1):
            spec = make(k, ago)
            newest = k == len(days_ago)
            run_id = self.run(spec, end=not newest, legacy_model=not newest)
            description = spec.note if k > len(days_ago) // 2 else None
            if newest:
                self.logged_version(model, run_id, spec, description, signed=signed)
            else:
                self.legacy_version(model, run_id, description)
        self.lifecycle(model)

    def lifecycle(self, model: ModelSpec) -> None:
        for alias, version in model.aliases.items():
            self.client.set_registered_model_alias(model.name, alias, str(version))
        for version, stage in model.stages.items():
            self.client.transition_model_version_stage(model.name, str(version), stage)


def _history(run_id: str) -> str:
    return json.dumps([{"artifact_path": "model", "flavors": {"python_function": {}}, "run_id": run_id}])


LEGACY_SIGNATURE = (
    "signature:\n"
    '  inputs: \'[{"type": "double", "name": "features", "required": true}]\'\n'
    '  outputs: \'[{"type": "double", "name": "score", "required": true}]\'\n'
)


def _write_mlmodel(artifact_uri: str, run_id: str) -> None:
    """The MLmodel file MLflow 2.x wrote (pyfunc loader, declared environment files, signature), put straight into
    the run's artifact store (no request to the server)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "MLmodel"
        path.write_text(
            "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"
            "    env:\n      conda: conda.yaml\n      virtualenv: python_env.yaml\n"
            f"run_id: {run_id}\n{LEGACY_SIGNATURE}",
            encoding="utf-8",
        )
        get_artifact_repository(artifact_uri).log_artifact(str(path), "model")  # type: ignore[no-untyped-call]


class _ScoreModel(PythonModel):
    """Stands in for the trained model: the demo never serves it, only its record matters."""

    def predict(self, context: Any, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        return [0.5] * len(model_input)

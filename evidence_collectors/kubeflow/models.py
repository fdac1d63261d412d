"""The parts of Kubeflow Pipelines REST API v2beta1 answers the probes read.

Listings answer `{"<items>": [...], "total_size": N, "next_page_token": "..."}` (recurring runs under
`recurringRuns`). Times are RFC 3339; 64-bit integers come as strings (proto3 JSON), as `interval_second` does. A
pipeline version's `pipeline_spec` is the compiled pipeline (IR YAML as JSON: `root.dag.tasks` names the tasks, each
with an optional `retryPolicy.maxRetryCount`), possibly wrapped with its platform spec under `pipeline_spec`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evidence_collectors.orchestration import UtcTime  # a time without an offset is read as UTC


class Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class KfpPipeline(Loose):
    pipeline_id: str
    display_name: str = ""
    description: str | None = None
    created_at: UtcTime | None = None


class VersionReference(Loose):
    pipeline_id: str | None = None
    pipeline_version_id: str | None = None


class PipelineVersion(Loose):
    pipeline_version_id: str
    pipeline_id: str | None = None
    display_name: str = ""
    created_at: UtcTime | None = None
    pipeline_spec: dict[str, Any] | None = None


class RuntimeConfig(Loose):
    parameters: dict[str, Any] | None = None


class ArtifactList(Loose):
    artifact_ids: list[Any] = Field(default_factory=list)


class TaskDetail(Loose):
    display_name: str | None = None
    outputs: dict[str, ArtifactList | None] | None = None


class RunDetails(Loose):
    task_details: list[TaskDetail] | None = None


class KfpRun(Loose):
    run_id: str
    display_name: str = ""
    experiment_id: str | None = None
    state: str | None = None
    created_at: UtcTime | None = None
    finished_at: UtcTime | None = None
    pipeline_version_reference: VersionReference | None = None
    pipeline_spec: dict[str, Any] | None = None
    runtime_config: RuntimeConfig | None = None
    recurring_run_id: str | None = None
    run_details: RunDetails | None = None


class CronSchedule(Loose):
    cron: str | None = None


class PeriodicSchedule(Loose):
    interval_second: int | str | None = None


class Trigger(Loose):
    cron_schedule: CronSchedule | None = None
    periodic_schedule: PeriodicSchedule | None = None


class RecurringRun(Loose):
    recurring_run_id: str
    display_name: str = ""
    status: str | None = None
    mode: str | None = None
    experiment_id: str | None = None
    pipeline_version_reference: VersionReference | None = None
    trigger: Trigger | None = None


class Experiment(Loose):
    experiment_id: str
    display_name: str = ""
    storage_state: str | None = None

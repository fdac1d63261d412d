"""The parts of Airflow REST API answers (v1, Airflow 2; v2, Airflow 3) the probes read.

Both versions list `{"dags": [...], "total_entries": N}`, `{"dag_runs": [...]}`, `{"tasks": [...]}` and
`{"task_instances": [...]}`. They differ in a few fields: v1 gives the schedule as `schedule_interval` (an object
with `__type` CronExpression, TimeDelta or RelativeDelta) and whether the DAG file still exists as `is_active`; v2
gives `timetable_summary` (the cron expression or preset as text) and `is_stale`. Unknown fields are ignored.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from evidence_collectors.orchestration import UtcTime


class Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Version(Loose):
    version: str = ""


class Tag(Loose):
    name: str = ""


class Dag(Loose):
    dag_id: str
    description: str | None = None
    is_paused: bool | None = None
    is_active: bool | None = None  # v1: False once the DAG file is gone
    is_stale: bool | None = None  # v2: True once the DAG file is gone
    owners: list[str] = Field(default_factory=list)
    tags: list[Tag | None] = Field(default_factory=list)
    schedule_interval: dict[str, Any] | None = None
    timetable_summary: str | None = None
    timetable_description: str | None = None

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags if t is not None and t.name]

    @property
    def gone(self) -> bool:
        return self.is_active is False or self.is_stale is True


class Task(Loose):
    task_id: str
    retries: float | None = None


class DagVersion(Loose):
    """v2 only (Airflow 3 keeps every parsed version of a DAG): a version listed under /dags/{dag_id}/dagVersions or
    one a run used. `bundle_version` is the commit of a versioned DAG bundle (a Git bundle); None for an unversioned
    one (the local DAG folder)."""

    version_number: int | None = None
    bundle_name: str | None = None
    bundle_version: str | None = None


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


class DagRun(Loose):
    dag_run_id: str
    dag_id: str = ""
    state: str | None = None
    run_type: str | None = None
    start_date: UtcTime | None = None  # a time without an offset is read as UTC
    end_date: UtcTime | None = None
    dag_versions: Annotated[list[DagVersion], BeforeValidator(_none_as_empty)] = Field(default_factory=list)


class TaskInstance(Loose):
    task_id: str
    try_number: int | None = None
    state: str | None = None

"""The parts of ModelArts REST API answers the probes read, as Huawei Cloud's API reference documents them.

Times come in two forms: epoch milliseconds (models `create_at`, services `update_time`/`publish_at`, training jobs
`metadata.create_time`, events `occur_time`) and ISO 8601 text (workflows and executions `created_at`). Both are read
into aware UTC datetimes; a value that is neither is None, and the figures leave such an item out of time windows.
Unknown fields are ignored, so that newer API versions that add fields are read alike.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from evidence_collectors.coerce import scalar_text, utc_moment

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_DIGITS = re.compile(r"\d{9,16}")
_NUMBER = re.compile(r"-?\d{1,18}(?:\.\d{1,12})?")


def to_time(value: Any) -> dt.datetime | None:
    """Epoch milliseconds (number or digits) or ISO 8601 text as an aware UTC time; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int | float):
        if value != value or not 1e11 <= value <= 1e14:  # NaN, or not a plausible epoch in milliseconds
            return None
        return dt.datetime.fromtimestamp(value / 1000, dt.UTC)
    if not isinstance(value, str):
        return None
    match = _ISO.match(value.strip())
    if not match:
        return None
    return utc_moment(*match.groups())


def to_number(value: Any) -> float | None:
    """A count or a weight, sent as a number or as digits; None when absent or unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)  # an integer of hundreds of digits is too large for a float
        except OverflowError:
            return None
        return number if number == number and abs(number) != float("inf") else None
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value.strip())
    return None


to_text = scalar_text


def _metrics_text(value: Any) -> str:
    """`model_metrics` is documented as a string (JSON text); some answers carry the object itself."""
    if isinstance(value, dict | list):
        return "present" if value else ""
    return to_text(value).strip()


Time = Annotated[dt.datetime | None, BeforeValidator(to_time)]
Number = Annotated[float | None, BeforeValidator(to_number)]
Text = Annotated[str, BeforeValidator(to_text)]


class Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


# --- workflows ---------------------------------------------------------------------------------------------------


class WorkflowStep(Shape):
    """One node of a workflow's DAG (ShowWorkflow `steps[]`): type job, labeling, release_dataset, model, service,
    mrs_job, dataset_import, create_dataset or condition."""

    name: Text = ""
    type: Text = ""
    title: Text = ""
    description: Text = ""


class Workflow(Shape):
    workflow_id: Text
    name: Text = ""
    workspace_id: Text = ""  # ListWorkflows takes no workspace filter, so the workflows are filtered by this
    created_at: Time = None
    steps: list[WorkflowStep] | None = None  # in ShowWorkflow; a listing may leave it out
    run_count: Number = None


class StepExecution(Shape):
    step_name: Text = ""
    type: Text = ""
    status: Text = ""


class WorkflowExecution(Shape):
    """ListWorkflowExecutions `items[]`: status init, running, completed, stopped or abnormal."""

    execution_id: Text = ""
    created_at: Time = None
    status: Text = ""
    steps_execution: list[StepExecution] = Field(default_factory=list)


class WorkflowSchedule(Shape):
    """ShowWorkflowScheduleList `schedules[]`: a time trigger (`type` time, `action` run), enabled or not."""

    uuid: Text = ""
    type: Text = ""
    action: Text = ""
    enable: bool | None = None


class WorkflowSchedules(Shape):
    schedules: list[WorkflowSchedule] = Field(default_factory=list)


class WorkflowTodo(Shape):
    """ShowWorkflowsTodolist `items[]`: a step waiting for a person's action."""

    workflow_id: Text = ""
    workflow_name: Text = ""
    execution_id: Text = ""
    step_name: Text = ""
    status: Text = ""


# --- training jobs -----------------------------------------------------------------------------------------------


class JobMetadata(Shape):
    id: Text = ""
    name: Text = ""
    create_time: Time = None
    user_name: Text = ""


class JobStatus(Shape):
    """`phase`: Creating, Pending, Running, Failed, Completed, Terminating, Terminated or Abnormal."""

    phase: Text = ""


class TrainingJob(Shape):
    metadata: JobMetadata = Field(default_factory=JobMetadata)
    status: JobStatus = Field(default_factory=JobStatus)


# --- models ------------------------------------------------------------------------------------------------------


class ModelVersion(Shape):
    """One ListModels `models[]` entry, completed by ShowModel: in ModelArts each model version is its own model_id,
    versions of one model share its `model_name`."""

    model_id: Text
    model_name: Text = ""
    model_version: Text = ""
    model_status: Text = ""
    description: Text = ""
    create_at: Time = None
    source_job_id: Text = ""
    source_job_version: Text = ""
    source_type: Text = ""
    model_metrics: Annotated[str, BeforeValidator(_metrics_text)] = ""


# --- services ----------------------------------------------------------------------------------------------------


class ServiceConfig(Shape):
    """ShowService `config[]` of a real-time service: one model version and the share of traffic (`weight`, 0-100)
    it receives."""

    model_id: Text = ""
    model_name: Text = ""
    model_version: Text = ""
    weight: Number = None
    instance_count: Number = None


class Service(Shape):
    """ListServices `services[]`, completed by ShowService (`config`). Status running, deploying, concerning, failed,
    stopped, finished, stopping, deleting, pending or waiting."""

    service_id: Text
    service_name: Text = ""
    infer_type: Text = ""
    status: Text = ""
    publish_at: Time = None
    update_time: Time = None
    config: list[ServiceConfig] | None = None


class Monitor(Shape):
    """ShowServiceMonitorInfo `monitors[]`: calls and failed calls per model version of a real-time service."""

    model_id: Text = ""
    model_version: Text = ""
    invocation_times: Number = None
    failed_times: Number = None


class ServiceMonitor(Shape):
    service_id: Text = ""
    monitors: list[Monitor] = Field(default_factory=list)


class ServiceEvent(Shape):
    """ShowServiceEvents `events[]`: operation records and deployment actions; `event_type` normal or abnormal."""

    occur_time: Time = None
    event_type: Text = ""
    event_info: Text = ""


class IamToken(Shape):
    """POST /v3/auth/tokens answer body (the token itself comes in the X-Subject-Token header)."""

    token: dict[str, Any]


class WorkflowTodos(Shape):
    items: list[WorkflowTodo] = Field(default_factory=list)

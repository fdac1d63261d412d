"""The probe figures of ModelArts data: pure functions from parsed answers to findings (value and one-line summary).

Step kinds are recognised from the documented step types of a workflow's DAG: `job`/`mrs_job` train (unless named as
an evaluation), a `condition` step or a job named like an evaluation (eval, test, validat, 评估, 评测, 验证) evaluates,
`model` registers a model version, `service` deploys, `labeling`/`release_dataset`/`dataset_import`/`create_dataset`
prepare data. A step execution in status `hold` waits for a person to let the workflow go on (an approval gate).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from evidence_collectors.http import CollectError
from evidence_collectors.modelarts.models import (
    ModelVersion,
    Monitor,
    Service,
    ServiceEvent,
    TrainingJob,
    Workflow,
    WorkflowExecution,
    WorkflowSchedule,
    WorkflowStep,
    WorkflowTodo,
)
from evidence_collectors.outcome import ProbeFinding, counts, of, ratio, sample, share_finding

P = "modelarts."
EVALUATION_WORDS = re.compile(r"eval|test|validat|评估|评测|验证|测试", re.IGNORECASE)
TRAINING_TYPES = {"job", "mrs_job"}
DATA_TYPES = {"labeling", "release_dataset", "dataset_import", "create_dataset"}
FINISHED_EXECUTIONS = {"completed", "stopped", "abnormal"}
FINISHED_JOBS = {"completed", "failed", "abnormal", "terminated"}
Source = tuple[tuple[str, ...], str]


def in_window(moment: dt.datetime | None, start: dt.datetime) -> bool:
    return moment is not None and moment >= start


# --- workflows -----------------------------------------------------------------------------------------------------


def is_evaluation(step: WorkflowStep) -> bool:
    if step.type == "condition":
        return True
    words = f"{step.name} {step.title} {step.description}"
    return step.type in TRAINING_TYPES and bool(EVALUATION_WORDS.search(words))


def is_training(step: WorkflowStep) -> bool:
    return step.type in TRAINING_TYPES and not is_evaluation(step)


def stages(workflow: Workflow) -> dict[str, bool]:
    steps = workflow.steps or []
    return {
        "training": any(is_training(s) for s in steps),
        "evaluation": any(is_evaluation(s) for s in steps),
        "registration": any(s.type == "model" for s in steps),
        "deployment": any(s.type == "service" for s in steps),
        "data": any(s.type in DATA_TYPES for s in steps),
    }


def has_stage(stage: str) -> Callable[[Workflow], bool]:
    return lambda workflow: stages(workflow)[stage]


def end_to_end(workflow: Workflow) -> bool:
    found = stages(workflow)
    return all(found[k] for k in ("training", "evaluation", "registration", "deployment"))


def label(workflow: Workflow) -> str:
    return workflow.name or workflow.workflow_id


@dataclass
class WorkflowView:
    """The workflows in scope, those whose definition (steps) was read, and the notes on what was cut."""

    listed: list[Workflow]
    detailed: list[Workflow]
    raw: tuple[str, ...]
    url: str
    note: str = ""

    @property
    def left_out(self) -> str:
        missing = len(self.listed) - len(self.detailed)
        return f" ({missing} workflows left out: max_detail_reads spent, or deleted since listed)" if missing else ""


def workflow_findings(view: WorkflowView) -> list[ProbeFinding]:
    source: Source = (view.raw, view.url)
    names = sample(sorted(label(w) for w in view.listed))
    findings = [
        ProbeFinding(
            f"{P}workflows",
            len(view.listed),
            f"{len(view.listed)} workflows{': ' + names if names else ''}{view.note}",
            *source,
        )
    ]
    note = view.note + view.left_out
    for suffix, stage, text in (
        ("workflows_with_training_step_ratio", "training", "have a training step (job)"),
        ("workflows_with_evaluation_step_ratio", "evaluation", "have an evaluation step (condition or evaluation job)"),
        ("workflows_with_model_registration_step_ratio", "registration", "register a model version (model step)"),
        ("workflows_with_deployment_step_ratio", "deployment", "deploy a service (service step)"),
        ("workflows_with_data_step_ratio", "data", "prepare data (labeling or dataset steps)"),
    ):
        findings.append(share_finding(f"{P}{suffix}", view.detailed, has_stage(stage), text + note, source, label))
    findings.append(
        share_finding(
            f"{P}workflows_end_to_end_ratio",
            view.detailed,
            end_to_end,
            "chain training, evaluation, model registration and deployment" + note,
            source,
            label,
        )
    )
    types = sorted({s.type for w in view.detailed for s in (w.steps or []) if s.type})
    tally = counts(s.type for w in view.detailed for s in (w.steps or []))
    findings.append(
        ProbeFinding(
            f"{P}workflow_step_types",
            types,
            f"step types in {len(view.detailed)} workflow definitions: {tally if types else 'none'}{note}",
            *source,
        )
    )
    return findings


@dataclass
class Executions:
    """Each workflow's executions, as read (all of them, up to max_items per workflow)."""

    by_workflow: dict[str, list[WorkflowExecution]] = field(default_factory=dict)
    raw: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        return f" ({'; '.join(self.stopped)}: more exist than were read)" if self.stopped else ""


def execution_findings(
    listed: list[Workflow], executions: Executions, start: dt.datetime, days: int, url: str
) -> list[ProbeFinding]:
    source: Source = (tuple(executions.raw), url)
    recent = {w: [e for e in found if in_window(e.created_at, start)] for w, found in executions.by_workflow.items()}
    runs = [e for found in recent.values() for e in found]
    finished = [e for e in runs if e.status in FINISHED_EXECUTIONS]
    completed = sum(1 for e in finished if e.status == "completed")
    note = executions.note
    return [
        share_finding(
            f"{P}workflows_run_in_window_ratio",
            listed,
            lambda w: bool(recent.get(w.workflow_id)),
            f"ran at least once in the last {days} days{note}",
            source,
            label,
        ),
        ProbeFinding(
            f"{P}workflow_executions_in_window",
            len(runs),
            f"{len(runs)} workflow executions started in the last {days} days ({counts(e.status for e in runs)}){note}",
            *source,
        ),
        ProbeFinding(
            f"{P}workflow_execution_success_ratio",
            ratio(completed, len(finished)),
            (
                f"{of(completed, len(finished))} finished executions of the last {days} days completed "
                f"(stopped or abnormal: {len(finished) - completed}){note}"
                if finished
                else f"no finished workflow executions in the last {days} days, so 0{note}"
            ),
            *source,
        ),
    ]


def approval_findings(
    listed: list[Workflow],
    executions: Executions,
    todos: list[WorkflowTodo],
    start: dt.datetime,
    days: int,
    source: Source,
) -> list[ProbeFinding]:
    waiting = {t.workflow_id for t in todos} | {t.workflow_name for t in todos if t.workflow_name}
    held = {
        w
        for w, found in executions.by_workflow.items()
        for e in found
        if in_window(e.created_at, start) and any(s.status == "hold" for s in e.steps_execution)
    }

    def gated(workflow: Workflow) -> bool:
        return workflow.workflow_id in waiting or workflow.name in waiting or workflow.workflow_id in held

    statement = (
        f"have a manual approval gate (a step held for a person in the last {days} days, or waiting in the "
        f"Workflow to-do list){executions.note}"
    )
    return [share_finding(f"{P}workflows_with_manual_approval_ratio", listed, gated, statement, source, label)]


def schedule_findings(
    detailed: list[Workflow], schedules: dict[str, list[WorkflowSchedule]], unread: int, source: Source
) -> list[ProbeFinding]:
    note = f" ({unread} workflows left out: max_detail_reads spent, or deleted since listed)" if unread else ""
    read = [w for w in detailed if w.workflow_id in schedules]

    def scheduled(workflow: Workflow) -> bool:
        return any(s.enable is not False for s in schedules[workflow.workflow_id])

    return [
        share_finding(
            f"{P}workflows_scheduled_ratio", read, scheduled, "have an enabled time schedule" + note, source, label
        )
    ]


# --- training jobs -------------------------------------------------------------------------------------------------


def training_findings(jobs: list[TrainingJob], days: int, note: str, source: Source) -> list[ProbeFinding]:
    finished = [j for j in jobs if j.status.phase.lower() in FINISHED_JOBS]
    completed = sum(1 for j in finished if j.status.phase.lower() == "completed")
    return [
        ProbeFinding(
            f"{P}training_jobs_in_window",
            len(jobs),
            f"{len(jobs)} training jobs created in the last {days} days ({counts(j.status.phase for j in jobs)}){note}",
            *source,
        ),
        ProbeFinding(
            f"{P}training_job_success_ratio",
            ratio(completed, len(finished)),
            (
                f"{of(completed, len(finished))} finished training jobs of the last {days} days completed{note}"
                if finished
                else f"no finished training jobs in the last {days} days, so 0{note}"
            ),
            *source,
        ),
    ]


# --- models --------------------------------------------------------------------------------------------------------


def version_label(model: ModelVersion) -> str:
    return f"{model.model_name} {model.model_version}".strip() or model.model_id


def model_findings(
    listed: list[ModelVersion], detailed: list[ModelVersion], note: str, source: Source
) -> list[ProbeFinding]:
    names = Counter(m.model_name for m in listed)
    left = len(listed) - len(detailed)
    detail_note = note + (
        f" ({left} model versions left out: max_detail_reads spent, or deleted since listed)" if left else ""
    )
    several = sorted(n for n, c in names.items() if c >= 2)
    return [
        ProbeFinding(
            f"{P}registered_model_count",
            len(names),
            f"{len(names)} models{': ' + sample(sorted(names)) if names else ''}{note}",
            *source,
        ),
        ProbeFinding(
            f"{P}model_version_count",
            len(listed),
            f"{len(listed)} model versions ({counts(m.model_status for m in listed)}){note}",
            *source,
        ),
        ProbeFinding(
            f"{P}registered_models_with_multiple_versions_ratio",
            ratio(len(several), len(names)),
            (
                f"{of(len(several), len(names))} models have at least 2 versions"
                + (f": {sample(several)}" if several else "")
                + note
            )
            if names
            else f"no models to check, so 0{note}",
            *source,
        ),
        share_finding(
            f"{P}model_versions_with_run_ratio",
            detailed,
            lambda m: bool(m.source_job_id.strip()),
            "name the training job they came from (source_job_id)" + detail_note,
            source,
            version_label,
        ),
        share_finding(
            f"{P}model_versions_with_metrics_ratio",
            detailed,
            lambda m: bool(m.model_metrics),
            "carry evaluation metrics (model_metrics)" + detail_note,
            source,
            version_label,
        ),
        share_finding(
            f"{P}model_versions_with_description_ratio",
            listed,
            lambda m: bool(m.description.strip()),
            "have a description" + note,
            source,
            version_label,
        ),
    ]


# --- services ------------------------------------------------------------------------------------------------------


def service_label(service: Service) -> str:
    return service.service_name or service.service_id


def serving(service: Service) -> list[str]:
    """The model versions (model ids) that receive traffic."""
    return sorted({c.model_id for c in service.config or [] if c.model_id and (c.weight is None or c.weight > 0)})


def service_findings(
    listed: list[Service],
    detailed: list[Service],
    start: dt.datetime,
    days: int,
    note: str,
    source: Source,
) -> list[ProbeFinding]:
    left = len(listed) - len(detailed)
    detail_note = note + (
        f" ({left} services left out: max_detail_reads spent, or deleted since listed)" if left else ""
    )
    split = [s for s in detailed if len(serving(s)) >= 2]
    findings = [
        ProbeFinding(
            f"{P}realtime_services",
            len(listed),
            f"{len(listed)} real-time services ({counts(s.status for s in listed)}){note}",
            *source,
        ),
        share_finding(
            f"{P}running_services_ratio",
            listed,
            lambda s: s.status == "running",
            "are running" + note,
            source,
            service_label,
        ),
        ProbeFinding(
            f"{P}services_with_traffic_split",
            len(split),
            f"{len(split)} real-time services split traffic across 2 or more model versions (config weights)"
            + (f": {sample(sorted(service_label(s) for s in split))}" if split else "")
            + detail_note,
            *source,
        ),
        share_finding(
            f"{P}canary_services_ratio",
            detailed,
            lambda s: len(serving(s)) >= 2,
            "split traffic across 2 or more model versions (canary or A/B)" + detail_note,
            source,
            service_label,
        ),
        share_finding(
            f"{P}services_updated_in_window_ratio",
            detailed,
            lambda s: in_window(s.update_time or s.publish_at, start),
            f"were updated or published in the last {days} days" + detail_note,
            source,
            service_label,
        ),
    ]
    return findings


def registered_findings(detailed: list[Service], models: set[str], note: str, source: Source) -> list[ProbeFinding]:
    return [
        share_finding(
            f"{P}deployed_versions_registered_ratio",
            [s for s in detailed if serving(s)],
            lambda s: all(m in models for m in serving(s)),
            "serve only model versions registered in the model list" + note,
            source,
            service_label,
        )
    ]


def monitor_findings(
    running: list[Service], monitors: dict[str, list[Monitor]], note: str, source: Source
) -> list[ProbeFinding]:
    read = [s for s in running if s.service_id in monitors]
    left = len(running) - len(read)
    note += f" ({left} services left out: max_detail_reads spent, or deleted since listed)" if left else ""
    entries = [m for s in read for m in monitors[s.service_id]]
    calls = _whole(sum(m.invocation_times or 0 for m in entries))
    failed = _whole(sum(m.failed_times or 0 for m in entries))
    return [
        share_finding(
            f"{P}monitored_services_ratio",
            read,
            lambda s: any(m.invocation_times is not None for m in monitors[s.service_id]),
            "report invocation counts through the monitor API" + note,
            source,
            service_label,
        ),
        ProbeFinding(
            f"{P}service_invocations",
            calls,
            f"{calls} calls to {len(read)} running real-time services, {failed} failed{note}",
            *source,
        ),
        ProbeFinding(
            f"{P}service_failure_ratio",
            ratio(failed, calls),
            f"{of(failed, calls)} calls failed{note}" if calls else f"no calls recorded, so 0{note}",
            *source,
        ),
    ]


def event_findings(
    services: Iterable[Service],
    events: dict[str, list[ServiceEvent]],
    start: dt.datetime,
    days: int,
    note: str,
    source: Source,
) -> list[ProbeFinding]:
    recent = [e for s in services for e in events.get(s.service_id, []) if in_window(e.occur_time, start)]
    abnormal = sum(1 for e in recent if e.event_type.lower() == "abnormal")
    return [
        ProbeFinding(
            f"{P}service_events_in_window",
            len(recent),
            f"{len(recent)} service events (operation records and deployment actions) in the last {days} days "
            f"({counts(e.event_type for e in recent)}){note}",
            *source,
        ),
        ProbeFinding(
            f"{P}service_abnormal_event_ratio",
            ratio(abnormal, len(recent)),
            f"{of(abnormal, len(recent))} service events of the last {days} days are abnormal{note}"
            if recent
            else f"no service events in the last {days} days, so 0{note}",
            *source,
        ),
    ]


def _whole(total: float) -> int:
    """A sum of counts as an integer. Counts near the float limit add up to infinity, which `int` refuses and no
    service reaches: the monitoring answers are unusable, not a count."""
    if not math.isfinite(total):
        raise CollectError("service monitoring: invocation counts beyond any real count (their sum is infinite)")
    return int(total)

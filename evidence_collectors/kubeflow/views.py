"""KFP answers as the orchestrator-neutral views of `evidence_collectors.orchestration`: a pipeline's schedule comes
from its enabled recurring runs, its tasks from its newest version's compiled spec, run states mapped to the shared
ones."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from evidence_collectors.kubeflow.models import KfpPipeline, KfpRun, PipelineVersion, RecurringRun
from evidence_collectors.orchestration import Pipeline, Run, cron_period_s

MAX_SPEC_TASKS = 10_000  # tasks followed in one compiled spec at most
STATES = {"SUCCEEDED": "success", "FAILED": "failed", "RUNNING": "running", "PENDING": "running"}


def enabled(job: RecurringRun) -> bool:
    if job.status:
        return job.status.upper() == "ENABLED"
    return (job.mode or "").upper() == "ENABLE"


def period_s(job: RecurringRun) -> float | None:
    """The recurring run's period: `periodic_schedule.interval_second`, or its cron expression (KFP's cron has a leading
    seconds field, dropped when it is a fixed second)."""
    trigger = job.trigger
    if trigger is None:
        return None
    if trigger.periodic_schedule is not None:
        raw = str(trigger.periodic_schedule.interval_second or "").strip()
        return float(raw) if _count(raw) else None
    if trigger.cron_schedule is not None and trigger.cron_schedule.cron:
        fields = trigger.cron_schedule.cron.split()
        if len(fields) == 6 and fields[0].isdigit():
            fields = fields[1:]
        return cron_period_s(" ".join(fields))
    return None


def _count(text: str) -> int:
    """A positive count written in ASCII digits (int64 values come as strings); 0 for anything else, such as '²'
    (a digit to `str.isdigit`, not to `int`) or digits beyond any schedule."""
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else 0


def pipeline_of(job: RecurringRun | KfpRun) -> str | None:
    ref = job.pipeline_version_reference
    return ref.pipeline_id if ref is not None and ref.pipeline_id else None


def spec_tasks(spec: dict[str, Any] | None) -> tuple[list[str], int] | None:
    """The task names of a compiled pipeline's root DAG and how many have a retry policy; None when there is no spec."""
    if not isinstance(spec, dict):
        return None
    inner = spec.get("pipeline_spec")
    if isinstance(inner, dict) and "root" in inner:
        spec = inner
    root = spec.get("root")
    dag = root.get("dag") if isinstance(root, dict) else None
    tasks = dag.get("tasks") if isinstance(dag, dict) else None
    if not isinstance(tasks, dict):
        return None
    retried = 0
    for task in tasks.values():
        policy = task.get("retryPolicy") if isinstance(task, dict) else None
        count = policy.get("maxRetryCount") if isinstance(policy, dict) else None
        if _count(str(count or "0")):
            retried += 1
    return [str(name) for name in tasks], retried


def spec_images(spec: dict[str, Any] | None) -> list[tuple[str, str]] | None:
    """(task, image) of every task of a compiled pipeline that runs a container, nested DAGs included: a task's
    `componentRef.name` names a component whose `executorLabel` names `deploymentSpec.executors.<label>.container`;
    a component with a `dag` instead is followed into its tasks. Importers run no image of their own and are left
    out. None when there is no spec."""
    if not isinstance(spec, dict):
        return None
    inner = spec.get("pipeline_spec")
    if isinstance(inner, dict) and "root" in inner:
        spec = inner
    components = _dict(spec.get("components"))
    executors = _dict(_dict(spec.get("deploymentSpec")).get("executors"))
    found: list[tuple[str, str]] = []
    seen: set[int] = set()
    stack: list[tuple[dict[str, Any], str]] = [(_dict(_dict(spec.get("root")).get("dag")), "")]
    while stack and len(found) <= MAX_SPEC_TASKS:  # a stack, not recursion: a spec may nest DAGs thousands deep
        dag, prefix = stack.pop()
        if id(dag) in seen:  # a component that includes itself
            continue
        seen.add(id(dag))
        for name, task in _dict(dag.get("tasks")).items():
            component = _dict(_at(components, _dict(_dict(task).get("componentRef")).get("name")))
            if isinstance(component.get("dag"), dict):
                stack.append((component["dag"], f"{prefix}{name}/"))
                continue
            container = _dict(_dict(_at(executors, component.get("executorLabel"))).get("container"))
            image = container.get("image")
            if isinstance(image, str):
                found.append((f"{prefix}{name}", image.strip()))
    return sorted(found)


def _at(mapping: dict[str, Any], key: Any) -> Any:
    return mapping.get(key) if isinstance(key, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def versioned_image(image: str) -> bool:
    """Pinned by digest, or carrying a tag other than `latest` (no tag means latest)."""
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    return ":" in last and last.rsplit(":", 1)[1] not in ("", "latest")


def newest(versions: Sequence[PipelineVersion]) -> PipelineVersion | None:
    dated = [v for v in versions if v.created_at is not None]
    if dated:
        return max(dated, key=lambda v: (v.created_at, v.pipeline_version_id))
    return versions[0] if versions else None


def pipeline(
    item: KfpPipeline, jobs: Sequence[RecurringRun], versions: Sequence[PipelineVersion] | None = None
) -> Pipeline:
    """`jobs` are the enabled recurring runs of this pipeline; `versions` its versions, when read."""
    periods = [p for p in (period_s(j) for j in jobs) if p]
    structure = spec_tasks(latest.pipeline_spec) if versions and (latest := newest(versions)) else None
    return Pipeline(
        id=item.pipeline_id,
        scheduled=bool(jobs),
        interval_s=min(periods) if periods else None,
        described=bool((item.description or "").strip()),
        tasks=structure[0] if structure else (None if versions is None else []),
        tasks_with_retries=structure[1] if structure else 0,
    )


def run(item: KfpRun, pipeline_id: str) -> Run:
    return Run(
        pipeline=pipeline_id,
        id=item.display_name or item.run_id,
        state=STATES.get((item.state or "").upper(), "other"),
        started=item.created_at,
        ended=item.finished_at,
        scheduled=bool(item.recurring_run_id),
    )


def has_artifacts(item: KfpRun) -> bool:
    """Whether any task of the run lists an output artifact (`run_details.task_details[].outputs[*].artifact_ids`)."""
    details = item.run_details.task_details if item.run_details is not None else None
    for task in details or []:
        for out in (task.outputs or {}).values():
            if out is not None and out.artifact_ids:
                return True
    return False

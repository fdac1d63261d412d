"""Airflow answers as the orchestrator-neutral views of `evidence_collectors.orchestration`: a DAG's schedule read
from v1's `schedule_interval` or v2's `timetable_summary`, run states and types mapped to the shared ones."""

from __future__ import annotations

import re
from collections.abc import Sequence

from evidence_collectors.airflow.models import Dag, DagRun, Task
from evidence_collectors.orchestration import Pipeline, Run, cron_period_s

NOT_TIME_BASED = ("none", "null", "@once", "once", "dataset", "asset", "triggered by", "never")
# str(timedelta), as v2's timetable_summary gives it; at most 9 digits, so that `int` never meets thousands of them
_DELTA = re.compile(r"(?:([0-9]{1,9}) days?, )?([0-9]{1,9}):([0-9]{2}):([0-9]{2})")
STATES = {"success": "success", "failed": "failed", "running": "running"}


def schedule_of(dag: Dag) -> tuple[bool, float | None]:
    """Whether the DAG has a time-based schedule, and its period in seconds when it can be told."""
    interval = dag.schedule_interval
    if interval:
        kind = str(interval.get("__type", ""))
        if kind == "CronExpression":
            return True, cron_period_s(str(interval.get("value", "")))
        if kind == "TimeDelta":
            seconds = _num(interval.get("days")) * 86400 + _num(interval.get("seconds"))
            return True, seconds or None
        return True, None  # RelativeDelta: a calendar period
    summary = (dag.timetable_summary or "").strip()
    if not summary or summary.lower().startswith(NOT_TIME_BASED):
        return False, None
    if delta := _DELTA.fullmatch(summary):
        days, hours, minutes, seconds = (int(g or 0) for g in delta.groups())
        return True, float(days * 86400 + hours * 3600 + minutes * 60 + seconds) or None
    return True, cron_period_s(summary)


def _num(value: object) -> float:
    """A number of the schedule; 0 for anything else, and for an integer too large for a float (10**400 days)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return 0.0
    try:
        return float(value)
    except OverflowError:
        return 0.0


def pipeline(dag: Dag, tasks: Sequence[Task] | None) -> Pipeline:
    scheduled, period = schedule_of(dag)
    return Pipeline(
        id=dag.dag_id,
        scheduled=scheduled and dag.is_paused is not True,
        interval_s=period,
        described=bool((dag.description or "").strip()),
        tasks=None if tasks is None else [t.task_id for t in tasks],
        tasks_with_retries=sum(1 for t in tasks or [] if (t.retries or 0) > 0),
    )


def run(item: DagRun, dag_id: str) -> Run:
    return Run(
        pipeline=dag_id,
        id=f"{dag_id}/{item.dag_run_id}",
        state=STATES.get((item.state or "").lower(), "other"),
        started=item.start_date,
        ended=item.end_date,
        scheduled=(item.run_type or "").lower() == "scheduled",
    )

"""Facts about pipelines and their runs that every workflow orchestrator reports alike (Airflow DAGs, Kubeflow
Pipelines), computed once here so that the same probe suffix means the same fact in each collector.

A collector turns its system's answers into `Pipeline` and `Run` views (what a pipeline is, whether it is scheduled,
which tasks it has; when a run started and ended, how it ended, whether a schedule started it) and asks for the
findings of three groups: the pipeline list, the pipelines' structure (their tasks) and their runs. Stages are
recognised from task names with the word list `STAGES` (documented in the probe catalogues), so a task called
`train_model` or `evaluate-candidate` is a training or an evaluation stage whatever the system.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated

from pydantic import AfterValidator

from evidence_collectors.outcome import ProbeFinding, of, ratio, sample, share

# Stage -> the word stems a task name (split on anything but letters and digits) starts with. Chinese names are
# matched as substrings. A name may fall under several stages ("train_and_evaluate").
STAGES: dict[str, tuple[str, ...]] = {
    "ingest": ("ingest", "extract", "fetch", "collect", "load", "import", "采集", "抽取", "导入"),
    "validate": ("validat", "check", "quality", "expectation", "校验", "验证", "质量"),
    "preprocess": ("preprocess", "transform", "clean", "feature", "prepar", "split", "预处理", "清洗", "特征"),
    "train": ("train", "fit", "tune", "hpo", "训练", "调参"),
    "evaluate": ("evaluat", "eval", "metric", "benchmark", "评估", "评测"),
    "register": ("register", "registry", "publish", "注册", "发布"),
    "deploy": ("deploy", "serve", "serving", "rollout", "release", "promot", "部署", "上线"),
}
DATA_STAGES = ("ingest", "validate", "preprocess")
ORDER = tuple(STAGES)
# The probe suffixes both orchestrator collectors offer, in catalogue order, grouped by the read they come from.
STRUCTURE_SUFFIXES = (
    "pipelines_multi_stage_ratio",
    "pipeline_stages",
    "pipelines_with_training_and_evaluation_ratio",
    "pipelines_with_data_preparation_ratio",
    "tasks_with_retries_ratio",
)
RUN_SUFFIXES = (
    "runs",
    "pipelines_run_in_window_ratio",
    "run_success_ratio",
    "runs_scheduled_ratio",
    "scheduled_pipelines_on_time_ratio",
    "failed_runs_recovered_ratio",
    "run_duration_median_minutes",
)
MAX_DIGITS = 9  # a cron field or period with more digits is no schedule a calendar keeps (and `int` may refuse it)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A time from an API answer as an aware time: one sent without an offset is read as UTC (the APIs read here send
    UTC), so that it can be compared with the window's start instead of raising TypeError."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


UtcTime = Annotated[dt.datetime, AfterValidator(as_utc)]
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _stage_pattern(stems: tuple[str, ...]) -> re.Pattern[str]:
    """One search for a stage: a Latin stem at the start of a word (a run of the letters a-z: `train` in `2train` and
    `model_train`, not in `retrain`), a Chinese stem anywhere."""
    latin = [re.escape(s) for s in stems if not _CJK.search(s)]
    chinese = [re.escape(s) for s in stems if _CJK.search(s)]
    return re.compile("|".join([f"(?<![a-z])(?:{'|'.join(latin)})", *chinese]))


_STAGE_PATTERNS = {stage: _stage_pattern(stems) for stage, stems in STAGES.items()}


def stages_of(name: str) -> set[str]:
    """The stages a task name is recognised as (see `STAGES`). One regular expression a stage, so that the time taken
    grows with the name's length only: a server may send names of megabytes, or hundreds of thousands of tasks."""
    lower = name.lower()
    return {stage for stage, pattern in _STAGE_PATTERNS.items() if pattern.search(lower)}


@dataclass
class Pipeline:
    """One pipeline (a DAG, a KFP pipeline) as the figures see it. `tasks` is None when its structure was not read."""

    id: str
    scheduled: bool = False  # a time-based schedule is set (cron, interval, timetable; an enabled recurring run)
    interval_s: float | None = None  # the schedule's period, when it can be told from the schedule
    described: bool = False
    tasks: list[str] | None = None
    tasks_with_retries: int = 0

    @cached_property
    def stages(self) -> set[str]:
        """Computed once: the figures ask for it many times, and a pipeline may have hundreds of thousands of tasks."""
        return {s for task in set(self.tasks or []) for s in stages_of(task)}


@dataclass
class Run:
    """One run of a pipeline: `state` is success, failed, running or other (queued, skipped, cancelled...)."""

    pipeline: str
    id: str
    state: str
    started: dt.datetime | None
    ended: dt.datetime | None = None
    scheduled: bool = False  # started by the pipeline's schedule, not by hand or by an outside trigger


@dataclass
class Source:
    """The raw responses a group of findings was computed from, where they were read, and what was left unread."""

    raw: tuple[str, ...] = ()
    url: str | None = None
    note: str = ""  # e.g. " (stopped at max_items (5000): more DAGs exist than were read)"


@dataclass
class Scope:
    prefix: str  # "airflow." or "kubeflow."
    noun: str  # "DAGs", "pipelines"
    now: dt.datetime
    window_days: int
    min_tasks: int = 3
    notes: list[str] = field(default_factory=list)

    @property
    def start(self) -> dt.datetime:
        return self.now - dt.timedelta(days=self.window_days)


def list_findings(scope: Scope, pipelines: Sequence[Pipeline], src: Source) -> list[ProbeFinding]:
    """pipelines, pipelines_scheduled_ratio, pipelines_documented_ratio."""
    p, n = scope.prefix, scope.noun
    where = (src.raw, src.url or "")
    names = sample(sorted(x.id for x in pipelines), 8)
    return [
        ProbeFinding(
            f"{p}pipelines", len(pipelines), f"{len(pipelines)} {n} in scope{src.note}: {names or 'none'}", *where
        ),
        _share(
            f"{p}pipelines_scheduled_ratio",
            pipelines,
            lambda x: x.scheduled,
            n,
            "have a time-based schedule in effect",
            src,
        ),
        _share(f"{p}pipelines_documented_ratio", pipelines, lambda x: x.described, n, "have a description", src),
    ]


def structure_findings(scope: Scope, pipelines: Sequence[Pipeline], src: Source) -> list[ProbeFinding]:
    """pipelines_multi_stage_ratio, pipeline_stages, pipelines_with_training_and_evaluation_ratio,
    pipelines_with_data_preparation_ratio, tasks_with_retries_ratio; over the pipelines whose tasks were read."""
    p, n = scope.prefix, scope.noun
    read = [x for x in pipelines if x.tasks is not None]
    note = src.note
    if len(read) < len(pipelines):
        note += f" ({len(pipelines) - len(read)} {n} whose tasks could not be read left out)"
    tasks = sum(len(x.tasks or []) for x in read)
    retried = sum(x.tasks_with_retries for x in read)
    found = [s for s in ORDER if any(s in x.stages for x in read)]
    per_stage = ", ".join(f"{s} {sum(1 for x in read if s in x.stages)}" for s in found)
    src2 = Source(src.raw, src.url, note)
    return [
        _share(
            f"{p}pipelines_multi_stage_ratio",
            read,
            lambda x: len(x.tasks or []) >= scope.min_tasks,
            n,
            f"have at least {scope.min_tasks} tasks",
            src2,
        ),
        ProbeFinding(
            f"{p}pipeline_stages",
            found,
            f"stages recognised from the task names of {len(read)} {n}{note}: {per_stage or 'none'}",
            src.raw,
            src.url,
        ),
        _share(
            f"{p}pipelines_with_training_and_evaluation_ratio",
            read,
            lambda x: {"train", "evaluate"} <= x.stages,
            n,
            "have both a training and an evaluation task",
            src2,
        ),
        _share(
            f"{p}pipelines_with_data_preparation_ratio",
            read,
            lambda x: bool(x.stages & set(DATA_STAGES)),
            n,
            "have a data ingestion, validation or preprocessing task",
            src2,
        ),
        ProbeFinding(
            f"{p}tasks_with_retries_ratio",
            ratio(retried, tasks),
            f"{of(retried, tasks)} tasks of {len(read)} {n} are configured to retry on failure{note}",
            src.raw,
            src.url,
        ),
    ]


def run_findings(scope: Scope, pipelines: Sequence[Pipeline], runs: Sequence[Run], src: Source) -> list[ProbeFinding]:
    """runs, pipelines_run_in_window_ratio, run_success_ratio, runs_scheduled_ratio, scheduled_pipelines_on_time_ratio,
    failed_runs_recovered_ratio, run_duration_median_minutes; over the runs started in the window."""
    p, n, days = scope.prefix, scope.noun, scope.window_days
    ids = {x.id for x in pipelines}
    inside = [r for r in runs if r.pipeline in ids and r.started is not None and r.started >= scope.start]
    ran = {r.pipeline for r in inside}
    done = [r for r in inside if r.state in ("success", "failed")]
    ok = sum(1 for r in done if r.state == "success")
    note = src.note
    window = f"in the last {days} days"
    states = ", ".join(
        f"{sum(1 for r in inside if r.state == s)} {s}" for s in ("success", "failed", "running", "other")
    )
    failed = [r for r in inside if r.state == "failed"]
    recovered = [r for r in failed if _recovered(r, inside)]
    lost = len(failed) - len(recovered)
    durations = [
        (r.ended - r.started).total_seconds() / 60
        for r in done
        if r.started is not None and r.ended is not None and r.ended >= r.started
    ]
    median = round(statistics.median(durations), 2) if durations else 0.0
    mean = round(statistics.fmean(durations), 2) if durations else 0.0
    where = (src.raw, src.url)
    return [
        ProbeFinding(f"{p}runs", len(inside), f"{len(inside)} runs started {window}{note}: {states}", *where),
        _share(
            f"{p}pipelines_run_in_window_ratio",
            pipelines,
            lambda x: x.id in ran,
            n,
            f"ran at least once {window}{note}",
            Source(src.raw, src.url),
        ),
        ProbeFinding(
            f"{p}run_success_ratio",
            ratio(ok, len(done)),
            f"{of(ok, len(done))} finished runs started {window} succeeded{note}",
            *where,
        ),
        ProbeFinding(
            f"{p}runs_scheduled_ratio",
            ratio(sum(1 for r in inside if r.scheduled), len(inside)),
            f"{of(sum(1 for r in inside if r.scheduled), len(inside))} runs started {window} were started by a "
            f"schedule{note}",
            *where,
        ),
        _on_time(scope, pipelines, inside, src),
        ProbeFinding(
            f"{p}failed_runs_recovered_ratio",
            ratio(len(recovered), len(failed)),
            share(len(recovered), len(failed), f"failed runs {window}", "were followed by a successful run")
            + note
            + (f"; not yet: {sample(sorted(r.id for r in failed if r not in recovered))}" if lost else ""),
            *where,
        ),
        ProbeFinding(
            f"{p}run_duration_median_minutes",
            median,
            f"median {median} min, mean {mean} min over {len(durations)} finished runs started {window}{note}",
            *where,
        ),
    ]


def _recovered(failed: Run, runs: Iterable[Run]) -> bool:
    assert failed.started is not None
    return any(
        r.pipeline == failed.pipeline and r.state == "success" and r.started is not None and r.started > failed.started
        for r in runs
    )


def _on_time(scope: Scope, pipelines: Sequence[Pipeline], inside: Sequence[Run], src: Source) -> ProbeFinding:
    """Scheduled pipelines whose latest run started no longer ago than twice their schedule's period. Pipelines whose
    period is unknown (a custom timetable, an irregular cron) or longer than half the window cannot be judged from the
    runs of the window and are left out, named in the summary."""
    window = dt.timedelta(days=scope.window_days)
    judged = [x for x in pipelines if x.scheduled and x.interval_s and 2 * x.interval_s <= window.total_seconds()]
    left = sorted(x.id for x in pipelines if x.scheduled and x not in judged)
    latest: dict[str, dt.datetime] = {}
    for r in inside:
        if r.started is not None and (r.pipeline not in latest or r.started > latest[r.pipeline]):
            latest[r.pipeline] = r.started

    def on_time(x: Pipeline) -> bool:
        last = latest.get(x.id)
        return (
            last is not None and x.interval_s is not None and scope.now - last <= dt.timedelta(seconds=2 * x.interval_s)
        )

    text = f"ran within twice their schedule's period{src.note}"
    if left:
        text += f"; period unknown or over half the window, left out: {sample(left)}"
    finding = _share(
        f"{scope.prefix}scheduled_pipelines_on_time_ratio",
        judged,
        on_time,
        f"scheduled {scope.noun}",
        text,
        Source(src.raw, src.url),
    )
    return finding


def _share(
    probe: str, items: Sequence[Pipeline], holds: Callable[[Pipeline], bool], noun: str, statement: str, src: Source
) -> ProbeFinding:
    passing = [x for x in items if holds(x)]
    failing = sorted(x.id for x in items if not holds(x))
    text = share(len(passing), len(items), noun, statement) + src.note
    if failing:
        text += f"; not: {sample(failing)}"
    return ProbeFinding(probe, ratio(len(passing), len(items)), text, src.raw, src.url)


# --- schedules -----------------------------------------------------------------------------------------------------

PRESETS = {
    "@hourly": 3600.0,
    "@daily": 86400.0,
    "@midnight": 86400.0,
    "@weekly": 7 * 86400.0,
    "@monthly": 31 * 86400.0,
    "@quarterly": 92 * 86400.0,
    "@yearly": 366 * 86400.0,
    "@annually": 366 * 86400.0,
}
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_DAY_NAME = re.compile(r"(?i)\b(" + "|".join(DAY_NAMES) + r")\b")
_FIXED = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}(,[0-9]{{1,{MAX_DIGITS}}})*")
_STEP = re.compile(rf"\*/([0-9]{{1,{MAX_DIGITS}}})")


def cron_period_s(expression: str) -> float | None:
    """The longest gap between two firings of a cron expression or preset, when the expression is regular enough to
    tell without a calendar (fixed minute and hour with every day, weekly on fixed weekdays, monthly on fixed days,
    every N minutes or hours); None otherwise. A day count of 31 is used for a month."""
    text = expression.strip()
    if text in PRESETS:
        return PRESETS[text]
    parts = text.split()
    if len(parts) != 5:
        return None
    minute, hour, dom, month, dow = parts
    if month != "*":
        return None
    if dom == "*" and dow == "*":
        if (step := _STEP.fullmatch(minute)) and hour == "*":
            return float(int(step[1]) * 60) or None
        if _FIXED.fullmatch(minute) and hour == "*":
            return 3600.0
        if _FIXED.fullmatch(minute) and (step := _STEP.fullmatch(hour)):
            return float(int(step[1]) * 3600) or None
        if _FIXED.fullmatch(minute) and _FIXED.fullmatch(hour):
            return 86400.0
        return None
    if not (_FIXED.fullmatch(minute) and _FIXED.fullmatch(hour)):
        return None
    dow = _DAY_NAME.sub(lambda m: str(DAY_NAMES.index(m[0].upper())), dow)
    if dom == "*" and re.fullmatch(r"[0-7](-[0-7])?(,[0-7](-[0-7])?)*", dow):
        days = _weekdays(dow)
        return _longest_gap(days, 7) * 86400.0 if days else None
    if dow == "*" and _FIXED.fullmatch(dom):
        return 31 * 86400.0
    return None


def _weekdays(field_text: str) -> list[int]:
    days: set[int] = set()
    for part in field_text.split(","):
        low, _, high = part.partition("-")
        for day in range(int(low), int(high or low) + 1):
            days.add(day % 7)
    return sorted(days)


def _longest_gap(days: list[int], cycle: int) -> int:
    return max((days[(i + 1) % len(days)] - d) % cycle or cycle for i, d in enumerate(days))

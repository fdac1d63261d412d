"""What each GitLab pipeline and deployment keeps on record: trigger, outcome and logs; test reports; the job that
deployed. Pure functions: no I/O."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from evidence_collectors.gitlab.models import Deployment, Job, Pipeline, PipelineTestReport
from evidence_collectors.outcome import ProbeFinding, share_finding
from evidence_collectors.rest import Pages

MANUAL_SOURCES = frozenset({"web", "webide", "chat"})  # a person started the pipeline
FINISHED = frozenset({"success", "failed", "canceled", "skipped"})
RAN = frozenset({"success", "failed"})
COMMIT_SOURCES = frozenset({"push", "merge_request_event", "external_pull_request_event"})


def run_recorded(pipeline: Pipeline, jobs: list[Job]) -> bool:
    """The pipeline finished and its record names what started it (the source, and the person for a manual start),
    its jobs are listed, and every job of it that ran still has its log (a trace artifact)."""
    person = any(j.user is not None and j.user.username for j in jobs)
    started_by = bool(pipeline.source) and (pipeline.source not in MANUAL_SOURCES or person)
    logs = all(j.log_kept for j in jobs if j.ran)
    return pipeline.status in FINISHED and started_by and bool(jobs) and logs


def run_record_findings(
    pipelines: Pages[Pipeline], jobs: Pages[Job], start: dt.datetime, days: int
) -> list[ProbeFinding]:
    by_pipeline: dict[int, list[Job]] = defaultdict(list)
    for job in jobs.items:
        if job.pipeline is not None:
            by_pipeline[job.pipeline.id].append(job)
    finished = [p for p in pipelines.items if p.created_at >= start and p.status in FINISHED]
    note = pipelines.cap_note("pipelines") + jobs.cap_note("jobs")
    return [
        share_finding(
            "gitlab.pipelines_with_run_record_ratio",
            finished,
            lambda p: run_recorded(p, by_pipeline.get(p.id, [])),
            f"finished pipelines in the last {days} days{note} record their start, what started them (and who, "
            "when started by hand), their outcome, and keep the log of every job that ran",
            ((*pipelines.raw, *jobs.raw), jobs.url),
            label=lambda p: f"#{p.id}",
        )
    ]


def commit_pipelines(pipelines: list[Pipeline], start: dt.datetime) -> list[Pipeline]:
    """Pipelines in the window that a commit or a merge request started and that ran to a result, newest first."""
    chosen = [p for p in pipelines if p.created_at >= start and p.source in COMMIT_SOURCES and p.status in RAN]
    return sorted(chosen, key=lambda p: p.id, reverse=True)


def report_findings(
    looked: list[Pipeline],
    reports: dict[int, PipelineTestReport],
    source: tuple[tuple[str, ...], str],
    period: str,
) -> list[ProbeFinding]:
    return [
        share_finding(
            "gitlab.pipelines_with_test_report_ratio",
            looked,
            lambda p: p.id in reports and reports[p.id].total.count > 0,
            f"pipelines started by a commit or merge request {period} that passed or failed keep a test report "
            "(cases run, passed, failed, skipped) with the pipeline",
            source,
            label=lambda p: f"#{p.id}",
            missing="without",
        )
    ]


def deployed_by_pipeline_findings(deployments: Pages[Deployment], start: dt.datetime, days: int) -> list[ProbeFinding]:
    window = [d for d in deployments.items if d.created_at >= start]
    return [
        share_finding(
            "gitlab.deployments_by_pipeline_ratio",
            window,
            lambda d: d.deployable is not None,
            f"deployments in the last {days} days{deployments.cap_note('deployments')} were carried out by a CI job "
            "of a pipeline (deployable set) rather than recorded by hand through the API",
            (tuple(deployments.raw), deployments.url),
            label=lambda d: f"deployment {d.id}",
            missing="without a job",
        )
    ]

"""Turning Jenkins jobs and builds into probe values with one-line summaries. Pure functions: no I/O."""

from __future__ import annotations

import datetime as dt
import statistics

from evidence_collectors.jenkins.api import History, Jobs
from evidence_collectors.jenkins.models import Build
from evidence_collectors.outcome import ProbeFinding, counts, of, ratio

DECIDED = frozenset({"SUCCESS", "UNSTABLE", "FAILURE"})  # ABORTED, NOT_BUILT and running builds are left out
MANUAL = frozenset({"user", "replay"})
# cause class name endings -> trigger kind (core Jenkins and the common SCM plug-ins)
CAUSES = (
    ("UserIdCause", "user"),
    ("UserCause", "user"),
    ("ReplayCause", "replay"),
    ("TimerTriggerCause", "timer"),
    ("SCMTriggerCause", "scm"),
    ("PushCause", "scm"),
    ("BranchEventCause", "scm"),
    ("WebHookCause", "scm"),
    ("BranchIndexingCause", "branch_indexing"),
    ("UpstreamCause", "upstream"),
    ("RemoteCause", "remote"),
)


def trigger_kinds(build: Build) -> set[str]:
    kinds = set()
    for cls in build.cause_classes:
        short = cls.rsplit(".", 1)[-1].rsplit("$", 1)[-1]
        kinds.add(next((kind for ending, kind in CAUSES if short.endswith(ending)), "other"))
    return kinds


def trigger_recorded(build: Build) -> bool:
    """The build names its cause, the user behind every user cause, and the revision it built."""
    causes = build.causes
    users_named = all(c.user_id for c in causes if c.kind.endswith("UserIdCause"))
    return bool(causes) and users_named and bool(build.revision)


def days_since(moment: dt.datetime, now: dt.datetime) -> float:
    return round((now - moment).total_seconds() / 86400, 2)


# --- from the job list -------------------------------------------------------------------------------------


def job_findings(jobs: Jobs, start: dt.datetime, now: dt.datetime, days: int, url: str) -> list[ProbeFinding]:
    enabled = [j for j in jobs.items if j.enabled]
    names = sorted(j.full_name or j.name for j in enabled)
    raw = tuple(jobs.raw)
    note = f" ({jobs.stopped}: more jobs may exist)" if jobs.capped else ""
    disabled = len(jobs.items) - len(enabled)
    stale = sorted(j.full_name or j.name for j in enabled if not (j.last_success and j.last_success.started >= start))
    successes = [(j.last_success.started, j.full_name or j.name) for j in enabled if j.last_success]
    newest = max(successes, default=None)
    return [
        ProbeFinding(
            "jenkins.job_count", len(enabled), f"{len(enabled)} enabled job(s); {disabled} disabled{note}", raw, url
        ),
        ProbeFinding("jenkins.jobs", names, f"enabled jobs: {', '.join(names) or 'none'}{note}", raw, url),
        ProbeFinding(
            "jenkins.jobs_with_recent_success_ratio",
            ratio(len(enabled) - len(stale), len(enabled)),
            f"{of(len(enabled) - len(stale), len(enabled))} enabled jobs had a successful build in the last "
            f"{days} days{note}",
            raw,
            url,
        ),
        ProbeFinding(
            "jenkins.jobs_without_recent_success",
            stale,
            f"{len(stale)} enabled job(s) without a successful build in the last {days} days: "
            + (", ".join(stale) or "none"),
            raw,
            url,
        ),
        ProbeFinding(
            "jenkins.last_successful_build_age_days",
            days_since(newest[0], now) if newest else None,
            f"newest successful build: {newest[1]} at {newest[0]:%Y-%m-%d %H:%M} UTC, "
            f"{days_since(newest[0], now)} days ago"
            if newest
            else f"no successful build on record for any of {len(enabled)} enabled job(s)",
            raw,
            url,
        ),
    ]


# --- from the build histories --------------------------------------------------------------------------------


def build_findings(histories: dict[str, History], start: dt.datetime, days: int, url: str) -> list[ProbeFinding]:
    window = {job: [b for b in h.builds if b.started >= start] for job, h in histories.items()}
    builds = [b for bs in window.values() for b in bs]
    raw = tuple(sha for h in histories.values() for sha in h.raw)
    capped = sorted(job for job, h in histories.items() if h.capped)
    period = f"in the last {days} days" + (f" (page cap reached for {', '.join(capped)})" if capped else "")
    decided = [b for b in builds if not b.building and b.result in DECIDED]
    succeeded = sum(b.result == "SUCCESS" for b in decided)
    kinds = [trigger_kinds(b) for b in builds]
    traced = sum(trigger_recorded(b) for b in builds)
    durations = sorted(b.duration for b in builds if not b.building and b.result is not None and b.duration > 0)
    median_minutes = round(statistics.median(durations) / 60000, 2) if durations else 0.0
    automatic = sum(bool(k) and not (k & MANUAL) for k in kinds)
    active = sum(bool(bs) for bs in window.values())
    return [
        ProbeFinding(
            "jenkins.builds_in_window",
            len(builds),
            f"{len(builds)} build(s) of {len(histories)} job(s) {period}; results: "
            + counts("BUILDING" if b.building or b.result is None else b.result for b in builds),
            raw,
            url,
        ),
        ProbeFinding(
            "jenkins.build_success_ratio",
            ratio(succeeded, len(decided)),
            f"{of(succeeded, len(decided))} finished builds {period} succeeded (UNSTABLE counts as not succeeded; "
            "ABORTED, NOT_BUILT and running builds left out)",
            raw,
            url,
        ),
        ProbeFinding(
            "jenkins.automatic_build_ratio",
            ratio(automatic, len(builds)),
            f"{of(automatic, len(builds))} builds {period} were started by a timer, an SCM event, an upstream job or "
            "a remote trigger, not by a user",
            raw,
            url,
        ),
        ProbeFinding(
            "jenkins.builds_with_trigger_record_ratio",
            ratio(traced, len(builds)),
            f"{of(traced, len(builds))} builds {period} record their cause, the user behind a manual start and the "
            "revision they built",
            raw,
            url,
        ),
        ProbeFinding(
            "jenkins.build_duration_median_minutes",
            median_minutes,
            f"median duration of {len(durations)} finished builds {period}: {median_minutes} min"
            + ("" if durations else " (none finished)"),
            raw,
            url,
        ),
        ProbeFinding(
            "jenkins.build_trigger_causes",
            sorted({k for ks in kinds for k in ks}),
            f"build causes {period}: " + counts(k for ks in kinds for k in (ks or {"none"})),
            raw,
            url,
        ),
        ProbeFinding(
            "jenkins.active_job_count",
            active,
            f"{active} of {len(histories)} enabled job(s) built {period}",
            raw,
            url,
        ),
    ]

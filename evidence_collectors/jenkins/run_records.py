"""What each Jenkins build keeps on record: its start, trigger and outcome, and the test results it recorded.
Pure functions: no I/O. A build's console log is stored with the build, so a build still listed still has its log."""

from __future__ import annotations

import datetime as dt

from evidence_collectors.jenkins.api import History
from evidence_collectors.jenkins.figures import DECIDED, trigger_kinds
from evidence_collectors.jenkins.models import Build
from evidence_collectors.outcome import ProbeFinding, share_finding

COMMIT_KINDS = frozenset({"scm", "branch_indexing"})  # a push, a pull request or a new commit found by indexing


def run_recorded(build: Build) -> bool:
    """The finished build says when it started, what started it (the user too, for a start by hand) and how it ended."""
    causes = build.causes
    users_named = all(c.user_id for c in causes if c.kind.endswith("UserIdCause"))
    return not build.building and build.result is not None and build.timestamp > 0 and bool(causes) and users_named


def run_record_findings(histories: dict[str, History], start: dt.datetime, days: int, url: str) -> list[ProbeFinding]:
    window = [(job, b) for job, h in histories.items() for b in h.builds if b.started >= start]
    finished = [(job, b) for job, b in window if not b.building and b.result is not None]
    commit = [(job, b) for job, b in finished if b.result in DECIDED and trigger_kinds(b) & COMMIT_KINDS]
    raw = tuple(sha for h in histories.values() for sha in h.raw)
    capped = sorted(job for job, h in histories.items() if h.capped)
    period = f"in the last {days} days" + (f" (page cap reached for {', '.join(capped)})" if capped else "")
    return [
        share_finding(
            "jenkins.builds_with_run_record_ratio",
            finished,
            lambda jb: run_recorded(jb[1]),
            f"finished builds {period} record their start, their cause (and the user, when started by hand) and "
            "their result; their console logs are kept with them",
            (raw, url),
            label=lambda jb: f"{jb[0]} #{jb[1].number}",
        ),
        share_finding(
            "jenkins.builds_with_test_report_ratio",
            commit,
            lambda jb: jb[1].tests_recorded > 0,
            f"builds started by a commit or pull request {period} that passed, were unstable or failed recorded a "
            "test result (cases run, failed, skipped)",
            (raw, url),
            label=lambda jb: f"{jb[0]} #{jb[1].number}",
            missing="without",
        ),
    ]

"""Which pipeline definition version each workflow run used, as the run record itself states it. Pure functions."""

from __future__ import annotations

import datetime as dt

from evidence_collectors.github.models import WorkflowRun
from evidence_collectors.outcome import ProbeFinding, share_finding
from evidence_collectors.rest import Pages

WORKFLOW_DIR = ".github/workflows/"
MANAGED = "dynamic/"  # GitHub-managed workflows (default code scanning, Dependabot, Pages): not the project's own


def workflow_file(run: WorkflowRun) -> str:
    """The run's workflow path without the @ref tail some responses add."""
    return run.workflow_path.split("@", 1)[0]


def definition_pinned(run: WorkflowRun) -> bool:
    """The run names a workflow file kept in the repository and the commit it ran it from, and every reusable
    workflow it called is recorded with the commit used: the exact definition opens from the run record."""
    return bool(run.head_sha) and workflow_file(run).startswith(WORKFLOW_DIR) and all(w.sha for w in run.called)


def definition_findings(runs: Pages[WorkflowRun], start: dt.datetime, days: int) -> list[ProbeFinding]:
    window = [r for r in runs.items if r.created_at >= start]
    own = [r for r in window if not r.workflow_path.startswith(MANAGED)]
    managed = len(window) - len(own)
    note = f" ({managed} run(s) of GitHub-managed dynamic workflows left out)" if managed else ""
    return [
        share_finding(
            "github.runs_with_definition_version_ratio",
            own,
            definition_pinned,
            f"workflow runs in the last {days} days{runs.cap_note('runs')} name the workflow file in the repository "
            f"and the commit it was run from, with every reusable workflow they called pinned to a commit{note}",
            (tuple(runs.raw), runs.url),
            label=lambda r: f"run {r.id}",
        )
    ]

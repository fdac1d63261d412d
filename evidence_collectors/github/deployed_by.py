"""Which deployments a workflow job carried out, as the deployment record itself states it. Pure functions."""

from __future__ import annotations

from evidence_collectors.github.models import Deployment
from evidence_collectors.outcome import ProbeFinding, share_finding

ACTIONS_APP = "github-actions"
ACTIONS_BOT = "github-actions[bot]"


def by_workflow(deployment: Deployment) -> bool:
    """Created by GitHub Actions: performed via the github-actions app, or by its bot account (a job's GITHUB_TOKEN)."""
    return deployment.app_slug == ACTIONS_APP or deployment.creator_login == ACTIONS_BOT


def deployed_by_workflow_findings(
    window: list[Deployment], raw: tuple[str, ...], url: str, days: int, note: str
) -> list[ProbeFinding]:
    return [
        share_finding(
            "github.deployments_by_workflow_ratio",
            window,
            by_workflow,
            f"deployments in the last {days} days{note} were created by a GitHub Actions workflow job rather than "
            "through the API with a person's or another app's credentials",
            (raw, url),
            label=lambda d: f"deployment {d.id}",
        )
    ]

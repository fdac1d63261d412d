"""github.deployments_by_workflow_ratio (added in the cicd pass) against recorded REST API v3 responses served over
real HTTP on 127.0.0.1 (tests/collectors/fixtures/github/model-service/deployments.json).

Deployments of the last 30 days: 504 and 501 created by github-actions[bot] (a job's GITHUB_TOKEN), 502 by alice
through the github-actions app (as actions/deploy-pages records it), 503 with alice's own token; 500 is 45 days old.
"""

from __future__ import annotations

import datetime as dt

from evidence_collectors.github import GitHubCollector
from evidence_collectors.github.deployed_by import by_workflow
from evidence_collectors.github.models import Deployment
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_github import ENV, FIXTURES, TOKEN, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_deployments_carried_out_by_workflow_jobs(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/model-service"))
    found = records["github.deployments_by_workflow_ratio"]
    assert found.status is EvidenceStatus.ok and found.value == 0.75
    assert found.summary.startswith("3 of 4 (75.0%)") and found.summary.endswith("not: deployment 503")


def test_a_hanging_deployment_listing_leaves_it_unavailable(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/partial"))
    found = records["github.deployments_by_workflow_ratio"]
    assert found.status is EvidenceStatus.unavailable and found.value is None


def test_who_counts_as_a_workflow_job() -> None:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def deployment(login: str, app: str | None = None) -> Deployment:
        via = {"slug": app} if app is not None else None
        return Deployment(
            id=1, environment="production", created_at=at, creator={"login": login}, performed_via_github_app=via
        )

    assert by_workflow(deployment("github-actions[bot]"))
    assert by_workflow(deployment("alice", "github-actions"))
    assert not by_workflow(deployment("alice"))
    assert not by_workflow(deployment("vercel[bot]", "vercel"))  # another app: not this repository's workflow
    odd = Deployment(id=2, environment="production", created_at=at, creator="someone", performed_via_github_app=[1])
    assert not by_workflow(odd)

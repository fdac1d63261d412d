"""Which pipeline definition version each GitHub Actions run used (github.runs_with_definition_version_ratio),
against recorded REST API v3 responses served over real HTTP on 127.0.0.1 (tests/collectors/fixtures/github/).

Runs of acme/pipelines (pipelines/runs.json), window 30 days:
  40000006  .github/workflows/ci.yml at its head commit, no reusable workflow           -> pinned
  40000005  .github/workflows/deploy.yml@refs/heads/main, reusable build.yml@v2 with sha -> pinned
  40000004  nightly.yml calls a reusable workflow whose commit the run did not record   -> not pinned
  40000003  dynamic/github-code-scanning/codeql (GitHub-managed)                        -> left out
  40000002  no workflow path in the record                                             -> not pinned
  40000001  45 days old                                                                -> left out
"""

from __future__ import annotations

import datetime as dt

from evidence_collectors.github import GitHubCollector
from evidence_collectors.github.definitions import definition_pinned
from evidence_collectors.github.models import ReferencedWorkflow, WorkflowRun
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_github import ENV, FIXTURES, TOKEN, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_runs_record_the_definition_version_they_used(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/pipelines"))
    found = records["github.runs_with_definition_version_ratio"]
    assert found.status is EvidenceStatus.ok
    assert found.value == 0.5  # 2 of 4
    assert found.summary.startswith("2 of 4 (50.0%)")
    assert "run 40000002" in found.summary and "run 40000004" in found.summary
    assert "1 run(s) of GitHub-managed dynamic workflows left out" in found.summary
    # the same listing still feeds the other run figures; sections that were not recorded fail on their own
    assert records["github.runs_in_window"].value == 5
    assert records["github.environments"].status is not EvidenceStatus.ok


def test_a_healthy_repository_has_every_run_pinned(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/model-service"))
    assert records["github.runs_with_definition_version_ratio"].value == 1.0
    assert records["github.runs_with_definition_version_ratio"].summary.startswith("10 of 10")


def test_rate_limited_runs_leave_the_probe_unavailable(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/partial"))
    found = records["github.runs_with_definition_version_ratio"]
    assert found.status is EvidenceStatus.unavailable and found.value is None
    assert "rate limit" in found.reason


def test_what_counts_as_a_pinned_definition() -> None:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def run(path: str, sha: str | None = "abc", *refs: ReferencedWorkflow) -> WorkflowRun:
        called = [r.model_dump() for r in refs]
        return WorkflowRun(id=1, event="push", path=path, head_sha=sha, created_at=at, referenced_workflows=called)

    assert definition_pinned(run(".github/workflows/ci.yml"))
    assert definition_pinned(run(".github/workflows/ci.yml@refs/pull/7/merge"))
    assert not definition_pinned(run(".github/workflows/ci.yml", None))  # no commit: the file version is unknown
    assert not definition_pinned(run("ci.yml"))  # not a workflow file of the repository
    assert not definition_pinned(run(""))
    shared = ReferencedWorkflow(path="acme/ci/.github/workflows/b.yml@v1", sha="def", ref="refs/tags/v1")
    floating = ReferencedWorkflow(path="acme/ci/.github/workflows/b.yml@main", ref="refs/heads/main")
    assert definition_pinned(run(".github/workflows/ci.yml", "abc", shared))
    assert not definition_pinned(run(".github/workflows/ci.yml", "abc", shared, floating))


def test_odd_run_fields_cost_only_the_definition_figure() -> None:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    odd = WorkflowRun(id=1, event="push", head_sha="abc", created_at=at, path=42, referenced_workflows="x")
    assert odd.workflow_path == "" and odd.called == [] and not definition_pinned(odd)
    junk = WorkflowRun(
        id=2, event="push", head_sha="abc", created_at=at, path=".github/workflows/a.yml", referenced_workflows=[7]
    )
    assert not definition_pinned(junk)  # a called workflow whose record cannot be read has no known commit

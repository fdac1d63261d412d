"""GitHub Actions collector against recorded REST API v3 responses served by a real HTTP server on 127.0.0.1.

The fixtures (tests/collectors/fixtures/github/) hold what each figure below is counted from; routes.yaml lists them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.github import GitHubCollector
from evidence_collectors.github.config import GitHubConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer
from tests.support.servers import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "github"
TOKEN = "ghp_TestToken0123456789abcdefSECRET"
ENV = "MLOPS_TEST_GITHUB_TOKEN"

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def config(url: str, repository: str, **extra: Any) -> GitHubConfig:
    name = repository.replace("/", "-")
    return collecting.target_config(
        GitHubConfig,
        {"collector": "github", "name": name, "url": url, "repository": repository, "token_env": ENV},
        extra,
    )


def collect(cfg: GitHubConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(GitHubCollector, cfg)


def values(records: dict[str, EvidenceRecord]) -> dict[str, Any]:
    return {probe: r.value for probe, r in records.items()}


# --- figures ---------------------------------------------------------------------------------------------------


def test_figures_match_the_recorded_repository(server: RecordedHttpServer) -> None:
    records, ctx = collect(config(server.base_url, "acme/model-service"))
    assert {r.status for r in records.values()} == {EvidenceStatus.ok}
    assert values(records) == {
        "github.default_branch": "main",
        "github.active_workflow_count": 2,  # the third workflow is disabled_manually
        "github.workflow_paths": [".github/workflows/ci.yml", ".github/workflows/release.yml"],
        # 10 runs within 30 days (2 older ones on page 2 are left out); 8 decided: 1 cancelled, 1 in progress
        "github.runs_in_window": 10,
        "github.run_success_ratio": 0.75,  # 6 of 8
        "github.run_events": ["pull_request", "push", "schedule", "workflow_dispatch"],
        "github.automatic_run_ratio": 0.8,  # 2 of 10 started by workflow_dispatch
        "github.runs_with_trigger_record_ratio": 1.0,  # added with 2022.10.4 checks (test_github_checks_c2.py)
        "github.default_branch_run_success_ratio": 0.8,  # main: 4 of 5 decided
        "github.default_branch_longest_broken_hours": 47.0,  # added with 2022.10.4: red 2 d ago, green 1 h ago
        "github.default_branch_last_conclusion": "success",  # the newest main run is still in progress
        "github.runs_with_definition_version_ratio": 1.0,  # added in the cicd pass (test_github_definitions.py)
        "github.merged_pulls_checked_ratio": 0.5,  # added with 2022.10.4 checks (test_github_checks_c2.py)
        "github.merged_pulls_mainline_checked_ratio": 0.75,
        "github.merged_pulls_mainline_rechecked_ratio": 0.5,  # added in the second pass (test_github_checks2_c2.py)
        "github.merged_pulls_approved_ratio": 0.5,  # added in the second pass (test_github_checks2_c2.py)
        "github.merged_pulls_via_merge_queue_ratio": 0.0,  # added in the second pass: no merge_group runs
        "github.default_branch_protected": True,
        "github.default_branch_required_status_checks": ["ci / lint", "ci / test"],  # ruleset + classic
        "github.default_branch_required_approvals": 2,  # classic 1, organisation ruleset 2
        "github.default_branch_enforce_admins": True,
        "github.default_branch_force_push_blocked": True,
        "github.default_branch_review_bypassers": 0,  # added in the cicd pass (test_github_release_branches.py)
        "github.release_branches_unguarded": 2,  # added in the cicd pass (test_github_release_branches.py)
        "github.environments": ["preview", "production", "staging"],
        "github.environments_with_required_reviewers": ["production"],  # staging only has a wait timer
        "github.environments_with_branch_policy": ["production"],
        "github.deployments_in_window": 4,  # the fifth is 45 days old
        "github.deployment_success_ratio": 0.6667,  # success, inactive vs failure; one has no status
        "github.deployments_with_outcome_ratio": 0.75,
        "github.deployment_environments": ["production", "staging"],
        "github.deployments_by_workflow_ratio": 0.75,  # added in the cicd pass: 503 was created with alice's token
        "github.release_count": 3,  # the draft is left out
        "github.releases_in_window": 2,
        "github.releases_with_notes_ratio": 0.6667,  # the pre-release has an empty body
        "github.tag_count": 5,  # two pages
    }
    assert "6 of 8 (75.0%)" in records["github.run_success_ratio"].summary
    assert "1 cancelled" in records["github.runs_in_window"].summary
    # every record names the raw responses it was computed from, and they are all stored
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        assert record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
    assert len(records["github.runs_in_window"].raw_sha256) == 2  # two pages of runs
    assert len(records["github.tag_count"].raw_sha256) == 2
    assert records["github.tag_count"].source.url.endswith("/repos/acme/model-service/tags")


def test_pagination_follows_links_and_stops_at_the_window(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(config(server.base_url, "acme/model-service"))
    run_pages = [r.query.get("page", "1") for r in seen if r.path.endswith("/actions/runs")]
    assert run_pages == ["1", "2"], "page 2 reaches past the window, so page 3 is never read"
    assert [r.query.get("page", "1") for r in seen if r.path.endswith("/tags")] == ["1", "2"]
    status_reads = sorted(r.path.split("/")[-2] for r in seen if r.path.endswith("/statuses"))
    assert status_reads == ["501", "502", "503", "504"], "no status lookups for deployments outside the window"
    assert {r.method for r in seen} == {"GET"}, "read-only"
    assert not server.unmatched
    assert {r.headers.get("authorization") for r in seen} == {f"Bearer {TOKEN}"}
    assert {r.headers.get("x-github-api-version") for r in seen} == {"2022-11-28"}


def test_page_cap_is_said_in_the_summary(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme/model-service", max_pages=1))
    assert records["github.runs_in_window"].value == 6
    assert "stopped after 1 pages" in records["github.runs_in_window"].summary
    assert records["github.tag_count"].value == 3
    assert records["github.tag_count"].summary.startswith("at least 3 tag(s)")


def test_window_is_configurable(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme/model-service", window_days=4))
    assert records["github.runs_in_window"].value == 6  # created up to 2 days ago; the next is 5 days old
    assert records["github.deployments_in_window"].value == 2  # 1 and 2 days old; the next is 10 days old
    assert records["github.releases_in_window"].value == 2  # 1 and 3 days old; v1.1.0 is 40 days old
    assert records["github.release_count"].value == 3


# --- faults ------------------------------------------------------------------------------------------------------


def test_each_failing_endpoint_costs_only_its_own_probes(server: RecordedHttpServer) -> None:
    started = time.monotonic()
    records, _ = collect(config(server.base_url, "acme/partial"))
    assert time.monotonic() - started < 10, "the hanging endpoint is abandoned after timeout_s"
    status = {probe: r.status for probe, r in records.items()}

    def reasons(*probes: str) -> set[str]:
        return {records[p].reason for p in probes}

    # still computed
    assert records["github.active_workflow_count"].value == 1
    assert records["github.default_branch_protected"].value is True
    assert records["github.default_branch_required_status_checks"].value == ["build"]
    # primary rate limit on the runs: unavailable, with when it resets
    runs = [p for p in status if p.startswith("github.run") or "run_" in p or p.endswith("last_conclusion")]
    assert {status[p] for p in runs} == {EvidenceStatus.unavailable}
    (reason,) = reasons(*runs)
    assert "workflow runs: GitHub rate limit reached (HTTP 403" in reason and "0 of 5000 requests left" in reason
    assert "resets at" in reason
    # no admin rights: classic protection details cannot be read
    details = [
        "github.default_branch_required_approvals",
        "github.default_branch_enforce_admins",
        "github.default_branch_force_push_blocked",
    ]
    assert {status[p] for p in details} == {EvidenceStatus.error}
    assert "admin rights" in records[details[0]].reason and "HTTP 404" in records[details[0]].reason
    # 500, hang, invalid JSON, secondary rate limit
    assert records["github.environments"].status is EvidenceStatus.unavailable
    assert "HTTP 500" in records["github.environments"].reason
    assert records["github.deployments_in_window"].status is EvidenceStatus.unavailable
    assert "no answer within 1 s" in records["github.deployments_in_window"].reason
    assert records["github.release_count"].status is EvidenceStatus.error
    assert "invalid JSON" in records["github.release_count"].reason
    assert records["github.tag_count"].status is EvidenceStatus.unavailable
    assert "secondary rate limit, retry after 60 s" in records["github.tag_count"].reason
    for record in records.values():
        assert (record.value is None) == (record.status is not EvidenceStatus.ok)
        assert record.status is EvidenceStatus.ok or record.summary.startswith(record.status.value)


def test_whole_target_failures_become_records_and_other_targets_complete(server: RecordedHttpServer) -> None:
    refused = f"http://127.0.0.1:{free_port()}"
    collection = collecting.collect_targets(
        GitHubCollector,
        config(server.base_url, "acme/limited"),
        config(server.base_url, "acme/locked"),
        config(refused, "acme/model-service", name="refused"),
        config(server.base_url, "acme/model-service"),
    )
    by_target = collecting.records_by_target(collection.records)
    limited = by_target["acme-limited"]
    assert {r.status for r in limited} == {EvidenceStatus.unavailable}
    assert "0 of 60 requests left" in limited[0].reason
    locked = by_target["acme-locked"]
    assert {r.status for r in locked} == {EvidenceStatus.error}
    assert "HTTP 401" in locked[0].reason and "not authorised" in locked[0].reason
    assert {r.status for r in by_target["refused"]} == {EvidenceStatus.unavailable}
    assert "cannot connect" in by_target["refused"][0].reason
    assert {r.status for r in by_target["acme-model-service"]} == {EvidenceStatus.ok}


def test_the_token_appears_nowhere(server: RecordedHttpServer) -> None:
    refused = f"http://127.0.0.1:{free_port()}"
    collection = collecting.collect_targets(
        GitHubCollector,
        config(server.base_url, "acme/model-service"),
        config(server.base_url, "acme/partial"),
        config(server.base_url, "acme/limited"),
        config(server.base_url, "acme/locked"),
        config(refused, "acme/x", name="refused"),
    )
    # the token was sent, and the partial repository echoed it back in two bodies
    assert any(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in server.seen("/repos/acme/partial"))
    for record in collection.records:
        assert TOKEN not in record.model_dump_json()
    bodies = b"".join(item.body + item.url.encode() for item in collection.raw.items())
    assert TOKEN.encode() not in bodies
    assert b"echo: Bearer ***" in bodies and b"rate limit exceeded for Bearer ***" in bodies
    # exception text of a direct call carries no token either
    with pytest.raises(Exception) as caught:
        GitHubCollector().collect(
            config(server.base_url, "acme/locked"), CollectContext(raw=RawStore(), redactor=Redactor())
        )
    assert TOKEN not in str(caught.value)


# --- configuration ---------------------------------------------------------------------------------------------


def test_config_defaults_and_refusals() -> None:
    cfg = GitHubConfig.model_validate({"collector": "github", "name": "gh", "repository": "acme/app"})
    assert (cfg.url, cfg.window_days, cfg.max_pages) == ("https://api.github.com", 30, 50)
    bad: list[dict[str, Any]] = [
        {"repository": "acme"},  # not owner/name
        {"repository": "acme/app", "token": TOKEN},  # inline credentials
        {"repository": "acme/app", "username": "alice", "token_env": ENV},  # GitHub takes a bearer token
        {"repository": "acme/app", "window_days": 0},
    ]
    for extra in bad:
        with pytest.raises(ValidationError) as caught:
            GitHubConfig.model_validate({"collector": "github", "name": "gh", **extra})
        assert TOKEN not in str(caught.value)


def test_probe_catalogue_is_complete() -> None:
    collecting.assert_catalogue_complete(GitHubCollector, "github.")
    assert GitHubCollector.system == "ci" and GitHubCollector.version == "1.0.0"
    assert json.loads(json.dumps([s.model_dump() for s in GitHubCollector.probes]))

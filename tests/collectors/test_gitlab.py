"""GitLab CI collector against recorded REST API v4 responses served by a real HTTP server on 127.0.0.1.

The fixtures (tests/collectors/fixtures/gitlab/) hold what each figure below is counted from; routes.yaml lists them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.gitlab import GitLabCollector
from evidence_collectors.gitlab.api import GitLabApi
from evidence_collectors.gitlab.config import GitLabConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer
from tests.support.servers import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "gitlab"
TOKEN = "glpat-TestToken0123456789SECRET"
ENV = "MLOPS_TEST_GITLAB_TOKEN"

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def config(url: str, project: str, **extra: Any) -> GitLabConfig:
    name = project.replace("/", "-")
    return collecting.target_config(
        GitLabConfig, {"collector": "gitlab", "name": name, "url": url, "project": project, "token_env": ENV}, extra
    )


def collect(cfg: GitLabConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(GitLabCollector, cfg)


# --- figures ---------------------------------------------------------------------------------------------------


def test_figures_match_the_recorded_project(server: RecordedHttpServer) -> None:
    records, ctx = collect(config(server.base_url, "ml/model-service"))
    assert {r.status for r in records.values()} == {EvidenceStatus.ok}
    assert {probe: r.value for probe, r in records.items()} == {
        "gitlab.default_branch": "main",
        "gitlab.merge_requires_pipeline_success": True,
        "gitlab.merge_trains_enabled": False,
        # 8 pipelines within 30 days (the 31-day-old one on page 2 is left out); 6 passed or failed
        "gitlab.pipelines_in_window": 8,
        "gitlab.pipeline_success_ratio": 0.6667,  # 4 of 6
        "gitlab.pipeline_sources": ["merge_request_event", "push", "schedule", "web"],
        "gitlab.automatic_pipeline_ratio": 0.875,  # one started from the web UI
        "gitlab.pipelines_with_trigger_record_ratio": 0.75,  # added in the second pass (test_gitlab_checks2_c2.py)
        "gitlab.pipelines_with_run_record_ratio": 0.8571,  # added in the cicd pass (test_gitlab_run_records.py)
        "gitlab.pipelines_with_test_report_ratio": 0.5,  # added in the cicd pass: #910 and #909 of 4
        "gitlab.default_branch_pipeline_success_ratio": 0.6667,  # main: 2 of 3 (one running, one canceled)
        "gitlab.default_branch_last_status": "success",
        "gitlab.default_branch_protected": True,
        "gitlab.default_branch_direct_push_blocked": True,  # "No one" may push
        "gitlab.default_branch_force_push_blocked": True,
        "gitlab.default_branch_code_owner_approval": True,
        "gitlab.default_branch_required_approvals": 2,  # "ML reviewers" on main; "Release QA" (3) is release/*
        "gitlab.release_branches_unguarded": 2,  # added in the cicd pass (test_gitlab_release_branches.py)
        "gitlab.author_approval_prevented": True,
        "gitlab.approvals_reset_on_push": True,
        "gitlab.merged_mrs_in_window": 3,  # !9 was merged 40 days ago
        "gitlab.merged_mr_approved_ratio": 0.6667,  # !10 was merged without approval
        "gitlab.merged_mrs_checked_ratio": 0.6667,  # added with 2022.10.4 checks (test_gitlab_checks_c2.py)
        "gitlab.merged_mrs_mainline_checked_ratio": 1.0,
        "gitlab.merged_mrs_mainline_rechecked_ratio": 0.6667,  # added in the second pass (test_gitlab_checks2_c2.py)
        "gitlab.merged_mrs_via_merge_train_ratio": 0.0,  # added in the second pass: no train pipelines
        "gitlab.environments": ["production", "staging"],  # the review app is stopped
        "gitlab.production_environments": ["production"],
        "gitlab.protected_environments": ["production", "staging"],
        "gitlab.environments_with_required_approval": ["production"],
        "gitlab.deploy_freeze_periods": 2,  # added in the second pass (test_gitlab_checks2_c2.py)
        "gitlab.deployments_in_window": 4,  # the fifth is 45 days old
        "gitlab.deployment_success_ratio": 0.6667,  # 2 success, 1 failed (1 running)
        "gitlab.deployments_with_outcome_ratio": 0.75,
        "gitlab.deployment_environments": ["production", "staging"],
        "gitlab.deployments_by_pipeline_ratio": 0.75,  # added in the cicd pass: deployment 68 has no job
    }
    assert "4 of 6 (66.7%)" in records["gitlab.pipeline_success_ratio"].summary
    assert "ML reviewers (regular, 2)" in records["gitlab.default_branch_required_approvals"].summary
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        assert record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
    assert len(records["gitlab.pipelines_in_window"].raw_sha256) == 2
    assert len(records["gitlab.merged_mr_approved_ratio"].raw_sha256) == 4  # the list and three approval states


def test_pagination_uses_next_page_header_or_link(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(config(server.base_url, "ml/model-service"))
    pipeline_pages = [r.query.get("page", "1") for r in seen if r.path.endswith("/pipelines")]
    assert pipeline_pages == ["1", "2"], "X-Next-Page followed; page 2 reaches past the window"
    deployment_pages = [r.query.get("page", "1") for r in seen if r.path.endswith("/deployments")]
    assert deployment_pages == ["1", "2"], "Link rel=next followed when X-Next-Page is absent"
    approvals = sorted(
        r.path.split("/")[-2] for r in seen if r.path.endswith("/approvals") and "merge_requests" in r.path
    )
    assert approvals == ["10", "11", "12"], "no approval lookups for merge requests merged before the window"
    assert {r.method for r in seen} == {"GET"}, "read-only"
    assert all("ml%2Fmodel-service" in r.path for r in seen), "the project path is URL-encoded"
    assert not server.unmatched
    assert {r.headers.get("private-token") for r in seen} == {TOKEN}
    assert not any("authorization" in r.headers for r in seen)


def test_page_cap_is_said_in_the_summary(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "ml/model-service", max_pages=1))
    assert records["gitlab.pipelines_in_window"].value == 4
    assert "stopped after 1 pages" in records["gitlab.pipelines_in_window"].summary


def test_api_root_and_numeric_project_ids() -> None:
    ctx = CollectContext(raw=RawStore(), redactor=Redactor())
    with GitLabApi(config("https://gitlab.example.com", "ml/sub/app"), ctx) as api:
        assert api.project == "/api/v4/projects/ml%2Fsub%2Fapp"
    with GitLabApi(config("https://gitlab.example.com/api/v4", "4711"), ctx) as api:
        assert api.project == "/projects/4711"
        assert api.url(api.project) == "https://gitlab.example.com/api/v4/projects/4711"


# --- faults ------------------------------------------------------------------------------------------------------


def test_each_failing_endpoint_costs_only_its_own_probes(server: RecordedHttpServer) -> None:
    started = time.monotonic()
    records, _ = collect(config(server.base_url, "ml/partial"))
    assert time.monotonic() - started < 10, "the hanging endpoint is abandoned after timeout_s"

    def check(probe: str, status: EvidenceStatus, *fragments: str) -> None:
        record = records[probe]
        assert record.status is status, (probe, record.status, record.reason)
        for fragment in fragments:
            assert fragment in record.reason, (probe, record.reason)

    # still computed: project settings and environments (none)
    assert records["gitlab.merge_requires_pipeline_success"].value is True
    assert records["gitlab.merge_trains_enabled"].value is False
    assert "does not report merge_trains_enabled" in records["gitlab.merge_trains_enabled"].summary
    assert records["gitlab.environments"].value == []
    assert records["gitlab.production_environments"].status is EvidenceStatus.ok
    for probe in ("gitlab.pipelines_in_window", "gitlab.pipeline_success_ratio", "gitlab.default_branch_last_status"):
        check(
            probe,
            EvidenceStatus.unavailable,
            "pipelines: GitLab rate limit reached (HTTP 429",
            "0 of 2000 requests left",
            "resets at",
            "retry after 60 s",
        )
    check("gitlab.default_branch_protected", EvidenceStatus.unavailable, "protected branches: HTTP 500")
    check(
        "gitlab.default_branch_required_approvals",
        EvidenceStatus.unavailable,
        "a rule applies to all protected branches, which could not be read: HTTP 500",
    )
    check("gitlab.author_approval_prevented", EvidenceStatus.error, "Premium", "HTTP 403")
    check("gitlab.merged_mr_approved_ratio", EvidenceStatus.error, "merged merge requests: invalid JSON")
    check("gitlab.protected_environments", EvidenceStatus.error, "Premium", "HTTP 404")
    check("gitlab.deployments_in_window", EvidenceStatus.unavailable, "no answer within 1 s")
    for record in records.values():
        assert (record.value is None) == (record.status is not EvidenceStatus.ok)


def test_whole_target_failures_become_records_and_other_targets_complete(server: RecordedHttpServer) -> None:
    refused = f"http://127.0.0.1:{free_port()}"
    collection = collecting.collect_targets(
        GitLabCollector,
        config(server.base_url, "ml/missing"),
        config(server.base_url, "ml/locked"),
        config(refused, "ml/model-service", name="refused"),
        config(server.base_url, "ml/model-service"),
    )
    by_target = collecting.records_by_target(collection.records)
    assert {r.status for r in by_target["ml-missing"]} == {EvidenceStatus.error}
    assert "HTTP 404" in by_target["ml-missing"][0].reason
    assert by_target["ml-missing"][0].source.url.endswith("/api/v4/projects/ml%2Fmissing")
    assert {r.status for r in by_target["ml-locked"]} == {EvidenceStatus.error}
    assert "HTTP 401" in by_target["ml-locked"][0].reason
    assert {r.status for r in by_target["refused"]} == {EvidenceStatus.unavailable}
    assert "cannot connect" in by_target["refused"][0].reason
    assert {r.status for r in by_target["ml-model-service"]} == {EvidenceStatus.ok}


def test_the_token_appears_nowhere(server: RecordedHttpServer) -> None:
    collection = collecting.collect_targets(
        GitLabCollector,
        config(server.base_url, "ml/model-service"),
        config(server.base_url, "ml/partial"),
        config(server.base_url, "ml/missing"),
        config(server.base_url, "ml/locked"),
        config(f"http://127.0.0.1:{free_port()}", "ml/x", name="refused"),
    )
    assert any(r.headers.get("private-token") == TOKEN for r in server.seen("/api/v4/projects/ml%2Fpartial"))
    for record in collection.records:
        assert TOKEN not in record.model_dump_json()
    bodies = b"".join(item.body + item.url.encode() for item in collection.raw.items())
    assert TOKEN.encode() not in bodies
    assert b"echo: ***" in bodies and b"Retry later (***)" in bodies  # echoed back, then redacted
    with pytest.raises(Exception) as caught:
        GitLabCollector().collect(
            config(server.base_url, "ml/locked"), CollectContext(raw=RawStore(), redactor=Redactor())
        )
    assert TOKEN not in str(caught.value)


# --- configuration ---------------------------------------------------------------------------------------------


def test_config_defaults_and_refusals() -> None:
    cfg = GitLabConfig.model_validate({"collector": "gitlab", "name": "gl", "project": "ml/app"})
    assert (cfg.url, cfg.window_days, cfg.max_pages) == ("https://gitlab.com", 30, 50)
    assert GitLabConfig.model_validate({"collector": "gitlab", "name": "gl", "project": "4711"}).project == "4711"
    bad: list[dict[str, Any]] = [
        {"project": "app"},  # neither group/name nor an id
        {"project": "ml/app", "token": TOKEN},
        {"project": "ml/app", "username": "alice", "token_env": ENV},
        {"project": "ml/app", "url": "ftp://gitlab.example.com"},
    ]
    for extra in bad:
        with pytest.raises(ValidationError) as caught:
            GitLabConfig.model_validate({"collector": "gitlab", "name": "gl", **extra})
        assert TOKEN not in str(caught.value)


def test_probe_catalogue_is_complete() -> None:
    collecting.assert_catalogue_complete(GitLabCollector, "gitlab.")
    assert GitLabCollector.system == "ci" and GitLabCollector.version == "1.0.0"

"""github.release_branches_unguarded (added in the cicd pass) against recorded REST API v3 responses served over real
HTTP on 127.0.0.1 (tests/collectors/fixtures/github/, routes.yaml).

acme/model-service branches (model-service/branches.json): release/2.1 requires a review and binds administrators;
release/2.0 requires reviews (classic 1, organisation ruleset 2) but exempts administrators and lets release-bot
skip them; release-1.x is not protected; main, feature/drift-alerts and prerelease-tooling are not release branches.
No one may skip the reviews of main.
"""

from __future__ import annotations

from typing import Any

from evidence_collectors.github import GitHubCollector
from evidence_collectors.github.models import BranchProtection, BranchRule
from evidence_collectors.github.release_branches import RELEASE_BRANCH, bypassers, release_branch_gaps
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_github import ENV, FIXTURES, TOKEN, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_release_branches_are_checked_like_the_mainline(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/model-service"))
    found = records["github.release_branches_unguarded"]
    assert found.status is EvidenceStatus.ok and found.value == 2
    assert found.summary.startswith("2 of 3 release branch(es)")
    assert "release-1.x (no approving review required, administrators exempt)" in found.summary
    assert "release/2.0 (administrators exempt, named accounts may skip the review)" in found.summary
    assert "release/2.1" not in found.summary
    bypass = records["github.default_branch_review_bypassers"]
    assert bypass.value == 0 and bypass.summary.startswith("0 account(s) may merge into main")
    protection_reads = sorted(r.path for r in seen if r.path.endswith("/protection") and "release" in r.path)
    assert protection_reads == [
        "/repos/acme/model-service/branches/release%2F2.0/protection",
        "/repos/acme/model-service/branches/release%2F2.1/protection",
    ], "the unprotected branch has no classic protection to read"
    assert not server.unmatched


def test_an_unreadable_branch_list_costs_only_this_probe(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/partial"))
    found = records["github.release_branches_unguarded"]
    assert found.status is EvidenceStatus.error and found.value is None
    assert "release branches" in found.reason and "HTTP 404" in found.reason
    assert records["github.default_branch_protected"].status is EvidenceStatus.ok


def protection(approvals: int, admins: bool, *bypass: str) -> BranchProtection:
    allowances = {"users": [{"login": b} for b in bypass], "teams": [{"slug": "ml"}] if bypass else [], "apps": []}
    data: dict[str, Any] = {
        "required_pull_request_reviews": {
            "required_approving_review_count": approvals,
            "bypass_pull_request_allowances": allowances,
        },
        "enforce_admins": {"enabled": admins},
    }
    return BranchProtection.model_validate(data)


def test_what_guards_a_release_branch() -> None:
    ruleset = [BranchRule(type="pull_request", parameters={"required_approving_review_count": 1})]
    assert release_branch_gaps(protection(1, True), []) == []
    assert release_branch_gaps(protection(0, True), ruleset) == []  # the ruleset asks for the review
    assert release_branch_gaps(protection(0, True), []) == ["no approving review required"]
    assert release_branch_gaps(None, ruleset) == ["administrators exempt"]  # bypass lists are not read
    assert release_branch_gaps(None, []) == ["no approving review required", "administrators exempt"]
    assert release_branch_gaps(protection(1, True, "alice"), []) == ["named accounts may skip the review"]
    assert bypassers(protection(1, True, "alice")) == ["alice", "team ml"]
    assert bypassers(None) == []
    assert all(RELEASE_BRANCH.match(n) for n in ["release", "release/1.0", "releases/2026-q1", "RELEASE-2"])
    assert not any(RELEASE_BRANCH.match(n) for n in ["prerelease-tooling", "released", "main"])

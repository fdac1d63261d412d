"""gitlab.release_branches_unguarded (added in the cicd pass) against recorded REST API v4 responses served over real
HTTP on 127.0.0.1 (tests/collectors/fixtures/gitlab/, routes.yaml).

ml/model-service: release/1.2 is protected by release/* but Maintainers may push to it; release-0.9 is not protected;
released-notes-draft is listed by search=^release but is not a release branch. ml/partial has no release branch.
"""

from __future__ import annotations

from evidence_collectors.gitlab import GitLabCollector
from evidence_collectors.gitlab.models import AccessLevel, ApprovalRule, NamedBranch, ProtectedBranch
from evidence_collectors.gitlab.release_branches import RELEASE_BRANCH, release_branch_gaps
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_gitlab import ENV, FIXTURES, TOKEN, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_release_branches_are_checked_against_protection_and_approval_rules(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/model-service"))
    found = records["gitlab.release_branches_unguarded"]
    assert found.status is EvidenceStatus.ok and found.value == 2
    assert found.summary.startswith("2 of 2 release branch(es)")
    assert "release-0.9 (not protected)" in found.summary
    assert "release/1.2 (direct pushes allowed)" in found.summary
    assert "released-notes-draft" not in found.summary
    searched = [r.query for r in seen if r.path.endswith("/repository/branches")]
    assert searched == [{"per_page": "100", "search": "^release"}]


def test_no_release_branch_needs_no_rules(server: RecordedHttpServer) -> None:
    # ml/partial's protected branches answer 500, yet without release branches there is nothing to look up
    records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/partial"))
    found = records["gitlab.release_branches_unguarded"]
    assert found.status is EvidenceStatus.ok and found.value == 0
    assert found.summary.startswith("0 of 0")


def test_what_guards_a_release_branch() -> None:
    no_one = AccessLevel(access_level=0, access_level_description="No one")
    maintainers = AccessLevel(access_level=40, access_level_description="Maintainers")
    locked = ProtectedBranch(name="release/*", push_access_levels=[no_one])
    open_ = ProtectedBranch(name="release/*", push_access_levels=[maintainers])
    everywhere = ApprovalRule(id=1, name="all", approvals_required=1)
    main_only = ApprovalRule(id=2, name="main", approvals_required=2, protected_branches=[NamedBranch(name="main")])
    assert release_branch_gaps("release/2.0", [locked], [everywhere]) == []
    assert release_branch_gaps("release/2.0", [locked], [main_only]) == ["no approval required"]
    assert release_branch_gaps("release/2.0", [open_], []) == ["direct pushes allowed", "no approval required"]
    assert release_branch_gaps("release/2.0", [ProtectedBranch(name="main", push_access_levels=[no_one])], []) == [
        "not protected"
    ]
    # several matching rules: the most permissive one wins, as on GitLab
    assert release_branch_gaps("release/2.0", [locked, open_], [everywhere]) == ["direct pushes allowed"]
    names = ["release", "release/1.0", "release-1", "releases/2026", "Release_3"]
    assert all(RELEASE_BRANCH.match(n) for n in names)
    assert not any(RELEASE_BRANCH.match(n) for n in ["released-notes", "prerelease/1", "main", "hotfix/1"])

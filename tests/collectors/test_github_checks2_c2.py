"""The GitHub probes added in the second pass on content version 2022.10.4 (approvals of merged pull requests, gating
checks run again on the mainline, merges through the merge queue), against
recorded REST API v3 responses served over real HTTP on 127.0.0.1 (tests/collectors/fixtures/github/, routes.yaml).

Reviews of the pull requests merged in model-service (author bob), window 30 days:
  #41  merged 1 d ago: alice approved an hour before the merge                           -> approved
  #40  merged 3 d ago: carol only commented; bob approved his own pull request           -> not approved
  #39  merged 6 d ago: carol approved a day after the merge                              -> not approved
  #36  merged 10 d ago: alice's approval was dismissed, dave approved before the merge    -> approved
"""

from __future__ import annotations

import datetime as dt

from evidence_collectors.github import GitHubCollector
from evidence_collectors.github.figures import CommitChecks, approved_by_other, check_name, rechecked, via_merge_queue
from evidence_collectors.github.models import Account, CheckRun, PullHead, PullRequest, Review, WorkflowRun
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_github import ENV, FIXTURES, TOKEN
from .test_github_checks_c2 import config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_merged_pull_requests_approved_by_another_person(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/model-service"))
    record = records["github.merged_pulls_approved_ratio"]
    assert record.status is EvidenceStatus.ok
    assert record.value == 0.5
    assert "2 of 4 (50.0%)" in record.summary and "without: #39, #40" in record.summary
    read = sorted(r.path for r in seen if r.path.endswith("/reviews"))
    assert read == [f"/repos/acme/model-service/pulls/{n}/reviews" for n in (36, 39, 40, 41)]
    # the pull request listing is read once for both pull request sections
    assert sum(r.path.endswith("/pulls") for r in seen) == 1
    assert not server.unmatched


def test_window_limits_the_reviewed_pull_requests(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(
        GitHubCollector, config(server.base_url, "acme/model-service", window_days=4)
    )
    assert records["github.merged_pulls_approved_ratio"].value == 0.5  # #41 yes, #40 no


def test_nothing_merged_gives_zero_and_says_so(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/partial"))
    record = records["github.merged_pulls_approved_ratio"]
    assert record.status is EvidenceStatus.ok and record.value == 0.0
    assert "0 of 0" in record.summary


def test_what_counts_as_an_approval() -> None:
    merged_at = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    early, late = merged_at - dt.timedelta(minutes=5), merged_at + dt.timedelta(minutes=5)
    pull = PullRequest(
        number=1, updated_at=merged_at, merged_at=merged_at, head=PullHead(sha="h"), user=Account(login="bob")
    )

    def review(login: str, state: str, at: dt.datetime | None) -> Review:
        return Review(user=Account(login=login), state=state, submitted_at=at)

    assert approved_by_other(pull, [review("alice", "APPROVED", early)])
    assert not approved_by_other(pull, [review("bob", "APPROVED", early)])  # the author
    assert not approved_by_other(pull, [review("alice", "APPROVED", late)])  # after the merge
    assert not approved_by_other(pull, [review("alice", "DISMISSED", early), review("carol", "COMMENTED", early)])
    assert not approved_by_other(pull, [review("", "APPROVED", early)])  # a deleted account names no reviewer
    assert not approved_by_other(pull, [])


def test_gating_checks_run_again_on_the_mainline(server: RecordedHttpServer) -> None:
    # #41: 'ci / test' gated it and runs on the merge commit; #40: Jenkins pr-merge gated it, Jenkins branch runs on
    # the merge commit (same job, event tail removed); #39 had nothing before the merge; #36's check came after it
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/model-service"))
    record = records["github.merged_pulls_mainline_rechecked_ratio"]
    assert record.value == 0.5 and "not: #36, #39" in record.summary


def test_a_mainline_run_of_other_checks_is_not_a_recheck() -> None:
    merged_at = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    early = merged_at - dt.timedelta(minutes=5)
    pull = PullRequest(number=1, updated_at=merged_at, merged_at=merged_at, head=PullHead(sha="h"))
    test = CheckRun(name="ci / test", status="completed", conclusion="success", completed_at=early)
    lint = CheckRun(name="ci / lint", status="completed", conclusion="success", completed_at=early)
    head = CommitChecks(check_runs=(test, lint))
    assert rechecked(pull, head, CommitChecks(check_runs=(CheckRun(name="CI / Test", status="queued"), lint)))
    assert not rechecked(pull, head, CommitChecks(check_runs=(lint,)))  # the tests did not run on the mainline
    assert not rechecked(pull, CommitChecks(), CommitChecks(check_runs=(lint,)))  # nothing gated the merge
    assert check_name("continuous-integration/jenkins/pr-merge") == check_name("continuous-integration/jenkins/branch")


def test_pull_requests_merged_through_the_merge_queue(server: RecordedHttpServer) -> None:
    # acme/queue: #11 and #9 had a successful merge_group run before their merge; #10's queue run failed (it was
    # merged some other way); #8 never went through the queue
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/queue"))
    record = records["github.merged_pulls_via_merge_queue_ratio"]
    assert record.status is EvidenceStatus.ok
    assert record.value == 0.5 and "not: #10, #8" in record.summary
    assert sum(r.path.endswith("/actions/runs") for r in seen) == 1, "the runs listing is shared with the run probes"
    # on model-service no run came from the merge queue
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/model-service"))
    assert records["github.merged_pulls_via_merge_queue_ratio"].value == 0.0


def test_what_counts_as_a_merge_queue_merge() -> None:
    merged_at = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    pull = PullRequest(
        number=7, updated_at=merged_at, merged_at=merged_at, merge_commit_sha="m7", head=PullHead(sha="h7")
    )

    def run(event: str, branch: str, sha: str, conclusion: str = "success", minutes: int = -5) -> WorkflowRun:
        at = merged_at + dt.timedelta(minutes=minutes)
        return WorkflowRun(id=1, event=event, conclusion=conclusion, head_branch=branch, head_sha=sha, created_at=at)

    assert via_merge_queue(pull, [run("merge_group", "gh-readonly-queue/main/pr-7-abc", "x")], "main")
    assert via_merge_queue(pull, [run("merge_group", "", "m7")], "main")  # the tested commit became the merge
    assert not via_merge_queue(pull, [run("merge_group", "gh-readonly-queue/main/pr-77-abc", "x")], "main")
    assert not via_merge_queue(pull, [run("push", "gh-readonly-queue/main/pr-7-abc", "m7")], "main")
    assert not via_merge_queue(pull, [run("merge_group", "gh-readonly-queue/main/pr-7-a", "x", "failure")], "main")
    assert not via_merge_queue(pull, [run("merge_group", "gh-readonly-queue/main/pr-7-a", "x", minutes=5)], "main")

"""The GitHub probes added for content version 2022.10.4 (build records, checks around merges), against recorded
REST API v3 responses served over real HTTP on 127.0.0.1 (tests/collectors/fixtures/github/, routes.yaml).

Merged pull requests in model-service (pulls.json), window 30 days:
  #41  merged 1 d ago: check run finished on the head 2 h before the merge; merge commit has a running check
  #40  merged 3 d ago: Jenkins commit status on the head before the merge; merge commit has a pending status
  #39  merged 6 d ago: nothing on the head; merge commit has a finished check run
  #36  merged 10 d ago: head check run finished a day after the merge; nothing on the merge commit
  #38 closed without merging, #37 merged 40 d ago: left out
"""

from __future__ import annotations

import datetime as dt

from evidence_collectors.github import GitHubCollector
from evidence_collectors.github.figures import CommitChecks, broken_spells, pull_findings, trigger_recorded
from evidence_collectors.github.models import (
    Account,
    App,
    CheckRun,
    CommitStatus,
    PullHead,
    PullRequest,
    WorkflowRun,
)
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_github import ENV, FIXTURES, TOKEN, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_merged_pull_requests_and_build_records(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/model-service"))
    assert records["github.merged_pulls_checked_ratio"].value == 0.5  # #41 and #40 of 4
    assert records["github.merged_pulls_mainline_checked_ratio"].value == 0.75  # #41, #40, #39 of 4
    assert records["github.runs_with_trigger_record_ratio"].value == 1.0  # all 10 runs carry event, actor, sha
    # main: the scheduled CI run failed 2 days ago, the next CI run on main succeeded 1 hour ago
    assert records["github.default_branch_longest_broken_hours"].value == 47.0
    summary = records["github.merged_pulls_checked_ratio"].summary
    assert "2 of 4 (50.0%)" in summary and "without: #36, #39" in summary
    # the 40-day-old pull request ends the listing; only merged ones in the window are looked up
    looked_up = {r.path.split("/")[-2][-3:] for r in seen if "/commits/" in r.path}
    assert looked_up == {"a41", "b41", "a40", "b40", "a39", "b39", "a36", "b36"}
    assert {r.method for r in seen} == {"GET"}
    assert not server.unmatched


def test_window_limits_the_merged_pull_requests(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(
        GitHubCollector, config(server.base_url, "acme/model-service", window_days=4)
    )
    assert records["github.merged_pulls_checked_ratio"].value == 1.0  # #41 and #40 only
    assert records["github.merged_pulls_mainline_checked_ratio"].value == 1.0


def test_nothing_merged_gives_zero_and_says_so(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitHubCollector, config(server.base_url, "acme/partial"))
    record = records["github.merged_pulls_checked_ratio"]
    assert record.status is EvidenceStatus.ok and record.value == 0.0
    assert "0 of 0" in record.summary
    # the runs endpoint is rate limited there: the build-record share is unavailable, not zero
    assert records["github.runs_with_trigger_record_ratio"].status is EvidenceStatus.unavailable


def test_checks_count_only_when_recorded_before_the_merge() -> None:
    merged_at = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    early, late = merged_at - dt.timedelta(minutes=1), merged_at + dt.timedelta(minutes=1)
    pulls = [
        PullRequest(number=n, updated_at=merged_at, merged_at=merged_at, head=PullHead(sha=f"h{n}"))
        for n in (1, 2, 3, 4)
    ]
    head = {
        1: CommitChecks(check_runs=(CheckRun(status="completed", conclusion="failure", completed_at=early),)),
        2: CommitChecks(statuses=(CommitStatus(state="pending", created_at=early),)),  # no result yet
        3: CommitChecks(statuses=(CommitStatus(state="error", created_at=late),)),  # after the merge
        4: CommitChecks(check_runs=(CheckRun(status="in_progress"),)),
    }
    merge = {4: CommitChecks(check_runs=(CheckRun(status="queued"),))}
    found = {f.probe: f.value for f in pull_findings(pulls, head, merge, "main", ((), ""), "in the last 30 days")}
    assert found == {"github.merged_pulls_checked_ratio": 0.25, "github.merged_pulls_mainline_checked_ratio": 0.25}


def test_a_build_record_needs_event_commit_and_starter() -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    full = WorkflowRun(id=1, event="push", head_sha="abc", actor=Account(login="alice"), created_at=now)
    assert trigger_recorded(full)
    assert trigger_recorded(full.model_copy(update={"actor": None, "triggering_actor": Account(login="bob")}))
    assert not trigger_recorded(full.model_copy(update={"head_sha": None}))
    assert not trigger_recorded(full.model_copy(update={"actor": Account(login="")}))


def test_red_spells_are_per_workflow_and_run_until_now_when_unrepaired() -> None:
    now = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)

    def run(number: int, workflow: int, conclusion: str, hours_ago: float) -> WorkflowRun:
        moment = now - dt.timedelta(hours=hours_ago)
        return WorkflowRun(
            id=number,
            event="push",
            status="completed",
            conclusion=conclusion,
            workflow_id=workflow,
            created_at=moment,
            updated_at=moment,
        )

    runs = [
        run(1, 1, "failure", 10),
        run(2, 1, "failure", 9),  # still the same red spell
        run(3, 2, "success", 8),  # another workflow does not repair workflow 1
        run(4, 1, "success", 7),
        run(5, 2, "failure", 3),  # not repaired yet
    ]
    assert sorted(broken_spells(runs, now)) == [3.0, 3.0]
    assert broken_spells([run(1, 1, "success", 1)], now) == []


def test_bookkeeping_bots_are_not_integration_checks() -> None:
    merged_at = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    early = merged_at - dt.timedelta(minutes=5)
    cla = CommitStatus(context="license/cla", state="success", created_at=early)
    dco = CheckRun(name="DCO", app=App(slug="dco"), status="completed", conclusion="success", completed_at=early)
    title = CheckRun(name="Semantic PR", status="completed", conclusion="success", completed_at=early)
    assert not CommitChecks(check_runs=(dco, title), statuses=(cla,)).finished_by(merged_at)
    assert not CommitChecks(statuses=(cla,)).exists()
    tests = CheckRun(
        name="ci / test", app=App(slug="github-actions"), status="completed", conclusion="failure", completed_at=early
    )
    assert CommitChecks(check_runs=(dco, tests)).finished_by(merged_at)
    jenkins = CommitStatus(context="continuous-integration/jenkins/pr-merge", state="failure", created_at=early)
    assert CommitChecks(statuses=(cla, jenkins)).finished_by(merged_at)

"""The GitLab probes added for content version 2022.10.4 (checks around merges), against recorded REST API v4
responses served over real HTTP on 127.0.0.1 (tests/collectors/fixtures/gitlab/, routes.yaml).

Merged merge requests in ml/model-service (merge-requests.json), window 30 days, with the commit statuses added in
commit-statuses-{a,b,c,d}.json:
  !12  merged 1 d ago: head c only has a running job; mainline commit d has a pending Jenkins status
  !11  merged 3 d ago: head b has a failed job finished an hour before the merge; mainline commit c has a job
  !10  merged 10 d ago: head a has a successful job; mainline commit b has a job
  !9   merged 40 d ago: outside the window
"""

from __future__ import annotations

import datetime as dt

from evidence_collectors.gitlab import GitLabCollector
from evidence_collectors.gitlab.figures import checked_by, merge_request_check_findings
from evidence_collectors.gitlab.models import CommitStatus, MergeRequest
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_gitlab import ENV, FIXTURES, TOKEN, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_checks_before_and_after_each_merge(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/model-service"))
    assert records["gitlab.merged_mrs_checked_ratio"].value == 0.6667  # !11 and !10 of 3
    assert records["gitlab.merged_mrs_mainline_checked_ratio"].value == 1.0
    assert "without: !12" in records["gitlab.merged_mrs_checked_ratio"].summary
    reads = sorted(r.path.split("/")[-2][-1] for r in seen if r.path.endswith("/statuses"))
    assert reads == ["a", "b", "c", "d"], "each commit is read once although !11's mainline commit is !12's head"
    listing = [r for r in seen if r.path.endswith("/merge_requests")]
    assert len(listing) == 1, "the merge request listing is shared with merged_mr_approved_ratio"
    assert not server.unmatched


def test_window_limits_the_merge_requests(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/model-service", window_days=5))
    assert records["gitlab.merged_mrs_checked_ratio"].value == 0.5  # !12 and !11
    assert records["gitlab.merged_mrs_mainline_checked_ratio"].value == 1.0


def test_an_unreadable_listing_costs_both_sections_with_its_reason(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/partial"))
    for probe in ("gitlab.merged_mrs_checked_ratio", "gitlab.merged_mr_approved_ratio"):
        assert records[probe].status is EvidenceStatus.error
        assert "merged merge requests: invalid JSON" in records[probe].reason


def test_a_check_counts_only_with_a_result_before_the_merge() -> None:
    merged_at = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    early, late = merged_at - dt.timedelta(minutes=1), merged_at + dt.timedelta(minutes=1)
    assert checked_by([CommitStatus(status="failed", created_at=early, finished_at=early)], merged_at)
    assert not checked_by([CommitStatus(status="success", created_at=early, finished_at=late)], merged_at)
    assert not checked_by([CommitStatus(status="canceled", created_at=early, finished_at=early)], merged_at)
    assert not checked_by([CommitStatus(status="running", created_at=early)], merged_at)
    cla = CommitStatus(name="license/cla", status="success", created_at=early, finished_at=early)
    assert not checked_by([cla], merged_at), "a contributor-agreement bot integrates nothing"
    assert checked_by([cla, CommitStatus(name="unit-tests", status="success", created_at=early)], merged_at)
    fast_forward = MergeRequest(iid=1, merged_at=merged_at, updated_at=merged_at, sha="h")
    assert fast_forward.mainline_sha == "h"
    findings = merge_request_check_findings([fast_forward], {}, {}, "main", ((), ""), "in the last 30 days")
    assert {f.probe: f.value for f in findings} == {
        "gitlab.merged_mrs_checked_ratio": 0.0,
        "gitlab.merged_mrs_mainline_checked_ratio": 0.0,
    }

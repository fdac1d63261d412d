"""The GitLab probes added in the second pass on content version 2022.10.4 (deploy freeze periods, gating jobs run again
on the mainline, merges through a merge train), against recorded
REST API v4 responses served over real HTTP on 127.0.0.1 (tests/collectors/fixtures/gitlab/, routes.yaml).

ml/model-service defines two freezes (weekends in Asia/Shanghai, the turn of the year in UTC); ml/partial none.
"""

from __future__ import annotations

import datetime as dt

from evidence_collectors.gitlab import GitLabCollector
from evidence_collectors.gitlab.figures import freeze_findings, rechecked
from evidence_collectors.gitlab.models import CommitStatus, FreezePeriod, MergeRequest
from evidence_collectors.records import EvidenceStatus
from evidence_collectors.rest import Pages
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_gitlab import ENV, FIXTURES, TOKEN, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_freeze_periods_are_counted_and_shown(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/model-service"))
    record = records["gitlab.deploy_freeze_periods"]
    assert record.status is EvidenceStatus.ok and record.value == 2
    assert "0 18 * * 5 -> 0 8 * * 1 (Asia/Shanghai)" in record.summary
    assert [r.method for r in seen if r.path.endswith("/freeze_periods")] == ["GET"]
    assert not server.unmatched


def test_no_freeze_period_is_zero(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/partial"))
    record = records["gitlab.deploy_freeze_periods"]
    assert record.status is EvidenceStatus.ok and record.value == 0
    assert record.summary.startswith("0 deploy freeze period(s)")


def test_long_lists_are_shortened() -> None:
    periods = [FreezePeriod(freeze_start=f"0 0 {n} 1 *", freeze_end=f"0 6 {n} 1 *") for n in range(1, 8)]
    (finding,) = freeze_findings(Pages(items=periods, url="u"))
    assert finding.value == 7 and "(+2 more)" in finding.summary and "0 0 6 1 *" not in finding.summary


def test_gating_jobs_run_again_on_the_mainline(server: RecordedHttpServer) -> None:
    # !12's head only has a running job (nothing gated it); !11's failed 'test' ran again on c, !10's on b
    records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/model-service"))
    record = records["gitlab.merged_mrs_mainline_rechecked_ratio"]
    assert record.value == 0.6667 and "not: !12" in record.summary


def test_a_fast_forward_head_does_not_recheck_itself() -> None:
    merged_at = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    mr = MergeRequest.model_validate(
        {"iid": 1, "updated_at": merged_at, "merged_at": merged_at, "target_branch": "main", "sha": "h"}
    )

    def job(name: str, status: str, minutes: int) -> CommitStatus:
        at = merged_at + dt.timedelta(minutes=minutes)
        return CommitStatus(name=name, status=status, created_at=at, finished_at=at if status != "running" else None)

    head = [job("test", "success", -10), job("lint", "success", -10)]
    assert not rechecked(mr, head, head)  # the same commit, no job after the merge
    assert rechecked(mr, head, [*head, job("test", "running", 2), job("LINT", "pending", 2)])
    assert not rechecked(mr, head, [*head, job("lint", "running", 2)])


def test_merge_requests_merged_through_a_merge_train(server: RecordedHttpServer) -> None:
    # ml/train: !21's train pipeline succeeded before its merge; !20's train pipeline failed (its MR pipeline on the
    # head does not count); !19 went into release/1.x, not the default branch
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/train"))
    record = records["gitlab.merged_mrs_via_merge_train_ratio"]
    assert record.status is EvidenceStatus.ok
    assert record.value == 0.5 and "not: !20" in record.summary
    pages = len(records["gitlab.pipelines_in_window"].raw_sha256)  # two pages reach back past the window
    assert sum(r.path.endswith("/pipelines") for r in seen) == pages, "the pipeline listing is read once"
    assert records["gitlab.pipelines_in_window"].value == 4
    # on model-service nothing went through a train
    records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/model-service"))
    assert records["gitlab.merged_mrs_via_merge_train_ratio"].value == 0.0


def test_an_unreadable_listing_costs_the_train_probe_with_its_reason(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/partial"))
    train = records["gitlab.merged_mrs_via_merge_train_ratio"]
    # the merge request listing is not JSON there (and the pipelines answer 429): an error, not a 0.0 share
    assert train.status is EvidenceStatus.error and train.value is None
    assert train.reason.endswith(records["gitlab.merged_mr_approved_ratio"].reason.split(": ", 1)[1])
    assert records["gitlab.pipelines_in_window"].status is EvidenceStatus.unavailable


def test_pipelines_record_source_commit_and_starter(server: RecordedHttpServer) -> None:
    # 8 pipelines in the window; the jobs name who 6 of them ran for: #907 has no job listed, #904's job has no user
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/model-service"))
    record = records["gitlab.pipelines_with_trigger_record_ratio"]
    assert record.status is EvidenceStatus.ok and record.value == 0.75
    assert "6 of 8 (75.0%)" in record.summary
    jobs = [r for r in seen if r.path.endswith("/jobs")]
    assert len(jobs) == 1 and "order_by" not in jobs[0].query
    pages = len(records["gitlab.pipelines_in_window"].raw_sha256)  # two pages reach back past the window
    assert sum(r.path.endswith("/pipelines") for r in seen) == pages, "the pipeline listing is read once"

"""The GitLab probes added in the cicd pass (what each pipeline keeps on record, test reports kept with commit and
merge request pipelines, deployments carried out by a pipeline job), against recorded REST API v4 responses served
over real HTTP on 127.0.0.1 (tests/collectors/fixtures/gitlab/, routes.yaml).

ml/model-service, window 30 days (pipelines-*.json, jobs.json, test-report-*.json, deployments-*.json):
  finished pipelines: #910 #909 #908 #905 #903 keep every job log; #904 was canceled before any job ran (nothing to
  keep); #906 (started from the web UI) had its deploy job's log erased; #907 is still running (left out)
  commit and merge request pipelines that passed or failed: #910 (42 tests) and #909 (40) report tests, #905 and the
  tag pipeline #903 do not; #908 (schedule), #906 (web), #904 (canceled) are not looked up
  deployments: 71, 70, 69 ran in a pipeline job; 68 was recorded through the API (deployable null)
"""

from __future__ import annotations

import datetime as dt

from evidence_collectors.gitlab import GitLabCollector
from evidence_collectors.gitlab.models import Job, JobPipeline, JobUser, Pipeline
from evidence_collectors.gitlab.run_records import commit_pipelines, run_recorded
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_gitlab import ENV, FIXTURES, TOKEN, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)
AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_run_records_test_reports_and_deploying_jobs(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/model-service"))
    runs = records["gitlab.pipelines_with_run_record_ratio"]
    assert runs.value == 0.8571 and runs.summary.startswith("6 of 7") and runs.summary.endswith("not: #906")
    reports = records["gitlab.pipelines_with_test_report_ratio"]
    assert reports.value == 0.5 and reports.summary.startswith("2 of 4")
    assert "without: #903, #905" in reports.summary
    looked_up = sorted(r.path.split("/")[-2] for r in seen if r.path.endswith("/test_report_summary"))
    assert looked_up == ["903", "905", "909", "910"], "only commit and merge request pipelines with a result"
    # the two pipeline pages in the window and the summaries (#905 and #903 answered the same empty one)
    assert len(reports.raw_sha256) == 2 + 3
    deployed = records["gitlab.deployments_by_pipeline_ratio"]
    assert deployed.value == 0.75 and "without a job: deployment 68" in deployed.summary
    assert not server.unmatched


def test_a_failing_pipeline_listing_costs_the_new_probes_too(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(GitLabCollector, config(server.base_url, "ml/partial"))
    for probe in ("gitlab.pipelines_with_run_record_ratio", "gitlab.pipelines_with_test_report_ratio"):
        assert records[probe].status is EvidenceStatus.unavailable and records[probe].value is None
        assert "429" in records[probe].reason
    assert records["gitlab.deployments_by_pipeline_ratio"].status is EvidenceStatus.unavailable  # the hang


def job(started: bool = True, *kept: str, user: str = "alice") -> Job:
    return Job(
        id=1,
        created_at=AT,
        started_at=AT if started else None,
        user=JobUser(username=user) if user else None,
        pipeline=JobPipeline(id=1),
        artifacts=[{"file_type": k} for k in kept],
    )


def pipeline(status: str = "success", source: str | None = "push") -> Pipeline:
    return Pipeline(id=1, status=status, source=source, sha="abc", created_at=AT)


def test_what_a_complete_run_record_needs() -> None:
    assert run_recorded(pipeline(), [job(True, "trace")])
    assert run_recorded(pipeline("canceled"), [job(False)])  # nothing ran: no log to keep
    assert not run_recorded(pipeline("running"), [job(True, "trace")])  # no outcome yet
    assert not run_recorded(pipeline(), [])  # its jobs are not on record
    assert not run_recorded(pipeline(), [job(True, "trace"), job(True, "archive")])  # one log is gone
    assert not run_recorded(pipeline(source=None), [job(True, "trace")])  # what started it is unknown
    assert run_recorded(pipeline(source="web"), [job(True, "trace")])
    assert not run_recorded(pipeline(source="web"), [job(True, "trace", user="")])  # started by hand, by nobody


def test_which_pipelines_are_looked_up_for_test_reports() -> None:
    start = AT - dt.timedelta(days=30)

    def p(pid: int, source: str, status: str = "success", days: int = 1) -> Pipeline:
        return Pipeline(id=pid, status=status, source=source, created_at=AT - dt.timedelta(days=days))

    chosen = commit_pipelines(
        [
            p(1, "push"),
            p(2, "merge_request_event", "failed"),
            p(3, "schedule"),
            p(4, "push", "canceled"),
            p(5, "external_pull_request_event"),
            p(6, "push", days=40),
        ],
        start,
    )
    assert [c.id for c in chosen] == [5, 2, 1]


def test_odd_artifact_lists_cost_only_the_run_record() -> None:
    odd = Job.model_validate({"id": 1, "created_at": "2026-01-01T00:00:00Z", "started_at": "x", "artifacts": "trace"})
    assert odd.ran and not odd.log_kept
    mixed = Job.model_validate(
        {"id": 2, "created_at": "2026-01-01T00:00:00Z", "artifacts": [7, {"file_type": 3}, {"file_type": "trace"}]}
    )
    assert mixed.log_kept and not mixed.ran

"""The Jenkins probes added in the cicd pass (what each finished build keeps on record, test results of the builds a
commit started), against recorded remote-access API responses served over real HTTP on 127.0.0.1
(tests/collectors/fixtures/jenkins/, routes.yaml).

/tests has one job, model-ci (tests/builds-model-ci.json), window 30 days:
  #7 running                                    -> left out of both figures
  #6 SUCCESS, branch event, 120 tests           -> recorded; tests reported
  #5 UNSTABLE, SCM poll, 118 tests (3 failed)   -> recorded; tests reported
  #4 FAILURE, GitHub push, no test result       -> recorded; no tests
  #3 SUCCESS, branch indexing, aggregated 40    -> recorded; tests reported
  #2 ABORTED, SCM poll                          -> recorded; not in the test figure (no result to report)
  #1 SUCCESS, started by an anonymous user      -> not recorded (who started it is unknown); not commit-triggered
"""

from __future__ import annotations

from evidence_collectors.jenkins.models import Action, Build, Cause
from evidence_collectors.jenkins.run_records import run_recorded
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_jenkins import ENV, FIXTURES, TOKEN, collect, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_run_records_and_test_results(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/tests"))
    runs = records["jenkins.builds_with_run_record_ratio"]
    assert runs.value == 0.8333 and runs.summary.startswith("5 of 6") and runs.summary.endswith("not: model-ci #1")
    tests = records["jenkins.builds_with_test_report_ratio"]
    assert tests.value == 0.75 and tests.summary.startswith("3 of 4")
    assert tests.summary.endswith("without: model-ci #4")
    assert not server.unmatched


def test_an_unreadable_history_costs_the_new_probes_too(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/broken"))
    for probe in ("jenkins.builds_with_run_record_ratio", "jenkins.builds_with_test_report_ratio"):
        assert records[probe].status is EvidenceStatus.error and records[probe].value is None
        assert TOKEN not in records[probe].reason


def build(*causes: Cause, result: str | None = "SUCCESS", building: bool = False, timestamp: int = 1) -> Build:
    return Build(number=1, result=result, building=building, timestamp=timestamp, actions=[Action(causes=list(causes))])


def test_what_a_complete_build_record_needs() -> None:
    timer = Cause(kind="hudson.triggers.TimerTrigger$TimerTriggerCause")
    alice = Cause(kind="hudson.model.Cause$UserIdCause", user_id="alice")
    anonymous = Cause(kind="hudson.model.Cause$UserIdCause")
    assert run_recorded(build(timer)) and run_recorded(build(alice, result="ABORTED"))
    assert not run_recorded(build(anonymous))
    assert not run_recorded(build())  # no cause on record
    assert not run_recorded(build(timer, result=None, building=True))  # no outcome yet
    assert not run_recorded(build(timer, timestamp=0))  # no start time


def test_odd_test_counts_cost_only_the_test_figure() -> None:
    def counted(value: object) -> int:
        return Build.model_validate(
            {"number": 1, "timestamp": 1, "actions": [{"totalCount": value}, {"totalCount": 5}]}
        ).tests_recorded

    assert counted(7) == 12
    assert counted("many") == 5 and counted(None) == 5 and counted(True) == 5 and counted(-3) == 5

"""The Jenkins probe added for content version 2022.10.4 (what each build record holds), against recorded remote-access
API responses served over real HTTP on 127.0.0.1 (tests/collectors/fixtures/jenkins/).

Of the 124 builds in the 30-day window, api-deploy #3 was started by an anonymous user (userId null) and never-green
#2 failed before checkout (its BuildData names no revision); every other build names its cause, its user when a user
started it, and the revision it built.
"""

from __future__ import annotations

import datetime as dt

from evidence_collectors.jenkins import JenkinsCollector
from evidence_collectors.jenkins.api import History
from evidence_collectors.jenkins.figures import build_findings, trigger_recorded
from evidence_collectors.jenkins.models import Build
from evidence_collectors.outcome import ProbeFinding
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

from .test_jenkins import ENV, FIXTURES, TOKEN, config

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def test_build_records_name_cause_user_and_revision(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collecting.collect_records(JenkinsCollector, config(f"{server.base_url}/jenkins"))
    record = records["jenkins.builds_with_trigger_record_ratio"]
    assert record.value == 0.9839
    assert "122 of 124" in record.summary
    # 123 finished builds (the running model-train #130 left out) lasting 184.0 to 184.1 s
    duration = records["jenkins.build_duration_median_minutes"]
    assert duration.value == 3.07 and "of 123 finished builds" in duration.summary
    trees = {r.query["tree"] for r in seen if "allBuilds" in r.query.get("tree", "")}
    assert trees and all("causes[_class,userId],lastBuiltRevision[SHA1]" in t for t in trees)
    assert not server.unmatched


def test_an_unreadable_history_costs_the_new_probe_too(server: RecordedHttpServer) -> None:
    records, _ = collecting.collect_records(JenkinsCollector, config(f"{server.base_url}/broken"))
    record = records["jenkins.builds_with_trigger_record_ratio"]
    assert record.status is EvidenceStatus.error
    assert records["jenkins.builds_in_window"].reason == record.reason


def _build(**actions: object) -> Build:
    causes = [{"_class": actions.get("cause", "hudson.model.Cause$UserIdCause"), "userId": actions.get("user")}]
    built: list[dict[str, object] | None] = [{"causes": causes}, None, {"_class": "hudson.plugins.git.util.BuildData"}]
    if actions.get("sha"):
        built[2] = {"lastBuiltRevision": {"SHA1": actions["sha"]}}
    return Build.model_validate({"number": 1, "timestamp": 0, "actions": built})


def test_what_a_complete_build_record_needs() -> None:
    assert trigger_recorded(_build(user="alice", sha="abc"))
    assert trigger_recorded(_build(cause="hudson.triggers.TimerTrigger$TimerTriggerCause", sha="abc"))
    assert not trigger_recorded(_build(user=None, sha="abc"))  # anonymous manual start
    assert not trigger_recorded(_build(user="alice"))  # no revision
    assert not trigger_recorded(Build.model_validate({"number": 1, "timestamp": 0, "actions": []}))


def test_median_duration_leaves_out_running_builds_and_says_when_none_finished() -> None:
    start = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    at = int((start + dt.timedelta(hours=1)).timestamp() * 1000)

    def build(number: int, minutes: float, result: str | None) -> Build:
        fields = {"number": number, "timestamp": at, "duration": int(minutes * 60000), "result": result}
        return Build.model_validate({**fields, "building": result is None})

    def median(*builds: Build) -> ProbeFinding:
        found = build_findings({"job": History(builds=list(builds))}, start, 30, "")
        return next(f for f in found if f.probe == "jenkins.build_duration_median_minutes")

    assert median(build(1, 2, "SUCCESS"), build(2, 4, "FAILURE"), build(3, 60, None)).value == 3.0
    none = median(build(3, 0, None))
    assert none.value == 0.0 and "none finished" in none.summary

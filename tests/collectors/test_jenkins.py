"""Jenkins collector against recorded remote-access API responses served by a real HTTP server on 127.0.0.1.

The fixtures (tests/collectors/fixtures/jenkins/) hold what each figure below is counted from; routes.yaml lists them.
model-train's 130 builds follow a pattern: build i (0 = newest, started i*6+1 hours ago) is running for i = 0,
FAILURE when i % 10 == 3, ABORTED when i % 20 == 7, SUCCESS otherwise; its cause cycles timer, user, scm, upstream.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.jenkins import JenkinsCollector
from evidence_collectors.jenkins.config import JenkinsConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer
from tests.support.servers import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "jenkins"
USER = "auditor"
TOKEN = "11d2e3f4a5b6c7d8e9f0TestTokenSECRET"
BASIC = base64.b64encode(f"{USER}:{TOKEN}".encode()).decode()
ENV = "MLOPS_TEST_JENKINS_TOKEN"

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def config(url: str, name: str = "ci", **extra: Any) -> JenkinsConfig:
    fields = {"collector": "jenkins", "name": name, "url": url, "username": USER, "token_env": ENV}
    return collecting.target_config(JenkinsConfig, fields, extra)


def collect(cfg: JenkinsConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(JenkinsCollector, cfg)


EXPECTED = {
    "jenkins.job_count": 3,  # legacy-nightly is disabled
    "jenkins.jobs": ["model-train", "serving/api-deploy", "serving/never-green"],
    "jenkins.jobs_with_recent_success_ratio": 0.6667,
    "jenkins.jobs_without_recent_success": ["serving/never-green"],
    "jenkins.last_successful_build_age_days": 0.29,  # model-train #129, 7 hours ago
    # model-train: builds i = 0..119 are within 30 days (120); api-deploy 2 of 3; never-green 2
    "jenkins.builds_in_window": 124,
    # model-train: 101 SUCCESS, 12 FAILURE, 6 ABORTED, 1 running; api-deploy 1 SUCCESS, 1 FAILURE; never-green 2 FAILURE
    "jenkins.build_success_ratio": 0.8718,  # 102 of 117
    "jenkins.automatic_build_ratio": 0.75,  # 30 + 1 started by a user
    # added with 2022.10.4 checks (test_jenkins_checks_c2.py): anonymous api-deploy #3 and never-green #2 without
    # a revision are the two of 124 that fall short
    "jenkins.builds_with_trigger_record_ratio": 0.9839,
    "jenkins.build_duration_median_minutes": 3.07,  # added with 2022.10.4: 123 finished builds of about 184 s
    "jenkins.build_trigger_causes": ["scm", "timer", "upstream", "user"],
    "jenkins.active_job_count": 3,
    # added in the cicd pass (test_jenkins_run_records.py): 122 of 123 finished builds (anonymous api-deploy #3);
    # none of the commit-triggered builds recorded a test result
    "jenkins.builds_with_run_record_ratio": 0.9919,
    "jenkins.builds_with_test_report_ratio": 0.0,
}


# --- figures ---------------------------------------------------------------------------------------------------


def test_figures_match_the_recorded_server(server: RecordedHttpServer) -> None:
    records, ctx = collect(config(f"{server.base_url}/jenkins"))
    assert {r.status for r in records.values()} == {EvidenceStatus.ok}
    assert {probe: r.value for probe, r in records.items()} == EXPECTED
    assert "102 of 117 (87.2%)" in records["jenkins.build_success_ratio"].summary
    assert "102 SUCCESS, 15 FAILURE, 6 ABORTED, 1 BUILDING" in records["jenkins.builds_in_window"].summary
    assert "1 disabled" in records["jenkins.job_count"].summary
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        assert record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
    assert len(records["jenkins.builds_in_window"].raw_sha256) == 4  # 2 pages + 1 + 1
    assert len(records["jenkins.job_count"].raw_sha256) == 2  # the root and the serving folder


def test_build_history_is_read_in_ranges_until_the_window(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(config(f"{server.base_url}/jenkins"))
    trees = [r.query["tree"] for r in seen if r.path == "/jenkins/job/model-train/api/json"]
    assert [t[t.index("]{") + 1 :] for t in trees] == ["{0,100}", "{100,200}"], "a short page ends the history"
    assert not [r for r in seen if "legacy-nightly" in r.path], "disabled jobs are not read"
    assert {r.method for r in seen} == {"GET"}, "read-only"
    assert not server.unmatched
    assert {r.headers.get("authorization") for r in seen} == {f"Basic {BASIC}"}


def test_named_jobs_and_folders(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/jenkins", jobs=["model-train", "serving"]))
    assert {probe: r.value for probe, r in records.items()} == EXPECTED
    assert "0 disabled" in records["jenkins.job_count"].summary
    one, _ = collect(config(f"{server.base_url}/jenkins", jobs=["model-train"]))
    assert one["jenkins.jobs"].value == ["model-train"]
    assert one["jenkins.builds_in_window"].value == 120
    assert one["jenkins.build_success_ratio"].value == round(101 / 113, 4)


def test_page_and_job_caps_are_said_in_the_summary(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/jenkins", max_pages=1))
    assert records["jenkins.builds_in_window"].value == 104  # 100 of model-train + 2 + 2
    assert "page cap reached for model-train" in records["jenkins.builds_in_window"].summary
    capped, _ = collect(config(f"{server.base_url}/jenkins", max_jobs=1))
    assert capped["jenkins.jobs"].value == ["model-train"]
    assert "stopped at max_jobs" in capped["jenkins.job_count"].summary


# --- faults ------------------------------------------------------------------------------------------------------


def test_an_unreadable_build_history_costs_only_the_build_probes(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/broken"))
    assert records["jenkins.jobs"].value == ["alpha", "beta"]
    assert records["jenkins.jobs_with_recent_success_ratio"].value == 1.0
    for probe in (
        "jenkins.builds_in_window",
        "jenkins.build_success_ratio",
        "jenkins.automatic_build_ratio",
        "jenkins.build_trigger_causes",
        "jenkins.active_job_count",
    ):
        assert records[probe].status is EvidenceStatus.error
        assert records[probe].value is None
        assert records[probe].reason.startswith("builds of alpha: invalid JSON from ")


def test_whole_target_failures_become_records_and_other_targets_complete(server: RecordedHttpServer) -> None:
    started = time.monotonic()
    collection = collecting.collect_targets(
        JenkinsCollector,
        config(f"{server.base_url}/slow", "slow"),
        config(f"{server.base_url}/locked", "locked"),
        config(f"http://127.0.0.1:{free_port()}/jenkins", "refused"),
        config(f"{server.base_url}/jenkins", "missing-job", jobs=["nope"]),
        config(f"{server.base_url}/jenkins", "ok"),
    )
    assert time.monotonic() - started < 10
    by_target = collecting.records_by_target(collection.records)
    assert {r.status for r in by_target["slow"]} == {EvidenceStatus.unavailable}
    assert "no answer within 1 s" in by_target["slow"][0].reason
    assert {r.status for r in by_target["locked"]} == {EvidenceStatus.error}
    assert "HTTP 401" in by_target["locked"][0].reason
    assert {r.status for r in by_target["refused"]} == {EvidenceStatus.unavailable}
    assert "cannot connect" in by_target["refused"][0].reason
    assert {r.status for r in by_target["missing-job"]} == {EvidenceStatus.error}
    assert "job 'nope' named in the targets file: HTTP 404" in by_target["missing-job"][0].reason
    assert {r.status for r in by_target["ok"]} == {EvidenceStatus.ok}


def test_the_token_appears_nowhere(server: RecordedHttpServer) -> None:
    collection = collecting.collect_targets(
        JenkinsCollector,
        config(f"{server.base_url}/jenkins", "ok"),
        config(f"{server.base_url}/broken", "broken"),
        config(f"{server.base_url}/locked", "locked"),
        config(f"http://127.0.0.1:{free_port()}", "refused"),
    )
    assert any(r.headers.get("authorization") == f"Basic {BASIC}" for r in server.seen("/broken"))
    for record in collection.records:
        text = record.model_dump_json()
        assert TOKEN not in text and BASIC not in text
    bodies = b"".join(item.body + item.url.encode() for item in collection.raw.items())
    assert TOKEN.encode() not in bodies and BASIC.encode() not in bodies
    assert b"Basic ***" in bodies, "the echoed basic credentials are masked in the stored body"
    with pytest.raises(Exception) as caught:
        JenkinsCollector().collect(
            config(f"{server.base_url}/locked"), CollectContext(raw=RawStore(), redactor=Redactor())
        )
    assert TOKEN not in str(caught.value) and BASIC not in str(caught.value)


# --- configuration ---------------------------------------------------------------------------------------------


def test_config_refusals() -> None:
    base = {"collector": "jenkins", "name": "ci", "url": "https://ci.example.com/jenkins"}
    cfg = JenkinsConfig.model_validate(base)
    assert (cfg.jobs, cfg.window_days, cfg.max_pages) == ([], 30, 10)
    bad: list[dict[str, Any]] = [
        {"token_env": ENV},  # a token without its user name
        {"username": USER, "password": TOKEN},  # inline credentials
        {"url": f"https://{USER}:{TOKEN}@ci.example.com"},  # credentials in the URL
        {"jobs": [""]},
    ]
    for extra in bad:
        with pytest.raises(ValidationError) as caught:
            JenkinsConfig.model_validate({**base, **extra})
        assert TOKEN not in str(caught.value)


def test_probe_catalogue_is_complete() -> None:
    collecting.assert_catalogue_complete(JenkinsCollector, "jenkins.")
    assert JenkinsCollector.system == "ci" and JenkinsCollector.version == "1.0.0"

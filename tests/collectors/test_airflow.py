"""Airflow collector against recorded REST API answers (stable API v1 of Airflow 2, API v2 of Airflow 3) served over
real HTTP on 127.0.0.1.

The fixtures (tests/collectors/fixtures/airflow/) are written by generate.py from a table of DAGs and their runs; the
expected figures beside them (expected.json) are counted from the table's rows, not by the collector's code.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from evidence_collectors.airflow import AirflowCollector
from evidence_collectors.airflow.config import AirflowConfig
from evidence_collectors.airflow.models import Dag
from evidence_collectors.airflow.views import schedule_of
from evidence_collectors.bundle import write_bundle
from evidence_collectors.bundle_format import read_records
from evidence_collectors.kubeflow import KubeflowCollector
from evidence_collectors.orchestration import cron_period_s, stages_of
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer
from tests.support.servers import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "airflow"
TOKEN = "af-SECRET-pw-7c1e9b2d40aa"
USER = "auditor"
BASIC = base64.b64encode(f"{USER}:{TOKEN}".encode()).decode()
ENV = "MLOPS_TEST_AIRFLOW_TOKEN"

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def config(url: str, name: str = "airflow", **extra: Any) -> AirflowConfig:
    fields = {"collector": "airflow", "name": name, "url": url, "token_env": ENV, "username": USER}
    return collecting.target_config(AirflowConfig, fields, extra)


def site(srv: RecordedHttpServer, prefix: str = "/af2", **extra: Any) -> AirflowConfig:
    return config(f"{srv.base_url}{prefix}", page_size=5, **extra)


def collect(cfg: AirflowConfig) -> collecting.Records:
    return collecting.collect_records(AirflowCollector, cfg, "airflow.")[0]


def values(records: collecting.Records) -> dict[str, Any]:
    return {probe: r.value for probe, r in records.items() if probe != "version"}


def expected(api: str = "v1") -> dict[str, Any]:
    name = "expected.json" if api == "v1" else f"expected-{api}.json"
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


# --- figures -----------------------------------------------------------------------------------------------------


def test_v1_figures_match_the_table(server: RecordedHttpServer) -> None:
    records, ctx = collecting.collect_records(AirflowCollector, site(server), "airflow.")
    versions = records["pipeline_versions_from_commit_ratio"]
    assert versions.status is EvidenceStatus.unavailable, "Airflow 2 keeps no DAG versions: not a 0"
    assert "Airflow 2 (REST API v1) keeps no DAG versions" in (versions.reason or "")
    assert {r.status for p, r in records.items() if p != "pipeline_versions_from_commit_ratio"} == {EvidenceStatus.ok}
    assert values(records) == expected()
    assert records["version"].value == "2.9.3 (REST API v1)"
    assert records["pipelines"].value == 7, "the deleted DAG's file is gone: out of scope"
    assert "old_experiment" not in records["pipelines"].summary
    summary = {p: r.summary for p, r in records.items()}
    assert "3 of 4 scheduled DAGs (75.0%) ran within twice" in summary["scheduled_pipelines_on_time_ratio"]
    assert "not: fraud_model_train" in summary["scheduled_pipelines_on_time_ratio"]
    assert "left out: portfolio_rebalance" in summary["scheduled_pipelines_on_time_ratio"], "a calendar period"
    assert "not yet: churn_training/manual__run000" in summary["failed_runs_recovered_ratio"]
    assert "1 running" in summary["runs"]
    assert "Airflow 2 (REST API v1) records no DAG version" in summary["runs_with_pipeline_version_ratio"]
    owned = summary["pipelines_with_description_and_owner_ratio"]
    assert "3 of 7 DAGs (42.9%) have a description and a named owner" in owned
    assert "not: fraud_model_train, legacy_scoring, nightly_build, report_export" in owned, "no description or owner"
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        if record.status is EvidenceStatus.ok:
            assert record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
        assert record.source.system == "orchestrator"
    assert records["runs"].source.url.endswith("/af2/api/v1/dags/{dag_id}/dagRuns")
    assert len(records["pipelines"].raw_sha256) == 2, "two pages of DAGs"


def test_v2_gives_the_same_figures_read_on_api_v2(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records = collect(site(server, "/af3"))
    on_v2 = expected("v2")
    assert on_v2["run_types"] == ["asset_triggered", "manual", "scheduled"]
    assert 0 < on_v2["runs_with_pipeline_version_ratio"] < 1, "Airflow 3 runs name their DAG version, but two do not"
    assert expected()["run_types"] == ["dataset_triggered", "manual", "scheduled"]
    same = ("run_types", "runs_with_pipeline_version_ratio", "pipeline_versions_from_commit_ratio")
    assert {k: v for k, v in on_v2.items() if k not in same} == {k: v for k, v in expected().items() if k not in same}
    assert values(records) == on_v2
    commits = records["pipeline_versions_from_commit_ratio"].summary
    assert "7 of 8 (87.5%) DAG versions of 7 DAGs were parsed from a Git commit" in commits
    assert commits.endswith("; not: report_export v2"), "a version parsed from the local DAG folder"
    unversioned = records["runs_with_pipeline_version_ratio"].summary
    assert "not: churn_training/manual__run000, report_export/dataset_triggered__run001" in unversioned
    assert records["version"].value == "3.0.2 (REST API v2)"
    assert all(r.path.startswith("/af3/api/v2/") for r in seen), "Airflow 3 is read on /api/v2 only"
    pinned = collect(site(server, "/af3", api_version="v2"))
    assert values(pinned) == on_v2


def test_reads_page_by_page_read_only_with_basic_auth(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(site(server))
    assert {r.method for r in seen} == {"GET"}, "read-only"
    assert not [r for r in server.unmatched if r in seen]
    assert {r.headers.get("authorization") for r in seen} == {f"Basic {BASIC}"}
    assert [r.path for r in seen[:2]] == ["/af2/api/v2/version", "/af2/api/v1/version"], "v2 first, then v1"
    dag_pages = [r.query["offset"] for r in seen if r.path == "/af2/api/v1/dags"]
    assert dag_pages == ["0", "5"]
    run_pages = [r.query for r in seen if r.path == "/af2/api/v1/dags/ingest_transactions/dagRuns"]
    assert [q["offset"] for q in run_pages] == ["0", "5"], "10 runs, 5 a page"
    assert all(q["limit"] == "5" and q["start_date_gte"].endswith("Z") for q in run_pages)
    assert not [r for r in seen if "old_experiment" in r.path], "a deleted DAG is not read"


def test_a_bearer_token_is_sent_without_a_user_name(server: RecordedHttpServer) -> None:
    cfg = site(server, "/af3", username=None)
    with server.recording() as seen:
        records = collect(cfg)
    assert {r.headers.get("authorization") for r in seen} == {f"Bearer {TOKEN}"}
    assert records["pipelines"].value == 7


def test_scope_filters_and_caps(server: RecordedHttpServer) -> None:
    records = collect(site(server, dag_id_prefixes=["churn_", "fraud_"]))
    assert records["pipelines"].value == 2
    assert records["pipelines_with_training_and_evaluation_ratio"].value == 1.0
    assert records["runs"].value == 8  # 5 of churn_training, 3 of fraud_model_train
    tagged = collect(site(server, tags=["ml", "ci"]))
    assert "churn_training, nightly_build" in tagged["pipelines"].summary and tagged["pipelines"].value == 2
    capped = collect(site(server, max_dags=3))
    assert capped["pipelines"].value == 3 and "stopped at 3 items" in capped["pipelines"].summary
    few = collect(site(server, max_task_instance_reads=2))
    assert "the newest 2 of 28 runs" in few["task_retries_in_runs"].summary
    assert few["task_retries_in_runs"].value == 0, "the two newest runs needed no retry"


def test_the_window_is_configurable(server: RecordedHttpServer) -> None:
    records = collect(site(server, window_days=2))
    # the recorded server ignores start_date_gte: runs before the window are dropped by their start_date
    assert records["runs"].value == 8  # within 48 h: 2 ingest, 1 churn, 3 nightly (one running), 2 report
    assert "in the last 2 days" in records["runs"].summary
    assert records["scheduled_pipelines_on_time_ratio"].value == 1.0, "only the daily DAGs can be judged in 2 days"


# --- faults ------------------------------------------------------------------------------------------------------


def test_each_failing_read_costs_only_its_own_probes(server: RecordedHttpServer) -> None:
    records = collect(config(f"{server.base_url}/partial", "partial"))
    assert records["version"].value == "2.8.1 (REST API v1)"
    assert (records["pipelines"].value, records["pipelines_active_ratio"].value) == (2, 0.5)
    structure = ["pipelines_multi_stage_ratio", "pipeline_stages", "tasks_with_retries_ratio"]
    assert {records[p].status for p in structure} == {EvidenceStatus.unavailable}
    assert records["pipeline_stages"].reason.startswith("DAG tasks: HTTP 500 from ")
    assert records["runs"].status is EvidenceStatus.unavailable
    assert "retry after 120 s" in records["runs"].reason
    assert records["task_retries_in_runs"].status is EvidenceStatus.unavailable
    started = time.monotonic()
    slow = collect(config(f"{server.base_url}/badjson", "badjson"))
    assert time.monotonic() - started < 10, "the hanging read is abandoned after timeout_s"
    assert slow["pipelines"].value == 1 and slow["pipelines_scheduled_ratio"].value == 1.0
    assert slow["pipeline_stages"].status is EvidenceStatus.error and "JSON" in slow["pipeline_stages"].reason
    assert slow["runs"].status is EvidenceStatus.unavailable and "no answer within 1 s" in slow["runs"].reason
    for record in [*records.values(), *slow.values()]:
        assert (record.value is None) == (record.status is not EvidenceStatus.ok)


def test_whole_target_failures_become_records_and_other_targets_complete(server: RecordedHttpServer) -> None:
    collection = collecting.collect_targets(
        AirflowCollector,
        config(f"{server.base_url}/locked", "locked"),
        config(f"http://127.0.0.1:{free_port()}/airflow", "refused"),
        site(server, name="ok"),
    )
    by_target = collecting.records_by_target(collection.records)
    assert {r.status for r in by_target["locked"]} == {EvidenceStatus.error}
    assert all("HTTP 401" in (r.reason or "") for r in by_target["locked"])
    assert {r.status for r in by_target["refused"]} == {EvidenceStatus.unavailable}
    assert "cannot connect" in (by_target["refused"][0].reason or "")
    ok = {r.probe: r.status for r in by_target["ok"]}
    assert ok.pop("airflow.pipeline_versions_from_commit_ratio") is EvidenceStatus.unavailable, "Airflow 2"
    assert set(ok.values()) == {EvidenceStatus.ok}


def test_the_credential_appears_nowhere(server: RecordedHttpServer, tmp_path: Path) -> None:
    collection = collecting.collect_targets(
        AirflowCollector,
        config(f"{server.base_url}/locked", "locked"),
        config(f"{server.base_url}/partial", "partial"),
        site(server, name="ok"),
    )
    assert any(r.headers.get("authorization") == f"Basic {BASIC}" for r in server.seen("/locked"))
    write_bundle(tmp_path, collection)
    written = b"".join(p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file())
    assert b"Invalid credentials: Basic ***" in written, "the echoed credential is masked in the stored body"
    assert b"seen with Basic ***" in written
    for secret in (TOKEN, BASIC):
        assert secret.encode() not in written
        assert all(secret not in r.model_dump_json() for r in collection.records)


def test_the_cli_collects_a_bundle(server: RecordedHttpServer, tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "targets:\n"
        f"  - {{collector: airflow, name: orchestrator, url: '{server.base_url}/af2', username: {USER},"
        f" token_env: {ENV}, page_size: 5}}\n"
        f"  - {{collector: airflow, name: locked, url: '{server.base_url}/locked', token_env: {ENV}, retries: 0}}\n",
        encoding="utf-8",
    )
    done = collecting.cli_collect(targets, tmp_path / "bundle", {ENV: TOKEN})
    assert TOKEN not in done.stdout + done.stderr and BASIC not in done.stdout + done.stderr
    records = read_records(tmp_path / "bundle")
    mine = {r.probe.removeprefix("airflow."): r.value for r in records if r.target == "orchestrator"}
    assert {k: v for k, v in mine.items() if k != "version"} == expected()
    assert {r.status for r in records if r.target == "locked"} == {EvidenceStatus.error}
    written = b"".join(p.read_bytes() for p in (tmp_path / "bundle").rglob("*") if p.is_file())
    assert TOKEN.encode() not in written and BASIC.encode() not in written


# --- schedules and stages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "scheduled", "period"),
    [
        ({"schedule_interval": {"__type": "CronExpression", "value": "0 2 * * *"}}, True, 86400.0),
        ({"schedule_interval": {"__type": "CronExpression", "value": "@weekly"}}, True, 604800.0),
        ({"schedule_interval": {"__type": "TimeDelta", "days": 0, "seconds": 3600, "microseconds": 0}}, True, 3600.0),
        ({"schedule_interval": {"__type": "RelativeDelta", "months": 1}}, True, None),
        ({"schedule_interval": None}, False, None),
        ({"timetable_summary": "*/30 * * * *"}, True, 1800.0),
        ({"timetable_summary": "1 day, 0:00:00"}, True, 86400.0),
        ({"timetable_summary": "None"}, False, None),
        ({"timetable_summary": "@once"}, False, None),
        ({"timetable_summary": "Asset"}, False, None),
        ({"timetable_summary": "0 9 * * 1-5"}, True, 3 * 86400.0),
    ],
)
def test_schedules_are_read_from_either_api(fields: dict[str, Any], scheduled: bool, period: float | None) -> None:
    assert schedule_of(Dag.model_validate({"dag_id": "d", **fields})) == (scheduled, period)


def test_periods_and_stages_are_told_only_when_regular() -> None:
    assert cron_period_s("0 0 1 * *") == 31 * 86400.0
    assert cron_period_s("0 3 * 1 *") is None, "a month field needs a calendar"
    assert cron_period_s("0 3 L * *") is None and cron_period_s("not a cron") is None
    assert stages_of("train_and_evaluate") == {"train", "evaluate"}
    assert stages_of("模型训练") == {"train"} and stages_of("deploy-canary") == {"deploy"}
    assert stages_of("run_unit_tests") == set() and stages_of("retrain") == set(), "words start with the stem"


# --- configuration and catalogue ---------------------------------------------------------------------------------


def test_config_defaults_and_refusals() -> None:
    base = {"collector": "airflow", "name": "airflow", "url": "https://airflow.example"}
    cfg = AirflowConfig.model_validate(base)
    assert (cfg.api_version, cfg.window_days, cfg.dag_id_prefixes, cfg.page_size) == ("auto", 30, [], 100)
    for extra in ({"token": TOKEN}, {"api_version": "v3"}, {"window_days": 0}, {"dag_id_prefixes": ["a b"]}):
        with pytest.raises(ValidationError) as caught:
            AirflowConfig.model_validate({**base, **extra})
        assert TOKEN not in str(caught.value)


def test_probe_catalogue_is_complete_and_shares_suffixes_with_kubeflow() -> None:
    collecting.assert_catalogue_complete(AirflowCollector, "airflow.")
    assert set(expected()) | {"version"} == {p.removeprefix("airflow.") for p in AirflowCollector.probe_ids()}
    mine = {p.removeprefix("airflow."): p for p in AirflowCollector.probe_ids()}
    theirs = {p.removeprefix("kubeflow."): p for p in KubeflowCollector.probe_ids()}
    shared = set(mine) & set(theirs)
    assert len(shared) == 16
    specs = {s.id: s for s in (*AirflowCollector.probes, *KubeflowCollector.probes)}
    for suffix in shared:
        assert specs[mine[suffix]].value_type == specs[theirs[suffix]].value_type, suffix
        assert specs[mine[suffix]].short == specs[theirs[suffix]].short, suffix


# --- the example bank's recording ----------------------------------------------------------------------------------


def test_the_bank_recording_gives_its_expected_figures() -> None:
    bank = Path(__file__).parents[2] / "examples" / "retail-bank" / "recorded" / "airflow"
    figures = json.loads((bank / "expected.json").read_text(encoding="utf-8"))
    with RecordedHttpServer.from_manifest(bank / "routes.yaml") as srv:
        cfg = config(f"{srv.base_url}/airflow", "orchestrator", username=None)
        cfg = cfg.model_copy(update={"tags": ["reco"], "window_days": 14, "max_task_instance_reads": 40})
        with srv.recording() as seen:
            records = collect(cfg)
        assert not [r for r in srv.unmatched if r in seen]
    got = {p: r.value for p, r in records.items()}
    assert got == figures
    assert got["pipelines_with_description_and_owner_ratio"] == round(6 / 7, 4), "every DAG has an owner; one no text"
    assert "reco_feast_materialize" in records["pipelines_documented_ratio"].summary, "the deliberate gap"
    assert "not yet" not in records["failed_runs_recovered_ratio"].summary, "the one failure was recovered"
    assert records["pipelines_with_training_and_evaluation_ratio"].value == round(2 / 7, 4), "the two training DAGs"

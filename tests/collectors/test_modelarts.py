"""ModelArts collector against recorded REST API (and IAM) answers served by a real HTTP server on 127.0.0.1.

The fixtures (tests/collectors/fixtures/modelarts/) are written by generate.py from tables of workflows, training
jobs, model versions and services; expected.json holds the figures counted from those tables.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.bundle import write_bundle
from evidence_collectors.mlflow import MlflowCollector
from evidence_collectors.modelarts import ModelArtsCollector
from evidence_collectors.modelarts.config import ModelArtsConfig
from evidence_collectors.modelarts.figures import stages
from evidence_collectors.modelarts.models import Service, Workflow, to_time
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.conftest import RunCli
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer, Route
from tests.support.servers import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "modelarts"
EXPECTED: dict[str, Any] = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
PROJECT = "0b7c9f2e4d5a4c3e8f1a2b3c4d5e6f70"
TOKEN = "MIIT-preissued-X-Auth-Token-0123456789abcdef"
PASSWORD = "pa55-Word-IAM-SECRET-7f3e"
ISSUED = "MIIZ-acme-IAM-issued-token-5f2d8c1e9a7b6d4c3b2a1f0e9d8c7b6a-PKIToken"  # what the recorded IAM issues
TOKEN_ENV = "MLOPS_TEST_MODELARTS_TOKEN"
PASSWORD_ENV = "MLOPS_TEST_MODELARTS_PASSWORD"
P = "modelarts."

server = collecting.recorded_server(FIXTURES / "routes.yaml")


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def fields(url: str, scenario: str, *, sign_in: bool = False, iam: str | None = None, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "collector": "modelarts",
        "name": extra.pop("name", f"{scenario}-{'password' if sign_in else 'token'}"),
        "url": f"{url}/{scenario}",
        "project_id": PROJECT,
        "page_size": 5,
    }
    if sign_in:
        found |= {"iam_url": iam or url, "iam_user": "assessor", "iam_domain": "acme", "password_env": PASSWORD_ENV}
    else:
        found["token_env"] = TOKEN_ENV
    return {**found, **extra}


def config(url: str, scenario: str, *, sign_in: bool = False, iam: str | None = None, **extra: Any) -> ModelArtsConfig:
    return collecting.target_config(ModelArtsConfig, fields(url, scenario, sign_in=sign_in, iam=iam, **extra), {})


def collect(cfg: ModelArtsConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(ModelArtsCollector, cfg)


def values(records: dict[str, EvidenceRecord]) -> dict[str, Any]:
    return {probe: r.value for probe, r in records.items()}


# --- figures -------------------------------------------------------------------------------------------------------


def test_figures_match_the_expected_file(server: RecordedHttpServer) -> None:
    records, ctx = collect(config(server.base_url, "acme"))
    assert {p: r.status for p, r in records.items()} == dict.fromkeys(records, EvidenceStatus.ok)
    assert values(records) == EXPECTED
    assert "2 of 7 (28.6%) chain training, evaluation, model registration and deployment" in (
        records[P + "workflows_end_to_end_ratio"].summary
    )
    assert "not: churn-train" in records[P + "workflows_end_to_end_ratio"].summary
    assert "35 of 3400 (1.0%) calls failed" in records[P + "service_failure_ratio"].summary
    assert "ocr-online, reco-online" in records[P + "services_with_traffic_split"].summary
    assert "not: ocr-online" in records[P + "deployed_versions_registered_ratio"].summary
    # every record names the raw answers it was computed from, and they are all stored
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        assert record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
    assert len(records[P + "model_versions_with_run_ratio"].raw_sha256) == 2 + 8  # two list pages, eight versions
    assert records[P + "workflow_executions_in_window"].source.url.endswith(
        f"/acme/v2/{PROJECT}/workflows/{{id}}/executions"
    )


def test_signing_in_with_a_password_asks_iam_once_and_sends_the_issued_token(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(config(server.base_url, "acme", sign_in=True))
    assert values(records) == EXPECTED
    assert (seen[0].method, seen[0].path) == ("POST", "/v3/auth/tokens")
    assert "x-auth-token" not in seen[0].headers
    rest = seen[1:]
    assert {r.headers.get("x-auth-token") for r in rest} == {ISSUED}
    posts = {r.path for r in rest if r.method != "GET"}
    assert posts == {f"/acme/v2/{PROJECT}/training-job-searches"}, "the only other POST is the read-only search"
    assert not server.unmatched


def test_a_pre_issued_token_is_sent_as_x_auth_token(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(config(server.base_url, "acme"))
    assert {r.headers.get("x-auth-token") for r in seen} == {TOKEN}
    assert not [r for r in seen if r.path == "/v3/auth/tokens"]
    assert "authorization" not in {h for r in seen for h in r.headers}


def test_listings_are_paged_as_documented(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(config(server.base_url, "acme"))

    def offsets(path: str) -> list[tuple[str, str]]:
        full = f"/acme{path}"
        return [(r.query.get("offset", ""), r.query.get("limit", "")) for r in seen if r.path == full]

    assert offsets(f"/v2/{PROJECT}/workflows") == [("0", "5"), ("5", "5")], "an item offset"
    assert offsets(f"/v2/{PROJECT}/workflows/wf-01/executions") == [("0", "5"), ("5", "5")]
    assert offsets(f"/v1/{PROJECT}/models") == [("0", "5"), ("1", "5")], "a page index"
    assert offsets(f"/v1/{PROJECT}/services") == [("0", "5"), ("1", "5")]
    services = [r for r in seen if r.path == f"/acme/v1/{PROJECT}/services"]
    assert {r.query["infer_type"] for r in services} == {"real-time"}
    monitored = sorted(r.path.split("/")[-2] for r in seen if r.path.endswith("/monitor"))
    assert monitored == ["s-01", "s-02", "s-04", "s-06"], "only running services have a monitor to read"
    searches = [r for r in seen if r.method == "POST"]
    assert len(searches) == 1, "the training search stops at the first job older than the window"
    assert not server.unmatched


def test_the_window_is_configurable(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme", window_days=15))
    assert records[P + "workflow_executions_in_window"].value == 6  # wf-01 3 and 10 days, wf-02 1 and 5, wf-06 2 and 2
    assert records[P + "training_jobs_in_window"].value == 3  # 1, 3 and 10 days ago
    assert records[P + "service_events_in_window"].value == 6  # s-01 5, 5; s-04 2, 2, 1; s-05 10 days ago
    assert records[P + "workflows"].value == 7, "workflows are not windowed"
    assert "in the last 15 days" in records[P + "workflow_executions_in_window"].summary


def test_name_patterns_narrow_the_scope(server: RecordedHttpServer) -> None:
    cfg = config(server.base_url, "acme", workflows=["reco-*", "risk-*"], models=["ocr-*"], services=["*-online"])
    records, _ = collect(cfg)
    assert records[P + "workflows"].value == 2
    assert records[P + "workflows_end_to_end_ratio"].value == 1.0  # both chain all four stages
    assert (records[P + "registered_model_count"].value, records[P + "model_version_count"].value) == (1, 2)
    assert records[P + "realtime_services"].value == 3
    # served versions are checked against every registered model, whatever the model patterns say
    assert records[P + "deployed_versions_registered_ratio"].value == round(2 / 3, 4)


def test_a_workspace_scopes_the_reads_that_take_one(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(config(server.base_url, "acme", workspace_id="ws-7"))
    asked = {r.path.rsplit("/", 1)[-1]: r.query.get("workspace_id") for r in seen}
    assert asked["workflows"] is None, "ListWorkflows takes no workspace filter"
    assert asked["models"] == asked["services"] == asked["todolist"] == "ws-7"
    assert records[P + "workflows"].value == 0, "the recorded workflows all belong to workspace 0"
    # the recorded models are only served without a workspace filter: here they answer 404
    assert records[P + "model_version_count"].status is EvidenceStatus.error


def test_caps_are_said_in_the_summaries(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme", max_items=3))
    assert records[P + "workflows"].value == 3
    assert "stopped at max_items (3): more workflows exist than were read" in records[P + "workflows"].summary
    records, _ = collect(config(server.base_url, "acme", max_detail_reads=3))
    assert (
        "4 workflows left out: max_detail_reads spent, or deleted since listed"
        in records[P + "workflows_end_to_end_ratio"].summary
    )
    assert records[P + "workflows"].value == 7


# --- faults --------------------------------------------------------------------------------------------------------


def test_each_failing_read_costs_only_its_own_probes(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "partial"))
    status = {probe.removeprefix(P): r.status for probe, r in records.items()}
    ok = {p for p, s in status.items() if s is EvidenceStatus.ok}
    assert ok == {
        "workflows",
        "workflows_with_training_step_ratio",
        "workflows_with_evaluation_step_ratio",
        "workflows_with_model_registration_step_ratio",
        "workflows_with_deployment_step_ratio",
        "workflows_with_data_step_ratio",
        "workflows_end_to_end_ratio",
        "workflow_step_types",
    }
    assert records[P + "workflow_step_types"].value == ["job", "model", "service"], "steps read from the listing"

    def reason(suffix: str) -> str:
        return records[P + suffix].reason or ""

    assert status["workflow_executions_in_window"] is EvidenceStatus.unavailable
    assert "HTTP 500" in reason("workflow_executions_in_window")
    assert status["workflows_with_manual_approval_ratio"] is EvidenceStatus.unavailable
    assert status["workflows_scheduled_ratio"] is EvidenceStatus.error and "JSON" in reason("workflows_scheduled_ratio")
    assert status["training_jobs_in_window"] is EvidenceStatus.unavailable
    assert "rate limited; server asks to retry after 120 s" in reason("training_jobs_in_window")
    assert status["model_version_count"] is EvidenceStatus.unavailable
    assert "no answer within 1 s" in reason("model_version_count")
    for suffix in (
        "realtime_services",
        "deployed_versions_registered_ratio",
        "service_invocations",
        "service_events_in_window",
    ):
        assert status[suffix] is EvidenceStatus.error and "HTTP 401" in reason(suffix), suffix
    for record in records.values():
        assert (record.value is None) == (record.status is not EvidenceStatus.ok)


def test_a_refused_token_fails_the_whole_target_with_one_reason(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(config(server.base_url, "locked"))
    assert {r.status for r in records.values()} == {EvidenceStatus.error}
    assert {r.reason for r in records.values()} == {
        f"workflows: HTTP 401 from {server.base_url}/locked/v2/{PROJECT}/workflows: not authorised "
        "(check the token named in the targets file)"
    }
    assert len(seen) == 1, "nothing more is asked once the token is refused"


def test_a_listing_that_ignores_the_offset_ends(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(config(server.base_url, "stuck"))
    assert records[P + "workflows"].value == 2
    assert "stopped after 1 pages: the server sent page 1 again" in records[P + "workflows"].summary
    assert len([r for r in seen if r.path == f"/stuck/v2/{PROJECT}/workflows"]) == 2


def test_an_unreachable_endpoint_makes_every_probe_unavailable() -> None:
    records, _ = collect(config(f"http://127.0.0.1:{free_port()}", "acme"))
    assert {r.status for r in records.values()} == {EvidenceStatus.unavailable}
    assert "cannot connect" in (records[P + "workflows"].reason or "")


def test_iam_faults_fail_the_whole_target(server: RecordedHttpServer) -> None:
    cases = [
        (
            [Route("POST", "/v3/auth/tokens", None, status=401, bodies=(b'{"error": {"code": 401}}',))],
            EvidenceStatus.error,
            "IAM refused the sign-in of assessor (HTTP 401",
        ),
        (
            [Route("POST", "/v3/auth/tokens", None, status=201, bodies=(b'{"token": {}}',))],
            EvidenceStatus.error,
            "IAM answered without an X-Subject-Token header",
        ),
        (
            [Route("POST", "/v3/auth/tokens", None, status=503, bodies=(b"busy",))],
            EvidenceStatus.unavailable,
            "HTTP 503",
        ),
        (
            [Route("POST", "/v3/auth/tokens", None, status=201, headers={"X-Subject-Token": "abc"}, bodies=(b"{}",))],
            EvidenceStatus.error,
            "shorter than 4 characters",
        ),
    ]
    for routes, status, words in cases:
        with RecordedHttpServer(routes) as iam, server.recording() as seen:
            records, _ = collect(config(server.base_url, "acme", sign_in=True, iam=iam.base_url))
        assert {r.status for r in records.values()} == {status}, words
        reason = records[P + "workflows"].reason or ""
        assert reason.startswith("IAM token: ") and words in reason, reason
        assert not seen, "ModelArts is not asked without a token"


def test_secrets_appear_nowhere(server: RecordedHttpServer, tmp_path: Path) -> None:
    collection = collecting.collect_targets(
        ModelArtsCollector,
        config(server.base_url, "acme", sign_in=True),
        config(server.base_url, "partial"),
        config(server.base_url, "locked"),
    )
    # the secrets were in play: the tokens went out, and the servers echoed them back
    assert any(r.headers.get("x-auth-token") == TOKEN for r in server.seen("/locked/"))
    assert any(r.headers.get("x-auth-token") == ISSUED for r in server.seen("/acme/"))
    write_bundle(tmp_path, collection)
    written = b"".join(p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file())
    assert b"token *** verify failed" in written, "the echoed X-Auth-Token is masked"
    assert b'"audit_ids": ["***"]' in written, "the IAM answer is stored with the echoed X-Subject-Token masked"
    for secret in (TOKEN, ISSUED, PASSWORD):
        assert secret.encode() not in written
        for record in collection.records:
            assert secret not in record.model_dump_json()


# --- the real command ----------------------------------------------------------------------------------------------


def test_the_cli_collects_a_bundle_without_secrets(server: RecordedHttpServer, run_cli: RunCli, tmp_path: Path) -> None:
    targets = {
        "targets": [
            fields(server.base_url, "acme", sign_in=True, timeout_s=2, retries=0),
            fields(server.base_url, "partial", timeout_s=1, retries=0),
            fields(server.base_url, "locked", timeout_s=1, retries=0),
        ]
    }
    targets_file = tmp_path / "targets.yaml"
    targets_file.write_text(yaml.safe_dump(targets), encoding="utf-8")
    out = run_cli("collect", targets_file, "-o", tmp_path / "bundle", env={TOKEN_ENV: TOKEN, PASSWORD_ENV: PASSWORD})
    assert out.returncode == 0, out.stderr
    lines = (tmp_path / "bundle" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    by_target: dict[str, dict[str, dict[str, Any]]] = {}
    for record in records:
        by_target.setdefault(record["target"], {})[record["probe"]] = record
    assert {p: r["value"] for p, r in by_target["acme-password"].items()} == EXPECTED
    assert {r["status"] for r in by_target["locked-token"].values()} == {"error"}
    assert by_target["partial-token"][P + "workflows"]["value"] == 1
    assert by_target["partial-token"][P + "training_jobs_in_window"]["status"] == "unavailable"
    verify = run_cli("evidence", "verify", tmp_path / "bundle")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    written = b"".join(p.read_bytes() for p in sorted((tmp_path / "bundle").rglob("*")) if p.is_file())
    for secret in (TOKEN, ISSUED, PASSWORD):
        assert secret.encode() not in written
        assert secret not in out.stdout + out.stderr


# --- parsing and rules -----------------------------------------------------------------------------------------------


def test_times_in_both_documented_forms_are_read() -> None:
    moment = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC)
    stamp = int(moment.timestamp() * 1000)
    assert to_time(stamp) == moment and to_time(str(stamp)) == moment
    assert to_time("2026-05-01T10:00:00Z") == moment
    assert to_time("2026-05-01T18:00:00.123456+08:00") == moment
    assert to_time("2026-05-01 10:00:00") == moment
    for bad in (None, True, "", "soon", 12, "2026-13-40T00:00:00Z", float("nan"), {"at": stamp}):
        assert to_time(bad) is None, bad


def test_step_kinds_are_recognised_from_the_documented_step_types() -> None:
    workflow = Workflow.model_validate(
        {
            "workflow_id": "w",
            "steps": [
                {"type": "job", "name": "train"},
                {"type": "job", "name": "holdout", "title": "模型评估"},
                {"type": "model", "name": "m"},
                {"type": "dataset_import", "name": "d"},
            ],
        }
    )
    assert stages(workflow) == {
        "training": True,
        "evaluation": True,
        "registration": True,
        "deployment": False,
        "data": True,
    }
    only_eval = Workflow.model_validate({"workflow_id": "w", "steps": [{"type": "job", "name": "evaluate"}]})
    assert stages(only_eval)["training"] is False and stages(only_eval)["evaluation"] is True
    service = Service.model_validate({"service_id": "s", "config": [{"model_id": "m", "weight": "30"}]})
    assert service.config is not None and service.config[0].weight == 30.0


# --- configuration ---------------------------------------------------------------------------------------------------


def test_config_defaults_and_refusals() -> None:
    base = {
        "collector": "modelarts",
        "name": "ma",
        "url": "https://modelarts.cn-north-4.myhuaweicloud.com/",
        "project_id": PROJECT,
    }
    cfg = ModelArtsConfig.model_validate(base)
    assert (cfg.url, cfg.window_days, cfg.workflows, cfg.signs_in, cfg.page_size) == (
        "https://modelarts.cn-north-4.myhuaweicloud.com",
        90,
        [],
        False,
        50,
    )
    iam = {"iam_url": "https://iam.cn-north-4.myhuaweicloud.com", "iam_user": "assessor", "iam_domain": "acme"}
    assert ModelArtsConfig.model_validate({**base, **iam, "password_env": PASSWORD_ENV}).signs_in
    bad: list[dict[str, Any]] = [
        {"project_id": "a/b"},
        {**iam},  # no password
        {"password_env": PASSWORD_ENV},  # no IAM user
        {**iam, "password_env": PASSWORD_ENV, "token_env": TOKEN_ENV},  # two ways
        {**iam, "password_env": PASSWORD_ENV, "iam_url": "https://iam.example/v3?x=1"},
        {"username": "assessor", "token_env": TOKEN_ENV},
        {"token": TOKEN},
        {"password": PASSWORD},
        {"window_days": 0},
        {"page_size": 51},
    ]
    for extra in bad:
        with pytest.raises(ValidationError) as caught:
            ModelArtsConfig.model_validate({**base, **extra})
        assert TOKEN not in str(caught.value) and PASSWORD not in str(caught.value)


def test_probe_catalogue_is_complete_and_shares_the_mlflow_suffixes() -> None:
    collecting.assert_catalogue_complete(ModelArtsCollector, P)
    assert set(EXPECTED) == set(ModelArtsCollector.probe_ids())
    assert ModelArtsCollector.system == "modelarts"
    mlflow = {p.removeprefix("mlflow.") for p in MlflowCollector.probe_ids()}
    shared = {p.removeprefix(P) for p in ModelArtsCollector.probe_ids()} & mlflow
    assert shared == {
        "registered_model_count",
        "model_version_count",
        "model_versions_with_run_ratio",
        "model_versions_with_description_ratio",
    }
    for spec in ModelArtsCollector.probes:
        assert spec.implementation.startswith(("GET /v", "POST /v")), spec.id  # each names its endpoint first

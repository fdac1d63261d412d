"""`collect`, `evidence verify` and `assess --evidence` run as a user runs them, against real systems.

Targets: a real git repository, a real Prometheus, recorded GitHub responses over real HTTP, and four faulty
services (connection refused, a hang past the timeout, invalid JSON, a 401). The faults cost only their own evidence;
the token given through the environment appears in no output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.collectors.git_support import RepoBuilder
from tests.collectors.prometheus_support import PrometheusServer, start_prometheus
from tests.conftest import RunCli
from tests.support.recorded_http import RecordedHttpServer, Route
from tests.support.servers import free_port, require_binary

TOKEN = "tok-E2E-9f8e7d6c5b4a3f2e1d0c"
ENV = {"MM_E2E_TOKEN": TOKEN}
GITHUB_FIXTURES = Path(__file__).parent / "collectors" / "fixtures" / "github" / "routes.yaml"


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    server = start_prometheus(require_binary("prometheus"), tmp_path_factory.mktemp("prometheus"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def github() -> Iterator[RecordedHttpServer]:
    with RecordedHttpServer.from_manifest(GITHUB_FIXTURES) as server:
        yield server


@pytest.fixture(scope="module")
def faulty() -> Iterator[RecordedHttpServer]:
    routes = [
        Route(method="GET", path="/hang/api/v1/status/buildinfo", query=None, delay_s=5.0, bodies=(b"{}",)),
        Route(method="GET", path="/garbage/api/v1/status/buildinfo", query=None, bodies=(b"<html>not json",)),
    ]
    with RecordedHttpServer(routes) as server:
        yield server


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repos") / "reco-service"
    builder = RepoBuilder(root)
    builder.commit(
        "REC-1 initial service",
        {
            ".gitlab-ci.yml": "test:\n  script:\n    - pip install -r requirements.txt\n    - pytest -q tests\n",
            "requirements.txt": "numpy==2.1.0\nscikit-learn==1.5.2\n",
            "tests/test_model.py": "def test_predict():\n    assert 1 + 1 == 2\n",
            "Dockerfile": "FROM python:3.11-slim@sha256:" + "a" * 64 + "\n",
        },
        days_ago=3,
    )
    return root


@pytest.fixture(scope="module")
def collected(
    tmp_path_factory: pytest.TempPathFactory,
    run_cli: RunCli,
    repo: Path,
    prometheus: PrometheusServer,
    github: RecordedHttpServer,
    faulty: RecordedHttpServer,
) -> tuple[Path, object]:
    work = tmp_path_factory.mktemp("collect")
    fast = {"timeout_s": 1.0, "retries": 0}
    targets = {
        "targets": [
            {"collector": "git", "name": "reco-service", "path": str(repo)},
            {"collector": "prometheus", "name": "monitoring", "url": prometheus.url},
            {
                "collector": "github",
                "name": "gh-ok",
                "url": github.base_url,
                "repository": "acme/model-service",
                "token_env": "MM_E2E_TOKEN",
                **fast,
            },
            {
                "collector": "github",
                "name": "gh-401",
                "url": github.base_url,
                "repository": "acme/locked",
                "token_env": "MM_E2E_TOKEN",
                **fast,
            },
            {
                "collector": "grafana",
                "name": "refused",
                "url": f"http://127.0.0.1:{free_port()}",
                "token_env": "MM_E2E_TOKEN",
                **fast,
            },
            {"collector": "prometheus", "name": "hanging", "url": f"{faulty.base_url}/hang", **fast},
            {"collector": "prometheus", "name": "garbage", "url": f"{faulty.base_url}/garbage", **fast},
        ]
    }
    targets_file = work / "targets.yaml"
    targets_file.write_text(yaml.safe_dump(targets), encoding="utf-8")
    out = run_cli("collect", targets_file, "-o", work / "bundle", env=ENV)
    return work, out


def _records(bundle: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in (bundle / "records.jsonl").read_text(encoding="utf-8").splitlines()]


def test_collection_completes_and_faults_cost_only_their_own_evidence(collected) -> None:  # type: ignore[no-untyped-def]
    work, out = collected
    assert out.returncode == 0, out.stderr
    records = _records(work / "bundle")
    by_target: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for r in records:
        by_target.setdefault(r["target"], []).append(r)
    assert set(by_target) == {"reco-service", "monitoring", "gh-ok", "gh-401", "refused", "hanging", "garbage"}
    statuses = {t: {r["status"] for r in rs} for t, rs in by_target.items()}
    assert statuses["reco-service"] == {"ok"}
    assert statuses["gh-ok"] == {"ok"}
    assert "ok" in statuses["monitoring"]
    assert statuses["refused"] == {"unavailable"}
    assert statuses["hanging"] == {"unavailable"}
    assert statuses["garbage"] == {"error"}
    assert statuses["gh-401"] == {"error"}
    assert all("401" in r["reason"] for r in by_target["gh-401"])
    assert all("no answer within 1 s" in r["reason"] for r in by_target["hanging"])
    git = {r["probe"]: r for r in by_target["reco-service"]}
    assert git["git.ci_runs_tests"]["value"] is True
    assert git["git.test_cases"]["value"] == 1
    for r in records:
        assert r["collected_at"].endswith("Z") or r["collected_at"].endswith("+00:00")
        if r["status"] == "ok":
            assert r["raw_sha256"], r["probe"]


def test_bundle_verifies_and_detects_tampering(collected, run_cli: RunCli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    work, _ = collected
    ok = run_cli("evidence", "verify", work / "bundle")
    assert ok.returncode == 0 and ok.stdout.startswith("ok ")
    info = json.loads((work / "bundle" / "bundle.json").read_text(encoding="utf-8"))
    assert info["complete"] is True and info["records"] == len(_records(work / "bundle"))
    assert {t["state"] for t in info["collection"]} == {"collected"} and len(info["collection"]) == 7
    copy = tmp_path / "copy"
    shutil.copytree(work / "bundle", copy)
    raw = sorted((copy / "raw").iterdir())[0]
    raw.write_bytes(raw.read_bytes() + b" ")
    bad = run_cli("evidence", "verify", copy)
    assert bad.returncode == 1 and f"altered: raw/{raw.name}" in bad.stderr


def test_the_token_appears_in_no_output(collected) -> None:  # type: ignore[no-untyped-def]
    work, out = collected
    assert TOKEN not in out.stdout and TOKEN not in out.stderr
    for path in (work / "bundle").rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def _framework_with_expectations(part2_path: Path, work: Path) -> tuple[Path, dict[str, str]]:
    data = yaml.safe_load(part2_path.read_text(encoding="utf-8"))
    data["version"] = "2099.1"
    reqs = {r["id"]: r for d in data["domains"] for s in d["subdomains"] for i in s["items"] for r in i["requirements"]}
    for r in reqs.values():  # only the checks below, so the figures are known
        r.pop("expectations", None)
        r.pop("expectation_mode", None)
        r.pop("verification", None)
    chosen = {"tests": "P2.MT.TE.03.R01", "protected": "P2.CM.VM.02.R04", "alerts": "P2.DR.RL.01.R01"}
    reqs[chosen["tests"]]["expectations"] = [{"probe": "git.test_cases", "op": ">=", "value": 1}]
    reqs[chosen["protected"]]["expectations"] = [
        {
            "any_of": [
                {"probe": "github.default_branch_protected", "op": "==", "value": True},
                {"probe": "gitlab.default_branch_protected", "op": "==", "value": True},
            ]
        },
        {"probe": "github.default_branch_required_approvals", "op": ">=", "value": 5},
    ]
    reqs[chosen["alerts"]]["expectations"] = [{"probe": "grafana.alert_rules", "op": ">=", "value": 1}]
    path = work / "framework.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, chosen


def test_assess_with_evidence(collected, run_cli: RunCli, part2, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    work, _ = collected
    framework, chosen = _framework_with_expectations(part2.path, tmp_path)
    questionnaire = tmp_path / "answers.yaml"
    assert run_cli("init", framework, "-o", questionnaire).returncode == 0
    text = questionnaire.read_text(encoding="utf-8")
    for rid, status in ((chosen["tests"], "not_met"), (chosen["protected"], "met")):
        text = text.replace(f"  {rid}:\n    status:\n", f"  {rid}:\n    status: {status}\n")
    questionnaire.write_text(text, encoding="utf-8")

    out = run_cli("assess", questionnaire, "--framework", framework, "--evidence", work / "bundle", "-f", "json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    outcomes = {o["id"]: o for o in result["requirements"]}
    assert outcomes[chosen["tests"]]["status"] == "met" and outcomes[chosen["tests"]]["source"] == "evidence"
    assert outcomes[chosen["protected"]]["status"] == "not_met"  # protected, but fewer than 5 approvals required
    assert outcomes[chosen["alerts"]]["status"] == "unknown"  # Grafana was unreachable: undecided, not "not met"
    assert {(c["requirement"], c["manual"], c["evidence"]) for c in result["conflicts"]} == {
        (chosen["tests"], "not_met", "met"),
        (chosen["protected"], "met", "not_met"),
    }
    verify = run_cli("evidence", "verify", work / "bundle").stdout
    assert result["evidence"]["manifest_sha256"] in verify
    assert result["evidence"]["decided"] == 2

    audit = json.loads(run_cli("assess", questionnaire, "--framework", framework, "--audit", "-f", "json").stdout)
    assert {o["id"]: o["status"] for o in audit["requirements"]}[chosen["protected"]] == "unknown"


def test_assessment_file_names_its_bundle(collected, run_cli: RunCli, part2, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    work, _ = collected
    framework, chosen = _framework_with_expectations(part2.path, tmp_path)
    shutil.copytree(work / "bundle", tmp_path / "evidence")
    questionnaire = tmp_path / "answers.yaml"
    run_cli("init", framework, "-o", questionnaire)
    text = questionnaire.read_text(encoding="utf-8").replace("evidence_bundle: null", "evidence_bundle: evidence")
    questionnaire.write_text(text, encoding="utf-8")
    result = json.loads(run_cli("assess", questionnaire, "--framework", framework, "-f", "json").stdout)
    assert result["evidence"]["decided"] == 2
    assert {o["id"]: o["source"] for o in result["requirements"]}[chosen["tests"]] == "evidence"

"""`mlops-maturity collect` in a subprocess against a hostile neighbourhood on 127.0.0.1, next to a healthy Grafana:
the collection ends in bounded time and memory, no encoding of the token appears in any file of the bundle nor on
stdout or stderr, every hostile target is recorded `unavailable` (or `error`) with its reason, and the healthy target's
evidence is complete."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.collectors.grafana_support import FakeGrafana
from tests.conftest import cli_path
from tests.support.hostile import (
    HostileHandler,
    HostileServer,
    announced,
    answer,
    credential_forms,
    drip,
    echo,
    echo_redirect,
    gzip_bomb,
    leaks,
    rate_limited,
)
from tests.support.memory import wait_with_peak

TOKEN = "cli/T0k+en=Q~z&hostile"
USER = "auditor"
ENV = "HOSTILE_CLI_TOKEN"
FORMS = credential_forms(TOKEN, f"{USER}:{TOKEN}")
MAX_RSS_MB = 500


def run_collect(targets: Path, out: Path, workdir: Path) -> tuple[int, str, str, float, float]:
    """Run the CLI; return exit code, stdout, stderr, seconds taken and the child's peak RSS in MB."""
    env = {**os.environ, ENV: TOKEN, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    stdout, stderr = workdir / "stdout.txt", workdir / "stderr.txt"
    start = time.monotonic()
    with stdout.open("wb") as out_file, stderr.open("wb") as err_file:
        process = subprocess.Popen(
            [cli_path(), "collect", str(targets), "-o", str(out)], stdout=out_file, stderr=err_file, env=env
        )
        code, peak_mb = wait_with_peak(process, timeout_s=120)
    took = time.monotonic() - start
    return code, stdout.read_text(), stderr.read_text(), took, peak_mb


def test_collect_survives_hostile_servers_and_keeps_the_healthy_target(tmp_path: Path) -> None:
    with (
        FakeGrafana(token=TOKEN) as grafana,
        HostileServer() as home,
        HostileServer() as elsewhere,
        HostileServer() as slow,
        HostileServer() as bomb,
        HostileServer() as huge,
        HostileServer() as limited,
    ):
        home.routes.update({"/landing": echo(), "/api/v4/": echo_redirect(f"{elsewhere.url}/landing")})
        home.routes["/job/"] = echo_redirect(f"{home.url}/landing")
        home.routes["/api/json"] = echo_redirect(f"{home.url}/landing")
        elsewhere.routes["/landing"] = echo()
        slow.routes["/"] = drip(b'{"status": "success", "data": {}}' + b" " * 100, every_s=0.5, in_headers=True)
        bomb.routes["/"] = gzip_bomb(1024**3)
        huge.routes["/"] = announced(10 * 1024**3)
        limited.routes["/"] = rate_limited("99999")
        quick = {"token_env": ENV, "timeout_s": 2, "retries": 1}
        targets = [
            {"collector": "grafana", "name": "healthy-grafana", "url": grafana.url, **quick},
            {"collector": "jenkins", "name": "echoing-jenkins", "url": home.url, "username": USER, **quick},
            {"collector": "gitlab", "name": "redirecting-gitlab", "url": home.url, "project": "ml/app", **quick},
            {
                "collector": "prometheus",
                "name": "dripping-prometheus",
                "url": slow.url,
                "request_deadline_s": 3,
                **quick,
            },
            {"collector": "mlflow", "name": "bomb-mlflow", "url": bomb.url, "username": USER, **quick},
            {"collector": "github", "name": "huge-github", "url": huge.url, "repository": "acme/app", **quick},
            {"collector": "prometheus", "name": "limited-prometheus", "url": limited.url, **quick},
        ]
        targets_file = tmp_path / "targets.yaml"
        targets_file.write_text(yaml.safe_dump({"targets": targets}), encoding="utf-8")
        out = tmp_path / "bundle"
        code, stdout, stderr, took, peak_mb = run_collect(targets_file, out, tmp_path)

        assert elsewhere.seen, "the cross-origin redirects were followed"
        assert not [s for s in elsewhere.seen if "private-token" in {k.lower() for k in s.headers}]
        assert not [s for s in elsewhere.seen if leaks(json.dumps(s.headers) + s.target, FORMS)]

    print(f"collect: exit {code}, {took:.1f} s, peak RSS {peak_mb:.0f} MB")
    assert code == 0, stderr
    assert took < 60, f"collect took {took:.1f} s"
    assert peak_mb < MAX_RSS_MB, f"peak RSS {peak_mb:.0f} MB"

    outputs = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    outputs |= {"<stdout>": stdout.encode(), "<stderr>": stderr.encode()}
    assert any(b'"echo"' in data for data in outputs.values()), "the echoed headers were kept, masked"
    for name, data in outputs.items():
        assert not leaks(data, FORMS), f"{name} leaks {leaks(data, FORMS)}"

    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines() if line.strip()]
    by_target: dict[str, list[dict[str, object]]] = {}
    for record in records:
        by_target.setdefault(str(record["target"]), []).append(record)
    assert all(r["status"] == "ok" for r in by_target["healthy-grafana"])

    def reasons(name: str) -> set[str]:
        return {str(r["reason"]) for r in by_target[name] if r["status"] != "ok"}

    assert all(r["status"] == "unavailable" for r in by_target["dripping-prometheus"])
    assert any("no complete answer within 3 s" in r for r in reasons("dripping-prometheus"))
    assert all(r["status"] == "unavailable" for r in by_target["bomb-mlflow"])
    assert any("once decompressed" in r for r in reasons("bomb-mlflow"))
    assert any("response larger than 50 MB" in r for r in reasons("huge-github"))
    assert all(r["status"] == "unavailable" for r in by_target["limited-prometheus"])
    assert any("rate limited; server asks to retry after 99999 s" in r for r in reasons("limited-prometheus"))


def test_collect_and_show_report_malformed_answers_and_unusable_credentials_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that plays the token back as its version and answers with terminal escapes, JSON Python cannot hold,
    a credential file that is a pipe, a credential too short to mask: `collect` and `evidence show` end normally,
    every fault is a record with its reason, and neither the token nor an escape reaches the terminal."""
    escapes = "\x1b]8;;http://evil.invalid\x07here\x1b]8;;\x07 \x1b[2J\u202eexe.txt"

    def version_echo(h: HostileHandler) -> None:
        token = h.headers.get("Authorization", "").removeprefix("Bearer ")
        h.send(200, json.dumps({"status": "success", "data": {"version": token, "revision": "x"}}).encode())

    os.mkfifo(tmp_path / "token-pipe")
    with HostileServer() as echoing, HostileServer() as digits:
        echoing.routes["/"] = answer({"status": "error", "errorType": "bad_data", "error": escapes})
        echoing.routes["/api/v1/status/buildinfo"] = version_echo
        digits.routes["/"] = lambda h: h.send(200, b'{"experiments": [], "next_page_token": ' + b"9" * 100_000 + b"}")
        quick = {"timeout_s": 2, "retries": 0}
        targets = [
            {"collector": "prometheus", "name": "echoing-prometheus", "url": echoing.url, "token_env": ENV, **quick},
            {"collector": "mlflow", "name": "digits-mlflow", "url": digits.url, **quick},
            {"collector": "jenkins", "name": "piped-jenkins", "url": digits.url, "username": USER, **quick}
            | {"token_file": "token-pipe"},
            {"collector": "github", "name": "short-github", "url": digits.url, "repository": "a/b", **quick}
            | {"token_env": "HOSTILE_CLI_SHORT"},
        ]
        targets_file = tmp_path / "targets.yaml"
        targets_file.write_text(yaml.safe_dump({"targets": targets}), encoding="utf-8")
        out = tmp_path / "bundle"
        monkeypatch.setenv("HOSTILE_CLI_SHORT", "abc")
        code, stdout, stderr, took, _ = run_collect(targets_file, out, tmp_path)
    assert code == 0, stderr
    assert took < 60
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1", "TERM": "dumb"}
    shown = [
        subprocess.run([cli_path(), "evidence", "show", str(out), *fmt], capture_output=True, env=env, timeout=60)
        for fmt in ([], ["--format", "json"])
    ]
    outputs = {"collect stdout": stdout, "collect stderr": stderr}
    outputs |= {
        f"show {n} {stream}": getattr(s, stream).decode()
        for n, s in enumerate(shown)
        for stream in ("stdout", "stderr")
    }
    assert all(s.returncode == 0 for s in shown), [s.stderr.decode()[-2000:] for s in shown]
    for name, text in outputs.items():
        assert "Traceback" not in text and "collector failed" not in text, f"{name}: {text[-2000:]}"
        assert not leaks(text, FORMS), f"{name} leaks {leaks(text, FORMS)}"
        assert not any(c in text for c in "\x1b\x07\u202e"), f"{name} carries terminal escapes"
    for path in out.rglob("*"):
        if path.is_file():
            assert not leaks(path.read_bytes(), FORMS), f"{path} leaks"

    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines() if line.strip()]
    reasons = {(r["target"], r["status"], r["reason"].split(" from ")[0]) for r in records if r["status"] != "ok"}
    version = next(r for r in records if r["probe"] == "prometheus.version")
    assert version["status"] == "ok" and version["value"] == "***"
    assert any(t == "digits-mlflow" and "invalid JSON" in why for t, _, why in reasons), reasons
    assert any(t == "piped-jenkins" and s == "error" and "is not a regular file" in why for t, s, why in reasons)
    assert any(t == "short-github" and s == "error" and "shorter than 4 characters" in why for t, s, why in reasons)


FEAST_SECRET = "feast-env-SECRET-9f8e7d6c5b4a"
PASSWORD = "iam-cli-Pa55/word+x"


def test_collect_survives_hostile_clusters_orchestrators_clouds_and_feature_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newer collectors through the real command line: an echoing Kubernetes API, an Airflow whose v2 probe
    redirects to another origin with the credential in the query, a dripping KFP, an IAM that plays the password
    back beside a rate-limited ModelArts, and a Feast repository whose feature_store.yaml pulls a secret of the
    environment into its project. No secret reaches any output; every hostile record says why it has no value."""
    repo = tmp_path / "feature-repo"
    repo.mkdir()
    (repo / "feature_store.yaml").write_text(
        "project: ${HOSTILE_CLI_FEAST}\nregistry: data/registry.db\nonline_store:\n  type: $HOSTILE_CLI_FEAST\n"
    )

    def iam(h: HostileHandler) -> None:
        h.send(201, json.dumps({"token": {"echo": json.loads(h.body)}}).encode(), headers={"X-Subject-Token": TOKEN})

    with (
        HostileServer() as cluster,
        HostileServer() as airflow,
        HostileServer() as elsewhere,
        HostileServer() as kfp,
        HostileServer() as cloud,
    ):
        cluster.routes["/"] = echo()
        airflow.routes["/"] = echo_redirect(f"{elsewhere.url}/landing")
        elsewhere.routes["/landing"] = echo()
        kfp.routes["/"] = drip(b'{"pipelines": []}' + b" " * 100, every_s=0.5, in_headers=True)
        cloud.routes["/v3/auth/tokens"] = iam
        cloud.routes["/v"] = rate_limited("99999")
        quick = {"timeout_s": 2, "retries": 1}
        targets: list[dict[str, Any]] = [
            {"collector": "kubernetes", "name": "echoing-cluster", "url": cluster.url, "token_env": ENV, **quick},
            {"collector": "airflow", "name": "redirecting-airflow", "url": airflow.url, "username": USER}
            | {"token_env": ENV, **quick},
            {"collector": "kubeflow", "name": "dripping-kfp", "url": kfp.url, "token_env": ENV}
            | {**quick, "request_deadline_s": 2, "retries": 0},
            {"collector": "modelarts", "name": "limited-cloud", "url": cloud.url, "project_id": "0a1b2c3d"}
            | {"iam_url": cloud.url, "iam_user": "auditor", "iam_domain": "acme", "password_env": "HOSTILE_CLI_PW"}
            | quick,
            {"collector": "feast", "name": "env-feast", "path": str(repo)},
        ]
        targets_file = tmp_path / "targets.yaml"
        targets_file.write_text(yaml.safe_dump({"targets": targets}), encoding="utf-8")
        out = tmp_path / "bundle"
        monkeypatch.setenv("HOSTILE_CLI_FEAST", FEAST_SECRET)
        monkeypatch.setenv("HOSTILE_CLI_PW", PASSWORD)
        code, stdout, stderr, took, peak_mb = run_collect(targets_file, out, tmp_path)
        assert elsewhere.seen, "the cross-origin redirect was followed"
        assert not [s for s in elsewhere.seen if leaks(json.dumps(s.headers) + s.target, FORMS)]
        assert cloud.hits("/v3/auth/tokens") == 1

    assert code == 0, stderr
    assert took < 60 and peak_mb < MAX_RSS_MB
    forms = FORMS | credential_forms(FEAST_SECRET, PASSWORD)
    outputs = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    outputs |= {"<stdout>": stdout.encode(), "<stderr>": stderr.encode()}
    for name, data in outputs.items():
        assert not leaks(data, forms), f"{name} leaks {leaks(data, forms)}"
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines() if line.strip()]
    assert {r["target"] for r in records} == {t["name"] for t in targets}
    for record in records:
        assert "collector failed" not in record["reason"], record
        if record["target"] != "env-feast" or record["probe"] == "feast.projects":
            assert record["status"] in ("unavailable", "error") and record["reason"], record
    reasons = {r["target"]: r["reason"] for r in records if r["status"] != "ok"}
    assert "no complete answer within 2 s" in reasons["dripping-kfp"]
    assert "rate limited; server asks to retry after 99999 s" in reasons["limited-cloud"]
    online = next(r for r in records if r["probe"] == "feast.online_store_type")
    assert online["value"] == "***"

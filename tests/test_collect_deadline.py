"""`collect` against a target that hangs forever, run as a user runs it: the deadline, SIGINT/SIGTERM and SIGKILL.

The healthy target is a real git repository; the hung one is a Prometheus target whose server sends response headers
and then one byte at a time, forever, so no per-read timeout fires. Whatever stops the collection, the healthy
target's evidence stays in the bundle and the bundle says what is missing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.collectors.git_support import RepoBuilder
from tests.conftest import RunCli, cli_path
from tests.support.local_http import LocalServer, QuietHandler

BOUND_S = 60  # generous: proves termination, not speed


class TrickleHandler(QuietHandler):
    """Headers, then a byte every 0.2 s until the server closes: a hung service no read timeout notices."""

    def do_GET(self) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            while not self.server.owner.release.wait(0.2):  # type: ignore[attr-defined]
                self.wfile.write(b" ")
                self.wfile.flush()
        except OSError:  # the collector went away
            return


@pytest.fixture(scope="module")
def hung_url() -> Iterator[str]:
    server = LocalServer(TrickleHandler, name="trickle")
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def targets_file(tmp_path_factory: pytest.TempPathFactory, hung_url: str) -> Path:
    work = tmp_path_factory.mktemp("targets")
    RepoBuilder(work / "repo").commit("REC-1 first", {"tests/test_model.py": "def test_x():\n    pass\n"})
    targets = {
        "targets": [
            {"collector": "git", "name": "healthy", "path": str(work / "repo")},
            {"collector": "prometheus", "name": "hung", "url": hung_url, "timeout_s": 300, "retries": 0},
        ]
    }
    path = work / "targets.yaml"
    path.write_text(yaml.safe_dump(targets), encoding="utf-8")
    return path


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def _start(targets: Path, bundle: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [cli_path(), "collect", str(targets), "-o", str(bundle), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _wait_for_healthy(bundle: Path, proc: subprocess.Popen[str]) -> None:
    """Until bundle.json says the healthy target is on disk (the hung one never finishes)."""
    end = time.monotonic() + BOUND_S
    while time.monotonic() < end:
        assert proc.poll() is None, proc.communicate()
        try:
            info = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            info = {}
        if any(t["name"] == "healthy" and t["state"] == "collected" for t in info.get("collection", [])):
            return
        time.sleep(0.1)
    proc.kill()
    pytest.fail("the healthy target was never written")


def _records(bundle: Path) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    by: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for line in (bundle / "records.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by.setdefault(record["target"], []).append(record)
    return by


def test_the_deadline_ends_the_collection_and_keeps_the_healthy_evidence(
    targets_file: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    bundle = tmp_path / "bundle"
    proc = _start(targets_file, bundle, "--deadline", "5")
    try:
        out, err = proc.communicate(timeout=BOUND_S)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    by = _records(bundle)
    assert {r["status"] for r in by["healthy"]} == {"ok"}
    assert {r["probe"] for r in by["healthy"]} >= {"git.test_cases", "git.head_commit"}
    assert by["hung"] and {r["status"] for r in by["hung"]} == {"unavailable"}
    assert {r["reason"] for r in by["hung"]} == {"collection deadline of 5 s reached before this target finished"}
    assert "deadline of 5 s reached: hung recorded as unavailable" in err
    assert "wrote " in out and "Traceback" not in err
    verified = run_cli("evidence", "verify", bundle)
    assert verified.returncode == 0, verified.stderr  # a deadline-cut target is evidence too: unavailable, complete


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_an_interrupted_collection_seals_what_is_done(
    targets_file: Path, tmp_path: Path, run_cli: RunCli, sig: signal.Signals, code: int
) -> None:
    bundle = tmp_path / "bundle"
    proc = _start(targets_file, bundle, "--deadline", "0")
    try:
        _wait_for_healthy(bundle, proc)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=BOUND_S)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert f"interrupted by {sig.name}" in err and "not collected: hung" in err and "Traceback" not in err
    by = _records(bundle)
    assert set(by) == {"healthy"} and {r["status"] for r in by["healthy"]} == {"ok"}
    assert (bundle / "MANIFEST.sha256").is_file()

    verified = run_cli("evidence", "verify", bundle)
    assert verified.returncode == 1
    assert f"incomplete: collection interrupted by {sig.name}" in verified.stderr
    assert f"not collected: hung (prometheus): collection interrupted by {sig.name}" in verified.stderr
    assert "altered" not in verified.stderr and "inconsistent" not in verified.stderr  # sealed: nothing else wrong


def test_a_killed_collection_leaves_readable_evidence_and_verify_names_what_is_missing(
    targets_file: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    bundle = tmp_path / "bundle"
    proc = _start(targets_file, bundle, "--deadline", "0")
    try:
        _wait_for_healthy(bundle, proc)
        proc.kill()
        proc.communicate(timeout=BOUND_S)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert not (bundle / "MANIFEST.sha256").exists()

    verified = run_cli("evidence", "verify", bundle)
    assert verified.returncode == 1
    assert "incomplete: collection did not finish (the process stopped before it could write the manifest)" in (
        verified.stderr
    )
    assert "not collected: hung (prometheus): still pending" in verified.stderr
    assert "inconsistent" not in verified.stderr and "unreadable" not in verified.stderr

    shown = run_cli("evidence", "show", bundle, "-f", "json")
    assert shown.returncode == 0, shown.stderr
    assert {r["target"] for r in json.loads(shown.stdout)} == {"healthy"}
    assert "is incomplete (the collection did not finish); not collected: hung" in shown.stderr

    answers = tmp_path / "answers.yaml"
    assert run_cli("init", "caict-mlops-p1", "-o", answers).returncode == 0
    refused = run_cli("assess", answers, "--evidence", bundle)
    assert refused.returncode == 2
    assert "incomplete evidence bundle" in refused.stderr and "not collected: hung" in refused.stderr
    assert "Traceback" not in verified.stderr + shown.stderr + refused.stderr


def test_output_that_is_not_empty_is_bad_input(targets_file: Path, tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "keep.txt").write_text("x")
    out = run_cli("collect", targets_file, "-o", tmp_path)
    assert out.returncode == 2 and "evidence bundles are never overwritten" in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]

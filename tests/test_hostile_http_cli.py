"""`mlops-maturity collect` in a subprocess against a hostile neighbourhood on 127.0.0.1, next to a healthy Grafana:
the collection ends in bounded time and memory, no encoding of the token appears in any file of the bundle nor on
stdout or stderr, every hostile target is recorded `unavailable` (or `error`) with its reason, and the healthy target's
evidence is complete."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import yaml

from tests.collectors.grafana_support import FakeGrafana
from tests.conftest import cli_path
from tests.support.hostile import (
    HostileServer,
    announced,
    credential_forms,
    drip,
    echo,
    echo_redirect,
    gzip_bomb,
    leaks,
    rate_limited,
)

TOKEN = "cli/T0k+en=Q~z&hostile"
USER = "auditor"
ENV = "HOSTILE_CLI_TOKEN"
FORMS = credential_forms(TOKEN, f"{USER}:{TOKEN}")
MAX_RSS_MB = 500


def high_water_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), 0 once it is gone.

    Read from /proc rather than from rusage: a child's ru_maxrss starts at its parent's resident size at fork (the
    kernel carries it across exec), so after a long test session it would report pytest's memory, not the child's.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0


def wait_with_peak(process: subprocess.Popen[bytes], timeout_s: float) -> tuple[int, float]:
    """Wait for the child, sampling its peak memory every 20 ms; its exit code and peak resident MB."""
    deadline = time.monotonic() + timeout_s
    peak = 0.0
    while time.monotonic() < deadline:
        peak = max(peak, high_water_mb(process.pid))
        if process.poll() is not None:
            return process.returncode, peak
        time.sleep(0.02)
    process.kill()
    process.wait()
    raise AssertionError(f"collect did not end within {timeout_s:g} s")


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

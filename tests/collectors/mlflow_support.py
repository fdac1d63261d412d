"""A real MLflow tracking server for the collector tests, filled through mlflow's Python client, and a fault-injecting
HTTP proxy in front of it.

What the fill puts in is described next to it; test_mlflow.py asserts the collector's figures against it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from evidence_collectors.base import CollectContext
from evidence_collectors.records import EvidenceRecord
from tests.support.local_http import LocalServer, QuietHandler
from tests.support.servers import free_port, wait_for_http

DAY_MS = 86_400_000
COMMIT = "3f2a9c1d5e7b8a6f4c2d1e0b9a8f7e6d5c4b3a21"
SIGNED_MLMODEL = (
    "flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"
    'signature:\n  inputs: \'[{"type": "double", "name": "amount", "required": true}]\'\n'
    '  outputs: \'[{"type": "long", "required": true}]\'\n'
)
PACKAGED_MLMODEL = (
    "flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n"
    "    env:\n      conda: conda.yaml\n      virtualenv: python_env.yaml\n"
    "  sklearn:\n    sklearn_version: 1.5.2\n" + SIGNED_MLMODEL.split("\n", 3)[3]
)
UNSIGNED_MLMODEL = "flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"


def mlflow_executable() -> str:
    """The `mlflow` CLI beside the interpreter; missing: skip locally, fail under CI (CI must run the real server)."""
    exe = Path(sys.executable).with_name("mlflow")
    if exe.exists():
        return str(exe)
    message = "mlflow is not installed in this environment (pip install -e '.[dev]')"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class MlflowServer:
    url: str
    root: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop the server's whole process group (CLI, uvicorn, worker), forcefully if it lingers."""
        for sig, wait_s in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 10.0)):
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait_s)
            except subprocess.TimeoutExpired:
                continue
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            return


def start_server(root: Path) -> MlflowServer:
    """`mlflow server` on a SQLite store in `root`, one worker, background jobs off (they are not probed)."""
    port = free_port()
    log = (root / "server.log").open("wb")
    command = [
        mlflow_executable(), "server", "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
        "--default-artifact-root", str(root / "artifacts"),
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    server = MlflowServer(f"http://127.0.0.1:{port}", root, process)
    try:
        wait_for_http(f"{server.url}/health", timeout_s=120)
    except RuntimeError as exc:
        server.stop()
        raise RuntimeError(
            f"mlflow server did not start:\n{(root / 'server.log').read_text(errors='replace')}"
        ) from exc
    finally:
        log.close()
    return server


# ---------------------------------------------------------------------------------------------------------------------
# What the test puts in. Experiments: Default (empty, created by MLflow), fraud-detection (described, 11 runs),
# churn (2 runs), scratch (empty).
#
# fraud-detection, user alice:                       params metrics commit dataset note  other
#   baseline                                          x      x       x      d1      x
#   no-data                                           x      x       x
#   no-commit                                         x      x              d1
#   crashed (FAILED)                                         x
#   search-1 (parent, records the chosen params)      x      x       x      d2           n_trials (budget), subsample
#     trial-1a, trial-1b (JOB)                        x      x       x                    child of search-1 (*)
#     trial-1c (JOB)                                  x              x                    child of search-1 (*)
#   search-2 (parent, no params)                             x
#     trial-2a, trial-2b (JOB)                        x      x                            child of search-2 (**)
# churn, user bob:
#   churn-train (JOB)                                 x      x       x      c1            logged a model (2.x tag)
#   churn-old (started 400 days ago)                  x      x
# (*) each trial logs a different subsample value: the one hyperparameter search-1 tuned; the three ran together.
# (**) started 3 and 2 hours ago, one minute each: they ran one after the other.
# Every run with a commit also carries a branch tag, except churn-train. Datasets d1, d2, c1 all name a source.
#
# Registry (newest version of each model in brackets):
#   churn-model (description, tag, alias champion -> 1): v1 from churn-train, signed and packaged (python_function
#     flavor with env files), registered during the run;
#     [v2] from churn-old, unsigned, described, registered 400 days after that run ended.
#   fraud-model: [v1] from baseline, signed, stage Staging, registered just after the run ended.
#   draft-model: [v1] from no-commit, no MLmodel file (the server answers 404), registered just after the run ended.
#   orphan-model (description): [v1] without a run, on s3:// which this server cannot read (it answers 500).


@dataclass
class Filled:
    url: str
    run_ids: dict[str, str] = field(default_factory=dict)
    experiment_ids: dict[str, str] = field(default_factory=dict)


def fill(server: MlflowServer) -> Filled:
    from mlflow import MlflowClient
    from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param

    client = MlflowClient(tracking_uri=server.url, registry_uri=server.url)
    filled = Filled(server.url)
    now = int(time.time() * 1000)
    datasets = {
        key: DatasetInput(
            Dataset(name, digest, "s3", json.dumps({"uri": f"s3://data/{name}-{digest}.parquet"})),
            [InputTag("mlflow.data.context", "training")],
        )
        for key, name, digest in (("d1", "transactions", "a1b2c3d4"), ("d2", "transactions", "e5f6a7b8"),
                                  ("c1", "customers", "c0ffee01"))
    }  # fmt: skip
    filled.experiment_ids["fraud"] = client.create_experiment(
        "fraud-detection", tags={"mlflow.note.content": "Reduce missed card fraud below 0.5%"}
    )
    filled.experiment_ids["churn"] = client.create_experiment("churn")
    filled.experiment_ids["scratch"] = client.create_experiment("scratch")

    def run(
        key: str,
        experiment: str,
        user: str,
        *,
        params: bool = False,
        metrics: bool = False,
        commit: bool = False,
        dataset: str = "",
        note: bool = False,
        parent: str = "",
        job: bool = False,
        status: str = "FINISHED",
        start: int | None = None,
        extra_tags: dict[str, str] | None = None,
        end: bool = True,
        extra_params: dict[str, str] | None = None,
        branch: bool = True,
    ) -> str:
        tags = {"mlflow.user": user, "mlflow.source.type": "JOB" if job else "LOCAL", "mlflow.source.name": "train.py"}
        tags |= {"mlflow.source.git.commit": COMMIT} if commit else {}
        tags |= {"mlflow.source.git.branch": "main"} if commit and branch else {}
        tags |= {"mlflow.note.content": f"{key}: first attempt"} if note else {}
        tags |= {"mlflow.parentRunId": filled.run_ids[parent]} if parent else {}
        tags |= extra_tags or {}
        started = start if start is not None else now
        created = client.create_run(filled.experiment_ids[experiment], start_time=started, tags=tags, run_name=key)
        run_id = str(created.info.run_id)
        client.log_batch(
            run_id,
            metrics=[Metric("auc", 0.91, started, 0)] if metrics else [],
            params=([Param("learning_rate", "0.1"), Param("max_depth", "6")] if params else [])
            + [Param(k, v) for k, v in (extra_params or {}).items()],
        )
        if dataset:
            client.log_inputs(run_id, [datasets[dataset]])
        filled.run_ids[key] = run_id
        if end:
            client.set_terminated(run_id, status, end_time=started + 60_000 if start is not None else None)
        return run_id

    run("baseline", "fraud", "alice", params=True, metrics=True, commit=True, dataset="d1", note=True)
    run("no-data", "fraud", "alice", params=True, metrics=True, commit=True)
    run("no-commit", "fraud", "alice", params=True, metrics=True, dataset="d1")
    run("crashed", "fraud", "alice", metrics=True, status="FAILED")
    run(
        "search-1",
        "fraud",
        "alice",
        params=True,
        metrics=True,
        commit=True,
        dataset="d2",
        extra_params={"n_trials": "3", "subsample": "0.8"},
    )
    for trial, subsample in (("trial-1a", "0.6"), ("trial-1b", "0.8")):
        run(trial, "fraud", "alice", params=True, metrics=True, commit=True, parent="search-1", job=True,
            extra_params={"subsample": subsample})  # fmt: skip
    run("trial-1c", "fraud", "alice", params=True, commit=True, parent="search-1", job=True,
        extra_params={"subsample": "1.0"})  # fmt: skip
    run("search-2", "fraud", "alice", metrics=True)
    for trial, hours_ago in (("trial-2a", 3), ("trial-2b", 2)):  # one after the other, a minute each
        run(trial, "fraud", "alice", params=True, metrics=True, parent="search-2", job=True,
            start=now - hours_ago * 3_600_000)  # fmt: skip
    history = json.dumps([{"artifact_path": "model", "flavors": {"python_function": {}}, "run_id": "x"}])
    train = run("churn-train", "churn", "bob", params=True, metrics=True, commit=True, dataset="c1", job=True,
                extra_tags={"mlflow.log-model.history": history}, end=False, branch=False)  # fmt: skip
    old = run("churn-old", "churn", "bob", params=True, metrics=True, start=now - 400 * DAY_MS)

    def model_dir(run_id: str, mlmodel: str) -> str:
        """Write an MLmodel file into the run's artifacts (the artifact root is a local path the client can write)."""
        uri = client.get_run(run_id).info.artifact_uri
        target = Path(uri.removeprefix("file://")) / "model"
        target.mkdir(parents=True)
        (target / "MLmodel").write_text(mlmodel, encoding="utf-8")
        return f"runs:/{run_id}/model"

    client.create_registered_model("churn-model", tags={"team": "retention"}, description="Predicts churn")
    client.create_model_version("churn-model", model_dir(train, PACKAGED_MLMODEL), run_id=train)
    client.set_terminated(train, "FINISHED")
    client.create_model_version(
        "churn-model", model_dir(old, UNSIGNED_MLMODEL), run_id=old, description="Retrained on Q3 data"
    )
    client.set_registered_model_alias("churn-model", "champion", "1")

    baseline, no_commit = filled.run_ids["baseline"], filled.run_ids["no-commit"]
    client.create_registered_model("fraud-model")
    client.create_model_version("fraud-model", model_dir(baseline, SIGNED_MLMODEL), run_id=baseline)
    with warnings.catch_warnings():  # stages are deprecated since MLflow 2.9 but still served, and still in use
        warnings.simplefilter("ignore", FutureWarning)
        client.transition_model_version_stage("fraud-model", "1", "Staging")
    client.create_registered_model("draft-model")
    client.create_model_version("draft-model", f"runs:/{no_commit}/model", run_id=no_commit)  # no MLmodel file
    client.create_registered_model("orphan-model", description="Handed over by a partner")
    client.create_model_version("orphan-model", "s3://partner-bucket/orphan/model")  # the server cannot read it
    return filled


@pytest.fixture(scope="session")
def mlflow_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    """One real MLflow server for the whole test session, filled once, stopped at the end."""
    server = start_server(tmp_path_factory.mktemp("mlflow"))
    try:
        yield fill(server)
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------------------------------
# A real HTTP proxy in front of the server that can break chosen paths.


class FaultProxy:
    """Forwards to `upstream`; `faults` maps a path to "500", "invalid_json", "hang" or "401"; with `token` set,
    requests without "Authorization: Bearer <token>" get a 401 whose body echoes what they sent (as some servers
    do), so the tests can check that the collector redacts it."""

    def __init__(self, upstream: str, hang_s: float = 5.0) -> None:
        self.upstream = upstream
        self.hang_s = hang_s
        self.faults: dict[str, str] = {}
        self.token: str | None = None
        self.seen_auth: list[str] = []
        self.client = httpx.Client(base_url=upstream, timeout=60)
        proxy = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                proxy.handle(self, "GET")

            def do_POST(self) -> None:
                proxy.handle(self, "POST")

        self.server = LocalServer(Handler)
        self.url = self.server.url

    def handle(self, request: QuietHandler, method: str) -> None:
        path = request.path.split("?", 1)[0]
        auth = request.headers.get("Authorization", "")
        self.seen_auth.append(auth)
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        fault = self.faults.get(path, "")
        if self.token is not None and auth != f"Bearer {self.token}":
            fault = "401"
        if fault == "hang":
            time.sleep(self.hang_s)
            with suppress(OSError):
                request.send(504, b"{}")
            return
        if fault == "500":
            request.send(500, b'{"error_code": "INTERNAL_ERROR", "message": "database is locked"}')
            return
        if fault == "401":
            echo = json.dumps({"error_code": "UNAUTHENTICATED", "message": f"rejected credentials: {auth}"})
            request.send(401, echo.encode())
            return
        upstream = self.client.request(
            method, request.path, content=body, headers={"Content-Type": request.headers.get("Content-Type", "")}
        )
        content = upstream.content
        if fault == "invalid_json":
            content = b"<html><body>Bad gateway</body></html>"
        request.send(upstream.status_code, content, upstream.headers.get("content-type", "application/json"))

    def close(self) -> None:
        self.server.close()
        self.client.close()


def collect_mlflow(url: str, **settings: Any) -> tuple[dict[str, EvidenceRecord], CollectContext]:
    """The MLflow collector run against `url` (ids without the `mlflow.` prefix), settings over a short timeout."""
    from evidence_collectors.mlflow import MlflowCollector
    from evidence_collectors.mlflow.config import MlflowConfig
    from tests.support import collecting

    cfg = collecting.target_config(
        MlflowConfig, {"collector": "mlflow", "name": "tracking", "url": url, "timeout_s": 5}, settings
    )
    return collecting.collect_records(MlflowCollector, cfg, prefix="mlflow.")

# mypy: disable-error-code="no-untyped-call"
"""MLflow collector against a real MLflow server holding 10,000 runs, 100 experiments and 200 registered models.

Three ways to learn the same facts, timed in one run:
  (a) our collector (`evidence_collectors.mlflow`),
  (b) the floor: a bare pagination loop over the same REST endpoints with httpx, doing nothing with the answers,
  (c) mlflow's own Python client (MlflowClient.search_* and mlflow.models.get_model_info).
Targets: (a) <= 1.3 x (b), and (a) faster than (c). The collector is also timed at 1k, 2k, 5k and 10k runs (through its
experiment and registered-model name filters) to show that time grows linearly with the number of runs.

The server is filled in seconds rather than minutes: experiments and registry entries go through mlflow's own stores,
runs, tags, params, metrics and dataset inputs are bulk-inserted through mlflow's own SQLAlchemy table definitions (the
REST API takes ~40 ms per write here, which would make the ~40,000 writes of a run-by-run fill take half an hour).

The server runs with one worker and without its background job runner: the readers are sequential, and the job
runner's idle consumers only add noise. Every way is timed `BENCH_MLFLOW_REPEATS` times (default 3), interleaved, and
the medians are reported; the values of (a) and (c) must agree.

Run on its own: `python -m bench.bench_mlflow` (about five minutes on 2 cores).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench.timing import Figure

EXPERIMENTS = 100
RUNS_PER_EXPERIMENT = 100
MODELS = 200
VERSIONS_PER_MODEL = 2
SEARCHES_PER_EXPERIMENT = 2
TRIALS_PER_SEARCH = 14
USERS = 7
COMMIT_ALPHABET = "0123456789abcdef"


def _scratch_dir() -> Path:
    """A RAM-backed directory when there is one: the benchmark measures HTTP and parsing, not the disk."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="bench-mlflow-", dir=base))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fill(root: Path) -> Path:
    """Create the benchmark database in `root`; returns the artifact root. Deterministic (fixed seed)."""
    import sqlalchemy as sa
    from mlflow.entities import ExperimentTag
    from mlflow.entities.model_registry import RegisteredModelTag
    from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
    from mlflow.store.tracking.dbmodels import models as db
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as TrackingStore

    rng = random.Random(20240601)
    uri = f"sqlite:///{root / 'mlflow.db'}"
    artifacts = root / "artifacts"
    tracking = TrackingStore(uri, str(artifacts))
    registry = RegistryStore(uri)

    experiment_ids = []
    for e in range(EXPERIMENTS):
        described = [ExperimentTag("mlflow.note.content", f"Purpose of experiment {e}")] if e % 2 == 0 else []
        experiment_ids.append(tracking.create_experiment(f"bench-e{e:03d}", tags=described))

    rows: dict[str, list[dict[str, object]]] = {
        t: [] for t in ("runs", "tags", "params", "metrics", "latest_metrics", "datasets", "inputs", "input_tags")
    }
    standalone: dict[int, list[str]] = {}
    t0 = 1_700_000_000_000
    i = 0
    for e, eid in enumerate(experiment_ids):
        datasets = []
        for d, name in enumerate(("train", "train", "eval")):
            ds_uuid = f"{rng.getrandbits(128):032x}"
            datasets.append(ds_uuid)
            rows["datasets"].append(
                {
                    "dataset_uuid": ds_uuid,
                    "experiment_id": int(eid),
                    "name": name,
                    "digest": f"{e:03d}{d:05d}",
                    "dataset_source_type": "s3",
                    "dataset_source": f'{{"uri": "s3://bench/{name}-{d}.parquet"}}',
                    "dataset_schema": "",
                    "dataset_profile": "",
                }
            )
        parent: str | None = None
        children_left = 0
        searches_started = 0
        for _ in range(RUNS_PER_EXPERIMENT):
            run_id = f"{rng.getrandbits(128):032x}"
            start = t0 + i * 60_000
            tags = {
                "mlflow.user": f"user{i % USERS}",
                "mlflow.runName": f"run-{i}",
                "mlflow.source.name": "train.py",
                "mlflow.source.type": "JOB" if i % 3 == 0 else "LOCAL",
            }
            params = {f"p{n}": str(rng.random()) for n in range(6)}
            metrics = {"accuracy": rng.random(), "loss": rng.random(), "f1": rng.random()}
            if children_left:
                tags["mlflow.parentRunId"] = parent or ""
                children_left -= 1
            elif searches_started < SEARCHES_PER_EXPERIMENT:
                parent, children_left = run_id, TRIALS_PER_SEARCH
                if searches_started == 1:  # the second search of each experiment does not record its choice
                    params, metrics = {}, {}
                searches_started += 1
            else:
                standalone.setdefault(e, []).append(run_id)
            if i % 10 < 7:
                tags["mlflow.source.git.commit"] = "".join(rng.choice(COMMIT_ALPHABET) for _ in range(40))
            if i % 5 == 0:
                tags["mlflow.note.content"] = f"Run {i}: checks hypothesis {i % 11}"
            rows["runs"].append(
                {
                    "run_uuid": run_id,
                    "name": f"run-{i}",
                    "source_type": "LOCAL",
                    "source_name": "train.py",
                    "entry_point_name": "",
                    "user_id": f"user{i % USERS}",
                    "status": "FAILED" if i % 25 == 0 else "FINISHED",
                    "start_time": start,
                    "end_time": start + 30_000,
                    "source_version": "",
                    "lifecycle_stage": "active",
                    "artifact_uri": str(artifacts / str(eid) / run_id / "artifacts"),
                    "experiment_id": int(eid),
                }
            )
            rows["tags"] += [{"key": key, "value": value, "run_uuid": run_id} for key, value in tags.items()]
            rows["params"] += [{"key": key, "value": value, "run_uuid": run_id} for key, value in params.items()]
            for key, value in metrics.items():
                metric = {
                    "key": key,
                    "value": value,
                    "timestamp": start + 20_000,
                    "step": 0,
                    "is_nan": False,
                    "run_uuid": run_id,
                }
                rows["metrics"].append(metric)
                rows["latest_metrics"].append(dict(metric))
            if i % 2 == 0:
                input_uuid = f"{rng.getrandbits(128):032x}"
                rows["inputs"].append(
                    {
                        "input_uuid": input_uuid,
                        "source_type": "DATASET",
                        "source_id": datasets[i % 2],
                        "destination_type": "RUN",
                        "destination_id": run_id,
                        "step": 0,
                    }
                )
                rows["input_tags"].append(
                    {"input_uuid": input_uuid, "name": "mlflow.data.context", "value": "training"}
                )
            i += 1

    tables: dict[str, Any] = {
        "runs": db.SqlRun,
        "tags": db.SqlTag,
        "params": db.SqlParam,
        "metrics": db.SqlMetric,
        "latest_metrics": db.SqlLatestMetric,
        "datasets": db.SqlDataset,
        "inputs": db.SqlInput,
        "input_tags": db.SqlInputTag,
    }
    with tracking.engine.begin() as conn:
        for name, model in tables.items():
            conn.execute(sa.insert(model.__table__), rows[name])

    for m in range(MODELS):
        name = f"bench-m{m:03d}"
        model_tags = [RegisteredModelTag("team", f"team-{m % 4}")] if m % 3 == 0 else []
        registry.create_registered_model(name, tags=model_tags, description=f"Model {m}" if m % 2 == 0 else None)
        runs = standalone[m // 2]
        for v in range(1, VERSIONS_PER_MODEL + 1):
            source = artifacts / "registry" / name / str(v)
            source.mkdir(parents=True)
            signature = 'signature:\n  inputs: \'[{"type": "double", "name": "x"}]\'\n' if m % 5 < 3 else ""
            (source / "MLmodel").write_text(f"flavors:\n  python_function: {{}}\n{signature}", encoding="utf-8")
            run_id = runs[(2 * (m % 2) + v) % len(runs)]
            registry.create_model_version(
                name, str(source), run_id=run_id, description="Retrained" if v == 2 and m % 3 == 0 else None
            )
        if m % 4 == 0:
            registry.transition_model_version_stage(name, "1", "Production", archive_existing_versions=False)
        if m % 5 < 2:
            registry.set_registered_model_alias(name, "champion", str(VERSIONS_PER_MODEL))
    tracking.engine.dispose()
    registry.engine.dispose()
    return artifacts


@contextmanager
def mlflow_server(root: Path, artifacts: Path, workers: int = 1) -> Iterator[str]:
    """A real `mlflow server` on the filled database; yields its base URL and stops it afterwards."""
    port = _free_port()
    exe = str(Path(sys.executable).with_name("mlflow"))
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            exe,
            "server",
            "--backend-store-uri",
            f"sqlite:///{root / 'mlflow.db'}",
            "--default-artifact-root",
            str(artifacts),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (root / "server.log").read_text(errors="replace")[-4000:]
                raise RuntimeError(f"mlflow server did not start:\n{tail}")
            time.sleep(0.2)
        yield url
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group (the CLI, uvicorn and its workers), forcefully if it does not go."""
    for sig, wait_s in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 10.0)):
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait_s)
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # workers left behind by the CLI
            return
        except subprocess.TimeoutExpired:
            continue


# --- the three ways of learning the facts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """A slice of the filled server, chosen through name patterns (none: everything)."""

    runs: int
    experiments: tuple[str, ...] = ()
    models: tuple[str, ...] = ()


# Experiment e holds runs 100e..100e+99 and registered model m takes its versions from experiment m // 2, so these
# patterns select 1k, 2k and 5k runs with a proportional share of the registry.
SCALES = (
    Scale(1_000, ("bench-e00%",), ("bench-m00%", "bench-m01%")),
    Scale(2_000, ("bench-e00%", "bench-e01%"), tuple(f"bench-m0{d}%" for d in range(4))),
    Scale(5_000, tuple(f"bench-e0{d}%" for d in range(5)), ("bench-m0%",)),
    Scale(10_000),
)
COMPARED = (
    "experiment_count",
    "run_count",
    "runs_with_params_ratio",
    "runs_with_metrics_ratio",
    "runs_with_git_commit_ratio",
    "runs_with_dataset_input_ratio",
    "runs_fully_tracked_ratio",
    "runs_with_description_ratio",
    "distinct_user_count",
    "distinct_dataset_versions",
    "child_run_ratio",
    "hyperparameter_search_count",
    "search_trials_logged_ratio",
    "searches_recording_choice_ratio",
    "registered_model_count",
    "registered_models_with_description_ratio",
    "registered_models_with_lifecycle_ratio",
    "model_version_count",
    "model_versions_with_run_ratio",
    "model_versions_with_lineage_ratio",
    "latest_versions_with_signature_ratio",
)


def _filters(patterns: tuple[str, ...]) -> list[str | None]:
    return [f"name LIKE '{p}'" for p in patterns] or [None]


def by_collector(url: str, scale: Scale) -> dict[str, object]:
    """(a) Our collector, with its default settings apart from the name patterns."""
    from evidence_collectors.base import CollectContext
    from evidence_collectors.mlflow import MlflowCollector
    from evidence_collectors.mlflow.config import MlflowConfig
    from evidence_collectors.raw import RawStore
    from evidence_collectors.records import EvidenceStatus
    from evidence_collectors.secrets import Redactor

    config = MlflowConfig(
        collector="mlflow",
        name="bench",
        url=url,
        experiments=list(scale.experiments),
        registered_models=list(scale.models),
    )
    records = MlflowCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
    failed = [f"{r.probe}: {r.reason}" for r in records if r.status is not EvidenceStatus.ok]
    if failed:
        raise RuntimeError(f"collector failed: {failed}")
    return {r.probe.removeprefix("mlflow."): r.value for r in records}


def by_floor(url: str, scale: Scale) -> dict[str, object]:
    """(b) The floor: the same requests with httpx, each answer only decoded to find the next page."""
    from evidence_collectors.mlflow.api import EXPERIMENT_CHUNK, EXPERIMENTS_PAGE, REGISTRY_PAGE, VERSIONS_PAGE
    from evidence_collectors.mlflow.config import MlflowConfig

    page_size = MlflowConfig.model_fields["runs_page_size"].default
    api = "/api/2.0/mlflow"
    with httpx.Client(base_url=url, timeout=300) as client:

        def pages(path: str, key: str, params: dict[str, Any], post: bool = False) -> list[dict[str, object]]:
            items: list[dict[str, object]] = []
            token = None
            while True:
                query = {**params, "page_token": token} if token else params
                response = client.post(api + path, json=query) if post else client.get(api + path, params=query)
                data = json.loads(response.content)
                items += data.get(key, [])
                token = data.get("next_page_token")
                if not token:
                    return items

        def listed(path: str, key: str, size: int, patterns: tuple[str, ...]) -> list[dict[str, object]]:
            found: list[dict[str, object]] = []
            for name_filter in _filters(patterns):
                found += pages(path, key, {"max_results": size, **({"filter": name_filter} if name_filter else {})})
            return found

        experiments = listed("/experiments/search", "experiments", EXPERIMENTS_PAGE, scale.experiments)
        ids = list(dict.fromkeys(str(e["experiment_id"]) for e in experiments))
        runs = []
        for start in range(0, len(ids), EXPERIMENT_CHUNK):
            body = {"experiment_ids": ids[start : start + EXPERIMENT_CHUNK], "max_results": page_size}
            runs += pages("/runs/search", "runs", body, post=True)
        models = listed("/registered-models/search", "registered_models", REGISTRY_PAGE, scale.models)
        versions = listed("/model-versions/search", "model_versions", VERSIONS_PAGE, scale.models)
        newest: dict[str, dict[str, object]] = {}
        for v in versions:
            name = str(v["name"])
            if name not in newest or int(str(v["version"])) > int(str(newest[name]["version"])):
                newest[name] = v
        for name in sorted(newest):
            params = {"name": name, "version": str(newest[name]["version"]), "path": "MLmodel"}
            client.get("/model-versions/get-artifact", params=params).read()
    return {"run_count": len(runs), "registered_model_count": len(models), "model_version_count": len(versions)}


def by_mlflow_client(url: str, scale: Scale) -> dict[str, object]:
    """(c) mlflow's own client: MlflowClient.search_* with page tokens, and get_model_info for signatures."""
    from collections import Counter

    import mlflow
    from mlflow import MlflowClient
    from mlflow.models import get_model_info

    from evidence_collectors.mlflow.config import MlflowConfig

    page_size = MlflowConfig.model_fields["runs_page_size"].default
    mlflow.set_tracking_uri(url)  # get_model_info resolves models:/ URIs through the global registry URI
    mlflow.set_registry_uri(url)
    client = MlflowClient(tracking_uri=url, registry_uri=url)

    def paged(search: Any, **kwargs: Any) -> list[Any]:
        items: list[Any] = []
        token = None
        while True:
            page = search(**kwargs, page_token=token)
            items += page
            token = page.token
            if not token:
                return items

    experiments = {
        e.experiment_id: e
        for f in _filters(scale.experiments)
        for e in paged(client.search_experiments, filter_string=f, max_results=1000)
    }
    runs = paged(client.search_runs, experiment_ids=list(experiments), max_results=page_size)
    models = [
        m
        for f in _filters(scale.models)
        for m in paged(client.search_registered_models, filter_string=f, max_results=1000)
    ]
    versions = [
        v
        for f in _filters(scale.models)
        for v in paged(client.search_model_versions, filter_string=f, max_results=1000)
    ]
    newest: dict[str, Any] = {}
    for v in versions:
        if v.name not in newest or int(v.version) > int(newest[v.name].version):
            newest[v.name] = v
    signed = sum(get_model_info(f"models:/{n}/{newest[n].version}").signature is not None for n in sorted(newest))

    def share(part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 0.0

    n = len(runs)
    by_id = {r.info.run_id: r for r in runs}
    commit = {r.info.run_id for r in runs if r.data.tags.get("mlflow.source.git.commit", "").strip()}
    with_data = {r.info.run_id for r in runs if r.inputs and r.inputs.dataset_inputs}
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId")]
    per_parent = Counter(r.data.tags["mlflow.parentRunId"] for r in children)
    searches = {p for p, k in per_parent.items() if k >= 2}
    trials = [r for r in children if r.data.tags["mlflow.parentRunId"] in searches]
    parents = [by_id[p] for p in searches if p in by_id]
    staged = {v.name for v in versions if v.current_stage not in ("None", "")}

    def traced(v: Any) -> bool:
        run = by_id.get(v.run_id)
        return run is not None and bool(run.data.params) and run.info.run_id in commit and run.info.run_id in with_data

    return {
        "experiment_count": len(experiments),
        "run_count": n,
        "runs_with_params_ratio": share(sum(1 for r in runs if r.data.params), n),
        "runs_with_metrics_ratio": share(sum(1 for r in runs if r.data.metrics), n),
        "runs_with_git_commit_ratio": share(len(commit), n),
        "runs_with_dataset_input_ratio": share(len(with_data), n),
        "runs_fully_tracked_ratio": share(
            sum(1 for r in runs if r.data.params and r.data.metrics and r.info.run_id in commit & with_data), n
        ),
        "runs_with_description_ratio": share(
            sum(1 for r in runs if r.data.tags.get("mlflow.note.content", "").strip()), n
        ),
        "distinct_user_count": len({r.data.tags.get("mlflow.user") or r.info.user_id for r in runs} - {""}),
        "distinct_dataset_versions": len(
            {(d.dataset.name, d.dataset.digest) for r in runs if r.inputs for d in r.inputs.dataset_inputs}
        ),
        "child_run_ratio": share(len(children), n),
        "hyperparameter_search_count": len(searches),
        "search_trials_logged_ratio": share(sum(1 for r in trials if r.data.params and r.data.metrics), len(trials)),
        "searches_recording_choice_ratio": share(sum(1 for p in parents if p.data.params), len(parents)),
        "registered_model_count": len(models),
        "registered_models_with_description_ratio": share(
            sum(1 for m in models if (m.description or "").strip()), len(models)
        ),
        "registered_models_with_lifecycle_ratio": share(
            sum(1 for m in models if m.aliases or m.name in staged), len(models)
        ),
        "model_version_count": len(versions),
        "model_versions_with_run_ratio": share(sum(1 for v in versions if v.run_id), len(versions)),
        "model_versions_with_lineage_ratio": share(sum(1 for v in versions if traced(v)), len(versions)),
        "latest_versions_with_signature_ratio": share(signed, len(newest)),
    }


# --- timing and report ----------------------------------------------------------------------------------------------


Way = Callable[[str, Scale], dict[str, object]]


def _timed(fn: Callable[[], dict[str, object]]) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def _fit(points: list[tuple[int, float]]) -> tuple[float, float, float]:
    """Least-squares line ms = a + b * runs; returns a, b (ms per run) and R²."""
    xs, ys = [float(x) for x, _ in points], [y for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    return a, b, 1 - ss_res / ss_tot if ss_tot else 1.0


def measure(repeats: int, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Fill a server, time (a), (b) and (c) at full size and (a), (b) at every scale; medians of `repeats` runs."""
    root = _scratch_dir()
    try:
        start = time.perf_counter()
        artifacts = fill(root)
        fill_s = time.perf_counter() - start
        say(
            f"filled {EXPERIMENTS * RUNS_PER_EXPERIMENT} runs, {EXPERIMENTS} experiments, {MODELS} registered models "
            f"({MODELS * VERSIONS_PER_MODEL} versions) in {fill_s:.1f} s"
        )
        with mlflow_server(root, artifacts) as url:
            full = SCALES[-1]
            by_collector(url, full)  # warm the server (SQLite pages, SQLAlchemy caches) before timing anything
            samples: dict[tuple[str, int], list[float]] = {}
            values: dict[str, dict[str, object]] = {}
            for rep in range(repeats):
                for scale in SCALES:
                    ways: list[tuple[str, Way]] = [("a", by_collector), ("b", by_floor)]
                    ways += [("c", by_mlflow_client)] if scale is full else []
                    for key, way in ways if rep % 2 == 0 else reversed(ways):
                        ms, result = _timed(partial(way, url, scale))
                        samples.setdefault((key, scale.runs), []).append(ms)
                        if scale is full:
                            values[key] = result
                say(
                    f"round {rep + 1}/{repeats}: "
                    + ", ".join(f"{k}@{n // 1000}k {v[-1] / 1000:.2f}s" for (k, n), v in sorted(samples.items()))
                )
        return {"fill_s": fill_s, "median": {k: statistics.median(v) for k, v in samples.items()}, "values": values}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _mismatches(values: dict[str, dict[str, object]]) -> list[str]:
    a, c = values["a"], values["c"]
    return [f"{k}: collector {a.get(k)!r} vs mlflow client {c.get(k)!r}" for k in COMPARED if a.get(k) != c.get(k)]


def run(repeats: int | None = None, say: Callable[[str], None] = lambda line: None) -> list[Figure]:
    """The figures: (a) against 1.3 x the floor (b), (a) against the mlflow client (c), and growth from 1k to 10k."""
    repeats = repeats or int(os.environ.get("BENCH_MLFLOW_REPEATS", "3"))
    result = measure(repeats, say)
    med = result["median"]
    full = SCALES[-1].runs
    a, b, c = med[("a", full)], med[("b", full)], med[("c", full)]
    wrong = _mismatches(result["values"])
    if wrong:
        raise RuntimeError("the collector and the mlflow client disagree: " + "; ".join(wrong))
    points = [(s.runs, med[("a", s.runs)]) for s in SCALES]
    intercept, slope, r2 = _fit(points)
    floor_points = [(s.runs, med[("b", s.runs)]) for s in SCALES]
    _, floor_slope, floor_r2 = _fit(floor_points)
    small = SCALES[0].runs
    linear_ms = 1.3 * full / small * med[("a", small)]
    growth = ", ".join(f"{n // 1000}k {ms / 1000:.2f}s" for n, ms in points)
    return [
        Figure(
            f"mlflow collector, {full} runs (a) vs 1.3 x floor (b)",
            a,
            1.3 * b,
            f"floor {b / 1000:.2f} s, a/b = {a / b:.2f}",
        ),
        Figure(
            f"mlflow collector, {full} runs (a) vs mlflow client (c)",
            a,
            c,
            f"client {c / 1000:.2f} s, a/c = {a / c:.2f}; same values for {len(COMPARED)} probes",
        ),
        Figure(
            f"mlflow collector growth {small // 1000}k -> {full // 1000}k runs",
            a,
            linear_ms,
            f"{growth}; fit {intercept:.0f} ms + {slope * 1000:.0f} ms per 1k runs, R² {r2:.4f} "
            f"(floor {floor_slope * 1000:.0f} ms per 1k, R² {floor_r2:.4f})",
        ),
    ]


def main() -> int:
    figures = run(say=print)
    width = max(len(f.name) for f in figures)
    print(f"{'benchmark':<{width}}  {'median':>10}  {'target':>10}  result")
    for f in figures:
        print(
            f"{f.name:<{width}}  {f.median_ms:>8.0f}ms  {f.target_ms:>8.0f}ms  {'ok' if f.ok else 'MISSED'}"
            + (f"  ({f.detail})" if f.detail else "")
        )
    return 0 if all(f.ok for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())

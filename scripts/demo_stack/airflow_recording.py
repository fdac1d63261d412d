"""Write the bank's recorded Airflow (examples/retail-bank/recorded/airflow/): the shared ml-airflow (Airflow 3, REST
API v2) as it answers for the recommendation team's DAGs.

    python -m scripts.demo_stack.airflow_recording

The responses are written in Airflow's documented formats by the same renderer the Airflow collector's tests use
(tests/collectors/fixtures/airflow/generate.py), from the table below: one row per DAG, one `R` per run. The table says
what the bank's answers say (examples/retail-bank/interview/): seven reco DAGs (P1.MD.MB.01.R01) on ml-airflow running
Airflow 3 (R08); the ingestion DAGs run daily at 02:00 and hourly and validate what lands (P1.DE.DC.01.R04, R06);
Feast materialises every 4 hours (P1.DE.FE.02.R09); the ranking model retrains every Monday at 03:00 from the CoE
template's steps (dq_gate, prepare, train, evaluate, eval_gate, register_model ...) through to registration and the
packaging and model-test triggers (P1.MD.MT.01.R03, R07, R09; P2.CI.BM.03.R07), while the retrieval model is retrained
by hand (P1.MD.MT.01.R09 partial); drift and online evaluation run daily (P2.DR.RL.01.R06, P2.DR.RL.03.R07); every
task retries twice (P1.MD.MB.01.R10); no run is started by a dataset/asset event (P1.DE.DP.01.R09 and P2.CI.BM.03.R07
partial). One deliberate gap: reco_feast_materialize has no description in Airflow, although P1.MD.MB.01.R01 is
answered from the Confluence overview that gives the purpose of all seven DAGs.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "examples" / "retail-bank" / "recorded" / "airflow"
PREFIX = "/airflow"  # the path the recorded server answers under: <server>/airflow
VERSION = "3.0.6"
WINDOW_DAYS = 14
TI_RUNS = 40  # the target's max_task_instance_reads
TARGET = (
    "{collector: airflow, name: orchestrator, url: <server>/airflow, tags: [reco], window_days: 14, "
    "max_task_instance_reads: 40}"
)


def _renderer() -> ModuleType:
    """The Airflow fixture renderer of the collector tests, loaded from its file (the fixtures are not a package)."""
    path = ROOT / "tests" / "collectors" / "fixtures" / "airflow" / "generate.py"
    spec = importlib.util.spec_from_file_location("airflow_fixture_renderer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _dags(r: ModuleType) -> list[Any]:
    R, Dag = r.R, r.Dag
    hourly = [R(0.5 + n, 6) for n in range(WINDOW_DAYS * 24)]
    hourly[2] = R(2.5, 7, retried=1)  # the landing check's first try met a locked partition
    hourly[40] = R(40.5, 4, "failed")  # a broker timeout, recovered by the next hour's run
    train_tasks = [
        "dq_gate",
        "prepare",
        "build_features",
        "select_features",
        "feature_leakage_check",
        "feature_stability_report",
        "hpo",
        "write_best_params",
        "train",
        "evaluate",
        "eval_gate",
        "register_model",
        "dvc_commit",
        "trigger_package",
        "trigger_model_tests",
    ]
    return [
        Dag(
            "ingest_core_banking_holdings",
            "cron:0 2 * * *",
            24,
            [("extract_holdings", 2), ("validate_landing", 2), ("load_lake", 2), ("register_catalog", 2)],
            {"ingest", "validate", "register"},
            [R(6 + 24 * n, 35) for n in range(WINDOW_DAYS)],
            description="Nightly Sqoop extract of core-banking holdings into the lake, GE landing checkpoint",
            tags=["reco", "ingestion"],
            owners=["zhou.qing"],
        ),
        Dag(
            "ingest_app_clickstream",
            "cron:@hourly",
            1,
            [("consume_events", 2), ("validate_landing", 2), ("load_lake", 2)],
            {"ingest", "validate"},
            hourly,
            description="Hourly app clickstream batch from Kafka, GE landing checkpoint",
            tags=["reco", "ingestion"],
            owners=["zhou.qing"],
        ),
        Dag(
            "reco_feast_materialize",
            "cron:0 */4 * * *",
            4,
            [("materialize_incremental", 2)],
            set(),
            [R(1.5 + 4 * n, 12) for n in range(WINDOW_DAYS * 6)],
            tags=["reco", "features"],
            owners=["sun.hao"],
        ),
        Dag(
            "reco_ranking_weekly_train",
            "cron:0 3 * * MON",
            168,
            [(task, 2) for task in train_tasks],
            {"validate", "preprocess", "train", "evaluate", "register"},
            [R(80, 340, retried=1), R(248, 352), R(416, 347)],
            description="Weekly retraining of the ranking model from the CoE training-DAG template v2",
            tags=["reco", "training"],
            owners=["sun.hao"],
        ),
        Dag(
            "reco_retrieval_train",
            "-",
            None,
            [(task, 2) for task in ("validate_inputs", "prepare", "train", "evaluate", "register_model")],
            {"validate", "preprocess", "train", "evaluate", "register"},
            [R(150, 128, kind="manual")],
            description="Retrieval model training, started by hand",
            tags=["reco", "training"],
            owners=["zhao.min"],
        ),
        Dag(
            "reco_drift_psi",
            "cron:0 6 * * *",
            24,
            [("load_snapshot", 2), ("compute_psi", 2), ("alert_on_drift", 2)],
            {"ingest"},
            [R(2 + 24 * n, 18) for n in range(WINDOW_DAYS)],
            description="Daily PSI of the ranking features and scores against the training snapshot",
            tags=["reco", "monitoring"],
            owners=["xu.tao"],
        ),
        Dag(
            "reco_online_eval",
            "cron:0 7 * * *",
            24,
            [("join_outcomes", 2), ("compute_online_metrics", 2)],
            {"evaluate"},
            [R(1 + 24 * n, 22) for n in range(WINDOW_DAYS)],
            description="Daily CTR and conversion by model version from predictions joined with outcomes",
            tags=["reco", "monitoring"],
            owners=["xu.tao"],
        ),
    ]


def write(out: Path = OUT) -> dict[str, Any]:
    """Write the responses, routes.yaml and expected.json (the figures the table implies) under `out`."""
    r = _renderer()
    dags = _dags(r)
    site = r.Site(out.parent, out.name, PREFIX, "v2", page_size=100)
    site.render(dags, VERSION, WINDOW_DAYS, TI_RUNS)
    for route in site.routes:  # the files sit beside routes.yaml
        route["body"] = route["body"].removeprefix(f"{out.name}/")
    header = (
        "# The bank's ml-airflow (Airflow 3, REST API v2) for the recommendation team's DAGs, served over HTTP on\n"
        "# 127.0.0.1 under /airflow while the demo collects. Times are relative to the server's start ({{iso:-6h}} =\n"
        "# six hours earlier). Written by scripts/demo_stack/airflow_recording.py: edit its table and rerun it, never\n"
        f"# this file. Target: {TARGET}\n"
    )
    manifest = header + yaml.safe_dump({"routes": site.routes}, allow_unicode=True, sort_keys=False, width=200)
    (out / "routes.yaml").write_text(manifest, encoding="utf-8")
    figures: dict[str, Any] = {
        "version": f"{VERSION} (REST API v2)",
        **r.expected(dags, WINDOW_DAYS, 3, TI_RUNS, api="v2"),
    }
    (out / "expected.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    print(json.dumps(write(), indent=1))

"""The other teams' MLflow history on the shared tracking server.

- credit-scoring-pd (described): 5 versioned nightly trainings (legacy stages Production and Archived), 2 baselines, a
  hyperparameter search (8 trials), one FAILED data validation.
- card-fraud-detection (described): 6 versioned trainings, 3 experiments, one FAILED, one KILLED, an evaluation run.
- card-marketing-response (described, alias champion): 4 notebook runs with their dataset, one version registered
  by hand from the only run with a commit, no signature.
"""

from __future__ import annotations

import random

from mlflow.entities import DatasetInput, Metric, Param

from scripts.demo_stack import catalogue as cat
from scripts.demo_stack.mlflow_writer import MINUTE_MS, RunSpec, Writer, dataset_input, digest


def credit_pd(w: Writer) -> None:
    model = cat.CREDIT_PD
    rng = random.Random(7)
    exp = w.experiment(
        "credit-scoring-pd",
        "Probability of default for retail loan origination; validated yearly by model risk.",
        {"team": "credit-risk-analytics", "regulatory": "true"},
    )

    def data(version: str) -> list[DatasetInput]:
        return [dataset_input("loan_applications", version, 1_450_000, "training",
                              f"s3://hx-ml-data/credit/loan_applications/snapshot={version}")]  # fmt: skip

    def make(k: int, ago: float) -> RunSpec:
        gini = round(0.58 + 0.012 * k, 3)
        return RunSpec(
            name=f"pd-nightly-{k}",
            experiment_id=exp,
            start_ms=w.days_ago(ago),
            minutes=55 if ago > 0.05 else 70,
            user="svc-credit-pipeline",
            source_name="pipelines/pd/train.py",
            commit=digest("pd", str(k)),
            params={
                "algorithm": "lightgbm",
                "monotone_constraints": "debt_to_income:+1",
                "max_depth": 5,
                "n_estimators": 400,
            },
            metrics={"gini": gini, "ks": round(gini * 0.71, 3), "brier": round(0.071 - 0.002 * k, 4)},
            datasets=data(f"2026-{k + 6:02d}"),
            note=f"Nightly PD retrain {k}: Gini {gini}.",
        )

    w.versioned(model, exp, [150, 120, 90, 45, 50 / 1440], make)
    for i in range(2):
        w.run(
            RunSpec(
                name=f"pd-scorecard-baseline-{i}",
                experiment_id=exp,
                start_ms=w.days_ago(60 - 20 * i),
                minutes=20,
                user="wang.fang",
                source_type="LOCAL",
                source_name="pipelines/pd/scorecard.py",
                commit=digest("pd-scorecard", str(i)),
                params={"algorithm": "logistic_scorecard", "bins": 10},
                metrics={"gini": 0.55 + 0.01 * i},
                datasets=data("2026-10"),
                note="Scorecard benchmark required by model risk.",
            )
        )
    parent = RunSpec(
        name="pd-hpo-2026-11",
        experiment_id=exp,
        start_ms=w.days_ago(24),
        minutes=160,
        user="wang.fang",
        source_name="pipelines/pd/tune.py",
        commit=digest("pd-hpo", "1"),
        params={"max_evals": 8, "algo": "tpe"},
        datasets=data("2026-10"),
        note="Hyperopt search (budget: 8 evaluations); chosen parameters logged on this run.",
    )
    parent_id = w.run(parent, end=False)
    best: dict[str, float | int] = {}
    best_gini = 0.0
    for t in range(8):
        params = {"max_depth": rng.choice([3, 4, 5, 6]), "learning_rate": round(rng.uniform(0.02, 0.08), 3)}
        gini = round(0.6 + rng.uniform(0, 0.04), 4)
        if gini > best_gini:
            best, best_gini = params, gini
        w.run(
            RunSpec(
                name=f"hyperopt-{t}",
                experiment_id=exp,
                start_ms=parent.start_ms + t * 20 * MINUTE_MS,
                minutes=18,
                user="wang.fang",
                source_name="pipelines/pd/tune.py",
                commit=parent.commit,
                params=params,
                metrics={"gini": gini},
                datasets=data("2026-10"),
                parent=parent_id,
            )
        )
    w.client.log_batch(
        parent_id,
        params=[Param(k, str(v)) for k, v in best.items()],
        metrics=[Metric("gini", best_gini, parent.start_ms, 0)],
    )
    w.end(parent_id, parent)
    w.run(
        RunSpec(
            name="pd-nightly-validation-failed",
            experiment_id=exp,
            start_ms=w.days_ago(9),
            minutes=4,
            user="svc-credit-pipeline",
            source_name="pipelines/pd/train.py",
            commit=digest("pd", "5"),
            params={"algorithm": "lightgbm"},
            datasets=data("2026-11"),
            status="FAILED",
            note="Great Expectations suite loan_applications failed: 3.1% null annual_income (limit 1%).",
        )
    )


def card_fraud(w: Writer) -> None:
    model = cat.CARD_FRAUD
    exp = w.experiment(
        "card-fraud-detection",
        "Real-time card fraud scoring; target: recall 0.85 at 0.5% false-positive rate.",
        {"team": "fraud-analytics"},
    )

    def data(month: str, context: str = "training") -> list[DatasetInput]:
        return [dataset_input("card_authorisations", month, 52_000_000, context,
                              f"s3://hx-ml-data/fraud/card_authorisations/month={month}")]  # fmt: skip

    def make(k: int, ago: float) -> RunSpec:
        return RunSpec(
            name=f"fraud-gbm-v{k}",
            experiment_id=exp,
            start_ms=w.days_ago(ago),
            minutes=95 if ago > 0.05 else 100,
            user="svc-fraud-pipeline" if k > 2 else "chen.jing",
            source_type="JOB" if k > 2 else "LOCAL",
            source_name="fraud/train.py",
            commit=digest("fraud", str(k)),
            params={"algorithm": "xgboost", "max_depth": 8, "scale_pos_weight": 180 + 10 * k, "eta": 0.05},
            metrics={"recall_at_0_5pct_fpr": round(0.79 + 0.012 * k, 3), "pr_auc": round(0.61 + 0.02 * k, 3)},
            datasets=data(f"2026-{k + 5:02d}"),
            note=f"Monthly fraud retrain v{k}.",
        )

    w.versioned(model, exp, [300, 210, 130, 70, 28, 90 / 1440], make)
    for i, status in enumerate(["FINISHED", "FINISHED", "FINISHED", "FAILED", "KILLED"]):
        w.run(
            RunSpec(
                name=f"fraud-experiment-{i}",
                experiment_id=exp,
                start_ms=w.days_ago(22 - 4 * i),
                minutes=60,
                user="chen.jing",
                source_type="LOCAL",
                source_name="fraud/train.py",
                commit=digest("fraud-exp", str(i)),
                params={"algorithm": "xgboost", "graph_features": str(i % 2 == 0)},
                metrics={"recall_at_0_5pct_fpr": 0.85 + 0.002 * i} if status == "FINISHED" else {},
                datasets=data("2026-11"),
                status=status,
            )
        )
    evaluation = RunSpec(
        name="evaluate-card-fraud-v6",
        experiment_id=exp,
        start_ms=w.days_ago(60 / 1440),
        minutes=15,
        user="chen.jing",
        source_name="fraud/evaluate.py",
        commit=digest("fraud", "6"),
        params={"model_uri": "models:/card-fraud@challenger", "evaluator": "default"},
        metrics={"recall_at_0_5pct_fpr": 0.862, "pr_auc": 0.73, "false_positive_rate": 0.0049},
        datasets=data("2026-11", "evaluation"),
        note="Challenger v6 against the November holdout.",
    )
    eval_id = w.run(evaluation, end=False)
    w.client.log_table(
        eval_id,
        {"threshold": [0.5, 0.8, 0.92], "recall": [0.95, 0.9, 0.862], "false_positive_rate": [0.03, 0.011, 0.0049]},
        "eval_results_table.json",
    )
    w.end(eval_id, evaluation)


def card_marketing(w: Writer) -> None:
    model = cat.CARD_MARKETING
    exp = w.experiment("card-marketing-response", None, {})

    def make(k: int, ago: float) -> RunSpec:
        return RunSpec(
            name=f"response-nb-{k}",
            experiment_id=exp,
            start_ms=w.days_ago(ago),
            minutes=8,
            user="he.xin",
            source_type="NOTEBOOK",
            source_name="response.ipynb",
            commit=digest("card-response", str(k)) if k == 4 else None,  # the registered one ran from a clone
            params={"model": "logreg", "C": 0.1 * k},
            metrics={"auc": 0.7 + 0.01 * k},
            datasets=[dataset_input("card_spend", "2026-10", 90_000, "training", "s3://hx-ml-data/cards/spend")],
        )

    for k, ago in enumerate([33, 26, 12], start=1):
        w.run(make(k, ago))
    w.registered_model(model)
    spec = make(4, 10)
    w.logged_version(model, w.run(spec, end=False), spec, None, signed=False)
    w.lifecycle(model)

"""The MLflow probes added for the 2022.10.4 checks (model files stored with their run, version owners, released
versions and their provenance), on the real server of mlflow_support.py and on hand-made registry answers."""

from __future__ import annotations

from typing import Any

from evidence_collectors.mlflow import MlflowCollector, registry, tracking
from evidence_collectors.mlflow.shapes import Alias, ModelVersion, RegisteredModel, RunFacts, is_budget, parse_run
from evidence_collectors.records import EvidenceStatus
from tests.collectors import mlflow_support as support

mlflow_site = support.mlflow_site

NEW = (
    "model_versions_with_run_artifacts_ratio",
    "model_versions_with_owner_ratio",
    "released_model_versions",
    "released_versions_with_provenance_ratio",
    "searches_with_budget_ratio",
)


collect = support.collect_mlflow


def test_new_probes_are_in_the_catalogue() -> None:
    assert {f"mlflow.{p}" for p in NEW} <= set(MlflowCollector.probe_ids())


def test_figures_on_the_filled_server(mlflow_site: support.Filled) -> None:
    records, _ = collect(mlflow_site.url)
    assert all(records[p].status is EvidenceStatus.ok for p in NEW)
    # orphan-model v1 has no run: the other four versions were registered from runs:/<run>/model
    assert records["model_versions_with_run_artifacts_ratio"].value == 0.8
    # no version carries a user_id (no auth on the server); the four with a run take the run's mlflow.user
    assert records["model_versions_with_owner_ratio"].value == 0.8
    # churn-model v1 (alias champion) and fraud-model v1 (stage Staging)
    assert records["released_model_versions"].value == 2
    assert "churn-model v1" in records["released_model_versions"].summary
    assert "fraud-model v1" in records["released_model_versions"].summary
    # churn-train and baseline both log a dataset and a commit, with a user and a start time
    assert records["released_versions_with_provenance_ratio"].value == 1.0
    # search-1 logs n_trials and has ended; search-2 logs no params at all
    assert records["searches_with_budget_ratio"].value == 0.5


def test_release_figures_follow_the_name_filter(mlflow_site: support.Filled) -> None:
    records, _ = collect(mlflow_site.url, registered_models=["draft%"])
    assert records["released_model_versions"].value == 0
    assert records["released_versions_with_provenance_ratio"].value == 0.0
    assert records["released_versions_with_provenance_ratio"].summary.startswith("no released model versions")


# --- pure functions on hand-made answers ----------------------------------------------------------------------------


def run(
    run_id: str,
    *,
    user: str = "ann",
    commit: bool = True,
    datasets: tuple[str, ...] = ("d@1",),
    parent: str = "",
    budget: bool = False,
    end: int | None = 2,
) -> RunFacts:
    return RunFacts(
        run_id=run_id, experiment_id="1", status="FINISHED", start_time=1, end_time=end, user=user, params=1,
        metrics=1, git_commit=commit, parent_run_id=parent, source_type="JOB", described=False, datasets=datasets,
        logged_model=True, budget=budget,
    )  # fmt: skip


def version(name: str, number: str, run_id: str = "", source: str = "", **extra: Any) -> ModelVersion:
    return ModelVersion(name=name, version=number, run_id=run_id, source=source, **extra)


def test_stored_with_run_accepts_run_paths_and_logged_models_only() -> None:
    assert registry.stored_with_run(version("m", "1", "r1", "runs:/r1/model"))
    assert registry.stored_with_run(version("m", "2", "r1", "s3://bucket/7/r1/artifacts/model"))
    assert registry.stored_with_run(version("m", "3", "r1", "models:/m-0a1b2c"))
    assert not registry.stored_with_run(version("m", "4", "r1", "s3://bucket/copies/model"))
    assert not registry.stored_with_run(version("m", "5", "", "runs:/r1/model"))


def test_owner_prefers_the_registering_user_and_falls_back_to_the_run() -> None:
    runs = {"r1": run("r1", user="bob"), "r2": run("r2", user=""), "gone": None}
    assert registry.owner(version("m", "1", "r1", user_id="carol"), runs) == "carol"
    assert registry.owner(version("m", "2", "r1"), runs) == "bob"
    assert registry.owner(version("m", "3", "r2"), runs) == ""
    assert registry.owner(version("m", "4", "gone"), runs) == ""
    found = registry.lineage_findings([version("m", "1", "r1"), version("m", "2", "r2")], runs, 0)
    assert found["mlflow.model_versions_with_owner_ratio"].value == 0.5


def test_only_aliased_or_staged_versions_count_as_released() -> None:
    models = [RegisteredModel(name="a", aliases=[Alias(alias="prod", version="2")]), RegisteredModel(name="b")]
    versions = [
        version("a", "1", "r1"),  # neither alias nor stage
        version("a", "2", "r2"),  # alias prod, run without a commit
        version("b", "1", "r1", current_stage="Production"),
        version("b", "2", "r1", current_stage="Archived"),
    ]
    runs = {"r1": run("r1"), "r2": run("r2", commit=False)}
    assert [(v.name, v.version) for v in registry.released(models, versions)] == [("a", "2"), ("b", "1")]
    found = registry.release_findings(models, versions, runs, unread=0)
    assert found["mlflow.released_model_versions"].value == 2
    assert found["mlflow.released_versions_with_provenance_ratio"].value == 0.5
    no_data = registry.release_findings(models, versions, {"r1": run("r1", datasets=()), "r2": run("r2")}, 3)
    assert no_data["mlflow.released_versions_with_provenance_ratio"].value == 0.5
    assert "3 source runs were not read" in no_data["mlflow.released_versions_with_provenance_ratio"].summary


def test_budget_params_are_recognised_whatever_their_prefix() -> None:
    assert is_budget("n_trials") and is_budget("optuna.n_trials") and is_budget("tune/num_samples")
    assert is_budget("Max_Evals") and is_budget("timeout")
    assert not is_budget("max_iter") and not is_budget("learning_rate") and not is_budget("n_trials_done")
    answer = {"info": {"run_id": "p"}, "data": {"params": [{"key": "search.max_trials", "value": "50"}]}}
    assert parse_run(answer).budget


def test_a_search_counts_when_its_ended_parent_records_a_budget() -> None:
    runs = [
        run("s1", budget=True),
        run("s2", budget=True, end=None),  # still running: its consumption is not on record yet
        run("s3"),
        *(run(f"t{n}{k}", parent=f"s{n}") for n in (1, 2, 3) for k in (1, 2)),
        run("u1", parent="gone"),
        run("u2", parent="gone"),  # a search whose parent was not read is left out
    ]
    found = tracking.search_findings(runs, "")
    assert found["mlflow.hyperparameter_search_count"].value == 4
    assert found["mlflow.searches_with_budget_ratio"].value == round(1 / 3, 4)
    assert "1 parent runs were not among the runs read" in found["mlflow.searches_with_budget_ratio"].summary

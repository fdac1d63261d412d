"""The MLflow probes added for the issue-10 checks (git branch on runs, chosen hyperparameter values of searches, the
dataset location of model versions, evaluation metrics, model files and packaging of released versions), on the real
server of mlflow_support.py and on hand-made answers."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from evidence_collectors import yamlio
from evidence_collectors.http import Unavailable
from evidence_collectors.mlflow import MlflowCollector, registry, signatures, tracking
from evidence_collectors.mlflow.registry import MlmodelFile
from evidence_collectors.mlflow.shapes import Alias, ModelVersion, RegisteredModel, RunFacts, parse_run
from evidence_collectors.records import EvidenceStatus
from tests.collectors import mlflow_support as support

mlflow_site = support.mlflow_site

NEW = (
    "runs_with_git_branch_ratio",
    "searches_recording_chosen_values_ratio",
    "searches_with_parallel_trials_ratio",
    "model_versions_with_dataset_location_ratio",
    "released_versions_with_code_and_data_source_ratio",
    "released_versions_with_dataset_version_ratio",
    "released_versions_with_metrics_ratio",
    "released_versions_with_model_files_ratio",
    "released_versions_packaged_ratio",
)


collect = support.collect_mlflow


def test_new_probes_are_in_the_catalogue() -> None:
    assert {f"mlflow.{p}" for p in NEW} <= set(MlflowCollector.probe_ids())


def test_packaging_figures_follow_the_released_versions(mlflow_site: support.Filled) -> None:
    records, ctx = collect(mlflow_site.url)
    assert all(records[p].status is EvidenceStatus.ok for p in NEW)
    # churn-model v1 (alias champion) has env files and a signature; fraud-model v1 (Staging) only a signature
    assert records["released_versions_packaged_ratio"].value == 0.5
    assert records["released_versions_with_model_files_ratio"].value == 1.0
    urls = {i.sha256: i.url for i in ctx.raw.items()}
    read = [urls[sha] for sha in records["released_versions_packaged_ratio"].raw_sha256 if sha in urls]
    assert any("get-artifact" in u and "fraud-model" in u for u in read)
    # only fraud-model: its released v1 lacks the environment files
    records, _ = collect(mlflow_site.url, registered_models=["fraud%"])
    assert records["released_versions_packaged_ratio"].value == 0.0
    assert records["released_versions_with_model_files_ratio"].value == 1.0
    # no released version among the draft models: nothing to count, and the summary says so
    records, _ = collect(mlflow_site.url, registered_models=["draft%"])
    assert records["released_versions_packaged_ratio"].value == 0.0
    assert records["released_versions_packaged_ratio"].summary.startswith("no released model versions")


def test_released_versions_are_read_beyond_the_newest(mlflow_site: support.Filled) -> None:
    """churn-model's released v1 is not its newest version (v2): its file is read for the packaging probes only."""
    records, ctx = collect(mlflow_site.url, registered_models=["churn%"])
    assert records["released_versions_packaged_ratio"].value == 1.0
    assert records["latest_versions_with_signature_ratio"].value == 0.0  # v2 is unsigned
    artifacts = [i.url for i in ctx.raw.items() if "get-artifact" in i.url]
    assert len(artifacts) == 2


def test_signature_guard_also_bounds_the_released_reads(mlflow_site: support.Filled) -> None:
    records, ctx = collect(mlflow_site.url, max_signature_reads=0)
    assert not [i for i in ctx.raw.items() if "get-artifact" in i.url]
    assert records["released_versions_packaged_ratio"].status is EvidenceStatus.unavailable
    assert "max_signature_reads guard" in records["released_versions_packaged_ratio"].reason
    records, _ = collect(mlflow_site.url, max_signature_reads=1)  # one of the two released versions is read
    assert " of 1 released model versions" in records["released_versions_packaged_ratio"].summary
    assert "1 released versions' MLmodel files could not be read" in records["released_versions_packaged_ratio"].summary


# --- pure functions on hand-made answers ----------------------------------------------------------------------------


def trial(run_id: str, parent: str, **params: str) -> RunFacts:
    items = tuple(params.items())
    return RunFacts(
        run_id=run_id, experiment_id="1", status="FINISHED", start_time=1, end_time=2, user="ann", params=len(items),
        metrics=1, git_commit=True, parent_run_id=parent, source_type="JOB", described=False, datasets=(),
        logged_model=False, param_keys=tuple(params), trial_params=items,
    )  # fmt: skip


def parent(run_id: str, *keys: str, metrics: int = 1) -> RunFacts:
    return RunFacts(
        run_id=run_id, experiment_id="1", status="FINISHED", start_time=1, end_time=2, user="ann", params=len(keys),
        metrics=metrics, git_commit=True, parent_run_id="", source_type="JOB", described=False, datasets=("d@1",),
        logged_model=True, param_keys=keys,
    )  # fmt: skip


def test_tuned_hyperparameters_are_those_the_trials_vary() -> None:
    trials = [trial("a", "p", lr="0.1", depth="6", seed="1"), trial("b", "p", lr="0.2", depth="6", seed="1")]
    assert tracking.tuned_keys(trials) == {"lr"}
    assert tracking.tuned_keys([*trials, trial("c", "p", lr="0.3", depth="6")]) == {"lr", "seed"}
    same = [trial("a", "p", lr="0.1"), trial("b", "p", lr="0.1")]
    assert tracking.tuned_keys(same) == {"lr"}
    assert tracking.tuned_keys([trial("a", "p"), trial("b", "p")]) == set()


def test_a_search_records_its_choice_only_with_every_tuned_value() -> None:
    runs = [
        parent("s1", "lr", "n_trials"),  # chosen lr on record
        parent("s2", "n_trials"),  # a budget only: which lr was chosen is not recorded
        parent("s3", "lr"),  # lr, but its trials also varied depth
        trial("a1", "s1", lr="0.1"), trial("a2", "s1", lr="0.2"),
        trial("b1", "s2", lr="0.1"), trial("b2", "s2", lr="0.2"),
        trial("c1", "s3", lr="0.1", depth="4"), trial("c2", "s3", lr="0.2", depth="8"),
    ]  # fmt: skip
    found = tracking.search_findings(runs, "")
    assert found["mlflow.searches_recording_chosen_values_ratio"].value == round(1 / 3, 4)
    assert found["mlflow.searches_recording_choice_ratio"].value == 1.0  # the older probe counts any param
    assert not tracking.records_chosen_values(parent("s4", "lr"), [trial("d1", "s4"), trial("d2", "s4")])


def test_trial_params_are_kept_for_child_runs_only() -> None:
    params = [{"key": "lr", "value": "0.1"}]
    child = {"info": {"run_id": "c"}, "data": {"params": params, "tags": [{"key": "mlflow.parentRunId", "value": "p"}]}}
    top = {"info": {"run_id": "p"}, "data": {"params": params}}
    assert parse_run(child).trial_params == (("lr", "0.1"),)
    assert parse_run(top).trial_params == () and parse_run(top).param_keys == ("lr",)


def test_branch_and_dataset_location_are_read_from_the_run() -> None:
    def answer(source: Any, digest: str = "ab12") -> dict[str, Any]:
        dataset = {"name": "tx", "digest": digest, "source_type": "s3", "source": source}
        tags = [{"key": "mlflow.source.git.branch", "value": "feature/x"}]
        return {"info": {"run_id": "r"}, "data": {"tags": tags}, "inputs": {"dataset_inputs": [{"dataset": dataset}]}}

    located = parse_run(answer(json.dumps({"uri": "s3://data/tx.parquet"})))
    assert located.git_branch and located.dataset_located
    assert not parse_run(answer("{}")).dataset_located
    assert not parse_run(answer("")).dataset_located
    assert not parse_run(answer(json.dumps({"uri": "s3://x"}), digest="")).dataset_located
    assert not parse_run({"info": {"run_id": "r"}}).git_branch


def test_dataset_location_counts_over_all_versions() -> None:
    runs: dict[str, RunFacts | None] = {
        "r1": parent("r1", "lr"),
        "r2": RunFacts(
            run_id="r2", experiment_id="1", status="FINISHED", start_time=1, end_time=2, user="ann", params=1,
            metrics=1, git_commit=True, parent_run_id="", source_type="JOB", described=False, datasets=("d@1",),
            logged_model=True, dataset_located=True,
        ),
        "gone": None,
    }  # fmt: skip
    versions = [ModelVersion(name="m", version=str(n), run_id=r) for n, r in enumerate(("r1", "r2", "gone", ""), 1)]
    found = registry.lineage_findings(versions, runs, 0)
    assert found["mlflow.model_versions_with_dataset_location_ratio"].value == 0.25


def test_released_versions_need_a_run_with_metrics() -> None:
    models = [RegisteredModel(name="a", aliases=[Alias(alias="prod", version="1"), Alias(alias="next", version="2")])]
    versions = [ModelVersion(name="a", version="1", run_id="r1"), ModelVersion(name="a", version="2", run_id="r2")]
    found = registry.release_findings(models, versions, {"r1": parent("r1"), "r2": parent("r2", metrics=0)}, 0)
    assert found["mlflow.released_versions_with_metrics_ratio"].value == 0.5


def test_released_versions_need_a_commit_and_a_located_dataset() -> None:
    models = [RegisteredModel(name="a", aliases=[Alias(alias="prod", version="1"), Alias(alias="next", version="2")])]
    versions = [ModelVersion(name="a", version="1", run_id="r1"), ModelVersion(name="a", version="2", run_id="r2")]
    located = dataclasses.replace(parent("r1"), dataset_located=True)
    runs: dict[str, RunFacts | None] = {"r1": located, "r2": parent("r2")}  # r2: a digest but no source
    found = registry.release_findings(models, versions, runs, 0)
    assert found["mlflow.released_versions_with_code_and_data_source_ratio"].value == 0.5
    assert found["mlflow.released_versions_with_provenance_ratio"].value == 1.0  # the dataset's source is not asked
    runs["r1"] = dataclasses.replace(located, git_commit=False)
    found = registry.release_findings(models, versions, runs, 0)
    assert found["mlflow.released_versions_with_code_and_data_source_ratio"].value == 0.0
    assert found["mlflow.released_versions_with_dataset_version_ratio"].value == 1.0
    runs["r2"] = dataclasses.replace(parent("r2"), datasets=("tx@",))  # a dataset input without a digest
    found = registry.release_findings(models, versions, runs, 0)
    assert found["mlflow.released_versions_with_dataset_version_ratio"].value == 0.5


def test_packaging_needs_a_pyfunc_loader_environment_and_signature() -> None:
    assert signatures.is_packaged(yamlio.load(support.PACKAGED_MLMODEL.encode()))
    old = "flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    env: conda.yaml\n"
    assert signatures.is_packaged(yamlio.load(old.encode()))
    assert not signatures.is_packaged(yamlio.load(support.SIGNED_MLMODEL.encode()))  # no env declared
    no_loader = "flavors:\n  python_function:\n    env: conda.yaml\n"
    assert not signatures.is_packaged(yamlio.load(no_loader.encode()))
    assert not signatures.is_packaged(yamlio.load(b"flavors:\n  onnx:\n    onnx_version: 1.16.0\n"))
    assert not signatures.is_packaged(["not", "a", "map"])
    file = signatures.describe("m", "1", support.PACKAGED_MLMODEL.encode())
    assert file.found and file.signature and file.packaged


def test_package_findings_leave_unread_files_out() -> None:
    models = [RegisteredModel(name="a", aliases=[Alias(alias="prod", version="1")]), RegisteredModel(name="b")]
    versions = [
        ModelVersion(name="a", version="1"),
        ModelVersion(name="b", version="1", current_stage="Production"),
        ModelVersion(name="b", version="2", current_stage="Staging"),
        ModelVersion(name="b", version="3"),  # not released: its file does not count
    ]
    files = {
        ("a", "1"): MlmodelFile("a", "1", True, signature=True, packaged=True),
        ("b", "1"): MlmodelFile("b", "1", False, problem="no MLmodel file"),
        ("b", "2"): MlmodelFile("b", "2", None, problem="HTTP 503"),
        ("b", "3"): MlmodelFile("b", "3", True, signature=True, packaged=True),
    }
    found = registry.package_findings(models, versions, files)
    assert found["mlflow.released_versions_with_model_files_ratio"].value == 0.5
    assert found["mlflow.released_versions_packaged_ratio"].value == 0.5
    assert (
        "1 released versions' MLmodel files could not be read"
        in found["mlflow.released_versions_packaged_ratio"].summary
    )
    unsigned = {**files, ("a", "1"): MlmodelFile("a", "1", True, signature=False, packaged=True)}
    assert registry.package_findings(models, versions, unsigned)["mlflow.released_versions_packaged_ratio"].value == 0.0
    down = {("b", "1"): MlmodelFile("b", "1", None, problem="HTTP 503")}
    with pytest.raises(Unavailable, match="HTTP 503"):
        registry.package_findings(models, versions, down)
    assert registry.package_findings([], versions[3:], {})["mlflow.released_versions_packaged_ratio"].value == 0.0


def test_signature_view_of_a_file() -> None:
    assert signatures.as_signature(MlmodelFile("m", "1", False, problem="no MLmodel file")).signature is False
    assert signatures.as_signature(MlmodelFile("m", "1", None, problem="HTTP 503")).signature is None
    assert signatures.as_signature(MlmodelFile("m", "1", True, signature=True)).signature is True


def timed(run_id: str, start: int | None, end: int | None) -> RunFacts:
    return dataclasses.replace(trial(run_id, "p"), start_time=start, end_time=end)


def test_parallel_trials_overlap_in_time() -> None:
    assert tracking.ran_in_parallel([timed("a", 0, 10), timed("b", 5, 20)])
    assert not tracking.ran_in_parallel([timed("a", 0, 10), timed("b", 10, 20), timed("c", 20, 30)])
    assert tracking.ran_in_parallel([timed("a", 0, None), timed("b", 100, 200)])  # a is still running
    assert tracking.ran_in_parallel([timed("a", 0, 100), timed("b", 10, 20), timed("c", 50, 60)])
    assert not tracking.ran_in_parallel([timed("a", None, None), timed("b", 0, 10)])  # a cannot be placed
    assert tracking.ran_in_parallel([timed("a", 0, None), timed("b", 0, 10)])  # same start, one still running
    runs = [
        dataclasses.replace(parent("s1"), start_time=0, end_time=100),
        dataclasses.replace(timed("t1", 0, 10), parent_run_id="s1"),
        dataclasses.replace(timed("t2", 5, 15), parent_run_id="s1"),
        dataclasses.replace(timed("u1", 0, 10), parent_run_id="s2"),
        dataclasses.replace(timed("u2", 10, 20), parent_run_id="s2"),
    ]
    found = tracking.search_findings(runs, "")
    assert found["mlflow.searches_with_parallel_trials_ratio"].value == 0.5


def test_a_chosen_value_may_carry_a_prefix_saying_so() -> None:
    trials = [trial("a", "s", lr="0.1", depth="4"), trial("b", "s", lr="0.2", depth="8")]
    assert tracking.records_chosen_values(parent("s", "best_lr", "selected_depth"), trials)
    assert not tracking.records_chosen_values(parent("s", "best_lr", "n_trials"), trials)  # depth's choice missing
    assert not tracking.records_chosen_values(parent("s", "lr_best", "depth"), trials)  # a suffix is another name

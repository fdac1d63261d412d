"""The development-practice probes of the git collector (Part 1 checks): exploratory analysis files, data layers,
labelling platforms and label-quality methods, metric libraries, early stopping, feature transformation libraries and
unlabelled workloads, read from real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_collectors.base import CollectContext
from evidence_collectors.git.collector import GitCollector
from evidence_collectors.git.config import GitTargetConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.collectors.git_support import RepoBuilder
from tests.collectors.test_git import _git, ml_repo  # noqa: F401  (the shared model-project fixture)

NEW_PROBES = (
    "git.exploratory_analysis_files",
    "git.data_layers",
    "git.labelling_tools",
    "git.label_quality_methods",
    "git.metric_libraries",
    "git.hpo_early_stopping",
    "git.feature_pipeline_libraries",
    "git.k8s_workloads_without_owner_label",
)

PRACTICE_FILES: dict[str, str | bytes] = {
    "notebooks/01_eda_customers.ipynb": (
        '{"cells": [{"cell_type": "code", "source": ["import pandas as pd\\n", "df = pd.read_csv(\'x.csv\')"]}],'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    ),
    "analysis/profile.py": "from ydata_profiling import ProfileReport\nProfileReport(df).to_file('report.html')\n",
    "tests/test_eda_helpers.py": "def test_eda():\n    assert True\n",
    "data/raw.dvc": "outs:\n- md5: 3f2a\n  path: raw\n",
    "data/features/.gitkeep": "",
    "src/data/features/build.py": "print('code, not a data layer')\n",
    "dvc.yaml": (
        "stages:\n  prepare:\n    cmd: python src/prepare.py\n    deps: [data/raw]\n"
        "    outs: [data/processed/train.parquet]\n"
    ),
    "labelling/sync.py": (
        "from label_studio_sdk import Client\nfrom sklearn.metrics import cohen_kappa_score\n"
        "import cleanlab\nkappa = cohen_kappa_score(a, b)\n"
    ),
    "src/evaluate.py": "import torchmetrics\nfrom sklearn.metrics import f1_score\n",
    "src/tune.py": (
        "import optuna\nstudy = optuna.create_study(pruner=optuna.pruners.MedianPruner())\n"
        "from sklearn.pipeline import Pipeline\nmodel = Pipeline([('scale', scaler), ('clf', clf)])\n"
    ),
    "sweeps/sweep.yaml": (
        "method: bayes\nearly_terminate: {type: hyperband, min_iter: 3}\nparameters: {lr: {min: 0.001}}\n"
    ),
    "k8s/train-job.yaml": (
        "apiVersion: kubeflow.org/v1\nkind: PyTorchJob\nmetadata:\n  name: train\n"
        "  labels: {example.org/project: churn, team: ds}\nspec: {}\n"
        "---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: refresh, labels: {app: refresh}}\nspec: {}\n"
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {}\n"
    ),
    "charts/churn/templates/job.yaml": (
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n"
        '    {{- include "churn.labels" . | nindent 4 }}\nspec: {}\n'
    ),
    "requirements.txt": "cvat-sdk==2.0\noptuna==3.6\n",
}


def _collect(path: Path) -> dict[str, EvidenceRecord]:
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(path)})
    records = GitCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
    return {r.probe: r for r in records}


@pytest.fixture(scope="module")
def practices(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvidenceRecord]:
    repo = RepoBuilder(tmp_path_factory.mktemp("practices") / "churn")
    repo.commit("ABC-1 add exploratory analysis, labelling and tuning", PRACTICE_FILES, days_ago=3)
    return _collect(repo.path)


def test_new_probes_are_catalogued_and_ok(practices: dict[str, EvidenceRecord]) -> None:
    ids = GitCollector.probe_ids()
    for probe in NEW_PROBES:
        assert probe in ids
        record = practices[probe]
        assert record.status is EvidenceStatus.ok, record
        assert record.summary and record.raw_sha256, probe


def test_exploratory_analysis_files_by_name_and_by_profiling_call(practices: dict[str, EvidenceRecord]) -> None:
    # the named notebook and the profiling script count; a test file named eda does not
    assert practices["git.exploratory_analysis_files"].value == 2
    assert "01_eda_customers.ipynb" in practices["git.exploratory_analysis_files"].summary


def test_data_layers_from_paths_pointers_and_dvc_stages(practices: dict[str, EvidenceRecord]) -> None:
    # raw from the .dvc pointer, processed from dvc.yaml outs, features from a data folder (not the code folder)
    assert practices["git.data_layers"].value == ["raw", "processed", "features"]


def test_labelling_and_label_quality(practices: dict[str, EvidenceRecord]) -> None:
    assert practices["git.labelling_tools"].value == ["label_studio"]
    assert "declared as a dependency but not used in code: cvat" in practices["git.labelling_tools"].summary
    assert practices["git.label_quality_methods"].value == ["inter_annotator_agreement", "label_error_detection"]


def test_metric_libraries_early_stopping_and_feature_pipelines(practices: dict[str, EvidenceRecord]) -> None:
    assert practices["git.metric_libraries"].value == ["sklearn_metrics", "torchmetrics"]
    assert practices["git.hpo_early_stopping"].value == ["optuna_pruner", "wandb_sweep_early_terminate"]
    assert practices["git.feature_pipeline_libraries"].value == ["sklearn_pipeline"]


def test_workloads_without_owner_label(practices: dict[str, EvidenceRecord], ml_repo: Path) -> None:  # noqa: F811
    # the PyTorchJob names its project (behind a domain prefix); the CronJob's "app" label does not; labels a Helm
    # helper fills in are not judged; ConfigMaps are not workloads
    assert practices["git.k8s_workloads_without_owner_label"].value == 1
    assert "CronJob/refresh" in practices["git.k8s_workloads_without_owner_label"].summary
    # the shared model-project fixture: an InferenceService, a Deployment and a Helm-templated Deployment, none labelled
    shared = _collect(ml_repo)
    assert shared["git.k8s_workloads_without_owner_label"].value == 3
    assert shared["git.labelling_tools"].value == []
    assert shared["git.hpo_early_stopping"].status is EvidenceStatus.ok


def test_an_empty_repository_reports_absence(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "empty")
    repo.commit("ABC-2 readme only", {"README.md": "# nothing here\n"}, days_ago=1)
    found = _collect(repo.path)
    assert found["git.exploratory_analysis_files"].value == 0
    assert found["git.data_layers"].value == []
    assert found["git.k8s_workloads_without_owner_label"].value == 0
    assert "no workload manifests" in found["git.k8s_workloads_without_owner_label"].summary

"""The git collector against real repositories built by the test with git itself."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.git.collector import GitCollector
from evidence_collectors.git.config import GitTargetConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.runner import collect
from evidence_collectors.secrets import Redactor
from evidence_collectors.targets import Target, load_targets
from tests.collectors.git_support import RepoBuilder, fingerprint
from tests.support.servers import require_binary

SECRET = "s3cr3t-T0KEN-4f9a"
DIGEST = "sha256:" + "ab" * 32

GITHUB_CI = """\
name: ci
on:
  push:
    branches: [main]
  pull_request:
  schedule:
    - cron: "0 3 * * 1"
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with: {python-version: "3.11"}
      - run: pip install -r requirements.txt
      - run: make test
  validate-data:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python scripts/check.py
  train:
    needs: [test]
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          dvc pull
          dvc repro
  register:
    needs: [train]
    runs-on: ubuntu-latest
    steps:
      - run: python scripts/publish_model.py
  deploy:
    needs: [register]
    environment: production
    runs-on: ubuntu-latest
    steps:
      - uses: azure/setup-kubectl@v4
      - run: kubectl apply -f k8s/
  security:
    uses: acme/shared-workflows/.github/workflows/security.yml@v1
"""

# GitHub's starter workflow: present, but it runs nothing.
GITHUB_TEMPLATE = """\
name: CI template
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Run a one-line script
        run: echo Hello, world!
      - name: Run a multi-line script
        run: |
          echo Add other actions to build,
          echo test, and deploy your project.
"""

GITLAB_CI = """\
include:
  - template: Security/SAST.gitlab-ci.yml
  - local: ci/deploy.yml
stages: [test, deploy]
.python:
  image: python:3.11
  before_script:
    - pip install -r requirements.txt
unit-tests:
  extends: .python
  stage: test
  script:
    - python -m pytest tests/unit
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
lint:
  stage: test
  script:
    - make lint
"""

GITLAB_DEPLOY = """\
deploy-prod:
  stage: deploy
  environment: production
  script:
    - helm upgrade --install model charts/model -f charts/model/values-prod.yaml
  when: manual
"""

# GitLab's "getting started" template: echoes and sleeps only.
GITLAB_TEMPLATE = """\
stages: [build, test, deploy]
build-job:
  stage: build
  script:
    - echo "Compiling the code..."
    - echo "Compile complete."
unit-test-job:
  stage: test
  script:
    - echo "Running unit tests... This will take about 60 seconds."
    - sleep 60
    - echo "Code coverage is 90%"
deploy-job:
  stage: deploy
  environment: production
  script:
    - echo "Deploying application..."
    - echo "Application successfully deployed."
"""

JENKINSFILE = """\
@Library('ml-shared-lib@2.0') _
pipeline {
  agent any
  triggers { cron('H 2 * * *') }
  stages {
    stage('Build image') {
      steps { sh 'docker build -t registry.example.org/model:${BUILD_NUMBER} .' }
    }
    stage('Evaluate') {
      steps {
        sh \"\"\"
          python evaluate.py --model model.pkl
        \"\"\"
      }
    }
  }
}
"""

MAKEFILE = '.PHONY: test lint\ntest:\n\tpytest -q tests\nlint:\n\t@echo "TODO: add linting"\n'

DVC_YAML = """\
stages:
  prepare:
    cmd: python src/prepare.py
    deps: [data/raw.csv]
    outs: [data/prepared]
  train:
    cmd: python src/train.py
    deps: [data/prepared]
    params: [train.lr]
    outs: [models/model.pkl]
  evaluate:
    cmd: python src/evaluate.py
    metrics:
      - metrics.json:
          cache: false
"""

DVC_CONFIG = f"""\
[core]
    remote = storage
['remote "storage"']
    url = s3://ml-bucket/dvcstore
['remote "backup"']
    url = https://deploy:{SECRET}@dvc.example.org/store
    password = {SECRET}
"""

UNIT_TESTS = """\
import pytest


def test_scale():
    assert True


async def test_async_load():
    assert True


class TestEncoder:
    def test_roundtrip(self):
        assert True


@pytest.mark.parametrize("x", [1, 2, 3])
def test_param(x):
    assert x
"""

PIPELINE_FILES: dict[str, str | bytes] = {
    "dvc.yaml": DVC_YAML,
    "params.yaml": "train:\n  lr: 0.01\n",
    "data/raw.csv.dvc": "outs:\n- md5: 1a2b3c4d5e6f\n  size: 1024\n  path: raw.csv\n",
    ".dvc/config": DVC_CONFIG,
    ".gitattributes": "models/*.onnx filter=lfs diff=lfs merge=lfs -text\n",
    "MLproject": (
        'name: churn\nentry_points:\n  main:\n    command: "python src/train.py --lr {lr}"\n'
        '  evaluate:\n    command: "python src/evaluate.py"\n'
    ),
    "pipelines/training_dag.py": (
        "from datetime import datetime\nfrom airflow import DAG\nfrom airflow.operators.bash import BashOperator\n"
        "with DAG('retrain', start_date=datetime(2024, 1, 1), schedule='@weekly') as dag:\n"
        "    BashOperator(task_id='train', bash_command='dvc repro')\n"
    ),
    "pipelines/kfp_pipeline.py": (
        "from kfp import dsl\n\n@dsl.component\ndef evaluate() -> None:\n    ...\n\n"
        "@dsl.pipeline(name='eval')\ndef pipeline() -> None:\n    evaluate()\n"
    ),
    "src/train.py": (
        "import mlflow\nimport optuna\nfrom sklearn.model_selection import GridSearchCV\n\n"
        "def objective(trial):\n    return trial.suggest_float('lr', 1e-4, 1e-1)\n\n"
        "search = GridSearchCV(None, {'C': [1, 10]})\nmlflow.log_params({'lr': 0.01})\n"
    ),
    "src/experiments.py": "import wandb\n\nwandb.init(project='churn')\n",
    "src/export.py": "import torch\n\ntorch.onnx.export(model, x, 'model.onnx')\n",
    "conf/sweep.yaml": (
        "method: bayes\nmetric: {name: val_auc, goal: maximize}\nparameters:\n  lr: {min: 0.0001, max: 0.1}\n"
    ),
    "feature_repo/feature_store.yaml": "project: churn\nregistry: data/registry.db\nprovider: local\n",
    "feature_repo/features.py": (
        "from feast import Entity, FeatureView\n\ncustomer = Entity(name='customer', join_keys=['customer_id'])\n"
        "stats = FeatureView(name='customer_stats', entities=[customer], schema=[])\n"
        "usage = FeatureView(name='customer_usage', entities=[customer], schema=[])\n"
    ),
    "serving/app.py": (
        "import joblib\nfrom fastapi import FastAPI\n\napp = FastAPI()\nmodel = joblib.load('model.joblib')\n"
    ),
    "Dockerfile": "ARG BASE=python:3.11-slim\nFROM ${BASE} AS build\nRUN pip install -r requirements.txt\nFROM build\n",
    "serving/Dockerfile": "FROM python:latest AS deps\nRUN pip install fastapi\nFROM ubuntu AS runtime\n",
    "docker/triton.Dockerfile": f"FROM nvcr.io/nvidia/tritonserver@{DIGEST}\n",
    "requirements.txt": "numpy==1.26.4\npandas>=2.0\nmlflow==2.16.0  # tracking\ncomet-ml\n",
    "pyproject.toml": (
        "[tool.poetry]\nname = 'churn'\n\n[tool.poetry.dependencies]\npython = '^3.11'\nmlflow = '^2.16'\n"
    ),
    "poetry.lock": "# This file is automatically @generated by Poetry\n",
    "Makefile": MAKEFILE,
    "tests/unit/test_features.py": UNIT_TESTS,
    "tests/integration/test_api.py": "def test_health():\n    assert True\n\n\ndef test_predict():\n    assert True\n",
    "tests/test_props.py": (
        "from hypothesis import given, strategies as st\n\n@given(st.integers())\ndef test_int(x):\n    assert x == x\n"
    ),
    "tests/conftest.py": "def helper():\n    return 1\n",
    "README.md": "# Churn model\n",
    "MODEL_CARD.md": "# Model card\n\nIntended use: churn scoring.\n",
    "docs/index.md": "# Docs\n",
    "CHANGELOG.md": "# Changelog\n",
    ".github/CODEOWNERS": "* @acme/ml-team\n",
    ".github/pull_request_template.md": "## What changed\n",
    "notebooks/eda.ipynb": json.dumps(
        {"cells": [{"cell_type": "code", "source": ["import evidently\n", "x = 1\n"]}], "nbformat": 4}
    ),
    "models/model.pt": os.urandom(100 * 1024),
    "models/big.onnx": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123456789\n",
    "data/sample.csv": "a,b\n1,2\n",
    "infra/main.tf": 'resource "null_resource" "x" {}\n',
    "infra/prod.tfvars": "replicas = 3\n",
    "charts/model/Chart.yaml": "apiVersion: v2\nname: model\nversion: 0.1.0\n",
    "charts/model/values-prod.yaml": "replicas: 3\n",
    "charts/model/templates/deployment.yaml": (
        "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        "spec:\n  replicas: {{ .Values.replicas }}\n{{- end }}\n"
    ),
    "deploy/overlays/staging/kustomization.yaml": (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\n"
    ),
    "argocd/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: churn}\nspec: {}\n",
    "slo/churn-slo.yaml": (
        "apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata: {name: churn}\n"
        "spec:\n  service: churn\n"
        "  slos:\n    - name: availability\n      objective: 99.9\n    - name: latency\n      objective: 99.0\n"
    ),
}

VALIDATION_FILES: dict[str, str | bytes] = {
    "scripts/check.py": "import great_expectations as gx\n\nbatch.expect_column_values_to_not_be_null('id')\n",
    "scripts/publish_model.py": "import mlflow\n\nmlflow.register_model('runs:/abc/model', 'churn')\n",
    "src/validate.py": "import pandera as pa\n\n\nclass Churn(pa.DataFrameModel):\n    id: int\n",
    "great_expectations/great_expectations.yml": "config_version: 3\n",
    "great_expectations/expectations/churn_suite.json": json.dumps(
        {"expectation_suite_name": "churn", "expectations": []}
    ),
}

K8S_FILES: dict[str, str | bytes] = {
    "k8s/isvc.yaml": (
        "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: churn}\nspec:\n  predictor:\n"
        "    canaryTrafficPercent: 10\n    model:\n      modelFormat: {name: sklearn}\n"
        "      storageUri: s3://models/churn/v2\n"
    ),
    "k8s/routing.yaml": (
        "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: churn}\n"
        "spec:\n  hosts: [churn]\n"
        "  http:\n    - route:\n        - destination: {host: churn-v1}\n          weight: 90\n"
        "        - destination: {host: churn-v2}\n          weight: 10\n      mirror: {host: churn-shadow}\n"
    ),
    "k8s/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  strategy:\n    type: RollingUpdate\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\n"
    ),
}

CI_FILES: dict[str, str | bytes] = {
    ".github/workflows/ci.yml": GITHUB_CI,
    ".github/workflows/template.yml": GITHUB_TEMPLATE,
    ".gitlab-ci.yml": GITLAB_CI,
    "ci/deploy.yml": GITLAB_DEPLOY,
    "Jenkinsfile": JENKINSFILE,
}


@pytest.fixture(scope="module", autouse=True)
def _git() -> None:
    require_binary("git")


@pytest.fixture(scope="module")
def ml_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model project with CI, pipelines, data versioning, deployment manifests and a dated history."""
    repo = RepoBuilder(tmp_path_factory.mktemp("ml") / "churn")
    repo.commit(
        "ABC-1 initial project skeleton", {"README.md": "# Churn\n", "requirements.txt": "numpy\n"}, days_ago=200
    )
    repo.git("branch", "release/1.0")
    repo.tag("v0.9.0", days_ago=200)
    repo.commit("Add training pipeline (#12)", PIPELINE_FILES, days_ago=60)
    repo.commit("ML-42 add feature store definitions", {"feature_repo/README.md": "Feast repo\n"}, days_ago=50)
    repo.commit("fix", {"src/prepare.py": "print('prepare')\n"}, days_ago=40)
    repo.commit("wip", {"src/evaluate.py": "print('evaluate')\n"}, days_ago=30)
    repo.checkout("feature/add-canary", create=True)
    repo.commit("Add canary rollout for the model service", K8S_FILES, days_ago=20)
    repo.checkout("main")
    repo.merge("feature/add-canary", "Merge branch 'feature/add-canary'", days_ago=15)
    repo.commit("Improve data validation rules", VALIDATION_FILES, days_ago=10)
    repo.tag("v1.0.0", days_ago=10, annotated=True)
    repo.commit("Add CI workflows and deployment GH-77", CI_FILES, days_ago=5)
    repo.tag("model-v1.1.0", days_ago=5)
    repo.tag("nightly-build", days_ago=5)
    for branch, days in (("fix/ML-7-bug", 3), ("johns-branch", 2)):
        repo.checkout(branch, create=True)
        repo.commit(f"work on {branch}", {f"notes/{branch.replace('/', '_')}.txt": "x\n"}, days_ago=days)
        repo.checkout("main")
    repo.git("remote", "add", "origin", f"https://ci:{SECRET}@git.example.org/acme/churn.git")
    # Uncommitted changes must not count: the collector reads the ref, not the work tree.
    repo.write(
        {
            ".github/workflows/template.yml": GITHUB_TEMPLATE.replace("echo Hello, world!", "pytest -q"),
            "tests/test_untracked.py": "def test_untracked():\n    pass\n",
        }
    )
    return repo.path


def _config(path: Path, **extra: object) -> GitTargetConfig:
    return GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(path), **extra})


def _collect(path: Path, **extra: object) -> tuple[dict[str, EvidenceRecord], CollectContext]:
    ctx = CollectContext(raw=RawStore(), redactor=Redactor())
    records = GitCollector().collect(_config(path, **extra), ctx)
    assert [r.probe for r in records] == GitCollector.probe_ids()
    return {r.probe: r for r in records}, ctx


@pytest.fixture(scope="module")
def ml(ml_repo: Path) -> dict[str, EvidenceRecord]:
    return _collect(ml_repo)[0]


def _values(records: dict[str, EvidenceRecord]) -> dict[str, object]:
    return {probe: r.value for probe, r in records.items()}


def test_every_probe_is_ok_with_a_summary_and_raw_evidence(ml: dict[str, EvidenceRecord]) -> None:
    for record in ml.values():
        assert record.status is EvidenceStatus.ok, record
        assert record.summary and "\n" not in record.summary
        assert record.raw_sha256, record.probe
        assert record.source.system == "git"


def test_catalogue_is_consistent() -> None:
    ids = GitCollector.probe_ids()
    assert len(ids) == len(set(ids)) >= 60
    assert all(i.startswith("git.") for i in ids)
    for spec in GitCollector.probes:
        assert spec.short_zh and spec.remediation.text_zh and spec.motivation and spec.implementation


def test_ci_jobs_and_what_they_run(ml: dict[str, EvidenceRecord]) -> None:
    v = _values(ml)
    assert v["git.ci_config_present"] is True
    assert v["git.ci_systems"] == ["github_actions", "gitlab_ci", "jenkins"]
    jobs = v["git.ci_jobs"]
    assert isinstance(jobs, list) and len(jobs) == 13
    assert v["git.ci_effective_jobs"] == 11
    assert "github_actions .github/workflows/template.yml#build: runs nothing" in jobs
    assert "gitlab_ci .gitlab-ci.yml#lint: runs nothing" in jobs  # `make lint` whose recipe only echoes
    assert "github_actions .github/workflows/ci.yml#test: test" in jobs  # `make test` -> pytest
    assert "github_actions .github/workflows/ci.yml#validate-data: data_validation" in jobs  # script imports GX
    assert "github_actions .github/workflows/ci.yml#register: register_model" in jobs  # script registers a model
    assert "github_actions .github/workflows/ci.yml#train: run_pipeline, train" in jobs  # dvc repro, train stage
    assert "gitlab_ci .gitlab-ci.yml#deploy-prod: deploy" in jobs  # from the included local file
    assert "jenkins Jenkinsfile#Build image: build_image" in jobs
    assert "jenkins Jenkinsfile#Evaluate: evaluate" in jobs
    for probe in (
        "git.ci_runs_tests",
        "git.ci_runs_training",
        "git.ci_registers_models",
        "git.ci_deploys",
        "git.ci_runs_data_validation",
    ):
        assert v[probe] is True, probe
    assert set(v["git.ci_activities"]) >= {
        "test",
        "train",
        "register_model",
        "deploy",
        "data_validation",
        "build_image",
        "evaluate",
        "security_scan",
        "run_pipeline",
    }
    assert v["git.ci_triggers"] == ["manual", "merge_request", "pull_request", "push", "schedule"]
    assert v["git.ci_shared_templates"] == [
        "acme/shared-workflows/.github/workflows/security.yml@v1",
        "ml-shared-lib@2.0",
        "template:Security/SAST.gitlab-ci.yml",
    ]
    assert "11 of 13 CI job(s) run real commands" in ml["git.ci_effective_jobs"].summary
    assert "pytest -q tests" in ml["git.ci_runs_tests"].summary


def test_placeholder_ci_runs_nothing(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "templated")
    repo.commit(
        "Add CI templates",
        {".github/workflows/blank.yml": GITHUB_TEMPLATE, ".gitlab-ci.yml": GITLAB_TEMPLATE, "README.md": "# x\n"},
    )
    records, _ = _collect(repo.path)
    v = _values(records)
    assert v["git.ci_config_present"] is True
    assert v["git.ci_effective_jobs"] == 0
    assert all(str(job).endswith("runs nothing") for job in v["git.ci_jobs"])
    assert len(v["git.ci_jobs"]) == 4
    for probe in ("git.ci_runs_tests", "git.ci_runs_training", "git.ci_registers_models", "git.ci_deploys"):
        assert v[probe] is False, probe  # "Running unit tests..." and "Deploying..." are only echoed
    assert v["git.ci_activities"] == [] and v["git.ci_triggers"] == []
    assert "0 of 4 CI job(s) run real commands; placeholders only" in records["git.ci_effective_jobs"].summary


OTHER_CI: dict[str, str | bytes] = {
    "azure-pipelines.yml": (
        "trigger: [main]\npr: [main]\nsteps:\n  - script: python -m pytest -q\n    displayName: Unit tests\n"
        "  - template: steps/deploy.yml@templates\n"
    ),
    ".circleci/config.yml": (
        "version: 2.1\norbs:\n  python: circleci/python@2.1\njobs:\n  train:\n    steps:\n      - checkout\n"
        "      - run:\n          name: Train\n          command: python src/train.py\n"
    ),
    "bitbucket-pipelines.yml": (
        "pipelines:\n  default:\n    - step:\n        name: Test\n        script:\n          - pytest\n"
        "  tags:\n    'v*':\n      - step:\n          name: Deploy\n          deployment: production\n"
        "          script:\n            - ./deploy.sh\n"
    ),
    ".travis.yml": "language: python\nscript: pytest\n",
    "Jenkinsfile": "node {\n  sh 'make train'\n}\n",
    ".github/workflows/broken.yml": "on: push\njobs: [unclosed\n",
}


def test_other_ci_systems_and_unreadable_files(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "other-ci")
    repo.commit("Add CI for several systems", OTHER_CI)
    records, _ = _collect(repo.path)
    v = _values(records)
    assert v["git.ci_systems"] == [
        "azure_pipelines",
        "bitbucket_pipelines",
        "circleci",
        "github_actions",
        "jenkins",
        "travis",
    ]
    assert v["git.ci_jobs"] == [
        "azure_pipelines azure-pipelines.yml#Unit tests: test",
        # a step template of another repository: what it does is read from its name
        "azure_pipelines azure-pipelines.yml#templates of other repositories: deploy",
        "bitbucket_pipelines bitbucket-pipelines.yml#Deploy: deploy",
        "bitbucket_pipelines bitbucket-pipelines.yml#Test: test",
        "circleci .circleci/config.yml#Train: train",
        "jenkins Jenkinsfile#pipeline: train",  # scripted pipeline without stages; `make train` without a Makefile
        "travis .travis.yml#job: test",
    ]
    assert v["git.ci_triggers"] == ["pull_request", "push", "tag"]
    assert v["git.ci_shared_templates"] == ["python: circleci/python@2.1", "steps/deploy.yml@templates"]
    assert "unreadable: .github/workflows/broken.yml: invalid YAML at line" in records["git.ci_config_present"].summary


def test_pipelines_and_ml_tooling(ml: dict[str, EvidenceRecord]) -> None:
    v = _values(ml)
    assert v["git.pipeline_tools"] == ["airflow", "dvc", "kubeflow", "mlflow_project"]
    assert v["git.pipeline_definition_files"] == 4
    assert v["git.dvc_stages"] == 3
    assert v["git.pipeline_has_training_step"] is True
    assert v["git.experiment_tracking_tools"] == ["dvc_metrics", "mlflow", "wandb"]  # dvc.yaml stage metrics
    assert "declared as a dependency but not used in code: comet" in ml["git.experiment_tracking_tools"].summary
    assert v["git.hyperparameter_search_tools"] == ["optuna", "sklearn_search"]
    assert v["git.search_space_config_files"] == 1
    assert v["git.serving_frameworks"] == ["fastapi", "triton"]
    assert v["git.model_conversion_tools"] == ["onnx"]


def test_data_assets(ml: dict[str, EvidenceRecord]) -> None:
    v = _values(ml)
    assert v["git.data_versioning_tools"] == ["dvc", "git_lfs"]
    assert v["git.dvc_tracked_outputs"] == 4  # 3 dvc.yaml outs/metrics + 1 .dvc file
    assert v["git.dvc_remotes"] == ["backup (https)", "storage (s3, default)"]
    assert v["git.large_binary_files"] == 1  # models/model.pt; the LFS pointer and the small CSV do not count
    # the notebook only imports evidently: an import without a test suite validates nothing
    assert v["git.data_validation_tools"] == ["great_expectations", "pandera"]
    assert v["git.data_validation_rule_files"] == 3
    assert v["git.feature_store_tools"] == ["feast"]
    assert v["git.feature_views"] == 2


def test_dependencies_and_containers(ml: dict[str, EvidenceRecord]) -> None:
    v = _values(ml)
    assert v["git.dependency_files"] == ["pyproject.toml", "requirements.txt"]
    assert v["git.lock_files"] == ["poetry.lock"]
    assert v["git.pinned_requirements_ratio"] == 0.5
    assert "2 of 4 (50.0%)" in ml["git.pinned_requirements_ratio"].summary
    assert v["git.dependencies_locked"] is True
    assert v["git.dockerfiles"] == 3
    assert v["git.pinned_base_image_ratio"] == 0.5  # python:3.11-slim (via ARG) and a digest; python:latest, ubuntu
    assert "(1 by digest)" in ml["git.pinned_base_image_ratio"].summary
    assert "python:latest" in ml["git.pinned_base_image_ratio"].summary


def test_deployment_manifests(ml: dict[str, EvidenceRecord]) -> None:
    v = _values(ml)
    assert v["git.k8s_resource_kinds"] == [
        "Application",
        "Deployment",
        "InferenceService",
        "Kustomization",
        "PrometheusServiceLevel",
        "Service",
        "VirtualService",
    ]
    assert v["git.model_serving_resources"] == ["InferenceService"]
    assert v["git.traffic_strategies"] == ["canary", "mirroring", "rolling_update", "traffic_split"]
    assert v["git.gitops_tools"] == ["argocd"]
    assert v["git.slo_definitions"] == 2
    assert v["git.iac_tools"] == ["helm", "kustomize", "terraform"]
    assert v["git.environments"] == ["prod", "staging"]


def test_tests_and_documentation(ml: dict[str, EvidenceRecord]) -> None:
    v = _values(ml)
    assert v["git.test_files"] == 3  # the untracked test file is not in the ref
    assert v["git.test_cases"] == 7
    assert v["git.test_layers"] == ["integration", "property_based", "unit"]
    assert v["git.documentation"] == [
        "changelog",
        "codeowners",
        "docs_site",
        "model_card",
        "pull_request_template",
        "readme",
    ]
    assert v["git.model_cards"] == 1
    assert v["git.notebooks"] == 1


def test_branches_and_tags(ml: dict[str, EvidenceRecord]) -> None:
    v = _values(ml)
    assert v["git.branches"] == ["feature/add-canary", "fix/ML-7-bug", "johns-branch", "main", "release/1.0"]
    assert v["git.branch_count"] == 5
    assert v["git.mainline_branch"] == "main"
    assert v["git.branch_naming_ratio"] == 0.75
    assert v["git.release_branches"] == 1
    assert v["git.stale_branches"] == 1  # release/1.0, last commit 200 days ago
    assert v["git.tags"] == 4
    assert v["git.release_tags"] == 3  # nightly-build is not a version
    assert v["git.latest_release_tag"] == "model-v1.1.0"
    assert v["git.release_tags_in_window"] == 2


def test_commit_history_over_the_window(ml: dict[str, EvidenceRecord]) -> None:
    v = _values(ml)
    assert v["git.commits_in_window"] == 7
    assert "and 1 merge commit(s) in the last 90 days" in ml["git.commits_in_window"].summary
    assert v["git.issue_reference_ratio"] == round(3 / 7, 4)  # (#12), ML-42, GH-77
    assert "3 of 7 (42.9%)" in ml["git.issue_reference_ratio"].summary
    assert v["git.descriptive_commit_ratio"] == round(5 / 7, 4)  # not "fix", "wip"
    assert v["git.mainline_merge_ratio"] == round(2 / 7, 4)  # the merge and the squash-merged "(#12)"


def test_window_and_ref_are_honoured(ml_repo: Path) -> None:
    records, _ = _collect(ml_repo, ref="release/1.0", history_days=365)
    v = _values(records)
    assert v["git.tracked_files"] == 2
    assert v["git.ci_config_present"] is False
    assert v["git.commits_in_window"] == 1
    assert v["git.issue_reference_ratio"] == 1.0
    assert (
        v["git.head_commit"]
        == subprocess.run(
            ["git", "-C", str(ml_repo), "rev-parse", "release/1.0"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    assert v["git.stale_branches"] == 0


def test_collection_changes_nothing(ml_repo: Path) -> None:
    before = fingerprint(ml_repo)
    _collect(ml_repo)
    assert fingerprint(ml_repo) == before


def test_bare_and_shallow_clones(ml_repo: Path, ml: dict[str, EvidenceRecord], tmp_path: Path) -> None:
    subprocess.run(["git", "clone", "-q", "--bare", str(ml_repo), str(tmp_path / "bare.git")], check=True)
    bare, _ = _collect(tmp_path / "bare.git")
    for probe in ("git.ci_jobs", "git.test_cases", "git.traffic_strategies", "git.commits_in_window", "git.tags"):
        assert bare[probe].value == ml[probe].value, probe
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{ml_repo}", str(tmp_path / "shallow")], check=True)
    shallow, _ = _collect(tmp_path / "shallow")
    assert shallow["git.commits_in_window"].value == 1
    assert "shallow clone" in shallow["git.commits_in_window"].summary


def test_empty_populations_are_zero_with_a_reason(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "bare-bones")
    repo.commit("Initial commit of the readme", {"README.md": "# x\n"}, days_ago=400)
    records, _ = _collect(repo.path)
    v = _values(records)
    assert v["git.ci_config_present"] is False and v["git.ci_effective_jobs"] == 0
    assert v["git.commits_in_window"] == 0 and v["git.issue_reference_ratio"] == 0.0
    assert records["git.issue_reference_ratio"].summary.startswith("no commits in the last 90 days")
    assert v["git.pinned_base_image_ratio"] == 0.0
    assert records["git.pinned_base_image_ratio"].summary == "no Dockerfile base images to check"
    assert v["git.branch_naming_ratio"] == 0.0
    assert records["git.branch_naming_ratio"].summary == "no branches besides the mainline"
    assert v["git.latest_release_tag"] == "" and v["git.test_layers"] == []


def test_huge_tree_is_read_within_the_cap(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "huge")
    repo.commit("Initial commit of the readme", {"README.md": "# x\n"})
    repo.many_files(60_000, b"def test_one():\n    assert True\n", "pkg{d}/test_mod{i}.py", "Add generated tests")
    started = time.monotonic()
    records, _ = _collect(repo.path, max_files_read=1000)
    elapsed = time.monotonic() - started
    v = _values(records)
    assert v["git.tracked_files"] == 60_001
    assert v["git.test_files"] == 60_000  # known by name
    assert v["git.test_cases"] == 999  # only the files read (README.md is read first)
    assert "content of 59001 further files not read: max_files_read=1000" in records["git.test_cases"].summary
    assert "not read" not in records["git.tracked_files"].summary
    assert elapsed < 30, elapsed


def test_missing_path_and_other_targets(ml_repo: Path, tmp_path: Path) -> None:
    targets = [
        Target(config=_config(tmp_path / "nowhere").model_copy(update={"name": "gone"}), collector=GitCollector),
        Target(config=_config(ml_repo), collector=GitCollector),
    ]
    records = collect(targets).records
    gone = [r for r in records if r.target == "gone"]
    assert len(gone) == len(GitCollector.probe_ids())
    assert all(r.status is EvidenceStatus.unavailable and "does not exist" in r.reason for r in gone)
    assert all(r.status is EvidenceStatus.ok for r in records if r.target == "repo")


@pytest.mark.parametrize(
    "setup, status, reason",
    [
        ("not_a_repo", EvidenceStatus.error, "is not a git repository"),
        ("bad_ref", EvidenceStatus.error, "does not name a commit"),
        ("hangs", EvidenceStatus.unavailable, "did not finish within 1 s"),
    ],
)
def test_whole_target_failures(tmp_path: Path, setup: str, status: EvidenceStatus, reason: str) -> None:
    extra: dict[str, object] = {"timeout_s": 1}
    path = tmp_path / "target"
    path.mkdir()
    if setup == "bad_ref":
        RepoBuilder(path).commit("Initial commit of the readme", {"README.md": "# x\n"})
        extra["ref"] = "no-such-branch"
    elif setup == "hangs":  # HEAD is a FIFO: git blocks opening it until killed by the timeout
        RepoBuilder(path)
        (path / ".git" / "HEAD").unlink()
        os.mkfifo(path / ".git" / "HEAD")
    records = collect([Target(config=_config(path, **extra), collector=GitCollector)]).records
    assert len(records) == len(GitCollector.probe_ids())
    assert all(r.status is status and reason in r.reason and r.value is None for r in records)


def test_broken_history_costs_only_history_probes(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "broken")
    first = repo.commit("First commit with the readme", {"README.md": "# x\n"})
    repo.commit("Second commit adds tests", {"tests/test_a.py": "def test_a():\n    pass\n"})
    (repo.path / ".git" / "objects" / first[:2] / first[2:]).unlink()
    records, _ = _collect(repo.path)
    history = {
        "git.commits_in_window",
        "git.issue_reference_ratio",
        "git.descriptive_commit_ratio",
        "git.mainline_merge_ratio",
    }
    for probe, record in records.items():
        if probe in history:
            assert record.status is EvidenceStatus.error and "reading the history" in record.reason
        else:
            assert record.status is EvidenceStatus.ok, probe
    assert records["git.test_cases"].value == 1


def test_secrets_never_leave_the_collector(ml_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_TOKEN", SECRET)
    records, ctx = _collect(ml_repo)
    assert SECRET not in json.dumps([r.model_dump(mode="json") for r in records.values()])
    for item in ctx.raw.items():
        assert SECRET.encode() not in item.body and SECRET not in item.url
    config_raw = [i for i in ctx.raw.items() if i.url.endswith(":.dvc/config")]
    assert (
        config_raw and b"password = ***" in config_raw[0].body and b"https://***@dvc.example.org" in config_raw[0].body
    )


def test_raw_evidence_matches_records(ml_repo: Path) -> None:
    records, ctx = _collect(ml_repo)
    stored = {i.sha256: i for i in ctx.raw.items()}
    for record in records.values():
        assert set(record.raw_sha256) <= stored.keys(), record.probe
    ci_raw = {stored[s].url for s in records["git.ci_jobs"].raw_sha256}
    assert any(u.endswith(":.github/workflows/ci.yml") for u in ci_raw)
    assert any(u.endswith(":Makefile") for u in ci_raw)  # followed for `make test`
    assert any(u.endswith(":scripts/publish_model.py") for u in ci_raw)  # read to see that it registers a model
    scan = json.loads(next(i.body for i in ctx.raw.items() if "code-scan" in i.url))
    assert {"path": "serving/app.py", "scope": "own", "imports": ["fastapi", "fastapi.FastAPI", "joblib"]}.items() <= {
        k: v for f in scan["files"] if f["path"] == "serving/app.py" for k, v in f.items()
    }.items()


def test_targets_file_paths_are_relative_to_it(tmp_path: Path, ml_repo: Path) -> None:
    link = tmp_path / "checkouts"
    link.mkdir()
    (link / "churn").symlink_to(ml_repo)
    targets_file = tmp_path / "targets.yaml"
    targets_file.write_text(
        "targets:\n  - collector: git\n    name: churn\n    path: checkouts/churn\n"
        "    ref: main\n    history_days: 30\n",
        encoding="utf-8",
    )
    [target] = load_targets(targets_file, {"git": GitCollector})
    assert isinstance(target.config, GitTargetConfig)
    assert target.config.path == (link / "churn").resolve()
    assert target.config.history_days == 30


def test_config_refuses_option_like_refs(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        _config(tmp_path, ref="--output=/tmp/x")
    with pytest.raises(ValidationError):
        _config(tmp_path, history_days=0)

"""CI files recognised by content under any name: Azure Pipelines with nested local templates, Cloud Build files
named after what they do, and YAML that only looks similar (Kubernetes, Compose, GitHub-style steps) left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_collectors.base import CollectContext
from evidence_collectors.git.ci_discovery import content_system
from evidence_collectors.git.collector import GitCollector
from evidence_collectors.git.config import GitTargetConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.collectors.git_support import RepoBuilder

Records = dict[str, EvidenceRecord]

AZURE_PR = """# quality gate on pull requests
trigger: none
pr:
  branches:
    include: [main]
pool:
  vmImage: ubuntu-latest
variables:
- template: vars-template.yml
steps:
- template: quality-template.yml
"""
AZURE_QUALITY = """parameters:
- name: pythonVersion
  default: '3.11'
steps:
- script: flake8 .
  displayName: lint
- template: nested/tests-template.yml
"""
AZURE_NESTED = """steps:
- template: ../deep/deeper-template.yml
"""
AZURE_DEEPER = """steps:
- script: python -m pytest tests
  displayName: unit tests
- template: ../quality-template.yml
"""
AZURE_VARS = """variables:
- name: MODEL_NAME
  value: model.pkl
"""
AZURE_CD = """trigger:
  branches:
    include: [main]
stages:
- stage: Deploy
  jobs:
  - deployment: DeployModel
    environment: production
    strategy:
      runOnce:
        deploy:
          steps:
          - bash: helm upgrade --install scorer charts/scorer
"""
CLOUD_BUILD_TEST = """# Cloud Build steps to test and deploy the model
steps:
- name: 'gcr.io/cloud-builders/git'
  args: ['clone', '--depth', '1', '$_REPO_URL']
  id: Clone
- name: '$_CICD_IMAGE_URI'
  entrypoint: 'pytest'
  args: ['src/tests/model_tests.py']
  id: Test
- name: 'us-central1-docker.pkg.dev/project/repo/tools:latest'
  entrypoint: 'python'
  args: ['build/utils.py', '--mode=deploy-model', '--endpoint=$_ENDPOINT']
  id: Deploy
timeout: 3600s
"""
K8S_JOB = """apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      containers:
      - name: gcr.io/cloud-builders/kubectl
        args: [apply, -f, x.yaml]
steps:
- script: echo not ci
"""
COMPOSE = """services:
  trainer:
    image: python:3.11
    command: python train.py
steps:
- name: python:3.11
  entrypoint: pytest
  args: [tests]
"""
RECIPE = """# a recipe whose steps are prose, not a pipeline
steps:
- name: mix the data
  args: [a, b]
- name: bake for an hour
  entrypoint: oven
"""


def _collect(path: Path) -> Records:
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(path)})
    records = GitCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
    return {r.probe.removeprefix("git."): r for r in records}


def _value(records: Records, probe: str) -> object:
    record = records[probe]
    assert record.status == EvidenceStatus.ok, record
    return record.value


@pytest.fixture(scope="module")
def azure_repo(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("azure"))
    repo.commit(
        "pipelines",
        {
            ".pipelines/pr.yml": AZURE_PR,
            ".pipelines/quality-template.yml": AZURE_QUALITY,
            ".pipelines/vars-template.yml": AZURE_VARS,
            ".pipelines/nested/tests-template.yml": AZURE_NESTED,
            ".pipelines/deep/deeper-template.yml": AZURE_DEEPER,
            "deploy/cd.yaml": AZURE_CD,
            "tests/test_model.py": "def test_ok():\n    assert True\n",
        },
    )
    return _collect(repo.path)


def test_azure_pipelines_found_by_content_outside_the_root(azure_repo: Records) -> None:
    assert _value(azure_repo, "ci_config_present") is True
    assert _value(azure_repo, "ci_systems") == ["azure_pipelines"]
    summary = azure_repo["ci_config_present"].summary
    assert ".pipelines/pr.yml" in summary and "deploy/cd.yaml" in summary


def test_azure_templates_count_for_the_including_pipeline(azure_repo: Records) -> None:
    # pytest sits three template levels below pr.yml; the last level includes the first again (a cycle)
    assert _value(azure_repo, "ci_runs_tests") is True
    jobs = _value(azure_repo, "ci_jobs")
    assert isinstance(jobs, list)
    test_jobs = [j for j in jobs if "test" in j.split(":", 1)[1]]
    assert test_jobs and all(j.startswith("azure_pipelines .pipelines/pr.yml#") for j in test_jobs)
    assert any("deeper-template.yml" in j for j in test_jobs)
    # templates are folded into their pipeline, not listed as pipelines of their own
    assert "2 CI configuration file(s)" in azure_repo["ci_config_present"].summary
    assert not any(j.startswith("azure_pipelines .pipelines/quality-template.yml") for j in jobs)


def test_azure_deployment_job_counts_as_deploy(azure_repo: Records) -> None:
    assert _value(azure_repo, "ci_deploys") is True
    assert "deploy" in str(_value(azure_repo, "ci_activities"))


def test_cloud_build_found_under_any_name(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path)
    repo.commit("cloud build", {"build/model-deployment.yaml": CLOUD_BUILD_TEST, "src/tests/model_tests.py": "x = 1\n"})
    records = _collect(repo.path)
    assert _value(records, "ci_systems") == ["google_cloud_build"]
    assert _value(records, "ci_runs_tests") is True
    assert _value(records, "ci_effective_jobs") == 3


def test_look_alikes_and_project_templates_are_not_ci(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path)
    repo.commit(
        "not ci",
        {
            "k8s/job.yaml": K8S_JOB,
            "docker-compose.yml": COMPOSE,
            "docs/recipe.yaml": RECIPE,
            "{{cookiecutter.project}}/.pipelines/pr.yml": AZURE_PR,
            "{{cookiecutter.project}}/.pipelines/quality-template.yml": AZURE_DEEPER,
            "{{cookiecutter.project}}/build/tests.yaml": CLOUD_BUILD_TEST,
        },
    )
    records = _collect(repo.path)
    assert _value(records, "ci_config_present") is False
    assert _value(records, "ci_systems") == []


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (".pipelines/pr.yml", AZURE_PR, "azure_pipelines"),
        ("any/where/quality.yaml", AZURE_QUALITY, "azure_pipelines"),
        ("ops/release.yml", AZURE_CD, "azure_pipelines"),
        ("build/pipeline-deployment.yaml", CLOUD_BUILD_TEST, "google_cloud_build"),
        ("k8s/job.yaml", K8S_JOB, None),
        ("docker-compose.yml", COMPOSE, None),
        ("docs/recipe.yaml", RECIPE, None),
        (".pipelines/vars-template.yml", AZURE_VARS, None),
        ("build/pipeline-deployment.json", CLOUD_BUILD_TEST, None),
        ("{{cookiecutter.name}}/ci.yml", AZURE_PR, None),
        # GitHub-style steps outside .github/workflows have neither Azure step keys nor Cloud Build images
        ("templates/action.yml", "jobs:\n  build:\n    steps:\n    - run: pytest\n    - uses: a/b@v1\n", None),
    ],
)
def test_content_scan(path: str, text: str, expected: str | None) -> None:
    assert content_system(path, text.encode()) == expected

"""Rules the held-out repositories (bench/git_corpus/holdout.yaml) showed missing: Cloud Build steps indented under
`steps:`, GitHub workflows of a nested project folder, and MLflow counted as tracking only where a run is logged."""

from __future__ import annotations

from pathlib import Path

from evidence_collectors.git.ci_discovery import content_system
from evidence_collectors.git.ci_parse import ci_system
from tests.collectors.git_support import RepoBuilder
from tests.collectors.test_git_code_facts import collect, ok

INDENTED_CLOUD_BUILD = b"""\
steps:
  - name: 'python:3.10'
    entrypoint: make
    args: ['test-all-components']
  - name: hashicorp/terraform:1.5
    args: ['apply', '-auto-approve']
options:
  logging: CLOUD_LOGGING_ONLY
"""


def test_cloud_build_steps_indented_under_steps_are_recognised() -> None:
    assert content_system("cloudbuild/pr-checks.yaml", INDENTED_CLOUD_BUILD) == "google_cloud_build"
    terraform_only = INDENTED_CLOUD_BUILD.replace(b"'python:3.10'", b"hashicorp/terraform:1.5")
    assert content_system("build/apply.yaml", terraform_only) == "google_cloud_build"  # any owner/image builder
    compose_like = b"services:\n  web:\n    steps:\n      - name: nginx/nginx\n        args: [x]\n"
    assert content_system("docker/compose.yaml", compose_like) is None


def test_workflows_of_a_nested_project_folder_are_github_actions() -> None:
    assert ci_system("seedcode/.github/workflows/build.yml") == "github_actions"
    assert ci_system(".github/workflows/ci.yaml") == "github_actions"
    assert ci_system("seedcode/github/workflows/build.yml") is None
    assert ci_system("seedcode/.github/workflows/README.md") is None


def test_mlflow_counts_as_tracking_only_where_a_run_is_logged(tmp_path: Path) -> None:
    serving = "import mlflow\n\nmodel = mlflow.pyfunc.load_model('models:/churn/Production')\n"
    repo = RepoBuilder(tmp_path / "serving")
    repo.commit("a service that loads a registered model", {"app.py": serving, "requirements.txt": "mlflow==2.16\n"})
    assert ok(collect(repo.path), "experiment_tracking_tools").value == []
    training = "import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_metric('auc', 0.9)\n"
    ray = (
        "from ray.air.integrations.mlflow import MLflowLoggerCallback\n\n"
        "callback = MLflowLoggerCallback(experiment_name='ranking')\n"
    )
    for name, code in (("train.py", training), ("tune.py", ray)):
        repo = RepoBuilder(tmp_path / name)
        repo.commit("training that logs its runs", {name: code})
        assert ok(collect(repo.path), "experiment_tracking_tools").value == ["mlflow"], name

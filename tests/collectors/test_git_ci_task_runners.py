"""CI steps that call a task runner (mise, just, go-task, poe) are followed into the task's commands like `make`
targets; a documentation site's environment is not a deployment; shared test steps of another repository and a
script that triggers a platform pipeline run say what the job does."""

from __future__ import annotations

from pathlib import Path

from evidence_collectors.git.ci_parse import deploys_to
from evidence_collectors.git.taskrunners import task_call
from tests.collectors.git_support import RepoBuilder
from tests.collectors.test_git_code_facts import collect, ok


def _workflow(*runs: str) -> str:
    steps = "".join(f"      - run: {r}\n" for r in runs)
    head = "on: [push]\njobs:\n  checks:\n    runs-on: ubuntu-latest\n    steps:\n"
    return f"{head}      - uses: actions/checkout@v4\n{steps}"


MISE = """\
[tasks.test]
description = "Run the tests"
depends = ["check"]
run = "uv run pytest"

[tasks.check]
run = ["uv run ruff check ."]

[tasks.docs]
run = "echo building docs"
"""
JUSTFILE = "set shell := ['bash', '-c']\n\ntest: lint\n    pytest -q tests\n\nlint:\n    ruff check .\n"
TASKFILE = """\
version: '3'
tasks:
  ci:
    deps: [lint]
    cmds:
      - task: unit
  unit:
    cmds:
      - pytest
  lint:
    cmds: [ruff check .]
"""
POE = '[project]\nname = "svc"\n\n[tool.poe.tasks]\ntest = "pytest -x"\nall = ["lint", "test"]\nlint = "ruff check ."\n'


def test_task_calls_are_recognised() -> None:
    assert task_call("mise run test") == ("mise", ["test"])
    assert task_call("mise run test -- -k fast") == ("mise", ["test"])
    assert task_call("mise install") is None
    assert task_call("just lint test") == ("just", ["lint", "test"])
    assert task_call("uv run poe all") == ("poe", ["all"])
    assert task_call("task ci") == ("task", ["ci"])
    assert task_call("pytest") is None


def _jobs(tmp_path: Path, name: str, files: dict[str, str | bytes]) -> list[str]:
    repo = RepoBuilder(tmp_path / name)
    repo.commit("ci through a task runner", files)
    return ok(collect(repo.path), "ci_jobs").value


def test_ci_follows_task_runner_tasks_into_their_commands(tmp_path: Path) -> None:
    cases = {
        "mise": {"mise.toml": MISE, ".github/workflows/ci.yml": _workflow("mise run test")},
        "just": {"justfile": JUSTFILE, ".github/workflows/ci.yml": _workflow("just test")},
        "task": {"Taskfile.yml": TASKFILE, ".github/workflows/ci.yml": _workflow("task ci")},
        "poe": {"pyproject.toml": POE, ".github/workflows/ci.yml": _workflow("pip install poethepoet", "poe all")},
    }
    for name, files in cases.items():
        (label,) = _jobs(tmp_path, name, files)
        assert "test" in label and "lint" in label, (name, label)


def test_a_task_that_only_echoes_is_not_a_test_run(tmp_path: Path) -> None:
    (label,) = _jobs(tmp_path, "echo", {"mise.toml": MISE, ".github/workflows/ci.yml": _workflow("mise run docs")})
    assert label.endswith("runs nothing")


PAGES = """\
on: {release: {types: [published]}}
jobs:
  pages:
    runs-on: ubuntu-latest
    environment: {name: github-pages, url: "${{ steps.deployment.outputs.page_url }}"}
    steps:
      - run: pdoc src -o docs/
      - uses: actions/upload-pages-artifact@v3
      - uses: actions/deploy-pages@v4
  release:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: python scripts/rollout.py
"""


def test_a_documentation_site_environment_is_not_a_deployment(tmp_path: Path) -> None:
    assert not deploys_to("github-pages") and not deploys_to({"name": "docs"}) and not deploys_to(None)
    assert deploys_to("production") and deploys_to({"name": "staging", "url": "https://x"})
    repo = RepoBuilder(tmp_path / "pages")
    repo.commit("docs site", {".github/workflows/cd.yml": PAGES.split("  release:")[0]})
    assert ok(collect(repo.path), "ci_deploys").value is False
    repo.commit("and a production release", {".github/workflows/cd.yml": PAGES, "scripts/rollout.py": "print(1)\n"})
    assert ok(collect(repo.path), "ci_deploys").value is True


AZURE_REMOTE = """\
trigger: none
resources:
  repositories:
    - repository: mlops-templates
      name: org/mlops-templates
      type: github
stages:
  - stage: Deploy
    jobs:
      - job: DeployEndpoint
        steps:
          - template: templates/aml-cli-v2/install-az-cli.yml@mlops-templates
          - template: templates/aml-cli-v2/create-deployment.yml@mlops-templates
"""


def test_shared_steps_of_another_repository_count_by_their_names(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "azure")
    repo.commit("deploy only", {"mlops/devops-pipelines/deploy.yml": AZURE_REMOTE})
    records = collect(repo.path)
    assert ok(records, "ci_deploys").value is True
    assert ok(records, "ci_runs_tests").value is False
    tested = AZURE_REMOTE + "          - template: templates/aml-cli-v2/test-deployment.yml@mlops-templates\n"
    repo.commit("deploy and test the endpoint", {"mlops/devops-pipelines/deploy.yml": tested})
    assert ok(collect(repo.path), "ci_runs_tests").value is True


ZENML_TRIGGER = """\
from zenml.client import Client

Client().trigger_pipeline(pipeline_name_or_id="training", stack_name_or_id="remote")
"""
ZENML_PIPELINE = """\
from zenml import pipeline, step


@step
def train_model() -> None:
    pass


@pipeline
def training() -> None:
    train_model()
"""


def test_a_script_that_triggers_a_training_pipeline_is_training(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "zenml")
    files: dict[str, str | bytes] = {
        ".github/workflows/run.yml": _workflow("python build.py --run"),
        "build.py": "print('building')\n",
        "pipeline/training.py": ZENML_PIPELINE,
    }
    repo.commit("a build script that only prints", files)
    assert ok(collect(repo.path), "ci_runs_training").value is False
    repo.commit("the build script triggers the pipeline", {"build.py": ZENML_TRIGGER})
    assert ok(collect(repo.path), "ci_runs_training").value is True

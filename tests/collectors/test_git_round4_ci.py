"""CI words read as values or as orchestrator work: a CI expression (`${{ env.REGISTERY }}`) names a value, not a
model registration; registering workflows with Flyte deploys the project's pipelines; a package's `tests.py` with
test functions is a test file. Each rule has a near miss that must stay negative."""

from __future__ import annotations

from pathlib import Path

from evidence_collectors.git.commands import activities_of
from tests.collectors.git_support import RepoBuilder
from tests.collectors.test_git_code_facts import collect, ok

FLYTE_CD = """\
on: [push]
env:
  REGISTERY: eu.gcr.io/project/flytelab
jobs:
  build-and-deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build . --file Dockerfile --tag ${{ env.REGISTERY }}:${{ github.sha }}
      - run: docker push ${{ env.REGISTERY }}:${{ github.sha }}
      - name: Register
        uses: someone/FlyteRegisterAction@v1.3
        with: {project: demo, domain: staging}
"""
# the same job without the registration step: building and pushing an image is neither a deployment nor registration
IMAGE_ONLY = FLYTE_CD.split("      - name: Register")[0]
MODEL_REGISTRATION = IMAGE_ONLY + "      - run: python scripts/register_model.py --stage staging\n"

TESTS_MODULE = """\
from unittest.mock import patch

from pkg.train import main


@patch("pkg.train.log_run")
def test_train_main(log_run):
    main()
    log_run.assert_called_once()
"""
NOT_TESTS = "def run_checks(results):\n    return [r for r in results if r.failed]\n"


def test_ci_expressions_and_variables_name_values_not_activities() -> None:
    assert activities_of("docker push ${{ env.REGISTERY }}:${{ github.sha }}") == {"publish"}
    assert activities_of("docker push $(registryName)/img:1") == {"publish"}
    assert "register_model" not in activities_of("docker build . -t ${{ env.MODEL_REGISTRY }}/svc")
    # the command's own words still count: a registration script and a train step inside a substitution
    assert activities_of("python register_model.py") == {"register_model"}
    assert "train" in activities_of("echo $(python train.py)")


def test_workflow_registration_with_an_orchestrator_is_a_deployment() -> None:
    for line in ("pyflyte --config c.yaml register --image img wf.py", "flytectl register files x.tgz -p p"):
        assert activities_of(line) == {"deploy"}, line
    assert activities_of("someone/FlyteRegisterAction@v1.3") == {"deploy"}
    # near miss: a model registry call is still a model registration
    assert "register_model" in activities_of("mlflow models register -m runs:/1/model")
    assert "deploy" not in activities_of("az ml model register -n churn -p model/")


def test_flyte_cd_deploys_workflows_and_registers_no_model(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "flyte")
    repo.commit("image only", {".github/workflows/cd.yml": IMAGE_ONLY, "Dockerfile": "FROM python:3.11\n"})
    records = collect(repo.path)
    assert ok(records, "ci_registers_models").value is False
    assert ok(records, "ci_deploys").value is False
    registered: dict[str, str | bytes] = {".github/workflows/cd.yml": FLYTE_CD}
    repo.commit("register the workflows on the remote Flyte", registered)
    records = collect(repo.path)
    assert ok(records, "ci_deploys").value is True
    assert ok(records, "ci_registers_models").value is False
    files: dict[str, str | bytes] = {
        ".github/workflows/cd.yml": MODEL_REGISTRATION,
        "scripts/register_model.py": "print('registered')\n",
    }
    repo.commit("a real model registration step", files)
    assert ok(collect(repo.path), "ci_registers_models").value is True


def test_a_packages_tests_module_with_test_functions_is_a_test_file(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "tests-module")
    repo.commit("helpers named tests.py", {"pkg/__init__.py": "", "pkg/tests.py": NOT_TESTS})
    assert ok(collect(repo.path), "test_files").value == 0
    repo.commit("a tests module", {"pkg/tests.py": TESTS_MODULE})
    records = collect(repo.path)
    assert ok(records, "test_files").value == 1
    assert ok(records, "test_cases").value == 1

"""The build and supply-chain probes of the git collector (content version 2022.10.4, second pass): test reports,
build matrix, SBOM/signing/provenance steps, configuration linters, dependency update bots and public package indexes,
read from real git repositories."""

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

NEW_PROBES = (
    "git.ci_publishes_test_reports",
    "git.ci_build_matrix",
    "git.supply_chain_steps",
    "git.ci_config_linters",
    "git.dependency_update_bots",
    "git.public_package_index_refs",
)

WORKFLOW = """\
name: build
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ["3.11", "3.12"]
    steps:
      - uses: actions/checkout@v4
      - run: pytest --junitxml=reports/junit.xml
      - uses: dorny/test-reporter@v1
      - run: hadolint Dockerfile
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          provenance: false
          sbom: true
      # - run: cosign sign --yes ghcr.io/acme/churn@${{ steps.build.outputs.digest }}
      - run: cosign sign --yes ghcr.io/acme/churn@${{ steps.build.outputs.digest }}
      - run: pip install torch --index-url https://download.pytorch.org/whl/cu121
"""

GITLAB = """\
include:
  - local: .gitlab/ci/deploy.yml
unit:
  script:
    - pytest
  artifacts:
    reports:
      junit: report.xml
"""

DEPLOY = """\
verify:
  script:
    - cosign verify --key cosign.pub registry.example.com/churn:1.4.0
    - kubeconform -strict k8s/
"""

FILES: dict[str, str | bytes] = {
    ".github/workflows/build.yml": WORKFLOW,
    ".gitlab-ci.yml": GITLAB,
    ".gitlab/ci/deploy.yml": DEPLOY,
    ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n",
    "requirements.txt": "--index-url https://nexus.example.com/repository/pypi/simple\nnumpy==2.1.0\n",
    "requirements-dev.txt": "# --extra-index-url https://pypi.org/simple\n--extra-index-url https://pypi.org/simple\n",
    "Dockerfile": "FROM python:3.12.7-slim\nRUN pip install -r requirements.txt\n",
    "pyproject.toml": '[tool.pytest.ini_options]\njunit_family = "xunit2"\n',
}


def _collect(path: Path) -> dict[str, EvidenceRecord]:
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(path)})
    records = GitCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
    return {r.probe: r for r in records}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvidenceRecord]:
    repo = RepoBuilder(tmp_path_factory.mktemp("buildchain") / "churn")
    repo.commit("ABC-7 build, sign and report tests", FILES, days_ago=2)
    return _collect(repo.path)


def test_new_probes_are_catalogued_and_ok(built: dict[str, EvidenceRecord]) -> None:
    ids = GitCollector.probe_ids()
    for probe in NEW_PROBES:
        assert probe in ids
        assert built[probe].status is EvidenceStatus.ok, built[probe]
        assert built[probe].summary and built[probe].raw_sha256, probe


def test_test_reports_and_matrix(built: dict[str, EvidenceRecord]) -> None:
    assert built["git.ci_publishes_test_reports"].value is True
    # the workflow's pytest --junitxml and the GitLab junit report; pyproject's junit_family setting alone is not one
    assert "in 2 file(s)" in built["git.ci_publishes_test_reports"].summary
    assert "--junitxml" in built["git.ci_publishes_test_reports"].summary
    assert built["git.ci_build_matrix"].value is True


def test_supply_chain_steps_leave_out_comments_and_disabled_provenance(built: dict[str, EvidenceRecord]) -> None:
    # sbom: true and cosign sign in the workflow, cosign verify in the included GitLab file; provenance: false is no
    # provenance step
    assert built["git.supply_chain_steps"].value == ["sbom", "signing", "verification"]


def test_config_linters_and_update_bots(built: dict[str, EvidenceRecord]) -> None:
    assert built["git.ci_config_linters"].value == ["hadolint", "k8s_schema"]
    assert built["git.dependency_update_bots"].value == ["dependabot"]


def test_public_index_refs_count_public_hosts_only(built: dict[str, EvidenceRecord]) -> None:
    # the internal Nexus index does not count; the commented line does not count; pypi.org and download.pytorch.org do
    record = built["git.public_package_index_refs"]
    assert record.value == 2
    assert "download.pytorch.org, pypi.org" in record.summary


def test_an_empty_repository_reports_absence(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "empty")
    repo.commit("ABC-8 readme only", {"README.md": "# nothing\n", "pyproject.toml": "[project]\nname = 'x'\n"})
    found = _collect(repo.path)
    assert found["git.ci_publishes_test_reports"].value is False
    assert found["git.ci_build_matrix"].value is False
    assert found["git.supply_chain_steps"].value == []
    assert found["git.ci_config_linters"].value == []
    assert found["git.dependency_update_bots"].value == []
    assert found["git.public_package_index_refs"].value == 0
    assert "no Dependabot or Renovate" in found["git.dependency_update_bots"].summary


def test_jenkins_parameters_count_and_commented_matrix_does_not(tmp_path: Path) -> None:
    jenkins = RepoBuilder(tmp_path / "jenkins")
    jenkinsfile = (
        "pipeline {\n  agent any\n  parameters {\n    choice(name: 'TARGET', choices: ['cpu', 'gpu'])\n  }\n"
        "  stages { stage('build') { steps { sh 'make image TARGET=${params.TARGET}' } } }\n}\n"
    )
    jenkins.commit("ABC-9 parameterised build", {"Jenkinsfile": jenkinsfile})
    assert _collect(jenkins.path)["git.ci_build_matrix"].value is True
    commented = RepoBuilder(tmp_path / "commented")
    workflow = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    # matrix: {gpu: [true, false]}\n"
    commented.commit("ABC-10 single target", {".github/workflows/b.yml": workflow + "    steps: [{run: make}]\n"})
    assert _collect(commented.path)["git.ci_build_matrix"].value is False


def test_config_linters_run_through_pre_commit_in_ci(tmp_path: Path) -> None:
    hooks = (
        "repos:\n  - repo: https://github.com/hadolint/hadolint\n    rev: v2.12.0\n    hooks:\n      - id: hadolint\n"
        "  - repo: https://github.com/rhysd/actionlint\n    rev: v1.7.1\n    hooks:\n      # - id: yamllint\n"
        "      - id: actionlint\n"
    )
    workflow = (
        "on: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pre-commit run --all-files\n"
    )
    wired = RepoBuilder(tmp_path / "wired")
    wired.commit("ABC-11 hooks in CI", {".pre-commit-config.yaml": hooks, ".github/workflows/lint.yml": workflow})
    assert _collect(wired.path)["git.ci_config_linters"].value == ["actionlint", "hadolint"]
    local = RepoBuilder(tmp_path / "local")  # hooks that only run on developers' machines do not count
    local.commit("ABC-12 hooks only", {".pre-commit-config.yaml": hooks})
    assert _collect(local.path)["git.ci_config_linters"].value == []


def test_index_credentials_never_reach_the_summary(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "secret")
    secret = "s3cr3t-T0KEN-value"
    repo.commit("ABC-13 mirror", {"requirements.txt": f"--extra-index-url https://ci:{secret}@pypi.org/simple\n"})
    record = _collect(repo.path)["git.public_package_index_refs"]
    assert record.value == 1 and "pypi.org" in record.summary
    assert secret not in record.summary and "***@pypi.org" in record.summary

"""Model registration and monitoring read from calls in the project's own code and from its configuration; the same
calls in documentation, teaching notebooks, tests and template folders are named apart and not counted.

The repositories are built from the small fixture trees under fixtures/git_code_facts and fixtures/git_ci_handoff
(a `.fixture` suffix keeps pytest from collecting their test files; it is dropped in the repository)."""

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

Records = dict[str, EvidenceRecord]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_files(name: str) -> dict[str, str | bytes]:
    root = FIXTURES / name
    return {
        p.relative_to(root).as_posix().removesuffix(".fixture"): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }


def line_of(fixture: str, path: str, needle: str) -> int:
    """1-based line of the first line holding `needle` in a fixture file."""
    lines = (FIXTURES / fixture / path).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def collect(path: Path) -> Records:
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(path)})
    records = GitCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
    return {r.probe.removeprefix("git."): r for r in records}


def ok(records: Records, probe: str) -> EvidenceRecord:
    record = records[probe]
    assert record.status == EvidenceStatus.ok, record
    return record


@pytest.fixture(scope="module")
def code_facts(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("code-facts"))
    repo.commit("Model registration, monitoring and serving", fixture_files("git_code_facts"))
    return collect(repo.path)


@pytest.fixture(scope="module")
def handoff(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("handoff"))
    repo.commit("CI that hands work to job specs and build files", fixture_files("git_ci_handoff"))
    return collect(repo.path)


def test_registration_is_read_from_calls_and_dvc_artifacts(code_facts: Records) -> None:
    record = ok(code_facts, "model_registration")
    assert record.value == ["azureml", "dvc_artifacts", "sagemaker", "vertex_ai"]
    summary = record.summary
    # files and lines an auditor can check
    fx = "git_code_facts"
    azure = line_of(fx, "training/register_model.py", "AMLModel.register(")
    vertex = line_of(fx, "pipelines/vertex_components.py", "Model.upload(")
    boto = line_of(fx, "lambdas/registry.py", "create_model_package(")
    artifact = line_of(fx, "dvc.yaml", "churn-classifier:")
    assert f"training/register_model.py:{azure} (azureml.core.model.Model.register)" in summary
    assert f"pipelines/vertex_components.py:{vertex} (google.cloud.aiplatform.Model.upload)" in summary
    assert f"lambdas/registry.py:{boto} (boto3.client().create_model_package)" in summary
    assert f"dvc.yaml:{artifact} (artifact churn-classifier (type: model))" in summary
    assert "report" not in summary.split("dvc_artifacts")[1].split(";")[0]  # type: other is not a model


def test_registration_in_docs_teaching_tests_and_templates_is_named_apart(code_facts: Records) -> None:
    record = ok(code_facts, "model_registration")
    assert "mlflow" not in record.value
    apart = record.summary.split("not counted):", 1)[1]
    assert f"docs/how_to_register.py:{line_of('git_code_facts', 'docs/how_to_register.py', 'register_model(')}" in apart
    assert "notebooks/lab-registry.ipynb" in apart
    assert "tests/test_registry.py:" in apart
    assert "{{ cookiecutter.repo_name }}/train.py" in apart


def test_monitoring_kept_in_the_repository(code_facts: Records) -> None:
    record = ok(code_facts, "monitoring_in_repo")
    assert record.value == [
        "evidently",
        "grafana_dashboards",
        "prometheus_rules",
        "prometheus_scrape",
        "vertex_model_monitoring",
    ]
    alert = line_of("git_code_facts", "monitoring/alerts.yml", "- alert:")
    scrape = line_of("git_code_facts", "deploy/service.yaml", "prometheus.io/scrape")
    assert f"monitoring/alerts.yml:{alert}" in record.summary
    assert f"deploy/service.yaml:{scrape} (prometheus.io/scrape)" in record.summary
    assert "dashboards/drift.json" in record.summary
    # the notebook's %%bash cell does not stop its Python cells from being read
    assert "notebooks/08-model-monitoring.ipynb code line" in record.summary
    assert len(record.raw_sha256) >= 5, "the files behind the value are stored as raw evidence"


def test_platform_calls_widen_tracking_serving_and_evidently_is_not_validation(code_facts: Records) -> None:
    assert "azureml_run" in ok(code_facts, "experiment_tracking_tools").value
    assert "dvc_metrics" in ok(code_facts, "experiment_tracking_tools").value
    serving = ok(code_facts, "serving_frameworks")
    assert "scoring_script" in serving.value and "scoring/score.py" in serving.summary
    # an Evidently drift report is monitoring; without a test suite it validates no data
    assert "evidently" not in ok(code_facts, "data_validation_tools").value


def test_a_repository_without_such_calls_has_none(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "words")
    repo.commit(
        "Words, not calls",
        {
            "train.py": (
                "import mlflow\n\n"
                "# mlflow.register_model('runs:/1/model', 'm') once the registry is up\n"
                "MESSAGE = 'Model.upload and register_model are not used here'\n"
                "mlflow.sklearn.log_model(None, 'model')\n"
            ),
            "grafana/notes.json": '{"panels_note": "no dashboard here"}\n',
            "prometheus/README.md": "groups:\n  - alert: only prose\n",
        },
    )
    records = collect(repo.path)
    assert ok(records, "model_registration").value == []
    assert ok(records, "monitoring_in_repo").value == []


def test_work_handed_to_a_job_spec_is_followed(handoff: Records) -> None:
    jobs = ok(handoff, "ci_jobs").value
    assert isinstance(jobs, list)
    labels = {str(j).split(" ", 2)[1].split(":")[0]: str(j) for j in jobs}
    workloads = labels[".github/workflows/workloads.yaml#workloads"]
    assert "test" in workloads and "train" in workloads
    # `$MODEL_REGISTRY` and `config.MODEL_REGISTRY` inside `$( )` name a value, not a registration
    assert "register_model" not in workloads
    assert "test" in labels[".github/workflows/cloud-tests.yml#submit"]


def test_a_deploy_into_a_cluster_the_job_creates_and_reads_are_not_deployment_or_training(handoff: Records) -> None:
    jobs = [str(j) for j in ok(handoff, "ci_jobs").value]  # type: ignore[union-attr]
    e2e = next(j for j in jobs if "e2e.yml#e2e" in j)
    assert "deploy" not in e2e and "train" not in e2e
    infra = next(j for j in jobs if "infra.yml#apply" in j)
    assert "deploy" in infra  # terraform apply to an environment
    assert ok(handoff, "ci_deploys").value is True


def test_a_codebuild_script_path_is_resolved_from_the_spec_folder(handoff: Records) -> None:
    jobs = [str(j) for j in ok(handoff, "ci_jobs").value]  # type: ignore[union-attr]
    endpoint_test = next(j for j in jobs if "seed/model-deploy/test/buildspec.yml" in j)
    assert "test" in endpoint_test

"""Platform code and tool configuration recognised by shape (second held-out round): SageMaker inference scripts and
model deploys, ModelArts inference services, Vertex training jobs that upload a model and monitoring settings of a
prediction job, W&B and ZenML registries, GTO artifacts, MLflow Recipes, kedro-mlflow catalogs, DVC experiment grids
and the SageMaker Model Monitor analyzer. Each has a near-miss that must not count."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_collectors.git.configfacts import _grid
from evidence_collectors.git.scope import addresses_learner
from tests.collectors.git_support import RepoBuilder
from tests.collectors.test_git_code_facts import Records, collect, ok

INFERENCE = """\
import torch


def model_fn(model_dir):
    return torch.jit.load(f"{model_dir}/model.pt")


def predict_fn(data, model):
    return model(data)
"""
SAGEMAKER_DEPLOY = """\
from sagemaker.pytorch import PyTorchModel

model = PyTorchModel(model_data="s3://bucket/model.tar.gz", role="arn", framework_version="2.1")
predictor = model.deploy(initial_instance_count=1, instance_type="ml.m5.large")
"""
MODELARTS = """\
from model_service.pytorch_model_service import PTServingBaseService


class DetectorService(PTServingBaseService):
    def _inference(self, data):
        return data
"""
VERTEX_TRAIN = """\
def train(project: str) -> None:
    import google.cloud.aiplatform as aip

    job = aip.CustomTrainingJob(display_name="train", script_path="task.py", container_uri="gcr.io/x")
    job.run(model_display_name="churn", replica_count=1)
"""
VERTEX_MONITORING = """\
from google.cloud.aiplatform_v1beta1.services.job_service import JobServiceClient

message = {"displayName": "batch"}
message["modelMonitoringConfig"] = {"alertConfig": {"emailAlertConfig": {"userEmails": []}}}
JobServiceClient().create_batch_prediction_job(parent="p", batch_prediction_job=message)
"""
WANDB_LINK = """\
import wandb

artifact = wandb.Api().artifact("team/project/model:v3")
artifact.link(target_path="team/model-registry/churn", aliases=["staging"])
"""
ZENML_PIPELINE = """\
from zenml import Model, log_metadata, pipeline, step


@step
def train() -> float:
    log_metadata(metadata={"rmse": 0.3})
    return 0.3


@pipeline(model=Model(name="price"))
def training() -> None:
    train()
"""
MONITOR_JOB = """\
from sagemaker.processing import Processor

IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
Processor(image_uri=IMAGE, role="arn", instance_count=1, instance_type="ml.m5.xlarge").run()
"""
MONITOR_IN_COMMENT = "import sagemaker\n\n# image: sagemaker-model-monitor-analyzer\nsagemaker.Session()\n"
GTO_ARTIFACTS = "churn-model:\n  type: model\n  path: models/model.pkl\n  description: churn classifier\n"
RECIPE = """\
recipe: "regression/v1"
target_col: "fare"
steps:
  split:
    split_ratios: [0.75, 0.125, 0.125]
  train:
    using: estimator_spec
  register:
    model_name: {{MODEL_NAME|default('fares')}}
"""
KEDRO_CATALOG = "auc_history:\n  type: kedro_mlflow.io.metrics.MlflowMetricHistoryDataSet\n"
GRID = "#!/bin/sh\ndvc exp run -S 'train.lr=range(1, 5)' \\\n  -S 'train.depth=3,5,7' --queue\ndvc exp run --run-all\n"

LESSON = (
    '{"cells": [{"cell_type": "markdown", "source": ["# MLOps workshop with SageMaker\\n", "## Module 03: pipelines"]},'
    ' {"cell_type": "code", "source": ["from sagemaker.workflow.step_collections import RegisterModel\\n",'
    ' "step = RegisterModel(name=\\"r\\")"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
)


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("platform"))
    repo.commit(
        "platform code of the project",
        {
            "sagemaker/code/inference.py": INFERENCE,
            "sagemaker/deploy_model.py": SAGEMAKER_DEPLOY,
            "modelarts/customize_service.py": MODELARTS,
            "components/train_job.py": VERTEX_TRAIN,
            "components/batch_predict.py": VERTEX_MONITORING,
            "registry/promote.py": WANDB_LINK,
            "pipeline/training.py": ZENML_PIPELINE,
            "monitoring/analyzer.py": MONITOR_JOB,
            "artifacts.yaml": GTO_ARTIFACTS,
            "recipe.yaml": RECIPE,
            "conf/base/catalog.yml": KEDRO_CATALOG,
            "grid_search.sh": GRID,
        },
    )
    return collect(repo.path)


@pytest.fixture(scope="module")
def near_misses(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("near-misses"))
    repo.commit(
        "look-alikes that are not the practice",
        {
            "code/inference.py": "def model_fn(model_dir):\n    return model_dir\n",  # no request handler
            "app/service.py": "class BaseService:\n    pass\n\n\nclass Mine(BaseService):\n    pass\n",
            "components/train_job.py": VERTEX_TRAIN.replace('model_display_name="churn", ', ""),
            "components/notes.py": 'config = {"modelMonitoringConfig": None}\n',  # no Vertex SDK imported
            "monitoring/analyzer.py": MONITOR_IN_COMMENT,
            "artifacts.yaml": GTO_ARTIFACTS.replace("type: model", "type: dataset"),
            "recipe.yaml": RECIPE.replace('recipe: "regression/v1"', "name: not-a-recipe"),
            "conf/base/catalog.yml": "raw:\n  type: pandas.CSVDataSet\n  filepath: data/raw.csv\n",
            "grid_search.sh": "#!/bin/sh\ndvc exp run -S train.lr=0.1\n",
            "labs/03_pipelines.ipynb": LESSON,
        },
    )
    return collect(repo.path)


def test_sagemaker_inference_scripts_and_deploys_are_serving(platform: Records, near_misses: Records) -> None:
    serving = ok(platform, "serving_frameworks")
    assert {"sagemaker_inference_script", "sagemaker_endpoint", "modelarts_service"} <= set(serving.value)
    assert "sagemaker/code/inference.py" in serving.summary and "modelarts/customize_service.py" in serving.summary
    assert ok(near_misses, "serving_frameworks").value == []


def test_platform_registries_are_registration(platform: Records, near_misses: Records) -> None:
    registered = ok(platform, "model_registration")
    assert {"vertex_ai", "wandb", "zenml", "gto_artifacts", "mlflow_recipes"} <= set(registered.value)
    assert "components/train_job.py:5" in registered.summary  # the job.run(model_display_name=...) line
    assert ok(near_misses, "model_registration").value == []


def test_platform_monitoring_settings_are_monitoring(platform: Records, near_misses: Records) -> None:
    monitored = ok(platform, "monitoring_in_repo")
    assert {"vertex_model_monitoring", "sagemaker_model_monitor"} <= set(monitored.value)
    assert "components/batch_predict.py:4" in monitored.summary
    assert ok(near_misses, "monitoring_in_repo").value == []


def test_tool_configuration_widens_tracking_tuning_and_pipelines(platform: Records, near_misses: Records) -> None:
    assert {"mlflow", "zenml"} <= set(ok(platform, "experiment_tracking_tools").value)
    assert "dvc_experiments" in ok(platform, "hyperparameter_search_tools").value
    assert "mlflow_recipes" in ok(platform, "pipeline_tools").value
    assert ok(near_misses, "experiment_tracking_tools").value == []
    assert ok(near_misses, "hyperparameter_search_tools").value == []
    assert "mlflow_recipes" not in ok(near_misses, "pipeline_tools").value


def test_a_notebook_titled_as_a_workshop_module_is_teaching(near_misses: Records) -> None:
    assert ok(near_misses, "pipeline_tools").value == []
    assert "labs/03_pipelines.ipynb" in ok(near_misses, "model_registration").summary  # named apart, not counted
    assert addresses_learner("# Lab 2: train a model\nSome text")
    assert not addresses_learner("# Churn model\n## Training data\nWe train on the 2023 sample.")


def test_dvc_experiment_grid_needs_several_values() -> None:
    assert _grid("dvc exp run -S 'train.lr=range(1, 5)' --queue")
    assert _grid("dvc exp run --set-param train.depth=3,5,7")
    assert not _grid("dvc exp run -S train.lr=0.1")
    assert not _grid("dvc exp run -S 'train.layers=[64,32]'")
    assert not _grid("dvc repro -S a=1,2")


def test_lesson_notebooks_do_not_hide_plain_python_of_a_course(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "course")
    repo.commit("a course helper", {"labs/04_monitor/monitoringjob_utils.py": MONITOR_JOB, "labs/04.ipynb": LESSON})
    assert ok(collect(repo.path), "monitoring_in_repo").value == ["sagemaker_model_monitor"]


VERTEX_PIPELINE = """\
from google_cloud_pipeline_components import aiplatform as gcc
from kfp.v2 import dsl


@dsl.pipeline(name="train-deploy")
def pipeline(project: str) -> None:
    upload = gcc.ModelUploadOp(project=project, display_name="churn")
    endpoint = gcc.EndpointCreateOp(project=project, display_name="churn")
    gcc.ModelDeployOp(model=upload.outputs["model"], endpoint=endpoint.outputs["endpoint"])
"""


def test_vertex_pipeline_components_upload_and_deploy(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "gcpc")
    repo.commit("a Vertex pipeline", {"pipelines/pipeline.py": VERTEX_PIPELINE})
    records = collect(repo.path)
    assert ok(records, "model_registration").value == ["vertex_ai"]
    assert "pipelines/pipeline.py:7" in ok(records, "model_registration").summary
    assert "vertex_endpoint" in ok(records, "serving_frameworks").value
    repo.commit("only the endpoint", {"pipelines/pipeline.py": VERTEX_PIPELINE.replace("gcc.ModelUploadOp", "make")})
    assert ok(collect(repo.path), "model_registration").value == []


def test_template_dockerfiles_and_bare_optuna_imports_do_not_count(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "starters")
    repo.commit(
        "starter templates and a service that imports optuna",
        {
            "iris/{{ cookiecutter.repo_name }}/Dockerfile": "FROM python:3.11\n",
            "docs/examples/Dockerfile": "FROM python:3.11\n",
            "service/app.py": "import joblib\nimport optuna\n\nmodel = joblib.load('model.joblib')\n",
        },
    )
    records = collect(repo.path)
    assert ok(records, "dockerfiles").value == 0
    assert "{{ cookiecutter.repo_name }}/Dockerfile" in ok(records, "dockerfiles").summary  # named, not counted
    assert ok(records, "hyperparameter_search_tools").value == []
    repo.commit(
        "the project's own image and a study",
        {"Dockerfile": "FROM python:3.11\n", "tune.py": "import optuna\n\noptuna.create_study().optimize(print)\n"},
    )
    records = collect(repo.path)
    assert ok(records, "dockerfiles").value == 1
    assert ok(records, "hyperparameter_search_tools").value == ["optuna"]

"""Whose practice a file shows (scope), calls resolved through imports (pyast), shell lines split and read as a shell
does (commands), and work handed to job specs (handoff): each on small inputs written for the pattern."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_collectors.git.code_index import CELL_BREAK, notebook_parts
from evidence_collectors.git.commands import activities_of, logical_lines, reads_only, split_chain
from evidence_collectors.git.pyast import Rule, parse
from evidence_collectors.git.scope import addresses_learner, distribution_names, library_roots, path_scope
from tests.collectors.git_support import RepoBuilder
from tests.collectors.test_git_code_facts import collect, ok


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("src/train.py", "own"),
        ("{{ cookiecutter.repo_name }}/src/train.py", "template"),
        ("tests/test_train.py", "test"),
        ("pkg/model_test.py", "test"),
        ("module_0/client/test_data/sample.yaml", "test"),
        ("docs/source/quickstart.py", "teaching"),
        ("examples/serve/service.py", "teaching"),
        ("tutorials/01.ipynb", "teaching"),
        ("example_project/train.py", "own"),  # a folder merely starting with "example" is the project's
    ],
)
def test_path_scope(path: str, scope: str) -> None:
    assert path_scope(path) == scope


def test_learner_prose_marks_a_teaching_notebook() -> None:
    assert addresses_learner("# Lab 2\nIn this lab you will train a model and track it.")
    assert addresses_learner("## Notebook Overview\nThis notebook builds ...")
    assert not addresses_learner("# 08 - Model Monitoring\nThis notebook covers configuring model monitoring jobs.")


def test_notebook_parts_keep_code_and_prose_apart() -> None:
    raw = json.dumps(
        {
            "cells": [
                {"cell_type": "markdown", "source": ["In this workshop you will learn"]},
                {"cell_type": "code", "source": ["import mlflow\n", "mlflow.log_metric('a', 1)"]},
                {"cell_type": "code", "source": "x = 1"},
            ]
        }
    )
    code, prose = notebook_parts(raw)
    assert prose == "In this workshop you will learn"
    assert code.split(CELL_BREAK) == ["import mlflow\nmlflow.log_metric('a', 1)", "x = 1"]


def test_a_published_tool_is_library_code() -> None:
    files = {"pyproject.toml": '[project]\nname = "bentoml"\n[tool.other]\nname = "not-this"\n'}
    assert distribution_names(files) == {"bentoml"}
    assert library_roots(files, {"bentoml", "mlflow"}) == {"bentoml/", "src/"}
    assert library_roots({"setup.py": "setup(name='churn-model')"}, {"bentoml"}) == set()


def test_calls_are_resolved_through_imports_and_assignments() -> None:
    facts = parse(
        "import tensorflow as tf\n"
        "from mlflow.tracking import MlflowClient\n"
        "from azureml.core import Dataset\n"
        "client = MlflowClient()\n"
        "client.create_model_version('m', 'runs:/1/model')\n"
        "cb = tf.keras.callbacks.TensorBoard(log_dir='logs')\n"
        "Dataset.Tabular.from_delimited_files(p).register(ws, 'd', create_new_version=True)\n"
    )
    names = {c.name: c for c in facts.calls}
    assert "mlflow.tracking.MlflowClient().create_model_version" in names
    assert "tensorflow.keras.callbacks.TensorBoard" in names
    registered = names["azureml.core.Dataset.Tabular.from_delimited_files().register"]
    assert registered.keywords == {"create_new_version": True} and registered.line == 7


def test_a_rule_checks_imports_and_keyword_values() -> None:
    versioned = Rule("azureml_datasets", r"\.register$", imports=("azureml",), keyword="create_new_version=true")
    facts = parse(
        "from azureml.core import Dataset\nd.register(ws, 'x', create_new_version=False)\nd.register(ws, 'y')\n"
    )
    assert not any(versioned.matches(c, frozenset({"azureml.core"})) for c in facts.calls)
    facts = parse("d.register(ws, 'x', create_new_version=True)\n")
    assert versioned.matches(facts.calls[0], frozenset({"azureml.core.Dataset"}))
    assert not versioned.matches(facts.calls[0], frozenset({"pandas"}))  # a register() of another library


def test_notebook_cells_that_are_not_python_do_not_hide_the_others() -> None:
    code = CELL_BREAK.join(["%%bash\nfor f in *; do echo $f; done", "import wandb\nwandb.log({'loss': 1})"])
    facts = parse(code)
    assert [c.name for c in facts.calls] == ["wandb.log"]
    assert facts.calls[0].line == 5  # line in the joined code cells


def test_hand_written_data_checks_are_found_in_test_functions() -> None:
    facts = parse(
        "import pandas as pd\n"
        "def test_check_missing_values():\n"
        "    df = pd.read_csv('data.csv')\n"
        "    assert df.isnull().sum().sum() == 0\n"
        "def test_model_shape():\n"
        "    assert model.predict([[1]]).shape == (1,)\n"
    )
    assert facts.data_checks == [("test_check_missing_values", 2)]


def test_shell_chains_split_outside_quotes_and_groups() -> None:
    assert split_chain('A=$(python -c "import x; print(x)") && pytest; make lint') == [
        'A=$(python -c "import x; print(x)") ',
        " pytest",
        " make lint",
    ]
    lines = logical_lines("terraform init \\\n  -reconfigure && terraform apply -auto-approve")
    assert [" ".join(line.split()) for line in lines] == [
        "terraform init -reconfigure",
        "terraform apply -auto-approve",
    ]


def test_reading_commands_and_variables_say_nothing_about_activity() -> None:
    assert reads_only('kubectl -n "$NS" exec proxy -- curl http://api/runs?name=train')
    assert reads_only("kubectl create configmap train-config --from-literal=a=b")
    assert not reads_only("kubectl apply -f k8s/train-job.yaml")
    assert activities_of("aws s3 cp $MODEL_REGISTRY s3://bucket/ --recursive") == set()
    assert "train" in activities_of("python src/train.py")
    assert activities_of('kubectl patch deployment api -p \'{"env": "retrain"}\'') == {"deploy"}
    assert "deploy" in activities_of("terraform apply -auto-approve")
    assert "deploy" in activities_of("feast apply")
    assert "run_pipeline" not in activities_of("kfpr run create-kfp-docs-branch --dry-run")
    for publishing in ("mkdocs gh-deploy --force", "uses peaceiris/actions-gh-pages@v3", "make deploy-docs"):
        assert "deploy" not in activities_of(publishing), publishing
    assert "deploy" in activities_of("./scripts/deploy.sh prod")


def test_library_sources_and_scripts_without_tests_do_not_count(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "lib")
    repo.commit(
        "A serving framework's own sources",
        {
            "pyproject.toml": '[project]\nname = "bentoml"\nversion = "1.0"\n',
            "src/bentoml/server.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "src/_bentoml_impl/tracking.py": "import mlflow\nmlflow.log_metric('x', 1)\n",
            "client/test_fetch.py": "import requests\nprint(requests.get('http://x').json())\n",
            "MLproject": "name: one\nentry_points:\n  main:\n    command: python train.py\n",
        },
    )
    records = collect(repo.path)
    assert ok(records, "serving_frameworks").value == []
    assert ok(records, "experiment_tracking_tools").value == []
    assert ok(records, "test_files").value == 0  # a fetch script named test_*.py defines no test
    assert ok(records, "pipeline_tools").value == []  # one entry point is a command, not a pipeline


def test_dbt_tests_cloudformation_endpoints_and_rollout_modes(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "cfg")
    repo.commit(
        "dbt tests, CloudFormation, an Anyscale service",
        {
            "dbt/dbt_project.yml": "name: features\nversion: '1.0'\n",
            "dbt/models/schema.yml": (
                "version: 2\nmodels:\n  - name: drivers\n    columns:\n      - name: driver_id\n        tests:\n"
                "          - not_null\n          - unique\n"
            ),
            "cfn/endpoint.yaml": (
                "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Endpoint:\n    Type: AWS::SageMaker::Endpoint\n"
                "    Properties:\n      EndpointConfigName: !Ref EndpointConfig\n"
            ),
            "deploy/services/serve_model.yaml": "name: svc\nrollout_strategy: ROLLOUT # ROLLOUT or IN_PLACE\n",
            "deploy/services/other.yaml": "name: svc2\nrollout_strategy: IN_PLACE\n",
        },
    )
    records = collect(repo.path)
    assert "dbt_tests" in ok(records, "data_validation_tools").value
    assert ok(records, "data_validation_rule_files").value == 1
    assert "cloudformation" in ok(records, "iac_tools").value  # `!Ref` short forms do not hide it
    assert "sagemaker_endpoint" in ok(records, "serving_frameworks").value
    strategies = ok(records, "traffic_strategies")
    assert strategies.value == ["gradual_rollout"] and "serve_model.yaml:2" in strategies.summary


def test_registration_rules_cover_registry_clients_and_sagemaker_model_register() -> None:
    from evidence_collectors.git.callrules import REGISTRATION

    code = (
        "from mlflow import MlflowClient\n"
        "from sagemaker.sklearn import SKLearnModel\n"
        "client = MlflowClient()\n"
        "client.transition_model_version_stage('churn', 3, 'Production')\n"
        "model = SKLearnModel(model_data=uri, role=role)\n"
        "step_args = model.register(model_package_group_name='churn')\n"
        "mlflow_log = print('register_model')\n"
    )
    imports = frozenset({"mlflow", "mlflow.MlflowClient", "sagemaker.sklearn", "sagemaker.sklearn.SKLearnModel"})
    hits = [(r.tool, c.line) for c in parse(code).calls for r in REGISTRATION if r.matches(c, imports)]
    assert hits == [("mlflow", 4), ("sagemaker", 6)]


MODEL_CARD = """# Churn classifier

## Model details
Gradient-boosted trees trained weekly.

## Intended use
Ranking accounts for the retention team; not for pricing decisions.

## Training data
Twelve months of account events.

Evaluation results
------------------
AUC 0.87 on the March hold-out.

## Limitations
Accounts younger than 30 days are scored poorly.
"""
NOT_A_CARD = "# Setup\n\n## Installation\n\n## Limitations of this template\n\nSome text about intended use.\n"


def test_a_model_card_is_recognised_by_its_sections(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "card")
    repo.commit(
        "Document the model",
        {
            "docs_model/churn.md": MODEL_CARD,
            "SETUP.md": NOT_A_CARD,
            "{{ cookiecutter.repo_name }}/MODEL.md": MODEL_CARD,  # a template's card documents no model yet
        },
    )
    records = collect(repo.path)
    cards = ok(records, "model_cards")
    assert cards.value == 1 and "docs_model/churn.md" in cards.summary
    assert "model_card" in ok(records, "documentation").value


def test_hand_written_data_checks_need_a_data_name_and_count_from_tests(tmp_path: Path) -> None:
    check = (
        "import numpy as np\nimport pandas as pd\n\n\n"
        "def test_check_missing_values():\n"
        "    dataset = pd.read_csv('data/diabetes_missing_values.csv')\n"
        "    assert np.sum(np.isnan(dataset.values)) > 0\n"
    )
    transform = (
        "import pandas as pd\n\n\ndef test_features():\n"
        "    frame = pd.read_csv('fixtures/in.csv')\n    assert list(frame.columns) == ['a']\n"
    )
    repo = RepoBuilder(tmp_path / "checks")
    repo.commit("Data tests", {"data/data_test.py": check, "tests/test_transform.py": transform})
    validation = ok(collect(repo.path), "data_validation_tools")
    assert validation.value == ["hand_written_checks"]
    assert "data/data_test.py:5 (test_check_missing_values())" in validation.summary
    assert "test_transform" not in validation.summary


def test_a_web_app_serves_a_model_only_when_it_loads_or_calls_one(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "web")
    repo.commit(
        "A prediction service and a lookup API",
        {
            "service/predict.py": (
                "import pickle\nfrom flask import Flask, jsonify, request\n\napp = Flask('duration')\n"
                "with open('lin_reg.bin', 'rb') as f:\n    model = pickle.load(f)\n\n\n"
                "@app.route('/predict', methods=['POST'])\ndef predict():\n"
                "    return jsonify(model.predict([request.get_json()]).tolist())\n"
            ),
            "lookup/app.py": (
                "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/docs/{key}')\n"
                "def read(key: str) -> dict[str, str]:\n    return {'key': key}\n"
            ),
            "infra/azuredeploy.json": (
                '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
                ' "resources": []}\n'
            ),
        },
    )
    records = collect(repo.path)
    serving = ok(records, "serving_frameworks")
    assert serving.value == ["flask"] and "service/predict.py" in serving.summary
    assert "arm" in ok(records, "iac_tools").value

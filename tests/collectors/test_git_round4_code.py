"""Tuning, tracking and release strategies kept in run configuration, launch scripts and hand-written code: a Hydra
search sweeper, a launch script looping over a hyperparameter, a trainer's `report_to:`, a flow fan-out that sets a
hyperparameter per branch, a Python loop that fits a model per hyperparameter value, a server that sends a random
share of requests to a second model. Each has a near miss in the other repository that must stay negative."""

from __future__ import annotations

import pytest

from tests.collectors.git_support import RepoBuilder
from tests.collectors.test_git_code_facts import Records, collect, ok

HYDRA_SEARCH = """\
# @package _global_
defaults:
  - override /hydra/sweeper: optuna
optimized_metric: val/acc_best
hydra:
  mode: MULTIRUN
  sweeper:
    _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper
    n_trials: 20
    params:
      model.optimizer.lr: interval(0.0001, 0.1)
"""
HYDRA_PLAIN = """\
# install hydra-optuna-sweeper to search; this config runs once
defaults:
  - override /hydra/sweeper: basic
hydra:
  run:
    dir: logs/${now:%Y-%m-%d}
  sweeper:
    max_batch_size: 1
"""
SCAN = """\
#!/bin/bash
betas=("0.01" "0.1" "0.5")
for beta in "${betas[@]}"; do
    sbatch --job-name=dpo_${beta} launch.slurm dpo "--beta=${beta} --output_dir=data/dpo-${beta}"
done
"""
SEEDS = """\
#!/bin/bash
for seed in 1 2 3; do
    python train.py --seed=${seed} --lr 0.001
done
"""
TRAINER_TRACKED = "model_name_or_path: mistral\nlearning_rate: 2.0e-05\nreport_to:\n- wandb\n- tensorboard\n"
TRAINER_SILENT = "model_name_or_path: mistral\nlearning_rate: 2.0e-05\nreport_to: none\n"
FLOW_GRID = """\
from metaflow import FlowSpec, step


class GridFlow(FlowSpec):
    @step
    def start(self):
        self.depths = [2, 4, 8]
        self.next(self.fit, foreach="depths")

    @step
    def fit(self):
        from sklearn import tree

        self.clf = tree.DecisionTreeClassifier(max_depth=self.input)
        self.next(self.join)

    @step
    def join(self, inputs):
        self.best = max(inputs, key=lambda i: i.clf.score).clf
        self.next(self.end)

    @step
    def end(self):
        pass
"""
FLOW_SHARDS = (
    FLOW_GRID.replace("self.depths = [2, 4, 8]", "self.shards = ['a.csv', 'b.csv']")
    .replace('foreach="depths"', 'foreach="shards"')
    .replace("tree.DecisionTreeClassifier(max_depth=self.input)", "load_table(path=self.input)")
)
LOOP_GRID = """\
from sklearn.tree import DecisionTreeClassifier


def search(x, y, x_val, y_val):
    best = None
    for depth in [2, 4, 8]:
        model = DecisionTreeClassifier(max_depth=depth)
        model.fit(x, y)
        score = model.score(x_val, y_val)
        if best is None or score > best[0]:
            best = (score, depth)
    return best
"""
LOOP_NO_SEARCH = """\
import torch


def train_loop(model, loader, epochs, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        for batch in loader:
            model(batch).mean().backward()
            optimizer.step()


def throughput(model, dataset):
    for batch_size in [1, 8, 32]:
        loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size)
        model.eval()
        for batch in loader:
            model(batch)
"""
ROUTER = """\
import numpy as np
from fastapi import FastAPI

api = FastAPI()
champion = load("champion")
challenger = load("challenger")


@api.get("/predict")
def predict(x: float):
    if np.random.random() > 0.2:
        return {"y": champion.predict([[x]])[0], "model": "champion"}
    else:
        return {"y": challenger.predict([[x]])[0], "model": "challenger"}
"""
SAMPLED_LOG = """\
import random
from fastapi import FastAPI

api = FastAPI()
model = load("model")


@api.get("/predict")
def predict(x: float):
    y = model.predict([[x]])[0]
    if random.random() < 0.1:
        log_sample(x, y)
    else:
        y = model.predict([[x]])[0]
    return {"y": y}
"""


@pytest.fixture(scope="module")
def positive(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("round4-positive"))
    files: dict[str, str | bytes] = {
        "configs/hparams_search/optuna.yaml": HYDRA_SEARCH,
        "recipes/pref_scan/launch_scan.sh": SCAN,
        "recipes/sft/config.yaml": TRAINER_TRACKED,
        "flows/grid_flow.py": FLOW_GRID,
        "training/search_depth.py": LOOP_GRID,
        "serve/model_server.py": ROUTER,
    }
    repo.commit("tuning, tracking and routing in configuration and hand-written code", files)
    return collect(repo.path)


@pytest.fixture(scope="module")
def near_miss(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("round4-near-miss"))
    files: dict[str, str | bytes] = {
        "configs/hydra/default.yaml": HYDRA_PLAIN,
        "scripts/seeds.sh": SEEDS,
        "recipes/sft/config.yaml": TRAINER_SILENT,
        "flows/shard_flow.py": FLOW_SHARDS,
        # a loop over epochs (PyTorch's model.train() is a mode switch) and one over batch sizes that fits nothing
        "training/loops.py": LOOP_NO_SEARCH,
        "serve/model_server.py": SAMPLED_LOG,
        # the same search configuration inside a teaching folder does not count
        "examples/hparams_search/optuna.yaml": HYDRA_SEARCH,
    }
    repo.commit("the same words without a search, a tracker or a second model", files)
    return collect(repo.path)


def _tools(records: Records, probe: str) -> set[str]:
    value = ok(records, probe).value
    assert isinstance(value, list), value
    return set(value)


def test_search_sweepers_script_grids_and_flow_fan_outs_are_tuning(positive: Records) -> None:
    record = ok(positive, "hyperparameter_search_tools")
    assert {"optuna", "script_grid", "flow_grid", "loop_grid"} <= _tools(positive, "hyperparameter_search_tools")
    assert "configs/hparams_search/optuna.yaml" in record.summary
    assert "recipes/pref_scan/launch_scan.sh" in record.summary and "flows/grid_flow.py" in record.summary
    assert "training/search_depth.py" in record.summary


def test_trainer_report_to_names_the_trackers(positive: Records) -> None:
    record = ok(positive, "experiment_tracking_tools")
    assert {"wandb", "tensorboard"} <= _tools(positive, "experiment_tracking_tools")
    assert "recipes/sft/config.yaml" in record.summary


def test_random_share_between_two_models_is_a_traffic_strategy(positive: Records) -> None:
    record = ok(positive, "traffic_strategies")
    assert "weighted_routing" in _tools(positive, "traffic_strategies")
    assert "serve/model_server.py" in record.summary


def test_near_misses_stay_negative(near_miss: Records) -> None:
    assert ok(near_miss, "hyperparameter_search_tools").value == []
    assert ok(near_miss, "experiment_tracking_tools").value == []
    assert ok(near_miss, "traffic_strategies").value == []

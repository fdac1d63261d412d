"""Weekly training of the ranking model: Optuna search over LightGBM, every trial tracked in MLflow."""

import argparse

import lightgbm as lgb
import mlflow
import optuna
import yaml

from reco.data import load_prepared


def objective(trial, train, valid, space):
    params = {
        "num_leaves": trial.suggest_int("num_leaves", space["num_leaves"]["low"], space["num_leaves"]["high"], log=True),
        "learning_rate": trial.suggest_float("learning_rate", space["learning_rate"]["low"],
                                             space["learning_rate"]["high"], log=True),
        "objective": "lambdarank",
    }
    with mlflow.start_run(nested=True):
        mlflow.log_params(params)
        model = lgb.train(params, train, valid_sets=[valid])
        score = model.best_score["valid_0"]["ndcg@10"]
        mlflow.log_metric("ndcg_at_10", score)
    return score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="params.yaml")
    config = yaml.safe_load(open(parser.parse_args().config))["train"]
    train, valid, dataset = load_prepared()
    mlflow.set_experiment("reco-ranking")
    with mlflow.start_run():
        mlflow.log_input(dataset, context="training")
        study = optuna.create_study(direction="maximize")
        study.optimize(lambda t: objective(t, train, valid, config["search_space"]), n_trials=config["n_trials"])
        mlflow.log_params({f"best_{k}": v for k, v in study.best_params.items()})


if __name__ == "__main__":
    main()

"""Evidence from an MLflow tracking server: experiments, runs, hyperparameter searches and the model registry."""

from evidence_collectors.mlflow.collector import MlflowCollector

__all__ = ["MlflowCollector"]

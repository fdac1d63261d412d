"""Kubeflow Pipelines evidence: pipelines, versions, runs, recurring runs and experiments, read through the KFP REST
API (v2beta1)."""

from evidence_collectors.kubeflow.collector import KubeflowCollector

__all__ = ["KubeflowCollector"]

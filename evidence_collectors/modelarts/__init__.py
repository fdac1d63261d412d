"""Huawei Cloud ModelArts evidence: workflows and executions, training jobs, models with their lineage and
real-time services, read through the ModelArts REST API."""

from evidence_collectors.modelarts.collector import ModelArtsCollector

__all__ = ["ModelArtsCollector"]

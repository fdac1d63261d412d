"""Kubernetes evidence: workloads, services, autoscaling, quotas, namespaces per environment and model-serving
resources (KServe, Seldon, Argo Rollouts, Flagger, Istio) read through the Kubernetes API."""

from evidence_collectors.kubernetes.collector import KubernetesCollector

__all__ = ["KubernetesCollector"]

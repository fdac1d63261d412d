"""Workloads defined as Kubernetes manifests that carry no project, team or owner label, so their resource use cannot
be charged to a project from the labels. Reads the YAML documents already parsed for the manifest probes."""

from __future__ import annotations

from typing import Any

from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.manifests import Manifests, kustomize_patch_files
from evidence_collectors.git.snapshot import Snapshot

WORKLOAD_KINDS = {
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
    "PyTorchJob",
    "TFJob",
    "MPIJob",
    "XGBoostJob",
    "PaddleJob",
    "JAXJob",
    "TrainJob",
    "RayJob",
    "RayCluster",
    "RayService",
    "InferenceService",
    "SeldonDeployment",
    "Notebook",
    "SparkApplication",
    "Workflow",
    "CronWorkflow",
}
# label keys (or the part after a "domain/" prefix) that name who the workload belongs to
OWNER_KEYS = {
    "project",
    "project-id",
    "project_id",
    "team",
    "owner",
    "cost-center",
    "cost_center",
    "costcenter",
    "business-unit",
    "department",
    "tenant",
    "part-of",
}


def _labels(doc: dict[str, Any]) -> dict[str, Any]:
    meta = doc.get("metadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    return labels if isinstance(labels, dict) else {}


def _templated_labels(doc: dict[str, Any]) -> bool:
    """Labels filled in by a Helm helper ({{ include ... }}) cannot be judged from the chart; they are not counted."""
    meta = doc.get("metadata")
    if not isinstance(meta, dict) or "labels" not in meta:
        return False
    labels = meta["labels"]
    return labels is None or "TEMPLATED" in str(labels)


def has_owner_label(doc: dict[str, Any]) -> bool:
    for key, value in _labels(doc).items():
        name = str(key).lower().rsplit("/", 1)[-1]
        if name in OWNER_KEYS and value not in (None, ""):
            return True
    return False


def workload_findings(snap: Snapshot, manifests: Manifests) -> Findings:
    workloads: list[str] = []
    unlabelled: list[str] = []
    patches = kustomize_patch_files(manifests.kustomizations)  # partial documents: the resource they patch is counted
    for path, doc in manifests.docs:
        if (
            path in patches
            or not isinstance(doc, dict)
            or not doc.get("apiVersion")
            or str(doc.get("kind", "")) not in WORKLOAD_KINDS
        ):
            continue
        meta = doc.get("metadata")
        name = str(meta.get("name", "?")) if isinstance(meta, dict) else "?"
        where = f"{path}#{doc['kind']}/{name}"
        workloads.append(where)
        if not has_owner_label(doc) and not _templated_labels(doc):
            unlabelled.append(where)
    files = sorted({w.split("#", 1)[0] for w in unlabelled})
    if not workloads:
        summary = "no workload manifests (Deployment, Job, PyTorchJob, InferenceService, ...) to check"
    elif unlabelled:
        summary = f"{len(unlabelled)} of {len(workloads)} workload(s) without a project/team/owner label: " + sample(
            unlabelled, 4
        )
    else:
        summary = f"all {len(workloads)} workload(s) carry a project/team/owner label"
    return {
        "git.k8s_workloads_without_owner_label": Finding(
            value=len(unlabelled), raw=sorted({snap.listing_sha, *snap.raws(files, 50)}), summary=summary
        )
    }

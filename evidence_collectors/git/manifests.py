"""Kubernetes-style manifests in the tree (plain, Helm templates, Kustomize): resource kinds, model serving
resources, progressive-delivery settings (canary, traffic split, mirroring), GitOps controllers and SLO definitions."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from evidence_collectors.git import yamldocs
from evidence_collectors.git.ci_parse import ci_system
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.prefilter import at_line_start
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot

SERVING_KINDS = {
    "InferenceService",
    "InferenceGraph",
    "ServingRuntime",
    "ClusterServingRuntime",
    "TrainedModel",
    "SeldonDeployment",
    "BentoDeployment",
    "RayService",
}
SELDON_V2 = {"Model", "Pipeline", "Experiment"}  # apiVersion mlops.seldon.io
GITOPS = {
    ("argoproj.io", "Application"): "argocd",
    ("argoproj.io", "ApplicationSet"): "argocd",
    ("fluxcd.io", "Kustomization"): "flux",
    ("fluxcd.io", "HelmRelease"): "flux",
    ("fluxcd.io", "GitRepository"): "flux",
    ("cattle.io", "GitRepo"): "fleet",
}
_TEMPLATE_LINE = re.compile(r"^\s*\{\{-?.*-?\}\}\s*$")
_TEMPLATE = re.compile(r"\{\{-?.*?-?\}\}")
# YAML is parsed only when it may be a manifest, playbook, CloudFormation template, search space or rollout values:
# when it holds one of these words, or a line starting `method:`. Substring tests (no regular expression: on the
# largest YAML files, compiled pipelines, a search for a pattern alternative at every position cost more than the
# rest of this scan).
_WORTH_PARSING = (
    "apiVersion",
    "canaryTrafficPercent",
    "blueGreen",
    "AWSTemplateFormatVersion",
    "AWS::",
    "hosts:",
    "sweeper",
    "searchspace",
    "search_space",
    "searchSpace",
    "pipelineSpec",
    "pipelineInfo",
)


def worth_parsing(text: str) -> bool:
    return any(w in text for w in _WORTH_PARSING) or at_line_start(text, "method:")


# Every key or value `_traffic` matches while walking holds one of these words, or is a weighted route ("weight"
# beside "route", "backendRefs" or "backends"): see may_route.
_ROUTING_WORDS = (
    "canary",
    "blueGreen",
    "mirror",
    "shadow",
    "RollingUpdate",
    "Recreate",
    "alb.ingress.kubernetes.io/actions",
)
KUSTOMIZATION_FILES = {"kustomization.yaml", "kustomization.yml"}


def compiled_kfp(text: str) -> bool:
    """Top-level keys of a compiled KFP pipeline (IR YAML), without an apiVersion (an Argo workflow is parsed)."""
    if "apiVersion:" in text and _API.search(text):
        return False
    return at_line_start(text, "pipelineSpec:") or (
        at_line_start(text, "pipelineInfo:") and at_line_start(text, "deploymentSpec:")
    )


_KIND = re.compile(r"^kind:\s*['\"]?(\w+)", re.MULTILINE)
_API = re.compile(r"^apiVersion:\s*['\"]?([\w./-]+)", re.MULTILINE)


@dataclass
class Manifests:
    files: set[str] = field(default_factory=set)  # files holding at least one resource
    kinds: dict[str, set[str]] = field(default_factory=dict)  # kind -> files
    serving: dict[str, set[str]] = field(default_factory=dict)
    traffic: dict[str, set[str]] = field(default_factory=dict)  # strategy -> files
    gitops: dict[str, set[str]] = field(default_factory=dict)
    slo: set[str] = field(default_factory=set)
    slo_count: int = 0
    katib: set[str] = field(default_factory=set)
    argo_workflows: set[str] = field(default_factory=set)
    kfp_compiled: set[str] = field(default_factory=set)
    crossplane: set[str] = field(default_factory=set)
    docs: list[tuple[str, Any]] = field(default_factory=list)  # (path, parsed document) of every YAML file
    kustomizations: list[tuple[str, Any]] = field(
        default_factory=list
    )  # kustomization files, with or without apiVersion

    def add(self, table: dict[str, set[str]], key: str, path: str) -> None:
        table.setdefault(key, set()).add(path)


def _documents(text: str) -> list[Any]:
    """YAML documents; Helm template directives are neutralised first so charts parse too."""
    lines = text.splitlines()
    if "{{" in text:  # both patterns need "{{": the other lines stay as they are
        lines = [
            ("" if _TEMPLATE_LINE.match(line) else _TEMPLATE.sub("TEMPLATED", line)) if "{{" in line else line
            for line in lines
        ]
    cleaned = "\n".join(lines)
    try:
        return yamldocs.load_all(cleaned)
    except yamldocs.YAMLError:
        return []


def _walk(node: Any, trail: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str, Any]]:
    """Every (trail, key, value) of a document, depth first (a list: nested generators cost more than the walk)."""
    found: list[tuple[tuple[str, ...], str, Any]] = []
    _collect(node, trail, found)
    return found


def _collect(node: Any, trail: tuple[str, ...], found: list[tuple[tuple[str, ...], str, Any]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            name = str(key)
            found.append((trail, name, value))
            _collect(value, (*trail, name), found)
    elif isinstance(node, list):
        for item in node:
            _collect(item, trail, found)


def _weighted(routes: Any) -> bool:
    """A route list that sends traffic to more than one destination by weight."""
    return isinstance(routes, list) and sum(1 for r in routes if isinstance(r, dict) and "weight" in r) >= 2


def may_route(text: str) -> bool:
    """Whether a file's documents can hold a key or value the walk in `_traffic` looks for. Keys and values come from
    the text, so without one of the words (and without a backslash escape that could spell one) the walk over a
    large document, such as a compiled pipeline, finds nothing and is left out. Helm directives are replaced by
    "TEMPLATED" before parsing: no word can begin or end inside that replacement."""
    return (
        "\\" in text
        or any(word in text for word in _ROUTING_WORDS)
        or ("weight" in text and ("route" in text or "backend" in text))
    )


def _traffic(doc: dict[str, Any], kind: str, api: str, found: set[str], walk: bool = True) -> None:
    """Progressive-delivery settings; outside a resource (e.g. Helm values) only unambiguous keys count."""
    spec: dict[str, Any] = doc["spec"] if isinstance(doc.get("spec"), dict) else {}
    for trail, key, value in _walk(doc) if walk else ():
        if key == "canaryTrafficPercent" or (key == "canary" and "strategy" in trail[-1:]):
            found.add("canary")
        elif key == "blueGreen":
            found.add("blue_green")
        elif not (kind and api):
            continue
        elif key in {"mirror", "mirrorPercentage", "mirrors"} or (key == "shadow" and value is True):
            found.add("mirroring")
        elif key == "type" and trail[-1:] == ("strategy",) and value in {"RollingUpdate", "Recreate"}:
            found.add("rolling_update" if value == "RollingUpdate" else "recreate")
        elif key.startswith("nginx.ingress.kubernetes.io/canary") or key == "alb.ingress.kubernetes.io/actions":
            found.add("canary")
        elif key in {"route", "backendRefs", "backends"} and _weighted(value):
            found.add("traffic_split")
    if kind == "Canary" and "flagger" in api:
        found.add("canary")
    if kind == "TrafficSplit" or (kind == "Experiment" and "seldon" in api):
        found.add("traffic_split")
    if kind == "SeldonDeployment":
        predictors: list[Any] = spec["predictors"] if isinstance(spec.get("predictors"), list) else []
        if sum(1 for p in predictors if isinstance(p, dict) and p.get("traffic") not in (None, 100, 0)) >= 2:
            found.add("traffic_split")
    if kind == "Service" and "knative" in api and isinstance(spec.get("traffic"), list) and len(spec["traffic"]) >= 2:
        found.add("traffic_split")


def scan(snap: Snapshot) -> Manifests:
    result = Manifests()
    for path in sorted(snap.contents):
        lower = path.lower()
        if not lower.endswith((".yml", ".yaml")) or ci_system(path):
            continue
        if path_scope(path) != "own":  # test fixtures, examples and templates deploy nothing of the project
            continue
        text = snap.text(path)
        kustomization = posixpath.basename(lower) in KUSTOMIZATION_FILES  # often written without apiVersion
        if not kustomization and not worth_parsing(text):
            continue
        if compiled_kfp(text):
            # a compiled KFP pipeline (top-level pipelineInfo and deploymentSpec, or pipelineSpec) is known by its
            # top-level keys: those files are the largest YAML in a repository and nothing else reads their content
            result.kfp_compiled.add(path)
            continue
        docs = _documents(text)
        if kustomization:
            result.kustomizations += [(path, d) for d in docs]
        result.docs += [(path, d) for d in docs]
        unparsable = not docs and "kind:" in text and "apiVersion:" in text  # a template that stays unparsable
        if unparsable and _KIND.search(text) and _API.search(text):
            for kind in _KIND.findall(text):
                result.files.add(path)
                result.add(result.kinds, kind, path)
            continue
        walk = may_route(text)
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            kind, api = str(doc.get("kind", "")), str(doc.get("apiVersion", ""))
            if "pipelineSpec" in doc or ("pipelineInfo" in doc and "deploymentSpec" in doc):
                result.kfp_compiled.add(path)
            strategies: set[str] = set()
            _traffic(doc, kind, api, strategies, walk)
            for strategy in strategies:
                result.add(result.traffic, strategy, path)
            if not kind or not api:
                continue
            result.files.add(path)
            result.add(result.kinds, kind, path)
            if kind in SERVING_KINDS or (kind in SELDON_V2 and "seldon" in api):
                result.add(result.serving, kind, path)
            for (group, gitops_kind), tool in GITOPS.items():
                if kind == gitops_kind and group in api:
                    result.add(result.gitops, tool, path)
            if kind in {"PrometheusServiceLevel", "ServiceLevelObjective"} or (kind == "SLO" and "openslo" in api):
                result.slo.add(path)
                slos = doc["spec"].get("slos") if isinstance(doc.get("spec"), dict) else None
                result.slo_count += len(slos) if isinstance(slos, list) else 1
            if kind == "Experiment" and "kubeflow.org" in api:
                result.katib.add(path)
            if (
                kind in {"Workflow", "WorkflowTemplate", "CronWorkflow", "ClusterWorkflowTemplate"}
                and "argoproj.io" in api
            ):
                result.argo_workflows.add(path)
            if "crossplane.io" in api:
                result.crossplane.add(path)
    return result


def kustomize_patch_files(kustomizations: list[tuple[str, Any]]) -> set[str]:
    """Files that kustomization files apply as patches: partial documents (a HelmRelease's values, a Deployment's
    replicas) that change a resource defined elsewhere, so they are not resources of their own."""
    found: set[str] = set()
    for path, doc in kustomizations:
        if not isinstance(doc, dict):
            continue
        base = posixpath.dirname(path)
        named: list[Any] = []
        for key in ("patches", "patchesStrategicMerge"):  # items {path: ...} or, in the older key, file names
            items = doc.get(key)
            named += [i.get("path") if isinstance(i, dict) else i for i in items] if isinstance(items, list) else []
        found |= {posixpath.normpath(posixpath.join(base, n)) for n in named if isinstance(n, str) and "\n" not in n}
    return found


def manifest_findings(snap: Snapshot, found: Manifests) -> Findings:
    def where(table: dict[str, set[str]]) -> str:
        return "; ".join(f"{key} ({sample(paths, 2)})" for key, paths in sorted(table.items()))

    relevant = set().union(*found.serving.values(), *found.traffic.values(), *found.gitops.values(), found.slo)
    raw = [snap.listing_sha, *snap.raws(relevant, 50)]
    kinds = sorted(found.kinds)
    return {
        "git.k8s_resource_kinds": Finding(
            value=kinds,
            raw=raw,
            summary=(
                f"{len(found.files)} Kubernetes manifest file(s) with kinds: {sample(kinds, 12)}"
                if kinds
                else "no Kubernetes manifests"
            ),
        ),
        "git.model_serving_resources": Finding(
            value=sorted(found.serving),
            raw=raw,
            summary=f"model serving resources: {where(found.serving)}"
            if found.serving
            else "no KServe, Seldon, BentoML or Ray Serve resources",
        ),
        "git.traffic_strategies": Finding(
            value=sorted(found.traffic),
            raw=raw,
            summary=f"rollout and traffic settings: {where(found.traffic)}"
            if found.traffic
            else "no canary, traffic-split, mirroring, blue-green or rolling-update settings",
        ),
        "git.gitops_tools": Finding(
            value=sorted(found.gitops),
            raw=raw,
            summary=f"GitOps: {where(found.gitops)}"
            if found.gitops
            else "no GitOps controller resources (Argo CD Application, Flux Kustomization/HelmRelease)",
        ),
        "git.slo_definitions": Finding(
            value=found.slo_count,
            raw=raw,
            summary=f"{found.slo_count} SLO definition(s) in {sample(found.slo, 3)}"
            if found.slo
            else "no machine-readable SLO definitions (OpenSLO, Sloth, Pyrra)",
        ),
    }

"""Model workloads as facts: which Deployments, StatefulSets, Rollouts, InferenceServices and SeldonDeployments serve
a model, in which environment, with which model version, containers, replicas and readiness.

Recognised as model workloads: every KServe InferenceService and Seldon SeldonDeployment; a Deployment, StatefulSet or
Argo Rollout (with its own pod template) that carries a model name, version or registry URI key (labels or
annotations, on the object or its pod template), whose `app.kubernetes.io/component` is a serving component, or one of
whose containers runs a model server image (Triton, TF Serving, TorchServe, MLServer, vLLM, ...); with a label
selector in the target, every Deployment, StatefulSet or Rollout it selects. Objects made by a controller for another
object (KServe's and Seldon's Deployments, Flagger's `-primary` copy) are counted once, as their owner.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from evidence_collectors.kubernetes.config import ENVIRONMENT_ALIASES, KubernetesConfig
from evidence_collectors.kubernetes.models import (
    Container,
    Hpa,
    InferenceService,
    Meta,
    NamespaceObj,
    Rollout,
    SeldonDeployment,
    Service,
    Workload,
)
from evidence_collectors.rest import parse

CONTROLLER_LABELS = ("serving.kserve.io/inferenceservice", "seldon-deployment-id", "seldon-app")
CONTROLLER_OWNERS = frozenset({"InferenceService", "SeldonDeployment", "Canary"})
REGISTRY_URI = re.compile(r"^models:/(?P<name>[^/]+)/(?P<version>[^/]+)$")
DEFAULT_HISTORY = 10  # revisionHistoryLimit when unset (Deployment, StatefulSet, Rollout)


@dataclass(frozen=True)
class Box:
    """One container (or KServe model spec) of a model workload."""

    image: str
    requests: bool  # cpu and memory requested
    limits: bool  # cpu and memory limited
    liveness: bool
    readiness: bool


@dataclass
class ModelWorkload:
    kind: str
    namespace: str
    name: str
    environment: str
    model: str = ""
    version: str = ""
    boxes: list[Box] = field(default_factory=list)
    replicas: int = 1  # desired (KServe: minReplicas; Seldon: the main predictor's)
    ready: bool = False
    history: int | None = None  # revisionHistoryLimit, None where the kind keeps none
    pod_labels: dict[str, str] = field(default_factory=dict)
    exposed: bool | None = None  # None: decided by the Services that select its pods
    autoscale: tuple[int, int] | None = None  # (min, max) from its own spec
    strategies: set[str] = field(default_factory=set)
    automatic: bool = False  # a progressive release decided by automatic analysis
    tools: set[str] = field(default_factory=set)  # the deployment tools whose markers the object carries
    gitops: tuple[str, ...] = ()  # the GitOps controller objects its markers name (see kubernetes/gitops.py)

    @property
    def label(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind, self.namespace, self.name


# --- environments ---------------------------------------------------------------------------------------------------


def environment_of(namespace: NamespaceObj, config: KubernetesConfig) -> str:
    """The namespace's environment: its environment label, else its name against the patterns, else ""."""
    labels = namespace.metadata.labels
    for key in config.environment_labels:
        value = labels.get(key, "").strip().lower()
        if value:
            return ENVIRONMENT_ALIASES.get(value, value)
    for environment, patterns in config.environment_patterns.items():
        if any(fnmatch.fnmatchcase(namespace.metadata.name, p) for p in patterns):
            return ENVIRONMENT_ALIASES.get(environment.lower(), environment.lower())
    return ""


# --- recognition ----------------------------------------------------------------------------------------------------


def identity(maps: Iterable[Mapping[str, str]], config: KubernetesConfig, uris: Iterable[str] = ()) -> tuple[str, str]:
    """(model name, model version) from the first name/version keys present, or a models:/NAME/VERSION URI."""
    maps = list(maps)
    name = next((m[k] for m in maps for k in config.model_name_keys if m.get(k, "").strip()), "")
    version = next((m[k] for m in maps for k in config.model_version_keys if m.get(k, "").strip()), "")
    candidates = [m.get(k, "") for m in maps for k in config.model_uri_keys] + list(uris)
    for uri in candidates:
        match = REGISTRY_URI.match(uri.strip())
        if match:
            name, version = name or match["name"], version or match["version"]
    return name.strip(), version.strip()


def controlled(meta: Meta) -> bool:
    return any(k in meta.labels for k in CONTROLLER_LABELS) or any(
        o.kind in CONTROLLER_OWNERS for o in meta.owner_references
    )


def recognised(maps: Sequence[Mapping[str, str]], images: list[str], config: KubernetesConfig) -> bool:
    keys = {*config.model_name_keys, *config.model_version_keys, *config.model_uri_keys}
    if any(k in m for m in maps for k in keys):
        return True
    components = {c.lower() for c in config.serving_components}
    if any(m.get("app.kubernetes.io/component", "").lower() in components for m in maps):
        return True
    return any(part in image.lower() for image in images for part in config.serving_images)


def box(container: Container) -> Box:
    resources = container.resources
    requests = resources.requests if resources else {}
    limits = resources.limits if resources else {}
    return Box(
        image=container.image.strip(),
        requests={"cpu", "memory"} <= set(requests),
        limits={"cpu", "memory"} <= set(limits),
        liveness=container.liveness_probe is not None,
        readiness=container.readiness_probe is not None,
    )


def deployment_tools(meta: Meta) -> set[str]:
    """The deployment tools an object's own labels and annotations name: Helm (app.kubernetes.io/managed-by: Helm,
    helm.sh/chart, meta.helm.sh/release-name), Argo CD (argocd.argoproj.io/tracking-id or /instance), Flux
    (kustomize.toolkit.fluxcd.io/name, helm.toolkit.fluxcd.io/name), or any other app.kubernetes.io/managed-by."""
    marks = {**meta.annotations, **meta.labels}
    found: set[str] = set()
    managed = marks.get("app.kubernetes.io/managed-by", "").strip().lower()
    if managed:
        found.add(managed)
    if "helm.sh/chart" in marks or "meta.helm.sh/release-name" in marks:
        found.add("helm")
    if "argocd.argoproj.io/tracking-id" in marks or "argocd.argoproj.io/instance" in marks:
        found.add("argocd")
    if "kustomize.toolkit.fluxcd.io/name" in marks or "helm.toolkit.fluxcd.io/name" in marks:
        found.add("flux")
    return found


ARGO_MARKS = ("argocd.argoproj.io/tracking-id", "argocd.argoproj.io/instance")
# Argo CD's default tracking before 3.0: the label app.kubernetes.io/instance holds the Application's name. Helm sets
# the same label for its releases, so it names an Application only when one of that name exists.
ARGO_LABEL = "app.kubernetes.io/instance"
FLUX_MARKS = {
    "kustomization": ("kustomize.toolkit.fluxcd.io/name", "kustomize.toolkit.fluxcd.io/namespace"),
    "helmrelease": ("helm.toolkit.fluxcd.io/name", "helm.toolkit.fluxcd.io/namespace"),
}


def controller_marks(meta: Meta) -> tuple[str, ...]:
    """Keys of the GitOps objects an object's markers name: `argocd:APP`, `kustomization:NS/NAME`,
    `helmrelease:NS/NAME`, and `argocd-label:NAME` for an app.kubernetes.io/instance label (an Application only if
    one of that name exists)."""
    marks = {**meta.annotations, **meta.labels}
    found: list[str] = []
    for key in ARGO_MARKS:
        value = marks.get(key, "").strip()
        if value:
            found.append("argocd:" + value.split(":", 1)[0])
    for kind, (name_key, ns_key) in FLUX_MARKS.items():
        name = marks.get(name_key, "").strip()
        if name:
            found.append(f"{kind}:{marks.get(ns_key, '').strip()}/{name}")
    instance = meta.labels.get(ARGO_LABEL, "").strip()
    if instance:
        found.append(f"argocd-label:{instance}")
    return tuple(dict.fromkeys(found))


# --- per kind -------------------------------------------------------------------------------------------------------


def from_workload(kind: str, obj: Workload, environment: str, config: KubernetesConfig) -> ModelWorkload | None:
    """A Deployment or StatefulSet, if it serves a model."""
    meta, template = obj.metadata, obj.spec.template
    if controlled(meta):
        return None
    maps = [meta.labels, meta.annotations, template.metadata.labels, template.metadata.annotations]
    images = [c.image for c in template.spec.containers]
    if not (config.label_selector or recognised(maps, images, config)):
        return None
    model, version = identity(maps, config)
    desired = 1 if obj.spec.replicas is None else obj.spec.replicas
    done = obj.status.available_replicas if kind == "Deployment" else obj.status.ready_replicas
    history = obj.spec.revision_history_limit
    return ModelWorkload(
        kind=kind,
        namespace=meta.namespace,
        name=meta.name,
        environment=environment,
        model=model,
        version=version,
        boxes=[box(c) for c in template.spec.containers],
        replicas=desired,
        ready=(done or 0) >= desired,
        history=DEFAULT_HISTORY if history is None else history,
        pod_labels=dict(template.metadata.labels),
        tools=deployment_tools(meta),
        gitops=controller_marks(meta),
    )


def from_rollout(obj: Rollout, environment: str, config: KubernetesConfig) -> ModelWorkload | None:
    """An Argo Rollout with its own pod template (one with a workloadRef is the strategy of that Deployment)."""
    template = obj.spec.template
    if template is None or obj.spec.workload_ref is not None:
        return None
    workload = Workload.model_validate(
        {
            "metadata": obj.metadata.model_dump(by_alias=True),
            "spec": {
                "replicas": obj.spec.replicas,
                "template": template.model_dump(by_alias=True),
                "revisionHistoryLimit": obj.spec.revision_history_limit,
            },
            "status": obj.status.model_dump(by_alias=True),
        }
    )
    return from_workload("Rollout", workload, environment, config)


def from_isvc(obj: InferenceService, environment: str, config: KubernetesConfig) -> ModelWorkload:
    meta, predictor = obj.metadata, obj.spec.predictor
    containers = list(predictor.containers)
    uris = []
    if predictor.model is not None:
        containers.insert(0, predictor.model)
        uris.append(predictor.model.storage_uri or "")
    for key, value in (predictor.model_extra or {}).items():  # the older schema: spec.predictor.<framework>
        if isinstance(value, dict) and ("storageUri" in value or "runtimeVersion" in value):
            where = f"InferenceService {meta.namespace}/{meta.name}: spec.predictor.{key}"
            containers.append(parse(Container, value, where))  # a field of the wrong type: CollectError
            uris.append(str(value.get("storageUri", "")))
    model, version = identity([meta.labels, meta.annotations], config, uris)
    low = 1 if predictor.min_replicas is None else predictor.min_replicas
    high = predictor.max_replicas
    ready = any(c.type == "Ready" and c.status == "True" for c in obj.status.conditions)
    found = ModelWorkload(
        kind="InferenceService",
        namespace=meta.namespace,
        name=meta.name,
        environment=environment,
        model=model or meta.name,
        version=version,
        boxes=[box(c) for c in containers],
        replicas=low,
        ready=ready,
        exposed=bool(obj.status.url),
        autoscale=(low, high) if high is not None and high > max(low, 1) else None,
        tools=deployment_tools(meta),
        gitops=controller_marks(meta),
    )
    found.strategies.add("rolling_update")
    if predictor.canary_traffic_percent is not None:
        found.strategies.add("canary")
    return found


def from_seldon(obj: SeldonDeployment, environment: str, config: KubernetesConfig) -> ModelWorkload:
    meta = obj.metadata
    predictors = obj.spec.predictors
    live = [p for p in predictors if not p.shadow]
    main = max(live, key=lambda p: p.traffic or 0) if live else None
    uris = [p.graph.model_uri for p in predictors]
    model, version = identity([meta.labels, meta.annotations], config, uris)
    containers = [c for p in predictors for spec in p.component_specs for c in spec.spec.containers]
    scaled = [spec.hpa_spec for p in live for spec in p.component_specs if spec.hpa_spec]
    autoscale = None
    if scaled:
        autoscale = (_count(scaled[0].get("minReplicas"), 1), _count(scaled[0].get("maxReplicas"), 0))
    found = ModelWorkload(
        kind="SeldonDeployment",
        namespace=meta.namespace,
        name=meta.name,
        environment=environment,
        model=model or meta.name,
        version=version,
        boxes=[box(c) for c in containers],
        replicas=1 if main is None or main.replicas is None else main.replicas,
        ready=obj.status.state == "Available",
        exposed=bool(obj.status.address and obj.status.address.url),
        autoscale=autoscale,
        tools=deployment_tools(meta),
        gitops=controller_marks(meta),
    )
    found.strategies.add("rolling_update")
    if len([p for p in live if p.traffic]) >= 2:
        found.strategies |= {"canary", "traffic_split"}
    if any(p.shadow for p in predictors):
        found.strategies.add("mirroring")
    return found


# --- attached facts -------------------------------------------------------------------------------------------------


def autoscaling(workload: ModelWorkload, hpas: list[Hpa]) -> tuple[int, int] | None:
    """(min, max) replicas of the HPA scaling the workload (KServe raw mode: its `-predictor` Deployment), or of its
    own spec."""
    names = {workload.name}
    if workload.kind == "InferenceService":
        names = {f"{workload.name}-predictor", f"{workload.name}-predictor-default"}
    kinds = {"InferenceService": {"Deployment"}}.get(workload.kind, {workload.kind})
    for hpa in hpas:
        ref = hpa.spec.scale_target_ref
        if hpa.metadata.namespace == workload.namespace and ref.kind in kinds and ref.name in names:
            return (1 if hpa.spec.min_replicas is None else hpa.spec.min_replicas), hpa.spec.max_replicas
    return workload.autoscale


def selected_by(workload: ModelWorkload, services: list[Service]) -> list[Service]:
    """The Services whose selector picks the workload's pods."""
    if not workload.pod_labels:
        return []
    return [
        s
        for s in services
        if s.metadata.namespace == workload.namespace
        and s.spec.selector
        and all(workload.pod_labels.get(k) == v for k, v in s.spec.selector.items())
    ]


def exposed(workload: ModelWorkload, services: list[Service]) -> bool:
    return workload.exposed if workload.exposed is not None else bool(selected_by(workload, services))


def in_preproduction(workload: ModelWorkload, workloads: list[ModelWorkload], prod: set[str]) -> bool:
    """Whether the same model (same model name, or same kind and name when no model name is known) also runs in a
    namespace of another, non-production environment."""
    return any(
        other.environment
        and other.environment not in prod
        and other.environment != workload.environment
        and (
            (workload.model and other.model == workload.model)
            or (not workload.model and (other.kind, other.name) == (workload.kind, workload.name))
        )
        for other in workloads
    )


def registry(image: str) -> str:
    """The registry host of an image reference (docker.io when the first part is no host)."""
    first = image.split("/", 1)[0]
    if "/" in image and ("." in first or ":" in first or first == "localhost"):
        return first.lower()
    return "docker.io"


def pinned(image: str) -> bool:
    return "@sha256:" in image


def tagged_not_latest(image: str) -> bool:
    """Pinned by digest, or carrying a tag other than `latest` (no tag means latest)."""
    if pinned(image):
        return True
    last = image.rsplit("/", 1)[-1]
    return ":" in last and last.rsplit(":", 1)[1] not in ("", "latest")


def _count(value: object, default: int) -> int:
    """A replica count of a free-form hpaSpec: an integer, or ASCII digits; `default` for anything else (text such as
    'many', '²', a list, or thousands of digits `int` refuses)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 9:
        return int(value.strip())
    return default

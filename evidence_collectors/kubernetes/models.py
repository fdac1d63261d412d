"""The parts of Kubernetes objects the probes read, as the API documents them (camelCase JSON, lists that may be null
or absent). Every model ignores the fields it does not name, so any object a cluster sends is read; a field of the
wrong type is an unusable answer."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel


def _list(value: Any) -> Any:
    return [] if value is None else value


def _map(value: Any) -> Any:
    return {} if value is None else value


def _text_map(value: Any) -> Any:
    """Labels and annotations are strings; a quantity map (requests, hard) may hold numbers: kept as text."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {k: v if isinstance(v, str) else str(v) for k, v in value.items()}
    return value


StrMap = Annotated[dict[str, str], BeforeValidator(_text_map)]
AnyMap = Annotated[dict[str, Any], BeforeValidator(_map)]


class Kube(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=to_camel, frozen=True)


class OwnerRef(Kube):
    kind: str = ""
    name: str = ""


class Meta(Kube):
    name: str = ""
    namespace: str = ""
    labels: StrMap = Field(default_factory=dict)
    annotations: StrMap = Field(default_factory=dict)
    owner_references: Annotated[list[OwnerRef], BeforeValidator(_list)] = Field(default_factory=list)


class ListMeta(Kube):
    continue_: str | None = Field(default=None, alias="continue")
    remaining_item_count: int | None = None


class ObjectList(Kube):
    """Any `...List` answer: kind, apiVersion, metadata.continue and the items, read as plain objects first."""

    kind: str = ""
    metadata: ListMeta = ListMeta()
    items: Annotated[list[Any], BeforeValidator(_list)]


class Resources(Kube):
    requests: StrMap = Field(default_factory=dict)
    limits: StrMap = Field(default_factory=dict)


class Container(Kube):
    name: str = ""
    image: str = ""
    resources: Resources | None = None
    liveness_probe: AnyMap | None = None
    readiness_probe: AnyMap | None = None


Containers = Annotated[list[Container], BeforeValidator(_list)]


class PodSpec(Kube):
    containers: Containers = Field(default_factory=list)


class PodTemplate(Kube):
    metadata: Meta = Meta()
    spec: PodSpec = PodSpec()


class Strategy(Kube):
    type: str = ""


class WorkloadSpec(Kube):
    replicas: int | None = None
    template: PodTemplate = PodTemplate()
    strategy: Strategy | None = None  # Deployment
    update_strategy: Strategy | None = None  # StatefulSet
    revision_history_limit: int | None = None


class WorkloadStatus(Kube):
    replicas: int | None = None
    ready_replicas: int | None = None
    available_replicas: int | None = None


class Workload(Kube):
    """A Deployment or a StatefulSet (apps/v1)."""

    metadata: Meta = Meta()
    spec: WorkloadSpec = WorkloadSpec()
    status: WorkloadStatus = WorkloadStatus()


# --- Argo Rollouts (argoproj.io/v1alpha1) ---------------------------------------------------------------------------


class Ref(Kube):
    api_version: str = ""
    kind: str = ""
    name: str = ""


class CanaryStep(Kube):
    set_weight: int | None = None
    analysis: AnyMap | None = None
    experiment: AnyMap | None = None


class CanaryStrategy(Kube):
    steps: Annotated[list[CanaryStep], BeforeValidator(_list)] = Field(default_factory=list)
    analysis: AnyMap | None = None
    traffic_routing: AnyMap | None = None


class BlueGreenStrategy(Kube):
    active_service: str = ""
    preview_service: str = ""
    auto_promotion_enabled: bool | None = None
    pre_promotion_analysis: AnyMap | None = None
    post_promotion_analysis: AnyMap | None = None


class RolloutStrategy(Kube):
    canary: CanaryStrategy | None = None
    blue_green: BlueGreenStrategy | None = None


class RolloutSpec(Kube):
    replicas: int | None = None
    template: PodTemplate | None = None
    workload_ref: Ref | None = None
    strategy: RolloutStrategy = RolloutStrategy()
    revision_history_limit: int | None = None


class Rollout(Kube):
    metadata: Meta = Meta()
    spec: RolloutSpec = RolloutSpec()
    status: WorkloadStatus = WorkloadStatus()


# --- Flagger (flagger.app/v1beta1) ----------------------------------------------------------------------------------


class Analysis(Kube):
    step_weight: int | None = None
    step_weights: Annotated[list[int], BeforeValidator(_list)] = Field(default_factory=list)
    max_weight: int | None = None
    iterations: int | None = None
    mirror: bool | None = None
    metrics: Annotated[list[Any], BeforeValidator(_list)] = Field(default_factory=list)
    webhooks: Annotated[list[Any], BeforeValidator(_list)] = Field(default_factory=list)
    match: Annotated[list[Any], BeforeValidator(_list)] = Field(default_factory=list)


class CanarySpec(Kube):
    target_ref: Ref = Ref()
    analysis: Analysis | None = None


class Canary(Kube):
    metadata: Meta = Meta()
    spec: CanarySpec = CanarySpec()


# --- Istio (networking.istio.io/v1beta1) ----------------------------------------------------------------------------


class Destination(Kube):
    host: str = ""
    subset: str = ""


class RouteDestination(Kube):
    destination: Destination = Destination()
    weight: int | None = None


class HttpRoute(Kube):
    match: Annotated[list[Any], BeforeValidator(_list)] = Field(default_factory=list)
    route: Annotated[list[RouteDestination], BeforeValidator(_list)] = Field(default_factory=list)
    mirror: AnyMap | None = None
    timeout: str | None = None
    retries: AnyMap | None = None
    fault: AnyMap | None = None


class VirtualServiceSpec(Kube):
    hosts: Annotated[list[str], BeforeValidator(_list)] = Field(default_factory=list)
    http: Annotated[list[HttpRoute], BeforeValidator(_list)] = Field(default_factory=list)


class VirtualService(Kube):
    metadata: Meta = Meta()
    spec: VirtualServiceSpec = VirtualServiceSpec()


# --- KServe (serving.kserve.io/v1beta1) -----------------------------------------------------------------------------


class ModelFormat(Kube):
    name: str = ""
    version: str | None = None


class ModelSpec(Container):
    """spec.predictor.model: a container spec with the model's format and storage."""

    model_format: ModelFormat | None = None
    storage_uri: str | None = None
    runtime: str | None = None


class Predictor(Kube):
    """spec.predictor. The framework keys of the older schema (sklearn, onnx, triton, ...) stay as extra fields."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, alias_generator=to_camel, frozen=True)

    canary_traffic_percent: int | None = None
    min_replicas: int | None = None
    max_replicas: int | None = None
    model: ModelSpec | None = None
    containers: Containers = Field(default_factory=list)


class IsvcSpec(Kube):
    predictor: Predictor = Predictor()


class TrafficTarget(Kube):
    percent: int | None = None
    revision_name: str = ""
    latest_revision: bool | None = None


class ComponentStatus(Kube):
    traffic: Annotated[list[TrafficTarget], BeforeValidator(_list)] = Field(default_factory=list)
    latest_ready_revision: str = ""
    latest_rolledout_revision: str = ""
    previous_rolledout_revision: str = ""


class Condition(Kube):
    type: str = ""
    status: str = ""


class IsvcStatus(Kube):
    url: str | None = None
    conditions: Annotated[list[Condition], BeforeValidator(_list)] = Field(default_factory=list)
    components: Annotated[dict[str, ComponentStatus], BeforeValidator(_map)] = Field(default_factory=dict)


class InferenceService(Kube):
    metadata: Meta = Meta()
    spec: IsvcSpec = IsvcSpec()
    status: IsvcStatus = IsvcStatus()


# --- Seldon Core (machinelearning.seldon.io/v1) ---------------------------------------------------------------------


class ComponentSpec(Kube):
    spec: PodSpec = PodSpec()
    hpa_spec: AnyMap | None = None


class Graph(Kube):
    name: str = ""
    implementation: str = ""
    model_uri: str = ""


class SeldonPredictor(Kube):
    name: str = ""
    replicas: int | None = None
    traffic: int | None = None
    shadow: bool | None = None
    graph: Graph = Graph()
    component_specs: Annotated[list[ComponentSpec], BeforeValidator(_list)] = Field(default_factory=list)


class SeldonSpec(Kube):
    predictors: Annotated[list[SeldonPredictor], BeforeValidator(_list)] = Field(default_factory=list)


class Address(Kube):
    url: str = ""


class SeldonStatus(Kube):
    state: str = ""
    address: Address | None = None


class SeldonDeployment(Kube):
    metadata: Meta = Meta()
    spec: SeldonSpec = SeldonSpec()
    status: SeldonStatus = SeldonStatus()


# --- core and autoscaling -------------------------------------------------------------------------------------------


class NamespaceObj(Kube):
    metadata: Meta = Meta()


class ServiceSpec(Kube):
    selector: StrMap = Field(default_factory=dict)
    type: str = ""


class Service(Kube):
    metadata: Meta = Meta()
    spec: ServiceSpec = ServiceSpec()


class HpaSpec(Kube):
    scale_target_ref: Ref = Ref()
    min_replicas: int | None = None
    max_replicas: int = 0


class Hpa(Kube):
    metadata: Meta = Meta()
    spec: HpaSpec = HpaSpec()


class QuotaSpec(Kube):
    hard: StrMap = Field(default_factory=dict)


class ResourceQuota(Kube):
    metadata: Meta = Meta()
    spec: QuotaSpec = QuotaSpec()


class ApiResource(Kube):
    name: str = ""
    kind: str = ""


class ApiResourceList(Kube):
    """The discovery answer of GET /apis/GROUP/VERSION."""

    resources: Annotated[list[ApiResource], BeforeValidator(_list)] = Field(default_factory=list)


# --- GitOps controllers: Argo CD (argoproj.io/v1alpha1), Flux (kustomize/helm.toolkit.fluxcd.io) --------------------


class ArgoSource(Kube):
    repo_url: str = Field(default="", alias="repoURL")
    chart: str = ""  # set when the source is a Helm chart repository, not a Git repository


class ArgoAutomated(Kube):
    self_heal: bool | None = None
    enabled: bool | None = None  # Argo CD 3.1+: automated sync may be declared yet switched off


class ArgoSyncPolicy(Kube):
    automated: ArgoAutomated | None = None


class ArgoAppSpec(Kube):
    source: ArgoSource | None = None
    sources: Annotated[list[ArgoSource], BeforeValidator(_list)] = Field(default_factory=list)
    sync_policy: ArgoSyncPolicy | None = None


class Application(Kube):
    metadata: Meta = Meta()
    spec: ArgoAppSpec = ArgoAppSpec()


class SourceRef(Kube):
    kind: str = ""
    name: str = ""


class KustomizationSpec(Kube):
    source_ref: SourceRef | None = None
    suspend: bool | None = None


class FluxKustomization(Kube):
    metadata: Meta = Meta()
    spec: KustomizationSpec = KustomizationSpec()


class ChartSpec(Kube):
    source_ref: SourceRef | None = None


class ChartTemplate(Kube):
    spec: ChartSpec | None = None


class DriftDetection(Kube):
    mode: str = ""  # enabled (correct drift) | warn | disabled (the default)


class HelmReleaseSpec(Kube):
    chart: ChartTemplate | None = None
    chart_ref: SourceRef | None = None
    suspend: bool | None = None
    drift_detection: DriftDetection | None = None


class FluxHelmRelease(Kube):
    metadata: Meta = Meta()
    spec: HelmReleaseSpec = HelmReleaseSpec()

"""Kubernetes collector: model-serving workloads, their environments, resources, scaling, exposure and release
strategies, read from the Kubernetes API (read-only).

Reads the namespaces (those named in the target, or every listable one), then per namespace the Deployments,
StatefulSets, Services, HorizontalPodAutoscalers and ResourceQuotas, and, where their CRDs are installed, KServe
InferenceServices, Seldon SeldonDeployments, Argo Rollouts, Flagger Canaries and Istio VirtualServices; the GitOps
controllers' objects (Argo CD Applications, Flux Kustomizations and HelmReleases) are read in gitops_namespaces and in
the namespaces the model workloads' markers name, since they live in the controllers' own namespaces. An unreadable
namespace list (a refused token, a wrong URL) fails the whole target; any other failing read only costs the probes
computed from it. A CRD that is not installed is a fact (no objects, said in the summary); a refusal is not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.kubernetes.api import (
    APPLICATIONS,
    CANARIES,
    CRDS,
    DEPLOYMENTS,
    HELM_RELEASES,
    HPAS,
    ISVCS,
    KUSTOMIZATIONS,
    QUOTAS,
    ROLLOUTS,
    SELDON,
    SERVICES,
    STATEFULSETS,
    TOOL,
    VIRTUAL_SERVICES,
    KubeApi,
    Listing,
    Resource,
)
from evidence_collectors.kubernetes.config import KubernetesConfig
from evidence_collectors.kubernetes.figures import (
    Source,
    count_finding,
    environment_findings,
    exposure_finding,
    kserve_findings,
    quota_finding,
    release_findings,
    route_findings,
    scaling_findings,
    tools_finding,
    workload_findings,
)
from evidence_collectors.kubernetes.gitops import gitops_finding, marked_namespaces, verdicts
from evidence_collectors.kubernetes.models import (
    Application,
    Canary,
    FluxHelmRelease,
    FluxKustomization,
    Hpa,
    InferenceService,
    Kube,
    NamespaceObj,
    ResourceQuota,
    Rollout,
    SeldonDeployment,
    Service,
    VirtualService,
    Workload,
)
from evidence_collectors.kubernetes.releases import attach, route_features, weighted_routes, workload_strategy
from evidence_collectors.kubernetes.workloads import (
    DEFAULT_HISTORY,
    ModelWorkload,
    environment_of,
    from_isvc,
    from_rollout,
    from_seldon,
    from_workload,
)
from evidence_collectors.outcome import Fetched, ProbeFinding, in_catalogue_order, probe_section, status_of
from evidence_collectors.records import EvidenceRecord

PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))
P = "kubernetes."

ENVIRONMENT_PROBES = tuple(
    P + s
    for s in (
        "namespaces",
        "environments",
        "environment_count",
        "namespaces_by_environment",
        "namespaces_without_environment",
        "production_namespaces",
    )
)
TOOL_PROBES = (P + "serving_tools_installed",)
WORKLOAD_PROBES = tuple(
    P + s
    for s in (
        "model_workloads",
        "model_workload_kinds",
        "model_environments",
        "models_served",
        "production_model_workloads",
        "model_workloads_with_model_version_ratio",
        "model_workloads_with_resources_ratio",
        "model_workloads_with_health_probes_ratio",
        "model_workloads_ready_ratio",
        "model_workloads_with_rollback_history_ratio",
        "model_images_pinned_by_digest_ratio",
        "model_images_without_latest_tag_ratio",
        "production_model_workloads_in_preproduction_ratio",
        "model_workloads_managed_by_tool_ratio",
        "model_deployment_tools",
        "model_image_registries",
    )
)
QUOTA_PROBES = (P + "model_namespaces_with_quota_ratio",)
GITOPS_PROBES = (P + "model_workloads_gitops_self_healing_ratio",)
SCALING_PROBES = tuple(
    P + s
    for s in (
        "model_workloads_autoscaled_ratio",
        "model_autoscaling_ranges",
        "production_model_workloads_with_two_replicas_ratio",
    )
)
EXPOSURE_PROBES = (P + "model_workloads_exposed_ratio",)
KSERVE_PROBES = tuple(P + s for s in ("inference_services", "kserve_model_formats", "kserve_canary_traffic_percents"))
SELDON_PROBES = (P + "seldon_deployments",)
ROLLOUT_PROBES = (P + "argo_rollouts",)
CANARY_PROBES = (P + "flagger_canaries",)
ROUTE_PROBES = (P + "istio_route_features", P + "istio_weighted_routes")
RELEASE_PROBES = tuple(
    P + s
    for s in (
        "model_release_strategies",
        "model_progressive_releases",
        "production_model_workloads_progressive_ratio",
        "progressive_releases_with_automatic_analysis_ratio",
    )
)


@dataclass
class Models:
    """The model workloads of the namespaces read, and the reads behind them."""

    workloads: list[ModelWorkload] = field(default_factory=list)
    source: Source = field(default_factory=Source)


def _source(*listings: Listing[Any]) -> Source:
    notes = "".join(listing.note for listing in listings if listing.stopped)
    return Source([sha for listing in listings for sha in listing.raw], listings[0].url, notes)


class KubernetesCollector(Collector):
    name = "kubernetes"
    version = "1.0.0"
    system = "kubernetes"
    config_model = KubernetesConfig
    probes = PROBES

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, KubernetesConfig):
            raise TypeError(f"expected a KubernetesConfig, got {type(config).__name__}")
        with KubeApi(config, ctx) as api:
            try:
                spaces = api.namespaces()
            except (Unavailable, CollectError) as exc:  # a refused token or no namespace list: nothing can be read
                return self.failed(config, ctx, status_of(exc), f"namespaces: {exc}")
            # each namespace once, and only those with a name: an unnamed one cannot be listed (its path would be
            # /namespaces//deployments), and one named twice would count its objects twice
            first: dict[str, NamespaceObj] = {}
            for space in spaces.items:
                first.setdefault(space.metadata.name, space)
            named = [n for name, n in first.items() if name]
            names = [n.metadata.name for n in named]
            envs = {n.metadata.name: environment_of(n, config) for n in named}
            prod = {e.lower() for e in config.production_environments}
            space_src = Source(list(spaces.raw), spaces.url, spaces.note)
            records: list[EvidenceRecord] = []

            def section(what: str, probes: tuple[str, ...], compute: Callable[[], list[ProbeFinding]]) -> None:
                records.extend(probe_section(self, config, ctx, what, probes, compute))

            def read(resource: Resource, model: type[Kube]) -> Fetched[Listing[Any]]:
                return Fetched.run(lambda: (found := api.listing(resource, names, model), found.raw))

            lists = {
                DEPLOYMENTS: read(DEPLOYMENTS, Workload),
                STATEFULSETS: read(STATEFULSETS, Workload),
                ISVCS: read(ISVCS, InferenceService),
                SELDON: read(SELDON, SeldonDeployment),
                ROLLOUTS: read(ROLLOUTS, Rollout),
                CANARIES: read(CANARIES, Canary),
                VIRTUAL_SERVICES: read(VIRTUAL_SERVICES, VirtualService),
                SERVICES: read(SERVICES, Service),
                HPAS: read(HPAS, Hpa),
                QUOTAS: read(QUOTAS, ResourceQuota),
            }
            models = Fetched.run(lambda: (m := self._models(lists, envs, config), m.source.raw))

            # the GitOps controllers' objects live in their own namespaces: gitops_namespaces, and those the model
            # workloads' markers name, whether or not the target reads them
            def read_in(resource: Resource, model: type[Kube]) -> Fetched[Listing[Any]]:
                def fetch() -> tuple[Listing[Any], list[str]]:
                    spaces = [*config.gitops_namespaces, *marked_namespaces(models.get().workloads)]
                    found = api.listing(resource, list(dict.fromkeys(spaces)), model)
                    return found, found.raw

                return Fetched.run(fetch)

            controllers = {
                APPLICATIONS: read_in(APPLICATIONS, Application),
                KUSTOMIZATIONS: read_in(KUSTOMIZATIONS, FluxKustomization),
                HELM_RELEASES: read_in(HELM_RELEASES, FluxHelmRelease),
            }

            def got(resource: Resource) -> Listing[Any]:
                return lists[resource].get()

            def src(*resources: Resource) -> Source:
                found = models.get().source
                extra = _source(*(got(r) for r in resources)) if resources else Source()
                return Source(space_src.raw + found.raw + extra.raw, found.url, found.note + extra.note)

            section("namespaces", ENVIRONMENT_PROBES, lambda: environment_findings(named, envs, space_src))
            section("CRD discovery", TOOL_PROBES, lambda: [self._tools(api)])
            section(
                "model workloads",
                WORKLOAD_PROBES,
                lambda: workload_findings(models.get().workloads, prod, src()),
            )
            section(
                "GitOps controllers",
                GITOPS_PROBES,
                lambda: [self._gitops(models.get(), {r: f.get() for r, f in controllers.items()})],
            )
            section(
                "resource quotas",
                QUOTA_PROBES,
                lambda: [quota_finding(models.get().workloads, got(QUOTAS).items, src(QUOTAS))],
            )
            section(
                "horizontal pod autoscalers",
                SCALING_PROBES,
                lambda: scaling_findings(models.get().workloads, got(HPAS).items, prod, src(HPAS)),
            )
            section(
                "services",
                EXPOSURE_PROBES,
                lambda: [exposure_finding(models.get().workloads, got(SERVICES).items, src(SERVICES))],
            )
            section(
                "inference services", KSERVE_PROBES, lambda: kserve_findings(got(ISVCS).items, self._own(got(ISVCS)))
            )
            section(
                "seldon deployments",
                SELDON_PROBES,
                lambda: [
                    count_finding(
                        "seldon_deployments", len(got(SELDON).items), "SeldonDeployment(s)", self._own(got(SELDON))
                    )
                ],
            )
            section(
                "argo rollouts",
                ROLLOUT_PROBES,
                lambda: [
                    count_finding(
                        "argo_rollouts", len(got(ROLLOUTS).items), "Argo Rollout(s)", self._own(got(ROLLOUTS))
                    )
                ],
            )
            section(
                "flagger canaries",
                CANARY_PROBES,
                lambda: [
                    count_finding(
                        "flagger_canaries", len(got(CANARIES).items), "Flagger Canary(ies)", self._own(got(CANARIES))
                    )
                ],
            )
            section("virtual services", ROUTE_PROBES, lambda: self._routes(got(VIRTUAL_SERVICES)))
            section(
                "release strategies",
                RELEASE_PROBES,
                lambda: self._releases(models.get(), lists, prod, src(CANARIES, VIRTUAL_SERVICES, SERVICES)),
            )
        return in_catalogue_order(self, records)

    # --- reads combined -------------------------------------------------------------------------------------------

    def _models(
        self, lists: dict[Resource, Fetched[Listing[Any]]], envs: dict[str, str], config: KubernetesConfig
    ) -> Models:
        """The model workloads of every workload kind; any of these reads failing fails them all."""
        read = {r: lists[r].get() for r in (DEPLOYMENTS, STATEFULSETS, ROLLOUTS, ISVCS, SELDON)}
        found: list[ModelWorkload] = []
        for kind, resource in (("Deployment", DEPLOYMENTS), ("StatefulSet", STATEFULSETS)):
            for obj in read[resource].items:
                workload = from_workload(kind, obj, envs.get(obj.metadata.namespace, ""), config)
                if workload is not None:
                    workload.strategies.add(workload_strategy(kind, obj))
                    found.append(workload)
        for rollout in read[ROLLOUTS].items:
            env = envs.get(rollout.metadata.namespace, "")
            inline = from_rollout(rollout, env, config)
            if inline is not None:
                found.append(inline)
            elif rollout.spec.workload_ref is not None:
                _take_over(found, rollout)
        found += [from_isvc(i, envs.get(i.metadata.namespace, ""), config) for i in read[ISVCS].items]
        found += [from_seldon(s, envs.get(s.metadata.namespace, ""), config) for s in read[SELDON].items]
        found.sort(key=lambda w: (w.namespace, w.kind, w.name))
        listings = list(read.values())
        return Models(found, _source(*listings))

    def _gitops(self, models: Models, read: dict[Resource, Listing[Any]]) -> ProbeFinding:
        known = verdicts(read[APPLICATIONS].items, read[KUSTOMIZATIONS].items, read[HELM_RELEASES].items)
        listings = list(read.values())
        own = _source(*listings)
        note = models.source.note + "".join(listing.note for listing in listings)
        raw = tuple(models.source.raw + own.raw)
        count = sum(len(listing.items) for listing in listings)
        return gitops_finding(models.workloads, known, count, (raw, own.url), note)

    def _own(self, listing: Listing[Any]) -> Source:
        return Source(list(listing.raw), listing.url, listing.note)

    def _tools(self, api: KubeApi) -> ProbeFinding:
        installed: list[str] = []
        missing: list[str] = []
        raw: list[str] = []
        for resource in CRDS:
            present, sha = api.installed(resource)
            (installed if present else missing).append(TOOL[resource])
            if sha:
                raw.append(sha)
        return tools_finding(installed, missing, Source(raw, api.url("/apis")))

    def _routes(self, listing: Listing[Any]) -> list[ProbeFinding]:
        items: list[VirtualService] = listing.items
        return route_findings(route_features(items), weighted_routes(items), len(items), self._own(listing))

    def _releases(
        self, models: Models, lists: dict[Resource, Fetched[Listing[Any]]], prod: set[str], source: Source
    ) -> list[ProbeFinding]:
        workloads = [_copy(w) for w in models.workloads]
        attach(
            workloads,
            lists[ROLLOUTS].get().items,
            lists[CANARIES].get().items,
            lists[VIRTUAL_SERVICES].get().items,
            lists[SERVICES].get().items,
        )
        return release_findings(workloads, prod, source)


def _take_over(found: list[ModelWorkload], rollout: Rollout) -> None:
    """A Rollout with a workloadRef runs the pods of the Deployment it names (scaled to 0): its replicas, readiness and
    revision history are the Rollout's."""
    ref = rollout.spec.workload_ref
    assert ref is not None
    for workload in found:
        if (workload.namespace, workload.kind, workload.name) == (rollout.metadata.namespace, ref.kind, ref.name):
            workload.replicas = 1 if rollout.spec.replicas is None else rollout.spec.replicas
            workload.ready = (rollout.status.available_replicas or 0) >= workload.replicas
            limit = rollout.spec.revision_history_limit
            workload.history = DEFAULT_HISTORY if limit is None else limit


def _copy(workload: ModelWorkload) -> ModelWorkload:
    """A copy whose strategies the release section may add to without touching the shared facts."""
    return ModelWorkload(**{**workload.__dict__, "strategies": set(workload.strategies)})

"""The probe values and their one-line summaries, computed from the objects read (no reading here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from evidence_collectors.kubernetes.models import Hpa, InferenceService, NamespaceObj, ResourceQuota, Service
from evidence_collectors.kubernetes.releases import PROGRESSIVE, progressive
from evidence_collectors.kubernetes.workloads import (
    ModelWorkload,
    autoscaling,
    exposed,
    in_preproduction,
    pinned,
    registry,
    tagged_not_latest,
)
from evidence_collectors.outcome import ProbeFinding, sample, share_finding

P = "kubernetes."
QUOTA_KEYS = ("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory")


@dataclass
class Source:
    """The raw answers a group of probes was computed from, where they were read, and what limited the reading."""

    raw: list[str] = field(default_factory=list)
    url: str = ""
    note: str = ""

    @property
    def at(self) -> tuple[tuple[str, ...], str]:
        return tuple(self.raw), self.url


def _label(w: ModelWorkload) -> str:
    return w.label


# --- namespaces and environments ------------------------------------------------------------------------------------


def environment_findings(namespaces: list[NamespaceObj], envs: dict[str, str], src: Source) -> list[ProbeFinding]:
    raw, url = src.at
    found = sorted({e for e in envs.values() if e})
    by_env = [f"{envs[n.metadata.name]}: {n.metadata.name}" for n in namespaces if envs[n.metadata.name]]
    unmapped = sorted(n.metadata.name for n in namespaces if not envs[n.metadata.name])
    prod = [n for n in envs if envs[n] == "prod"]
    tally = Counter(e for e in envs.values() if e)
    spread = ", ".join(f"{e} {tally[e]}" for e in found) or "none"
    names = sample([n.metadata.name for n in namespaces], 8)
    return [
        ProbeFinding(
            P + "namespaces", len(namespaces), f"{len(namespaces)} namespace(s) read: {names}{src.note}", raw, url
        ),
        ProbeFinding(
            P + "environments",
            found,
            f"{len(found)} environment(s) told by namespace label or name: {', '.join(found) or 'none'}{src.note}",
            raw,
            url,
        ),
        ProbeFinding(P + "environment_count", len(found), f"{len(found)} environment(s): {spread}{src.note}", raw, url),
        ProbeFinding(
            P + "namespaces_by_environment",
            sorted(by_env),
            f"{len(by_env)} of {len(namespaces)} namespace(s) belong to an environment{src.note}",
            raw,
            url,
        ),
        ProbeFinding(
            P + "namespaces_without_environment",
            len(unmapped),
            f"{len(unmapped)} namespace(s) with no environment label and no environment name pattern"
            + (f": {sample(unmapped)}" if unmapped else "")
            + src.note,
            raw,
            url,
        ),
        ProbeFinding(
            P + "production_namespaces",
            len(prod),
            f"{len(prod)} production namespace(s)" + (f": {sample(sorted(prod))}" if prod else "") + src.note,
            raw,
            url,
        ),
    ]


def quota_finding(workloads: list[ModelWorkload], quotas: list[ResourceQuota], src: Source) -> ProbeFinding:
    """Namespaces running a model workload that have a ResourceQuota limiting CPU or memory."""
    limited = {q.metadata.namespace for q in quotas if any(k in q.spec.hard for k in QUOTA_KEYS)}
    spaces = sorted({w.namespace for w in workloads})
    return share_finding(
        P + "model_namespaces_with_quota_ratio",
        spaces,
        lambda n: n in limited,
        f"namespace(s) running a model workload have a ResourceQuota on CPU or memory{src.note}",
        src.at,
        label=str,
        missing="no quota",
    )


# --- workloads ------------------------------------------------------------------------------------------------------


def workload_findings(workloads: list[ModelWorkload], prod: set[str], src: Source) -> list[ProbeFinding]:
    raw, url = src.at
    kinds = Counter(w.kind for w in workloads)
    envs = sorted({w.environment for w in workloads if w.environment})
    production = [w for w in workloads if w.environment in prod]
    served = sorted({f"{w.environment or '?'}/{w.model}:{w.version or '?'}" for w in workloads if w.model})
    images = [b.image for w in workloads for b in w.boxes if b.image]
    registries = sorted({registry(i) for i in images})
    spread = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
    note = src.note
    return [
        ProbeFinding(
            P + "model_workloads", len(workloads), f"{len(workloads)} model workload(s): {spread}{note}", raw, url
        ),
        ProbeFinding(P + "model_workload_kinds", sorted(kinds), f"model workloads run as {spread}{note}", raw, url),
        ProbeFinding(
            P + "model_environments",
            envs,
            f"model workloads run in {len(envs)} environment(s): {', '.join(envs) or 'none'}{note}",
            raw,
            url,
        ),
        ProbeFinding(
            P + "models_served",
            served,
            f"{len(served)} model version(s) served by environment: {sample(served, 6) or 'none'}{note}",
            raw,
            url,
        ),
        ProbeFinding(
            P + "production_model_workloads",
            len(production),
            f"{len(production)} model workload(s) in production namespaces"
            + (f": {sample(sorted(_label(w) for w in production))}" if production else "")
            + note,
            raw,
            url,
        ),
        share_finding(
            P + "model_workloads_with_model_version_ratio",
            workloads,
            lambda w: bool(w.model and w.version),
            f"model workloads name the model and its version (labels, annotations or a models:/ URI){note}",
            src.at,
            _label,
            "no version",
        ),
        share_finding(
            P + "model_workloads_with_resources_ratio",
            workloads,
            lambda w: bool(w.boxes) and all(b.requests and b.limits for b in w.boxes),
            f"model workloads set CPU and memory requests and limits on every container{note}",
            src.at,
            _label,
        ),
        share_finding(
            P + "model_workloads_with_health_probes_ratio",
            workloads,
            lambda w: bool(w.boxes) and all(b.liveness and b.readiness for b in w.boxes),
            f"model workloads declare liveness and readiness probes on every container{note}",
            src.at,
            _label,
        ),
        share_finding(
            P + "model_workloads_ready_ratio",
            workloads,
            lambda w: w.ready,
            f"model workloads are ready (available replicas reach the desired count, or Ready/Available){note}",
            src.at,
            _label,
            "not ready",
        ),
        share_finding(
            P + "model_workloads_with_rollback_history_ratio",
            [w for w in workloads if w.history is not None],
            lambda w: (w.history or 0) >= 1,
            f"Deployments, StatefulSets and Rollouts serving models keep at least one old revision "
            f"(revisionHistoryLimit >= 1){note}",
            src.at,
            _label,
        ),
        share_finding(
            P + "model_images_pinned_by_digest_ratio",
            images,
            pinned,
            f"container images of model workloads are pinned by digest (@sha256:){note}",
            src.at,
        ),
        share_finding(
            P + "model_images_without_latest_tag_ratio",
            images,
            tagged_not_latest,
            f"container images of model workloads carry a tag other than latest, or a digest{note}",
            src.at,
            str,
            "latest or untagged",
        ),
        share_finding(
            P + "production_model_workloads_in_preproduction_ratio",
            production,
            lambda w: in_preproduction(w, workloads, prod),
            f"production model workloads also run (same model) in a pre-production environment{note}",
            src.at,
            _label,
            "production only",
        ),
        share_finding(
            P + "model_workloads_managed_by_tool_ratio",
            workloads,
            lambda w: bool(w.tools),
            f"model workloads carry a deployment tool's marker (Helm, Argo CD, Flux, app.kubernetes.io/managed-by)"
            f"{note}",
            src.at,
            _label,
            "unmarked",
        ),
        ProbeFinding(
            P + "model_deployment_tools",
            sorted({t for w in workloads for t in w.tools}),
            f"deployment tools named by model workloads' markers: "
            f"{', '.join(sorted({t for w in workloads for t in w.tools})) or 'none'}{note}",
            raw,
            url,
        ),
        ProbeFinding(
            P + "model_image_registries",
            registries,
            f"{len(images)} model container image(s) come from {len(registries)} registr(y/ies): "
            f"{', '.join(registries) or 'none'}{note}",
            raw,
            url,
        ),
    ]


def scaling_findings(
    workloads: list[ModelWorkload], hpas: list[Hpa], prod: set[str], src: Source
) -> list[ProbeFinding]:
    raw, url = src.at
    ranges = {w.key: autoscaling(w, hpas) for w in workloads}
    listed = sorted(f"{w.label}: {r[0]}-{r[1]}" for w in workloads if (r := ranges[w.key]) is not None)

    def floor(w: ModelWorkload) -> int:
        scaled = ranges[w.key]
        return scaled[0] if scaled is not None else w.replicas

    production = [w for w in workloads if w.environment in prod]
    return [
        share_finding(
            P + "model_workloads_autoscaled_ratio",
            workloads,
            lambda w: ranges[w.key] is not None,
            f"model workloads scale automatically (an HPA targets them, or their spec sets maxReplicas above "
            f"minReplicas){src.note}",
            src.at,
            _label,
            "fixed",
        ),
        ProbeFinding(
            P + "model_autoscaling_ranges",
            listed,
            f"{len(listed)} autoscaled model workload(s), min-max replicas: {sample(listed, 6) or 'none'}{src.note}",
            raw,
            url,
        ),
        share_finding(
            P + "production_model_workloads_with_two_replicas_ratio",
            production,
            lambda w: floor(w) >= 2,
            f"production model workloads run at least 2 replicas (the autoscaler's minimum where one scales them)"
            f"{src.note}",
            src.at,
            _label,
            "fewer",
        ),
    ]


def exposure_finding(workloads: list[ModelWorkload], services: list[Service], src: Source) -> ProbeFinding:
    return share_finding(
        P + "model_workloads_exposed_ratio",
        workloads,
        lambda w: exposed(w, services),
        f"model workloads are reachable through a Service selecting their pods (KServe, Seldon: a status URL)"
        f"{src.note}",
        src.at,
        _label,
        "unexposed",
    )


# --- serving tools --------------------------------------------------------------------------------------------------


def kserve_findings(isvcs: list[InferenceService], src: Source) -> list[ProbeFinding]:
    raw, url = src.at
    formats: set[str] = set()
    for isvc in isvcs:
        predictor = isvc.spec.predictor
        if predictor.model is not None and predictor.model.model_format is not None:
            formats.add(predictor.model.model_format.name.lower())
        formats |= {k.lower() for k, v in (predictor.model_extra or {}).items() if isinstance(v, dict)}
    formats.discard("")
    percents = sorted(
        f"{i.metadata.namespace}/{i.metadata.name}: {i.spec.predictor.canary_traffic_percent}"
        for i in isvcs
        if i.spec.predictor.canary_traffic_percent is not None
    )
    return [
        ProbeFinding(
            P + "inference_services", len(isvcs), f"{len(isvcs)} KServe InferenceService(s){src.note}", raw, url
        ),
        ProbeFinding(
            P + "kserve_model_formats",
            sorted(formats),
            f"model formats served by KServe: {', '.join(sorted(formats)) or 'none'}{src.note}",
            raw,
            url,
        ),
        ProbeFinding(
            P + "kserve_canary_traffic_percents",
            percents,
            f"{len(percents)} InferenceService(s) set canaryTrafficPercent: {sample(percents, 6) or 'none'}{src.note}",
            raw,
            url,
        ),
    ]


def count_finding(probe: str, count: int, what: str, src: Source) -> ProbeFinding:
    raw, url = src.at
    return ProbeFinding(P + probe, count, f"{count} {what}{src.note}", raw, url)


def tools_finding(installed: list[str], missing: list[str], src: Source) -> ProbeFinding:
    raw, url = src.at
    text = f"serving and release tools installed: {', '.join(installed) or 'none'}"
    if missing:
        text += f"; not installed (404): {', '.join(missing)}"
    return ProbeFinding(P + "serving_tools_installed", installed, text, raw, url)


def route_findings(features: set[str], weighted: int, count: int, src: Source) -> list[ProbeFinding]:
    raw, url = src.at
    return [
        ProbeFinding(
            P + "istio_route_features",
            sorted(features),
            f"{count} VirtualService(s) use: {', '.join(sorted(features)) or 'none'}{src.note}",
            raw,
            url,
        ),
        ProbeFinding(
            P + "istio_weighted_routes",
            weighted,
            f"{weighted} HTTP route(s) split traffic by weight over two or more destinations{src.note}",
            raw,
            url,
        ),
    ]


# --- releases -------------------------------------------------------------------------------------------------------


def release_findings(workloads: list[ModelWorkload], prod: set[str], src: Source) -> list[ProbeFinding]:
    raw, url = src.at
    used = Counter(s for w in workloads for s in w.strategies)
    spread = ", ".join(f"{k} {n}" for k, n in sorted(used.items())) or "none"
    staged = [w for w in workloads if progressive(w)]
    production = [w for w in workloads if w.environment in prod]
    return [
        ProbeFinding(
            P + "model_release_strategies",
            sorted(used),
            f"release strategies declared for model workloads (workloads each): {spread}{src.note}",
            raw,
            url,
        ),
        ProbeFinding(
            P + "model_progressive_releases",
            len(staged),
            f"{len(staged)} model workload(s) have a {'/'.join(sorted(PROGRESSIVE))} release declared"
            + (f": {sample(sorted(_label(w) for w in staged))}" if staged else "")
            + src.note,
            raw,
            url,
        ),
        share_finding(
            P + "production_model_workloads_progressive_ratio",
            production,
            progressive,
            f"production model workloads have a canary, blue-green or weighted traffic release declared{src.note}",
            src.at,
            _label,
            "all at once",
        ),
        share_finding(
            P + "progressive_releases_with_automatic_analysis_ratio",
            staged,
            lambda w: w.automatic,
            f"progressive releases of model workloads are promoted or rolled back by automatic analysis "
            f"(Argo Rollouts analysis, Flagger metrics){src.note}",
            src.at,
            _label,
            "judged by hand",
        ),
    ]

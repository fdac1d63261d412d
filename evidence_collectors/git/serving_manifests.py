"""Traffic controls, version pinning and drift correction in the manifests that run model services.

Reads the YAML documents already parsed for the manifest probes (manifests.scan) and answers three questions that
release and traffic-management requirements ask: which traffic controls are declared (rate limits, routing by request
attributes, circuit breakers, timeouts, retries), whether model services name exact model and image versions, and
whether GitOps applications correct manual changes to the cluster by themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from evidence_collectors import model_metrics as vocab
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.manifests import SELDON_V2, SERVING_KINDS, Manifests, kustomize_patch_files
from evidence_collectors.git.snapshot import Snapshot

CONTROL_ORDER = ("rate_limit", "attribute_routing", "circuit_breaker", "timeout", "retry")
# kinds that route or shape traffic to services (ingress controllers, meshes, gateways, progressive delivery)
TRAFFIC_KINDS = {
    "VirtualService",
    "DestinationRule",
    "EnvoyFilter",
    "HTTPRoute",
    "GRPCRoute",
    "Ingress",
    "IngressRoute",
    "Middleware",
    "KongPlugin",
    "KongClusterPlugin",
    "KongIngress",
    "ApisixRoute",
    "ApisixPluginConfig",
    "BackendTrafficPolicy",
    "HTTPProxy",
    "Mapping",
    "RateLimit",
    "RateLimitConfig",
    "RateLimitPolicy",
    "Canary",
    "Rollout",
    "InferenceService",
    "Service",
}
RATE_LIMIT_KEYS = {"rateLimit", "rateLimitPolicy", "rateLimits", "rate_limits", "local_ratelimit", "localRateLimit"}
RATE_LIMIT_PLUGINS = {"rate-limiting", "rate-limiting-advanced", "limit-count", "limit-req", "limit-conn"}
RATE_LIMIT_FILTER = re.compile(r"envoy\.filters\.http\.(local_)?ratelimit")
RATE_LIMIT_KINDS = {"RateLimit", "RateLimitConfig", "RateLimitPolicy"}
ATTRIBUTE_KEYS = {"headers", "queryParams", "sourceLabels", "withoutHeaders", "cookie", "cookies"}
NGINX_ATTRIBUTE = ("nginx.ingress.kubernetes.io/canary-by-header", "nginx.ingress.kubernetes.io/canary-by-cookie")
NGINX_TIMEOUT = re.compile(r"nginx\.ingress\.kubernetes\.io/proxy-(read|send|connect)-timeout")
TRAEFIK_ATTRIBUTE = re.compile(r"\b(Header|HeaderRegexp|Headers|HeadersRegexp|Query|QueryRegexp|ClientIP)\(")
BREAKER_KEYS = {"outlierDetection", "circuitBreaker", "circuitBreakers", "circuit_breakers"}
TIMEOUT_KEYS = {"timeout", "timeouts", "requestTimeout", "timeoutPolicy", "timeout_ms", "perTryTimeout"}
RETRY_KEYS = {"retries", "retry", "retryPolicy", "retry_policy"}
HEALTH_PROBES = {"livenessProbe", "readinessProbe", "startupProbe"}
SKIPPED_TRAILS = {*HEALTH_PROBES, "webhooks"}  # Flagger webhook timeouts are not request timeouts
FLOATING_TAGS = {"latest", "stable", "main", "master", "dev", "develop", "edge", "nightly", "head", "current", "prod"}
MODEL_URI_KEYS = {"storageUri", "modelUri", "storageUris", "uri"}
IMAGE_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
REGISTRY_URI = re.compile(r"^models:/([^/@]+)(?:/([^/]+)|@(.+))$")
VERSION_SEGMENT = re.compile(r"^(v?\d+(\.\d+)*|[0-9a-f]{7,64}|.*[-_.]v\d+(\.\d+)*)$", re.IGNORECASE)


def _walk(node: Any, trail: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str, Any]]:
    found: list[tuple[tuple[str, ...], str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((trail, str(key), value))
            found += _walk(value, (*trail, str(key)))
    elif isinstance(node, list):
        for item in node:
            found += _walk(item, trail)
    return found


# Schema documents name every field a resource may have (timeout, outlierDetection, canaryTrafficPercent...) without
# setting any: kserve, flagger and istio ship them next to their examples.
SCHEMA_KINDS = {
    "CustomResourceDefinition",
    "APIService",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
}


def _is_resource(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and bool(doc.get("apiVersion"))
        and bool(doc.get("kind"))
        and str(doc["kind"]) not in SCHEMA_KINDS
    )


def _knative_or_other(kind: str, api: str) -> bool:
    """A plain Kubernetes Service carries no traffic controls; a Knative Service does."""
    return kind != "Service" or "knative" in api


def _rate_limit(key: str, text: str) -> bool:
    return (
        key in RATE_LIMIT_KEYS
        or key.startswith("nginx.ingress.kubernetes.io/limit-")
        or bool(RATE_LIMIT_FILTER.search(text))
        or (key in {"plugin", "name"} and text in RATE_LIMIT_PLUGINS)
    )


def _attribute_route(trail: tuple[str, ...], key: str, text: str) -> bool:
    return (
        (key in ATTRIBUTE_KEYS and trail[-1:] in {("match",), ("matches",)})
        or key.startswith(NGINX_ATTRIBUTE)
        or key == "setHeaderRoute"
        or (key == "match" and bool(TRAEFIK_ATTRIBUTE.search(text)))
    )


def _routing_control(trail: tuple[str, ...], key: str, text: str) -> str | None:
    """Controls that count only in routing kinds (a timeout key elsewhere may mean anything)."""
    if _attribute_route(trail, key, text):
        return "attribute_routing"
    if key in TIMEOUT_KEYS or NGINX_TIMEOUT.match(key):
        return "timeout"
    if key in RETRY_KEYS or key.startswith("nginx.ingress.kubernetes.io/proxy-next-upstream-tries"):
        return "retry"
    return None


def controls_of(doc: dict[str, Any]) -> set[str]:
    """Traffic controls declared by one resource document."""
    kind, api = str(doc.get("kind", "")), str(doc.get("apiVersion", ""))
    found: set[str] = {"rate_limit"} if kind in RATE_LIMIT_KINDS else set()
    routing = kind in TRAFFIC_KINDS and _knative_or_other(kind, api)
    for trail, key, value in _walk(doc):
        if SKIPPED_TRAILS & set(trail):
            continue
        text = value if isinstance(value, str) else ""
        if _rate_limit(key, text):
            found.add("rate_limit")
        elif key in BREAKER_KEYS:
            found.add("circuit_breaker")
        elif routing and (control := _routing_control(trail, key, text)):
            found.add(control)
    return found


def image_pinned(image: str) -> bool:
    """An image named by digest, or by a tag that carries a version number and is not a floating name."""
    if IMAGE_DIGEST.search(image):
        return True
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return False
    tag = last.split(":", 1)[1]
    return tag.lower() not in FLOATING_TAGS and any(ch.isdigit() for ch in tag)


def model_uri_pinned(uri: str) -> bool:
    """models:/name/3 pins a registry version (a stage or @alias floats); other URIs need a version path segment."""
    registry = REGISTRY_URI.match(uri)
    if registry:
        return bool(registry.group(2) and registry.group(2).isdigit())
    path = re.sub(r"^[a-z0-9+.-]+://", "", uri.strip(), flags=re.IGNORECASE)
    segments = [s for s in re.split(r"[/@]", path) if s]
    if any(s.lower() in FLOATING_TAGS for s in segments):
        return False
    return any(VERSION_SEGMENT.match(s) for s in segments[1:])  # the first segment is the bucket or volume


def kustomize_images(kustomizations: list[tuple[str, Any]]) -> dict[str, bool]:
    """Image name -> pinned, from the `images:` overrides of kustomization files: a base that names a placeholder
    (kserve-sklearnserver:replace) runs the newName:newTag or digest a kustomization sets. A name overridden in
    several kustomizations is pinned only when every override is."""
    found: dict[str, bool] = {}
    for _, doc in kustomizations:
        for item in _list(_dict(doc).get("images")):
            name = str(_dict(item).get("name", ""))
            if not name:
                continue
            digest, tag = str(item.get("digest", "")), str(item.get("newTag", ""))
            pinned = bool(digest.startswith("sha256:")) or bool(tag and image_pinned(f"image:{tag}"))
            found[name] = found.get(name, True) and pinned
    return found


def _base_name(image: str) -> str:
    """An image reference without its tag or digest (a registry port stays)."""
    image = image.split("@", 1)[0]
    head, _, last = image.rpartition("/")
    return f"{head}/{last.split(':', 1)[0]}" if head else last.split(":", 1)[0]


def serving_refs(doc: dict[str, Any], overrides: dict[str, bool] | None = None) -> list[tuple[str, bool]]:
    """(reference, pinned) for every image and model location a serving resource names; templated values skipped."""
    kind, api = str(doc.get("kind", "")), str(doc.get("apiVersion", ""))
    if not (kind in SERVING_KINDS or (kind in SELDON_V2 and "seldon" in api)):
        return []
    refs: list[tuple[str, bool]] = []
    for trail, key, value in _walk(doc):
        if HEALTH_PROBES & set(trail):
            continue
        values = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
        for item in values:
            if not item or "TEMPLATED" in item or "$" in item:
                continue
            if key == "image":
                # a placeholder counts as pinned when every kustomization overriding it pins it; an override never
                # unpins an image written with its version (rendered manifests elsewhere in the tree are read too)
                refs.append((item, image_pinned(item) or bool((overrides or {}).get(_base_name(item)))))
            elif key in MODEL_URI_KEYS and ("://" in item or item.startswith("models:/")):
                refs.append((item, model_uri_pinned(item)))
            elif key == "bento" and kind == "BentoDeployment":
                refs.append((item, image_pinned(item)))
    return refs


def self_heals(doc: dict[str, Any]) -> bool | None:
    """Whether a GitOps application syncs automatically and reverts manual changes; None for other documents."""
    kind, api = str(doc.get("kind", "")), str(doc.get("apiVersion", ""))
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    assert isinstance(spec, dict)
    if "argoproj.io" in api and kind in {"Application", "ApplicationSet"}:
        if kind == "ApplicationSet":
            template = spec.get("template") if isinstance(spec.get("template"), dict) else {}
            spec = template.get("spec") if isinstance(template, dict) and isinstance(template.get("spec"), dict) else {}
        policy = spec.get("syncPolicy") if isinstance(spec, dict) else None
        automated = policy.get("automated") if isinstance(policy, dict) else None
        return isinstance(automated, dict) and automated.get("selfHeal") is True
    if "fluxcd.io" in api and kind == "Kustomization":
        return spec.get("suspend") is not True  # Flux re-applies the source on every interval, reverting drift
    if "fluxcd.io" in api and kind == "HelmRelease":
        drift = spec.get("driftDetection")
        return spec.get("suspend") is not True and isinstance(drift, dict) and drift.get("mode") == "enabled"
    if "cattle.io" in api and kind == "GitRepo":
        drift = spec.get("correctDrift")
        return isinstance(drift, dict) and drift.get("enabled") is True
    return None


ANALYSIS_KINDS = {"AnalysisTemplate", "ClusterAnalysisTemplate"}
FLAGGER_BUILTIN = {"request-success-rate": {"errors"}, "request-duration": {"latency"}}
SUCCESS_RATE = re.compile(r"success[-_ ]?(rate|ratio)", re.IGNORECASE)  # the share of non-error responses
MANUAL_WEBHOOKS = {"confirm-rollout", "confirm-promotion", "confirm-traffic-increase"}


def _dict(node: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def canary_is_automatic(doc: dict[str, Any]) -> bool | None:
    """Whether a canary declaration is analysed and promoted or rolled back without a person; None when it is none.

    Argo Rollouts: background or step analysis and no pause without a duration; Flagger: analysis metrics, no
    skipAnalysis and no confirm-* gate; KServe canaryTrafficPercent and NGINX canary weights are moved by hand.
    """
    kind, api = str(doc.get("kind", "")), str(doc.get("apiVersion", ""))
    spec = _dict(doc, "spec")
    if kind == "Rollout" and "argoproj.io" in api and "canary" in _dict(spec, "strategy"):
        canary = _dict(spec, "strategy", "canary")
        steps = [s for s in _list(canary.get("steps")) if isinstance(s, dict)]
        analysed = bool(canary.get("analysis")) or any(
            "analysis" in s or _list(_dict(s, "experiment").get("analyses")) for s in steps
        )
        waits = any("pause" in s and not _dict(s, "pause").get("duration") for s in steps)
        return analysed and not waits
    if kind == "Canary" and "flagger" in api:
        analysis = _dict(spec, "analysis") or _dict(spec, "canaryAnalysis")
        gates = {str(_dict(w).get("type", "")) for w in _list(analysis.get("webhooks"))}
        return (
            bool(_list(analysis.get("metrics")))
            and spec.get("skipAnalysis") is not True
            and not gates & MANUAL_WEBHOOKS
        )
    if kind == "InferenceService" and any(key == "canaryTrafficPercent" for _, key, _ in _walk(spec)):
        return False
    annotations = _dict(doc, "metadata", "annotations")
    if str(annotations.get("nginx.ingress.kubernetes.io/canary", "")).lower() == "true":
        return False
    return None


def _metric_categories(metrics: Any, queries: dict[str, str]) -> set[str]:
    """Categories of analysis metrics: by name, else by query (Flagger: its own or its MetricTemplate's)."""
    found: set[str] = set()
    for metric in _list(metrics):
        name = str(_dict(metric).get("name", ""))
        query = str(_dict(metric).get("provider") or _dict(metric).get("query") or "")
        query = query or queries.get(str(_dict(metric, "templateRef").get("name")), "")
        named = FLAGGER_BUILTIN.get(name) or ({"errors"} if SUCCESS_RATE.search(name) else set())
        found |= named or vocab.titled_categories(name, query)
    return found


@dataclass
class AnalysisCatalogue:
    """Argo Rollouts analysis templates (name -> categories) and Flagger metric templates (name -> query)."""

    argo: dict[str, set[str]] = field(default_factory=dict)
    flagger: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, docs: list[tuple[str, Any]]) -> AnalysisCatalogue:
        found = cls()
        for _, doc in docs:
            if not _is_resource(doc):
                continue
            name = str(_dict(doc, "metadata").get("name", ""))
            if doc["kind"] == "MetricTemplate" and "flagger" in str(doc["apiVersion"]):
                found.flagger[name] = str(_dict(doc, "spec").get("query", ""))
        for _, doc in docs:
            if _is_resource(doc) and doc["kind"] in ANALYSIS_KINDS and "argoproj.io" in str(doc["apiVersion"]):
                name = str(_dict(doc, "metadata").get("name", ""))
                found.argo[name] = _metric_categories(_dict(doc, "spec").get("metrics"), found.flagger)
        return found


def canary_categories(doc: dict[str, Any], catalogue: AnalysisCatalogue) -> set[str]:
    """What one canary's analysis measures: the templates an Argo rollout references, or a Flagger canary's metrics."""
    kind, api = str(doc.get("kind", "")), str(doc.get("apiVersion", ""))
    spec = _dict(doc, "spec")
    if kind == "Rollout" and "argoproj.io" in api:
        canary = _dict(spec, "strategy", "canary")
        steps = _list(canary.get("steps"))
        analyses = [_dict(canary, "analysis")] + [_dict(s, "analysis") for s in steps]
        # templates: [{templateName}] or the older single templateName; an experiment step lists analyses
        refs = [t for a in analyses for t in [*_list(a.get("templates")), a]]
        refs += [t for s in steps for t in _list(_dict(s, "experiment").get("analyses"))]
        names = {str(_dict(t).get("templateName", "")) for t in refs} - {""}
        return set().union(*(catalogue.argo.get(n, set()) for n in names))
    if kind == "Canary" and "flagger" in api:
        analysis = _dict(spec, "analysis") or _dict(spec, "canaryAnalysis")
        return _metric_categories(analysis.get("metrics"), catalogue.flagger)
    return set()


def _name(path: str, doc: dict[str, Any]) -> str:
    meta = doc.get("metadata")
    return f"{path}#{doc.get('kind')}/{meta.get('name', '?') if isinstance(meta, dict) else '?'}"


def serving_manifest_findings(snap: Snapshot, manifests: Manifests) -> Findings:
    controls: dict[str, set[str]] = {}
    refs: list[tuple[str, str, bool]] = []  # (where, reference, pinned)
    apps: list[tuple[str, bool]] = []
    canaries: list[tuple[str, bool]] = []
    measured: list[set[str]] = []  # what each automatic canary's analysis measures
    catalogue = AnalysisCatalogue.of(manifests.docs)
    overrides = kustomize_images(manifests.kustomizations)
    patches = kustomize_patch_files(manifests.kustomizations)
    for path, doc in manifests.docs:
        if not _is_resource(doc):
            continue
        automatic = canary_is_automatic(doc)
        if automatic is not None:
            canaries.append((_name(path, doc), automatic))
        if automatic:
            measured.append(canary_categories(doc, catalogue))
        for control in controls_of(doc):
            controls.setdefault(control, set()).add(path)
        refs += [(_name(path, doc), ref, pinned) for ref, pinned in serving_refs(doc, overrides)]
        heals = None if path in patches else self_heals(doc)  # a patch changes an application defined elsewhere
        if heals is not None:
            apps.append((_name(path, doc), heals))
    found = [c for c in CONTROL_ORDER if c in controls]
    unpinned = sorted(f"{where} {ref}" for where, ref, pinned in refs if not pinned)
    drifting = sorted(where for where, heals in apps if not heals)
    files = {*set().union(*controls.values()), *(w.split("#", 1)[0] for w, _, _ in refs)}
    files |= {where.split("#", 1)[0] for where, _ in apps + canaries}
    raw = sorted({snap.listing_sha, *snap.raws(files, 50)})
    if found:
        control_summary = "traffic controls declared: " + "; ".join(f"{c} ({sample(controls[c], 2)})" for c in found)
    else:
        control_summary = "no rate limit, attribute-based route, circuit breaker, timeout or retry in the manifests"
    if not refs:
        ref_summary = "no image or model location in model serving resources to check"
    elif unpinned:
        ref_summary = f"{len(unpinned)} of {len(refs)} serving reference(s) not pinned to an exact version: " + sample(
            unpinned, 4
        )
    else:
        ref_summary = f"all {len(refs)} image and model reference(s) of the serving resources name an exact version"
    if not apps:
        heal_summary = "no GitOps application (Argo CD, Flux Kustomization/HelmRelease, Fleet GitRepo) to check"
    elif drifting:
        heal_summary = f"{len(drifting)} of {len(apps)} GitOps application(s) do not revert manual changes: " + sample(
            drifting, 4
        )
    else:
        heal_summary = f"all {len(apps)} GitOps application(s) sync automatically and revert manual changes"
    manual = sorted(where for where, automatic in canaries if not automatic)
    if not canaries:
        canary_summary = "no canary declaration (Argo Rollouts, Flagger, KServe, NGINX) to check"
    elif manual:
        canary_summary = f"{len(manual)} of {len(canaries)} canary declaration(s) wait for a person or are not "
        canary_summary += "analysed: " + sample(manual, 4)
    else:
        canary_summary = (
            f"all {len(canaries)} canary declaration(s) are analysed and promoted or rolled back automatically"
        )
    categories = vocab.ordered(set.intersection(*measured)) if measured else []
    if not measured:
        category_summary = "no canary is analysed automatically, so no aspect is measured by every canary analysis"
    elif categories:
        category_summary = f"every one of the {len(measured)} automatically analysed canaries measures " + ", ".join(
            categories
        )
    else:
        category_summary = f"no aspect is measured by all {len(measured)} automatically analysed canaries"
    return {
        "git.canary_rollouts_not_automatic": Finding(value=len(manual), raw=raw, summary=canary_summary),
        "git.canary_analysis_categories": Finding(value=categories, raw=raw, summary=category_summary),
        "git.traffic_controls": Finding(value=found, raw=raw, summary=control_summary),
        "git.serving_refs_unpinned": Finding(value=len(unpinned), raw=raw, summary=ref_summary),
        "git.gitops_apps_without_self_heal": Finding(value=len(drifting), raw=raw, summary=heal_summary),
    }

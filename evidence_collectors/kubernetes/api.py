"""Reading the Kubernetes API: namespaces, namespaced lists paged with `limit` and `continue`, and API discovery of the
serving CRDs.

A list answer is `{"kind": "...List", "apiVersion": ..., "metadata": {"continue": TOKEN, ...}, "items": [...]}`; the
next chunk is asked for with `?limit=N&continue=TOKEN` until `metadata.continue` is empty (Kubernetes API concepts,
"Retrieving large results sets in chunks"). A listing stops at `max_items`, when the server repeats a continue token,
sends one too long to send back, or sends a chunk of objects already read, and says so; an object sent twice is
counted once. An expired token (410 Gone) is an unusable answer like any other 4xx.

A CRD group that is not installed answers its discovery request (GET /apis/GROUP/VERSION) with 404, or lists no such
resource: the cluster does not use that tool, which is a fact (no objects, said in the summaries). A refusal (403) or a
server error is never taken for absence: it fails the probes computed from that resource. Everything goes through
`HttpSession` (bearer token, CA file, deadlines, size caps, budgets, retries, redaction); only GET is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.kubernetes.config import KubernetesConfig
from evidence_collectors.kubernetes.models import (
    ApiResourceList,
    Application,
    Canary,
    FluxHelmRelease,
    FluxKustomization,
    Hpa,
    InferenceService,
    Kube,
    NamespaceObj,
    ObjectList,
    ResourceQuota,
    Rollout,
    SeldonDeployment,
    Service,
    VirtualService,
    Workload,
)
from evidence_collectors.rest import SessionApi, parse

M = TypeVar("M", bound=Kube)
MAX_CONTINUE = 16_384  # continue tokens are base64 of a small JSON object; a longer one is not sent back in a URL


def segment(text: str) -> str:
    """A name from a listing as one path segment: `/`, `?`, `#` and `%` encoded, and `.` or `..` too (a dot segment
    would be removed from the path, `/namespaces/../deployments` listing every namespace's Deployments)."""
    quoted = quote(text, safe="")
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


@dataclass(frozen=True)
class Resource:
    """One namespaced resource the probes read, where it is listed, and whether it comes from a CRD."""

    plural: str
    kind: str
    group: str  # "" for the core API
    version: str
    model: type[Kube]
    crd: bool = False
    selected: bool = False  # the target's label_selector applies

    @property
    def api(self) -> str:
        return f"/api/{self.version}" if not self.group else f"/apis/{self.group}/{self.version}"

    def path(self, namespace: str) -> str:
        return f"{self.api}/namespaces/{segment(namespace)}/{self.plural}"

    @property
    def pattern(self) -> str:
        return f"{self.api}/namespaces/{{ns}}/{self.plural}"


DEPLOYMENTS = Resource("deployments", "Deployment", "apps", "v1", Workload, selected=True)
STATEFULSETS = Resource("statefulsets", "StatefulSet", "apps", "v1", Workload, selected=True)
SERVICES = Resource("services", "Service", "", "v1", Service)
HPAS = Resource("horizontalpodautoscalers", "HorizontalPodAutoscaler", "autoscaling", "v2", Hpa)
QUOTAS = Resource("resourcequotas", "ResourceQuota", "", "v1", ResourceQuota)
ISVCS = Resource("inferenceservices", "InferenceService", "serving.kserve.io", "v1beta1", InferenceService, True, True)
SELDON = Resource(
    "seldondeployments", "SeldonDeployment", "machinelearning.seldon.io", "v1", SeldonDeployment, True, True
)
ROLLOUTS = Resource("rollouts", "Rollout", "argoproj.io", "v1alpha1", Rollout, True, True)
CANARIES = Resource("canaries", "Canary", "flagger.app", "v1beta1", Canary, True)
VIRTUAL_SERVICES = Resource("virtualservices", "VirtualService", "networking.istio.io", "v1beta1", VirtualService, True)
APPLICATIONS = Resource("applications", "Application", "argoproj.io", "v1alpha1", Application, True)
KUSTOMIZATIONS = Resource(
    "kustomizations", "Kustomization", "kustomize.toolkit.fluxcd.io", "v1", FluxKustomization, True
)
HELM_RELEASES = Resource("helmreleases", "HelmRelease", "helm.toolkit.fluxcd.io", "v2", FluxHelmRelease, True)
GITOPS = (APPLICATIONS, KUSTOMIZATIONS, HELM_RELEASES)
CRDS = (ISVCS, SELDON, ROLLOUTS, CANARIES, VIRTUAL_SERVICES)
TOOL = {
    ISVCS: "KServe",
    SELDON: "Seldon Core",
    ROLLOUTS: "Argo Rollouts",
    CANARIES: "Flagger",
    VIRTUAL_SERVICES: "Istio",
    APPLICATIONS: "Argo CD",
    KUSTOMIZATIONS: "Flux (kustomize-controller)",
    HELM_RELEASES: "Flux (helm-controller)",
}


@dataclass
class Listing(Generic[M]):
    """The objects of one resource over the namespaces read, the raw answers, and what limited the reading."""

    resource: Resource
    items: list[M] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    url: str = ""
    installed: bool = True
    stopped: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        if not self.installed:
            return (
                f" ({TOOL.get(self.resource, self.resource.kind)} is not installed: {self.resource.group} answers 404)"
            )
        return f" ({'; '.join(self.stopped)}: more exist than were read)" if self.stopped else ""


class KubeApi(SessionApi):
    def __init__(self, config: KubernetesConfig, ctx: CollectContext) -> None:
        self.config = config
        self.session = HttpSession(config, ctx.raw, ctx.redactor)  # Authorization: Bearer <ServiceAccount token>
        self._installed: dict[Resource, tuple[bool, str]] = {}
        self._groups: dict[str, tuple[ApiResourceList | None, str]] = {}

    # --- namespaces -----------------------------------------------------------------------------------------

    def namespaces(self) -> Listing[NamespaceObj]:
        """The namespaces named in the target (each read, so a missing one is said), or every listable one."""
        result: Listing[NamespaceObj] = Listing(Resource("namespaces", "Namespace", "", "v1", NamespaceObj))
        result.url = self.url("/api/v1/namespaces")
        if self.config.namespaces:
            for name in self.config.namespaces:
                path = f"/api/v1/namespaces/{quote(name, safe='')}"
                try:
                    data, _, sha = self.session.get_json(path)
                except CollectError as exc:
                    raise CollectError(f"namespace {name!r} named in the targets file: {exc}", exc.status) from None
                result.items.append(parse(NamespaceObj, data, self.url(path)))
                result.raw.append(sha)
            return result
        items, raw, stopped = self._pages("/api/v1/namespaces", NamespaceObj, self.config.max_namespaces, False)
        result.items, result.raw = items, raw
        if stopped:
            result.stopped.append(stopped.replace("max_items", "max_namespaces"))
        return result

    # --- namespaced resources --------------------------------------------------------------------------------

    def installed(self, resource: Resource) -> tuple[bool, str]:
        """Whether the cluster serves a CRD resource (discovery, read once per resource) and the raw answer's hash."""
        if not resource.crd:
            return True, ""
        if resource not in self._installed:
            listed, sha = self._discover(resource.api)
            present = listed is not None and any(r.name == resource.plural for r in listed.resources)
            self._installed[resource] = (present, sha)
        return self._installed[resource]

    def _discover(self, api: str) -> tuple[ApiResourceList | None, str]:
        """An API group version's resource list, asked once (Argo Rollouts and Argo CD share argoproj.io/v1alpha1);
        None when the group is not served (404)."""
        if api not in self._groups:
            try:
                data, _, sha = self.session.get_json(api)
            except CollectError as exc:
                if exc.status != 404:
                    raise
                self._groups[api] = (None, "")
            else:
                self._groups[api] = (parse(ApiResourceList, data, self.url(api)), sha)
        return self._groups[api]

    def listing(self, resource: Resource, namespaces: list[str], model: type[M]) -> Listing[M]:
        """Every object of `resource` in the namespaces, each namespace paged on its own."""
        result: Listing[M] = Listing(resource, url=f"{self.config.url}{resource.pattern}")
        present, sha = self.installed(resource)
        if sha:
            result.raw.append(sha)
        if not present:
            result.installed = False
            return result
        for namespace in namespaces:
            try:
                items, raw, stopped = self._pages(
                    resource.path(namespace), model, self.config.max_items, resource.selected
                )
            except CollectError as exc:
                if resource.crd and exc.status == 404:  # served by discovery, yet not listable: not installed
                    result.installed, result.items = False, []
                    return result
                raise
            result.items += items
            result.raw += raw
            if stopped:
                result.stopped.append(f"{resource.plural} of {namespace}: {stopped}")
        return result

    def _pages(self, path: str, model: type[M], cap: int, selected: bool) -> tuple[list[M], list[str], str]:
        """One list read chunk by chunk (`limit`, `continue`) up to `cap` objects; only the kept ones are validated. An
        object sent again (same uid, or same namespace and name) is counted once, and a chunk of objects all read
        before ends the list, as a continue token repeated or too long to send back does."""
        params: dict[str, Any] = {"limit": self.config.page_size}
        if selected and self.config.label_selector:
            params["labelSelector"] = self.config.label_selector
        where = self.url(path)
        items: list[M] = []
        raw: list[str] = []
        tokens: set[str] = set()
        known: set[str] = set()
        token: str | None = None
        while True:
            query = dict(params)
            if token:
                query["continue"] = token
            try:
                data, _, sha = self.session.get_json(path, query)
            except CollectError as exc:
                if token and exc.status == 410:  # Kubernetes API concepts: "410 Gone" for an expired continue token
                    raise CollectError(
                        f"{exc}: the continue token expired before the list was read to its end (collect again, or "
                        "raise page_size so that fewer chunks are needed)",
                        exc.status,
                    ) from None
                raise
            raw.append(sha)
            page = parse(ObjectList, data, where)
            keys = [_identity(item) for item in page.items]
            if keys and all(k in known for k in keys):
                return items, raw, "stopped: the server sent the objects of a chunk again"
            fresh: dict[str, Any] = {}
            for k, item in zip(keys, page.items, strict=True):
                if k not in known:
                    fresh.setdefault(k, item)  # an object sent twice is counted once
            room = cap - len(items)
            taken = list(fresh.items())[: max(room, 0)]
            items += [parse(model, item, where) for _, item in taken]
            known.update(k for k, _ in taken)
            token = page.metadata.continue_ or None
            if len(fresh) > room or (token and len(items) >= cap):
                return items, raw, f"stopped at max_items ({cap})"
            if not token:
                return items, raw, ""
            if token in tokens:
                return items, raw, "stopped: the server repeated a continue token"
            if len(token) > MAX_CONTINUE:
                return items, raw, f"stopped: a continue token of {len(token)} characters, not sent back"
            tokens.add(token)


def _identity(item: Any) -> str:
    """What identifies a listed object: its uid, else its namespace and name, else the whole object."""
    meta = item.get("metadata") if isinstance(item, dict) else None
    if isinstance(meta, dict):
        uid, name = meta.get("uid"), meta.get("name")
        if isinstance(uid, str) and uid:
            return "uid:" + uid
        if isinstance(name, str) and name:
            return json.dumps(["name", meta.get("namespace"), name], default=str)
    return json.dumps(item, sort_keys=True, default=str)

"""Which GitOps controller object applied each model workload, and whether that object keeps the workload equal to a
Git repository on its own: it takes its declarations from Git, syncs them without a person, and reverts changes made
to the live objects by hand.

A workload names its controller object by the markers the controllers write: Argo CD's tracking annotation
`argocd.argoproj.io/tracking-id` ("APP:GROUP/KIND:NAMESPACE/NAME", APP being "NAMESPACE_NAME" for an Application
outside Argo CD's own namespace), the label `argocd.argoproj.io/instance`, or Argo CD's older default tracking label
`app.kubernetes.io/instance` when an Application of that name exists (Helm sets the same label); Flux's labels
`kustomize.toolkit.fluxcd.io/name` and `/namespace` (a Kustomization), `helm.toolkit.fluxcd.io/name` and `/namespace`
(a HelmRelease). What counts as self-healing:
- Argo CD Application: a Git source (spec.source or one of spec.sources with a repoURL and no `chart`), and
  spec.syncPolicy.automated with selfHeal true (and not `enabled: false`);
- Flux Kustomization: spec.sourceRef of kind GitRepository, not suspended (kustomize-controller applies the source
  again at every interval, undoing changes made by hand);
- Flux HelmRelease: a chart from a GitRepository (spec.chart.spec.sourceRef), not suspended, and
  spec.driftDetection.mode `enabled` (without it helm-controller leaves changes made by hand in place).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from evidence_collectors.kubernetes.models import Application, FluxHelmRelease, FluxKustomization
from evidence_collectors.kubernetes.workloads import ModelWorkload
from evidence_collectors.outcome import ProbeFinding, share_finding

PROBE = "kubernetes.model_workloads_gitops_self_healing_ratio"
NAMESPACE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")  # a namespace name (RFC 1123 label)


def marked_namespaces(workloads: Iterable[ModelWorkload]) -> list[str]:
    """The namespaces the workloads' markers place their controller objects in (a Flux object's namespace label, an
    Argo CD tracking id's NAMESPACE_ prefix), sorted; a value that is no namespace name is left out."""
    found: set[str] = set()
    for workload in workloads:
        for mark in workload.gitops:
            kind, _, ref = mark.partition(":")
            if kind in ("kustomization", "helmrelease"):
                found.add(ref.split("/", 1)[0])
            elif kind == "argocd" and "_" in ref:
                found.add(ref.split("_", 1)[0])
    return sorted(n for n in found if NAMESPACE.fullmatch(n))


@dataclass(frozen=True)
class Verdict:
    """A controller object's judgement: whether it heals from Git, and why not."""

    heals: bool
    why: str = ""


def argo_verdict(app: Application) -> Verdict:
    spec = app.spec
    sources = [s for s in ([spec.source] if spec.source else []) + list(spec.sources) if s.repo_url.strip()]
    if not any(not s.chart.strip() for s in sources):
        return Verdict(False, "no Git source")
    auto = spec.sync_policy.automated if spec.sync_policy else None
    if auto is None or auto.enabled is False:
        return Verdict(False, "no automated sync")
    if auto.self_heal is not True:
        return Verdict(False, "selfHeal off")
    return Verdict(True)


def kustomization_verdict(item: FluxKustomization) -> Verdict:
    ref = item.spec.source_ref
    if ref is None or ref.kind != "GitRepository":
        return Verdict(False, "no Git source")
    if item.spec.suspend is True:
        return Verdict(False, "suspended")
    return Verdict(True)


def helm_release_verdict(item: FluxHelmRelease) -> Verdict:
    chart = item.spec.chart.spec if item.spec.chart else None
    ref = chart.source_ref if chart else None
    if ref is None or ref.kind != "GitRepository":
        return Verdict(False, "no Git source")
    if item.spec.suspend is True:
        return Verdict(False, "suspended")
    mode = item.spec.drift_detection.mode if item.spec.drift_detection else ""
    if mode.strip().lower() != "enabled":
        return Verdict(False, "drift detection not enabled")
    return Verdict(True)


def verdicts(
    apps: Sequence[Application], kustomizations: Sequence[FluxKustomization], releases: Sequence[FluxHelmRelease]
) -> dict[str, Verdict]:
    """Every controller object read, under each key a workload's marks may use for it."""
    found: dict[str, Verdict] = {}
    for app in apps:
        verdict = argo_verdict(app)
        found[f"argocd:{app.metadata.namespace}_{app.metadata.name}"] = verdict
        found.setdefault(f"argocd:{app.metadata.name}", verdict)
        found.setdefault(f"argocd-label:{app.metadata.name}", verdict)
    for item in kustomizations:
        found[f"kustomization:{item.metadata.namespace}/{item.metadata.name}"] = kustomization_verdict(item)
    for release in releases:
        found[f"helmrelease:{release.metadata.namespace}/{release.metadata.name}"] = helm_release_verdict(release)
    return found


def judge(marks: Sequence[str], known: Mapping[str, Verdict]) -> Verdict:
    """A workload heals from Git when a controller object its marks name does; otherwise why not. An instance label
    naming no Application is a Helm or Kustomize label, not a GitOps mark."""
    reasons: list[str] = []
    for mark in marks:
        verdict = known.get(mark)
        if verdict is None:
            if not mark.startswith("argocd-label:"):
                reasons.append(f"{mark} not found")
        elif verdict.heals:
            return verdict
        else:
            reasons.append(f"{mark}: {verdict.why}")
    return Verdict(False, "; ".join(reasons) or "no GitOps controller marks")


def gitops_finding(
    workloads: Sequence[ModelWorkload],
    known: Mapping[str, Verdict],
    controllers: int,
    source: tuple[tuple[str, ...], str],
    note: str,
) -> ProbeFinding:
    """The share of model workloads kept equal to Git by a self-healing controller object, naming the others with
    the reason."""
    judged = {w.key: judge(w.gitops, known) for w in workloads}
    return share_finding(
        PROBE,
        workloads,
        lambda w: judged[w.key].heals,
        f"model workloads are applied from Git by a GitOps controller object that syncs automatically and reverts "
        f"manual changes ({controllers} controller object(s) read){note}",
        source,
        lambda w: f"{w.label} ({judged[w.key].why})",
    )

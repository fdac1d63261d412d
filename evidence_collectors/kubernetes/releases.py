"""How each model workload is released: the strategies declared for it and whether a progressive release is decided by
automatic analysis.

- Deployment `spec.strategy.type` (RollingUpdate by default, Recreate), StatefulSet `spec.updateStrategy.type`
  (RollingUpdate, OnDelete); KServe and Seldon roll a new revision out as a rolling update.
- KServe: `spec.predictor.canaryTrafficPercent` set -> canary. Seldon: two or more predictors with `traffic` ->
  canary and traffic_split; a `shadow` predictor -> mirroring.
- Argo Rollouts: `spec.strategy.canary` -> canary, `spec.strategy.blueGreen` -> blue_green, for the Rollout itself or
  the Deployment its `spec.workloadRef` names; automatic when an analysis is referenced (`strategy.canary.analysis`,
  a step's `analysis`, `blueGreen.prePromotionAnalysis` / `postPromotionAnalysis`).
- Flagger: a Canary's `spec.targetRef` names the workload; `spec.analysis` with `iterations` and no weights ->
  blue_green, with `mirror: true` -> mirroring too, with `match` -> attribute_routing, otherwise canary; automatic
  when the analysis checks at least one metric (`spec.analysis.metrics`).
- Istio: a VirtualService `spec.http[]` whose `route[]` has two or more destinations with a weight -> traffic_split,
  `mirror` -> mirroring, `match` -> attribute_routing, for the workloads behind the destination host's Service.
"""

from __future__ import annotations

from evidence_collectors.kubernetes.models import Canary, HttpRoute, Rollout, Service, VirtualService, Workload
from evidence_collectors.kubernetes.workloads import ModelWorkload, selected_by

PROGRESSIVE = frozenset({"canary", "blue_green", "traffic_split"})


def workload_strategy(kind: str, obj: Workload) -> str:
    if kind == "StatefulSet":
        chosen = obj.spec.update_strategy.type if obj.spec.update_strategy else ""
        return "on_delete" if chosen == "OnDelete" else "rolling_update"
    chosen = obj.spec.strategy.type if obj.spec.strategy else ""
    return "recreate" if chosen == "Recreate" else "rolling_update"


def rollout_facts(rollout: Rollout) -> tuple[set[str], bool]:
    strategy = rollout.spec.strategy
    found: set[str] = set()
    automatic = False
    if strategy.canary is not None:
        found.add("canary")
        automatic |= bool(strategy.canary.analysis) or any(s.analysis for s in strategy.canary.steps)
    if strategy.blue_green is not None:
        found.add("blue_green")
        green = strategy.blue_green
        automatic |= bool(green.pre_promotion_analysis or green.post_promotion_analysis)
    return found, automatic


def canary_facts(canary: Canary) -> tuple[set[str], bool]:
    analysis = canary.spec.analysis
    if analysis is None:
        return {"canary"}, False
    weighted = analysis.step_weight is not None or analysis.step_weights or analysis.max_weight is not None
    found = {"blue_green"} if analysis.iterations is not None and not weighted else {"canary"}
    if analysis.mirror:
        found.add("mirroring")
    if analysis.match:
        found.add("attribute_routing")
    return found, bool(analysis.metrics)


def route_facts(route: HttpRoute) -> set[str]:
    found: set[str] = set()
    if len([d for d in route.route if d.weight]) >= 2:
        found.add("traffic_split")
    if route.mirror:
        found.add("mirroring")
    if route.match:
        found.add("attribute_routing")
    return found


def route_features(services: list[VirtualService]) -> set[str]:
    """What the VirtualServices use: weighted_split, mirroring, attribute_routing, timeout, retries, fault_injection."""
    found: set[str] = set()
    for vs in services:
        for route in vs.spec.http:
            facts = route_facts(route)
            if "traffic_split" in facts:
                found.add("weighted_split")
            found |= facts - {"traffic_split"}
            if route.timeout:
                found.add("timeout")
            if route.retries:
                found.add("retries")
            if route.fault:
                found.add("fault_injection")
    return found


def weighted_routes(services: list[VirtualService]) -> int:
    return sum(1 for vs in services for route in vs.spec.http if "traffic_split" in route_facts(route))


def _short_host(host: str, namespace: str) -> tuple[str, str]:
    """(service, namespace) of a destination host: `name`, `name.ns` or `name.ns.svc.cluster.local`."""
    parts = host.split(".")
    return parts[0], parts[1] if len(parts) > 1 else namespace


def attach(
    workloads: list[ModelWorkload],
    rollouts: list[Rollout],
    canaries: list[Canary],
    virtual_services: list[VirtualService],
    services: list[Service],
) -> None:
    """Add the strategies Rollouts, Canaries and VirtualServices declare to the workloads they act on."""
    by_key = {(w.namespace, w.kind, w.name): w for w in workloads}

    def target(namespace: str, kind: str, name: str) -> ModelWorkload | None:
        return by_key.get((namespace, kind, name))

    for rollout in rollouts:
        ns = rollout.metadata.namespace
        ref = rollout.spec.workload_ref
        found = target(ns, ref.kind, ref.name) if ref else target(ns, "Rollout", rollout.metadata.name)
        if found is not None:
            strategies, automatic = rollout_facts(rollout)
            found.strategies |= strategies
            found.automatic |= automatic
    for canary in canaries:
        ref = canary.spec.target_ref
        found = target(canary.metadata.namespace, ref.kind, ref.name)
        if found is not None:
            strategies, automatic = canary_facts(canary)
            found.strategies |= strategies
            found.automatic |= automatic
    for vs in virtual_services:
        for route in vs.spec.http:
            facts = route_facts(route)
            if not facts:
                continue
            hosts = {_short_host(d.destination.host, vs.metadata.namespace) for d in route.route}
            for workload in workloads:
                names = {s.metadata.name for s in selected_by(workload, services)}
                if any(ns == workload.namespace and name in names for name, ns in hosts):
                    workload.strategies |= facts


def progressive(workload: ModelWorkload) -> bool:
    return bool(workload.strategies & PROGRESSIVE)

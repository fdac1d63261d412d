"""The roadmap as a plan that can be run: one phase per level, the work inside ordered by dependency and effort,
and for each phase the level that closing it (with the earlier phases) reaches, found by rescoring.

Pure functions of the framework, the item results and the statuses; the probe catalogue's remediation effort is
passed in (a requirement without its own estimate takes the largest effort of its probes' remediation).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache

from assessors.assessment import Status
from assessors.results import ItemResult, RequirementState, RoadmapPhase, RoadmapStep
from capability_model.schema import LEVELS, Framework, Requirement

Statuses = Mapping[str, Status | None]
Rescore = Callable[[Statuses], int | None]

EFFORT_RANK: dict[str, int] = {"S": 0, "M": 1, "L": 2}
REMEDIATION_EFFORT: dict[str, str] = {"Low": "S", "Medium": "M", "High": "L"}
_STATE_ORDER: dict[RequirementState, int] = {"partial": 0, "not_met": 1, "unknown": 2}


@cache
def probe_efforts() -> dict[str, str]:
    """Probe id -> S/M/L from the installed collectors' remediation metadata."""
    from evidence_collectors.registry import probe_catalogue

    return {pid: REMEDIATION_EFFORT[spec.remediation.effort] for pid, spec in probe_catalogue().items()}


def requirement_effort(req: Requirement, probe_effort: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(effort, where it comes from): the framework's estimate, else the largest remediation effort of its probes."""
    if req.effort is not None:
        return req.effort.value, "framework"
    sizes = [probe_effort[p] for p in req.probes() if p in probe_effort]
    if sizes:
        return max(sizes, key=EFFORT_RANK.__getitem__), "probe"
    return None, None


def dependency_depth(framework: Framework) -> dict[str, int]:
    """Each item's depth in the dependency graph of its part: 0 for items that depend on no item of the part, else
    one more than the deepest item it depends on. Ids of other parts are left out (they order nothing here)."""
    deps = {i.id: [d for d in i.depends_on] for _, _, i in framework.items()}
    depth: dict[str, int] = {}

    def visit(node: str, path: frozenset[str]) -> int:
        if node in depth:
            return depth[node]
        inner = [d for d in deps.get(node, []) if d in deps and d not in path]  # a cycle is refused by the loader
        depth[node] = 1 + max((visit(d, path | {node}) for d in inner), default=-1)
        return depth[node]

    for node in deps:
        visit(node, frozenset())
    return depth


def plan(
    framework: Framework,
    items: Sequence[ItemResult],
    statuses: Statuses,
    overall: int | None,
    target_level: int,
    rescore: Rescore,
    probe_effort: Mapping[str, str] | None = None,
) -> list[RoadmapPhase]:
    """One phase per level above the overall level up to the target. In a phase, items others depend on come first,
    then smaller efforts, then the items furthest behind; each phase states what closing it and the earlier ones
    reaches (`lifts_to`, rescored)."""
    efforts = probe_efforts() if probe_effort is None else probe_effort
    by_id = {i.id: i for i in items}
    depth = dependency_depth(framework)
    order = {r.id: n for n, (_, r) in enumerate(framework.requirements())}
    steps: dict[int, list[tuple[tuple[int, int, int, int, int], RoadmapStep]]] = {lv: [] for lv in LEVELS}
    for item, req in framework.requirements():
        result = by_id[item.id]
        if req.id not in result.gap:
            continue
        given = statuses.get(req.id)
        state: RequirementState = "unknown" if given is None else given.value
        effort, source = requirement_effort(req, efforts)
        after = [d for d in item.depends_on if d not in by_id or (by_id[d].level or 0) < req.level]
        key = (
            depth.get(item.id, 0),
            EFFORT_RANK.get(effort or "", 3),
            result.level if result.level is not None else 0,
            _STATE_ORDER.get(state, 3),
            order[req.id],
        )
        step = RoadmapStep(id=req.id, item=item.id, status=state, effort=effort, effort_source=source, after=after)
        steps[req.level].append((key, step))
    phases = []
    closed: dict[str, Status | None] = dict(statuses)
    closing = 0
    for lv in range(((overall or 0) + 1), target_level + 1):
        ordered = [s for _, s in sorted(steps[lv], key=lambda p: p[0])]
        closed.update({s.id: Status.met for s in ordered})
        closing += len(ordered)
        sizes = {e: sum(1 for s in ordered if s.effort == e) for e in EFFORT_RANK}
        phases.append(
            RoadmapPhase(
                level=lv,
                requirements=ordered,
                closing=closing,
                lifts_to=rescore(closed) if ordered else None,
                effort={k: v for k, v in sizes.items() if v},
            )
        )
    return phases

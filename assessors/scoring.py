"""The scoring engine: pure functions from a framework and answer statuses to levels, gaps and a roadmap.

Rules (also stated in every framework file's `aggregation` block and in the README):
- an item's level is the highest L in 0..5 such that every applicable requirement of levels 1..L is `met`;
  `partial` and unknown do not count as met; `not_applicable` requirements are left out; an item whose requirements
  are all not applicable is itself not applicable (level None);
- a subdomain's, domain's and the part's level is the minimum of its children's levels (the certification view), and
  its score is the mean of the levels of the items it contains, to one decimal (the progress view);
- an item's blocking requirements are the applicable ones not met at level + 1; its gap is every applicable requirement
  not met at a level <= the target;
- the roadmap orders the gap in phases, one per level from the current overall level + 1 up to the target.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from assessors.assessment import Status
from assessors.results import (
    AssessmentResult,
    DomainResult,
    FrameworkRef,
    ItemResult,
    Overall,
    RequirementState,
    RoadmapPhase,
    SubdomainResult,
)
from assessors.roadmap import plan
from capability_model.schema import LEVELS, CapabilityItem, Framework

Statuses = Mapping[str, Status | None]


def state_of(requirement_id: str, statuses: Statuses) -> RequirementState:
    status = statuses.get(requirement_id)
    return "unknown" if status is None else status.value


def item_level(item: CapabilityItem, statuses: Statuses) -> int | None:
    """Highest level whose applicable requirements (and all below) are met; None when nothing is applicable."""
    applicable = [r for r in item.requirements if statuses.get(r.id) is not Status.not_applicable]
    if not applicable:
        return None
    first_unmet = min((r.level for r in applicable if statuses.get(r.id) is not Status.met), default=None)
    return max(LEVELS) if first_unmet is None else first_unmet - 1


def score_item(item: CapabilityItem, statuses: Statuses, target_level: int) -> ItemResult:
    level = item_level(item, statuses)
    counts: Counter[RequirementState] = Counter(state_of(r.id, statuses) for r in item.requirements)
    unmet = [r for r in item.requirements if statuses.get(r.id) not in (Status.met, Status.not_applicable)]
    blocking = [] if level is None else [r.id for r in unmet if r.level == level + 1]
    gap = [r.id for r in unmet if r.level <= target_level]
    return ItemResult(id=item.id, level=level, blocking=blocking, gap=gap, counts=dict(counts))


def rollup_level(levels: Iterable[int | None]) -> int | None:
    """Certification view: the minimum of the applicable children; None when none is applicable."""
    applicable = [lv for lv in levels if lv is not None]
    return min(applicable) if applicable else None


def mean_score(levels: Iterable[int | None]) -> float | None:
    """Progress view: the mean of applicable item levels, one decimal."""
    applicable = [lv for lv in levels if lv is not None]
    return round(sum(applicable) / len(applicable), 1) if applicable else None


def build_roadmap(
    framework: Framework, items: Sequence[ItemResult], statuses: Statuses, overall: int | None, target_level: int
) -> list[RoadmapPhase]:
    """One phase per level above the overall level up to the target, ordered by dependency and effort
    (assessors/roadmap.py); each phase says which level closing it reaches, by rescoring with this module's rules."""

    def rescore(closed: Statuses) -> int | None:
        return rollup_level(
            rollup_level(rollup_level(item_level(i, closed) for i in s.items) for s in d.subdomains)
            for d in framework.domains
        )

    return plan(framework, items, statuses, overall, target_level, rescore)


def score(framework: Framework, statuses: Statuses, target_level: int, sha256: str = "") -> AssessmentResult:
    """Score one part of the standard. Answers to ids the framework does not know are ignored here (see binding)."""
    domains = []
    all_items: list[ItemResult] = []
    for domain in framework.domains:
        subdomains = []
        for sub in domain.subdomains:
            items = [score_item(item, statuses, target_level) for item in sub.items]
            all_items += items
            levels = [i.level for i in items]
            subdomains.append(
                SubdomainResult(id=sub.id, level=rollup_level(levels), score=mean_score(levels), items=items)
            )
        item_levels = [i.level for s in subdomains for i in s.items]
        domains.append(
            DomainResult(
                id=domain.id,
                level=rollup_level(s.level for s in subdomains),
                score=mean_score(item_levels),
                subdomains=subdomains,
            )
        )
    all_levels = [i.level for i in all_items]
    overall = Overall(level=rollup_level(d.level for d in domains), score=mean_score(all_levels))
    totals: Counter[RequirementState] = Counter()
    for i in all_items:
        totals.update(i.counts)
    return AssessmentResult(
        framework=FrameworkRef(id=framework.id, version=framework.version, sha256=sha256),
        target_level=target_level,
        overall=overall,
        counts=dict(totals),
        domains=domains,
        roadmap=build_roadmap(framework, all_items, statuses, overall.level, target_level),
    )

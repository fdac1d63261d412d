"""Why a part is at its level, and what it would take to lift it: the figures behind the one-page summary.

A part's level is the lowest level among its applicable items (the certification view), so the items at that level
cap it; they rise one level when their blocking requirements (the unmet ones of the next level) are met, and the
part rises when all of them do. The quickest actions are therefore the capping items with the fewest blocking
requirements. Reports turn these figures into sentences; nothing here is presentation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from assessors.results import AssessmentResult
from capability_model.schema import LEVELS

ACTIONS = 3


@dataclass(frozen=True)
class LiftAction:
    """Meet these requirements and this item reaches `to_level`."""

    item: str
    domain: str
    requirements: tuple[str, ...]
    to_level: int


@dataclass(frozen=True)
class PartVerdict:
    framework: str
    level: int | None  # None: nothing applicable
    target: int
    items: int  # applicable items
    capping: tuple[str, ...]  # items at the part's level, framework order
    capping_domains: tuple[tuple[str, int], ...]  # domain -> capping items, most first
    lift_requirements: int  # met together, these lift the part one level
    items_below_target: int
    requirements_below_target: int
    by_evidence: int  # decided by evidence, or proposed by it and confirmed by a person
    by_people: int  # answered or overridden by a person
    unanswered: int  # unanswered, or proposed and not yet confirmed
    actions: tuple[LiftAction, ...]

    @property
    def next_level(self) -> int | None:
        return None if self.level is None or self.level >= max(LEVELS) else self.level + 1

    @property
    def answered(self) -> int:
        return self.by_evidence + self.by_people


def part_verdict(result: AssessmentResult, actions: int = ACTIONS) -> PartVerdict:
    """The figures of one scored part; items with no applicable requirement take no part."""
    located = [(d.id, i) for d in result.domains for s in d.subdomains for i in s.items if i.level is not None]
    level = result.overall.level
    capping = [(domain, item) for domain, item in located if item.level == level]
    by_domain = Counter(domain for domain, _ in capping)
    ranked = sorted(capping, key=lambda pair: len(pair[1].blocking))  # stable: framework order among equals
    lift = tuple(
        LiftAction(item.id, domain, tuple(item.blocking), item.level + 1)
        for domain, item in ranked[:actions]
        if item.level is not None and item.blocking
    )
    below = [item for _, item in located if item.level is not None and item.level < result.target_level]
    tally = result.provenance or AssessmentResult.tally(result.requirements)
    return PartVerdict(
        framework=result.framework.id,
        level=level,
        target=result.target_level,
        items=len(located),
        capping=tuple(item.id for _, item in capping),
        capping_domains=tuple(sorted(by_domain.items(), key=lambda kv: -kv[1])),
        lift_requirements=sum(len(item.blocking) for _, item in capping),
        items_below_target=len(below),
        requirements_below_target=len({r for item in below for r in item.gap}),
        by_evidence=tally.get("evidence", 0) + tally.get("confirmed", 0),
        by_people=tally.get("answered", 0) + tally.get("overridden", 0),
        unanswered=tally.get("unanswered", 0) + tally.get("proposed", 0),
        actions=lift,
    )

"""What an executive summary singles out: the strengths and the top gaps of one or more scored parts.

This is assessment logic, not presentation: reports and the workshop UI render these picks and never re-rank items.
Both selections spread over domains first (at most one item per domain until every domain has had its turn), so a
summary does not name three items of the same domain while another domain has a comparable finding.

- Strengths rank items by how far they stand above their target, then by level, then by how close they are to the
  next level (fewer blocking requirements), then by requirements met, then in framework order.
- Top gaps are the items below their target, ranked by how many levels they are short, then by how many
  requirements stand between them and the target, then by fewest requirements met, then in framework order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assessors.results import AssessmentResult

STRENGTHS = 3
TOP_GAPS = 5


@dataclass(frozen=True)
class ItemPick:
    """One capability item singled out, with the figures a sentence about it needs."""

    item: str
    domain: str
    framework: str
    level: int
    target: int
    blocking: tuple[str, ...]
    gap: tuple[str, ...]
    met: int
    applicable: int

    @property
    def above_target(self) -> int:
        """Levels above the target (negative: below it)."""
        return self.level - self.target


def _picks(results: Iterable[AssessmentResult]) -> list[ItemPick]:
    """Every applicable item of every part, in framework order."""
    picks = []
    for result in results:
        for domain in result.domains:
            for sub in domain.subdomains:
                for item in sub.items:
                    if item.level is None:
                        continue
                    counts = item.counts
                    picks.append(
                        ItemPick(
                            item=item.id,
                            domain=domain.id,
                            framework=result.framework.id,
                            level=item.level,
                            target=result.target_level,
                            blocking=tuple(item.blocking),
                            gap=tuple(item.gap),
                            met=counts.get("met", 0),
                            applicable=sum(counts.values()) - counts.get("not_applicable", 0),
                        )
                    )
    return picks


def spread(ranked: Sequence[ItemPick], n: int, key: Callable[[ItemPick], str]) -> list[ItemPick]:
    """The first n of `ranked`, taking at most one per key until every key had a turn; rank order is kept."""
    chosen: list[int] = []
    seen: set[str] = set()
    for index, pick in enumerate(ranked):
        if len(chosen) == n:
            break
        if key(pick) not in seen:
            seen.add(key(pick))
            chosen.append(index)
    for index in range(len(ranked)):
        if len(chosen) >= n:
            break
        if index not in chosen:
            chosen.append(index)
    return [ranked[i] for i in sorted(chosen)]


def strengths(results: Sequence[AssessmentResult], n: int = STRENGTHS) -> list[ItemPick]:
    """The n strongest items, spread over domains, strongest first."""
    picks = _picks(results)
    order = {id(p): k for k, p in enumerate(picks)}
    ranked = sorted(picks, key=lambda p: (-p.above_target, -p.level, len(p.blocking), -p.met, order[id(p)]))
    return spread(ranked, n, key=lambda p: p.domain)


def top_gaps(results: Sequence[AssessmentResult], n: int = TOP_GAPS) -> list[ItemPick]:
    """The n items furthest below their target, spread over domains, largest gap first."""
    picks = [p for p in _picks(results) if p.gap]
    order = {id(p): k for k, p in enumerate(picks)}
    ranked = sorted(picks, key=lambda p: (p.above_target, -len(p.gap), p.met, order[id(p)]))
    return spread(ranked, n, key=lambda p: p.domain)

"""Strengths and top gaps for the executive summary: ranking, spreading over domains, and the example's picks."""

from __future__ import annotations

from assessors.results import (
    AssessmentResult,
    DomainResult,
    FrameworkRef,
    ItemResult,
    Overall,
    RequirementState,
    SubdomainResult,
)
from assessors.summary import ItemPick, spread, strengths, top_gaps
from assessors.workflow import open_assessment
from tests.conftest import EXAMPLES


def _item(item_id: str, level: int | None, target: int = 3, met: int = 4, blocking: int = 2) -> ItemResult:
    gap = [f"{item_id}.G{n}" for n in range(max(0, target - (level or 0)) * 2)] if level is not None else []
    counts: dict[RequirementState, int] = {"met": met, "not_met": 10 - met}
    return ItemResult(
        id=item_id,
        level=level,
        blocking=[f"{item_id}.B{n}" for n in range(blocking)],
        gap=gap,
        counts=counts if level is not None else {"not_applicable": 10},
    )


def _result(domains: dict[str, list[ItemResult]], target: int = 3) -> AssessmentResult:
    return AssessmentResult(
        framework=FrameworkRef(id="fw", version="1", sha256=""),
        target_level=target,
        overall=Overall(level=None, score=None),
        counts={},
        domains=[
            DomainResult(
                id=d,
                level=None,
                score=None,
                subdomains=[SubdomainResult(id=f"{d}.S", level=None, score=None, items=items)],
            )
            for d, items in domains.items()
        ],
        roadmap=[],
    )


def test_strengths_rank_by_level_above_target_and_spread_over_domains() -> None:
    result = _result(
        {
            "A": [_item("A.1", 5), _item("A.2", 4), _item("A.3", 4)],
            "B": [_item("B.1", 3, blocking=1), _item("B.2", 3, blocking=3)],
            "C": [_item("C.1", None), _item("C.2", 1)],
        }
    )
    picks = strengths([result])
    # A.1 is the best; B's best comes before A's second item because domains are spread first
    assert [p.item for p in picks] == ["A.1", "B.1", "C.2"]
    assert picks[0].above_target == 2 and picks[0].applicable == 10 and picks[0].met == 4


def test_strengths_fill_from_the_same_domain_when_others_run_out() -> None:
    result = _result({"A": [_item("A.1", 2), _item("A.2", 4), _item("A.3", 3)]})
    assert [p.item for p in strengths([result])] == ["A.2", "A.3", "A.1"]


def test_items_not_applicable_are_never_picked() -> None:
    result = _result({"A": [_item("A.1", None)]})
    assert strengths([result]) == [] and top_gaps([result]) == []


def test_top_gaps_rank_by_shortfall_then_gap_size() -> None:
    result = _result(
        {
            "A": [_item("A.1", 2), _item("A.2", 0), _item("A.3", 3)],
            "B": [_item("B.1", 1, met=1), _item("B.2", 1, met=3)],
            "C": [_item("C.1", 2)],
        }
    )
    picks = top_gaps([result], n=4)
    # one per domain first (A.2, B.1, C.1), then the next in rank order (B.2 is 2 levels short, A.1 only 1)
    assert [p.item for p in picks] == ["A.2", "B.1", "B.2", "C.1"]
    assert all(p.gap for p in picks) and "A.3" not in [p.item for p in top_gaps([result], n=10)]


def test_targets_are_per_part() -> None:
    low = _result({"A": [_item("A.1", 2, target=2)]}, target=2)
    high = _result({"B": [_item("B.1", 2, target=4)]}, target=4)
    assert [p.item for p in top_gaps([low, high])] == ["B.1"]
    assert [(p.item, p.above_target) for p in strengths([low, high])] == [("A.1", 0), ("B.1", -2)]


def test_spread_keeps_rank_order() -> None:
    picks = [ItemPick(f"{d}.{n}", d, "fw", 3, 3, (), (), 0, 1) for d, n in (("A", 1), ("A", 2), ("B", 1), ("A", 3))]
    assert [p.item for p in spread(picks, 3, key=lambda p: p.domain)] == ["A.1", "A.2", "B.1"]
    assert spread(picks, 0, key=lambda p: p.domain) == []


def test_example_organisation() -> None:
    results = [
        open_assessment(EXAMPLES / "retail-bank" / "interview" / name).score()
        for name in ("part1-development.yaml", "part2-delivery.yaml")
    ]
    assert [p.item for p in strengths(results)] == ["P2.CM.EM.02", "P1.MD.MT.02", "P2.DR.CD.02"]
    gaps = top_gaps(results)
    assert len(gaps) == 5 and len({p.domain for p in gaps}) == 5
    assert all(p.level == 2 and p.target == 3 for p in gaps)

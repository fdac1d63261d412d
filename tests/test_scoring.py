"""Scoring rules: hand-checked cases and properties over random answer sets (hypothesis)."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from assessors.assessment import Status
from assessors.scoring import item_level, score
from capability_model.catalog import resolve
from capability_model.schema import CapabilityItem, LocalizedText, Requirement

PART1 = resolve("caict-mlops-p1").framework
REQ_IDS = [r.id for _, r in PART1.requirements()]
STATUSES = [Status.met, Status.partial, Status.not_met, Status.not_applicable, None]


def _item(levels: list[int]) -> CapabilityItem:
    text = LocalizedText(zh="要求", en="requirement")
    return CapabilityItem(
        id="X.01",
        name=text,
        requirements=[
            Requirement(id=f"X.01.R{n:02d}", level=lv, dimension="completeness", text=text, guidance=text)
            for n, lv in enumerate(levels, 1)
        ],
    )


ITEM = _item([1, 1, 2, 2, 3, 3, 4, 4, 5, 5])


def _answers(*pairs: tuple[int, Status | None]) -> dict[str, Status | None]:
    return {f"X.01.R{n:02d}": s for n, s in pairs}


def test_item_level_is_highest_fully_met_level() -> None:
    met = Status.met
    assert item_level(ITEM, {}) == 0
    assert item_level(ITEM, _answers((1, met), (2, met))) == 1
    assert item_level(ITEM, _answers((1, met), (2, met), (3, met), (4, Status.partial))) == 1
    assert item_level(ITEM, _answers(*[(n, met) for n in range(1, 11)])) == 5
    # a met level 3 does not count while level 2 is open
    assert item_level(ITEM, _answers((1, met), (2, met), (5, met), (6, met))) == 1


def test_not_applicable_requirements_are_left_out() -> None:
    na, met = Status.not_applicable, Status.met
    assert item_level(ITEM, _answers((1, met), (2, na), (3, na), (4, na))) == 2
    assert item_level(ITEM, _answers(*[(n, na) for n in range(1, 11)])) is None


def test_blocking_and_gap() -> None:
    answers = _answers(
        (1, Status.met),
        (2, Status.met),
        (3, Status.met),
        (4, Status.partial),
        (5, Status.not_met),
        (7, Status.not_applicable),
    )
    from assessors.scoring import score_item

    result = score_item(ITEM, answers, target_level=3)
    assert result.level == 1
    assert result.blocking == ["X.01.R04"]
    assert result.gap == ["X.01.R04", "X.01.R05", "X.01.R06"]
    assert result.counts == {"met": 3, "partial": 1, "not_met": 1, "not_applicable": 1, "unknown": 4}


def test_rollup_is_minimum_and_score_is_mean() -> None:
    statuses: dict[str, Status | None] = {}
    first_domain = PART1.domains[0]
    items = [i for s in first_domain.subdomains for i in s.items]
    wanted = [3, 2, 5, 1, 4, 2, 3, 0][: len(items)]
    for item, level in zip(items, wanted, strict=True):
        for r in item.requirements:
            statuses[r.id] = Status.met if r.level <= level else Status.not_met
    result = score(PART1, statuses, target_level=3)
    domain = result.domains[0]
    assert [i.level for s in domain.subdomains for i in s.items] == wanted
    assert domain.level == min(wanted) == 0
    assert domain.score == round(sum(wanted) / len(wanted), 1) == 2.5
    assert domain.subdomains[0].level == min(wanted[:3]) == 2
    assert result.overall.level == 0


def test_roadmap_phases_run_from_current_level_to_target() -> None:
    statuses = {rid: Status.met for rid in REQ_IDS}
    item = PART1.domains[1].subdomains[0].items[0]
    lvl2 = [r for r in item.requirements if r.level == 2]
    statuses[lvl2[0].id] = Status.not_met
    result = score(PART1, statuses, target_level=4)
    assert result.overall.level == 1
    assert [p.level for p in result.roadmap] == [2, 3, 4]
    assert [s.id for s in result.roadmap[0].requirements] == [lvl2[0].id]
    assert result.roadmap[1].requirements == []
    full = score(PART1, {rid: Status.met for rid in REQ_IDS}, target_level=5)
    assert full.overall.level == 5 and full.roadmap == []


answer_sets = st.dictionaries(st.sampled_from(REQ_IDS), st.sampled_from(STATUSES), max_size=len(REQ_IDS))


def _all_levels(result) -> list[int | None]:  # type: ignore[no-untyped-def]
    out: list[int | None] = [result.overall.level]
    for d in result.domains:
        out.append(d.level)
        for s in d.subdomains:
            out.append(s.level)
            out += [i.level for i in s.items]
    return out


@settings(max_examples=60, deadline=None)
@given(answer_sets, st.integers(1, 5))
def test_levels_stay_in_range_and_aggregation_is_minimum(answers: Mapping[str, Status | None], target: int) -> None:
    result = score(PART1, answers, target)
    for level in _all_levels(result):
        assert level is None or 0 <= level <= 5
    for d in result.domains:
        item_levels = [i.level for s in d.subdomains for i in s.items if i.level is not None]
        assert d.level == (min(item_levels) if item_levels else None)
        for s in d.subdomains:
            sub_levels = [i.level for i in s.items if i.level is not None]
            assert s.level == (min(sub_levels) if sub_levels else None)
    for item in result.items():
        assert set(item.blocking) <= set(item.gap) or (item.level is not None and item.level >= target)


@settings(max_examples=60, deadline=None)
@given(answer_sets, st.integers(1, 5), st.data())
def test_meeting_a_requirement_never_lowers_any_level(
    answers: dict[str, Status | None], target: int, data: st.DataObject
) -> None:
    candidates = [rid for rid in REQ_IDS if answers.get(rid) is not Status.met]
    if not candidates:
        return
    rid = data.draw(st.sampled_from(candidates))
    before = _all_levels(score(PART1, answers, target))
    after = _all_levels(score(PART1, {**answers, rid: Status.met}, target))
    for b, a in zip(before, after, strict=True):
        if b is not None and a is not None:
            assert a >= b
        elif answers.get(rid) is not Status.not_applicable:
            assert b == a  # applicability changes only when an N/A answer changes


@settings(max_examples=40, deadline=None)
@given(answer_sets)
def test_item_level_matches_its_definition(answers: Mapping[str, Status | None]) -> None:
    for _, _, item in PART1.items():
        applicable = [r for r in item.requirements if answers.get(r.id) is not Status.not_applicable]
        expected = (
            None
            if not applicable
            else max(lv for lv in range(6) if all(answers.get(r.id) is Status.met for r in applicable if r.level <= lv))
        )
        assert item_level(item, answers) == expected

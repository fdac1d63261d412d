"""Why a part is at its level and what lifts it soonest: the figures behind the one-page summary, checked against
the scores they come from and against the example organisation's real result."""

from __future__ import annotations

from assessors.assessment import Status
from assessors.results import AssessmentResult, Overall
from assessors.scoring import score
from assessors.verdict import part_verdict
from assessors.workflow import open_assessment
from tests.conftest import EXAMPLES
from tests.test_summary import _item, _result


def _with_overall(result: AssessmentResult, level: int | None) -> AssessmentResult:
    return result.model_copy(update={"overall": Overall(level=level, score=None)})


def test_the_items_at_the_lowest_level_cap_the_part_and_the_fewest_blockers_come_first() -> None:
    result = _with_overall(
        _result(
            {
                "D1": [_item("D1.A", 2, blocking=3), _item("D1.B", 3), _item("D1.C", 2, blocking=1)],
                "D2": [_item("D2.A", 2, blocking=2), _item("D2.B", None)],
            }
        ),
        2,
    )
    verdict = part_verdict(result)
    assert verdict.items == 4  # the item with nothing applicable takes no part
    assert verdict.capping == ("D1.A", "D1.C", "D2.A")
    assert verdict.capping_domains == (("D1", 2), ("D2", 1))
    assert verdict.lift_requirements == 3 + 1 + 2
    assert [a.item for a in verdict.actions] == ["D1.C", "D2.A", "D1.A"]
    assert all(a.to_level == 3 for a in verdict.actions)
    assert verdict.actions[0].requirements == ("D1.C.B0",)
    assert verdict.next_level == 3
    assert verdict.items_below_target == 3  # target 3: the three items at level 2
    assert verdict.requirements_below_target == 6  # two per level short, per item


def test_a_part_at_the_top_level_has_no_next_level_and_no_action() -> None:
    result = _with_overall(_result({"D1": [_item("D1.A", 5, blocking=0)]}, target=3), 5)
    verdict = part_verdict(result)
    assert verdict.next_level is None and verdict.actions == () and verdict.items_below_target == 0


def test_the_example_organisation_verdict_matches_its_scores() -> None:
    opened = open_assessment(EXAMPLES / "retail-bank" / "interview" / "part1-development.yaml")
    result = opened.score(None)
    verdict = part_verdict(result)
    items = result.items()
    assert verdict.level == min(i.level for i in items if i.level is not None)
    assert set(verdict.capping) == {i.id for i in items if i.level == verdict.level}
    # meeting the capping items' blocking requirements lifts the part exactly one level
    statuses = {r: a.status for r, a in opened.assessment.answers.items()}
    for item in items:
        if item.id in verdict.capping:
            statuses.update(dict.fromkeys(item.blocking, Status.met))
    lifted = score(opened.framework.framework, statuses, result.target_level)
    assert lifted.overall.level == verdict.next_level
    answered = verdict.by_evidence + verdict.by_people
    assert answered + verdict.unanswered == len(result.requirements)


def test_action_sentences_name_the_requirements_in_the_right_number() -> None:
    from reports.phrases import action_lines

    result = _with_overall(_result({"D1": [_item("D1.A", 2, blocking=1), _item("D1.B", 2, blocking=2)]}), 2)
    names = {"D1.A": "Alpha", "D1.B": "Beta"}
    en = action_lines(part_verdict(result), names, "en")
    assert en[0] == "Meet 1 requirement of Alpha (D1.A): B0; it then reaches level 3."
    assert en[1].startswith("Meet 2 requirements of Beta (D1.B): B0, B1;")
    zh = action_lines(part_verdict(result), names, "zh")
    assert zh[0] == "满足Alpha（D1.A）的1项要求（B0），使其达到3级。"

"""Drafting answers from evidence: proposals only where nobody answered, never a person's answer changed; merging
proposals, confirmations and overrides into scores; questionnaires with proposals read back as written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from assessors.assessment import Answer, Assessment, Proposal, Status, is_blank_text
from assessors.draft import REASON_MAX, DraftResult, draft, reason
from assessors.evidence import EvidenceDecision, ExpectationCheck, merge
from assessors.storage import load_assessment, save_assessment
from capability_model.catalog import resolve
from capability_model.schema import LocalizedText
from evidence_collectors.base import ProbeSpec, Remediation

PART1 = resolve("caict-mlops-p1").framework
IDS = [r.id for _, r in PART1.requirements()][:24]  # drafting looks at every requirement; these carry the cases
T0 = dt.datetime(2026, 11, 5, 8, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 11, 6, 8, 0, tzinfo=dt.UTC)

RATIO = ProbeSpec(
    id="tracking.dataset_input_ratio",
    value_type="ratio",
    short="Share of runs that log a dataset input",
    short_zh="记录数据集输入的运行占比",
    motivation="m",
    implementation="i",
    remediation=Remediation(effort="Low", text="t", text_zh="修"),
)
PROBES = {RATIO.id: RATIO}


def _decision(rid: str, verdict: str | None, verification: str = "automated", value: float = 1.0) -> EvidenceDecision:
    holds = None if verdict is None else verdict == "met"
    check = ExpectationCheck(
        probe=RATIO.id,
        op=">=",
        expected=0.9,
        target="tracking" if holds is not None else None,
        actual=value,
        holds=holds,
        record=f"ev-{rid[-3:]}{verdict}",
    )
    status = None if verdict is None or (verification == "assisted" and verdict == "met") else verdict
    return EvidenceDecision(
        requirement=rid,
        status=status,
        checks=[check],
        verification=verification,
        verdict=verdict,
    )


def _proposal(status: str, verification: str = "automated", text: str = "x") -> Proposal:
    return Proposal(
        status=status,
        verification=verification,
        records=["ev-1"],
        reason=LocalizedText(zh=f"中文理由 {text}", en=f"reason {text}"),
        bundle="ab" * 32,
        proposed_at=T0,
    )


def _assessment(answers: dict[str, Answer]) -> Assessment:
    return Assessment(
        organisation="示例银行",
        scope="推荐",
        assessor="Li",
        started=dt.date(2026, 11, 2),
        framework=PART1.ref,
        answers=answers,
    )


# --- random assessments and decisions --------------------------------------------------------------------------

statuses = st.sampled_from(list(Status))
verdicts = st.sampled_from(["met", "not_met"])
classes = st.sampled_from(["automated", "assisted"])
words = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)


def has_text(text: str) -> bool:
    """A reason counts when it shows something: spaces, controls and zero-width characters alone are no reason."""
    return not is_blank_text(text)


@st.composite
def any_answer(draw: st.DrawFn) -> Answer:
    kind = draw(st.sampled_from(["blank", "person", "override", "proposed", "confirmed", "who_only"]))
    if kind == "blank":
        return Answer()
    if kind == "who_only":
        return Answer(answered_by=draw(words.filter(bool)))
    if kind == "person":
        return Answer(
            status=draw(st.none() | statuses),
            note=draw(words),
            evidence=draw(st.lists(words, max_size=2)),
            answered_by=draw(st.none() | words),
        )
    proposal = _proposal(draw(verdicts), draw(classes), draw(words))
    if kind == "override":
        return Answer(
            status=draw(statuses), proposal=proposal, override_reason=draw(words.filter(has_text)), answered_by="p"
        )
    confirmed = kind == "confirmed"
    return Answer(
        status=Status(proposal.status),
        source="evidence",
        proposal=proposal,
        confirmed_by="c" if confirmed else None,
        confirmed_at=T0 if confirmed else None,
    )


assessments = st.dictionaries(st.sampled_from(IDS), any_answer(), max_size=len(IDS)).map(_assessment)
decision_maps = st.dictionaries(
    st.sampled_from(IDS),
    st.tuples(st.none() | verdicts, classes, st.floats(0, 1)),
    max_size=len(IDS),
).map(lambda d: {rid: _decision(rid, v, c, x) for rid, (v, c, x) in d.items()})
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(assessment=assessments, decisions=decision_maps)
def test_drafting_never_changes_a_persons_answer(assessment: Assessment, decisions: dict) -> None:  # type: ignore[type-arg]
    result = draft(PART1, assessment, decisions, bundle="b1", now=T1, probes=PROBES)
    after = result.assessment.answers
    for rid, before in assessment.answers.items():
        if before.provenance != "proposed" and before != Answer():  # a person's answer or a confirmed proposal
            assert after[rid] == before
    for rid, decision in decisions.items():
        earlier = assessment.answers.get(rid)
        if decision.verdict is not None and (earlier is None or earlier == Answer()):
            drafted = after[rid]
            assert drafted.provenance == "proposed" and drafted.status == Status(decision.verdict)
            assert drafted.proposal is not None and drafted.proposal.records == decision.records
    for disagreement in result.disagreements:
        assert after[disagreement.requirement] == assessment.answers[disagreement.requirement]
        assert disagreement.answer != disagreement.evidence
    assert result.assessment.model_dump(exclude={"answers"}) == assessment.model_dump(exclude={"answers"})


@PROPERTY
@given(assessment=assessments, decisions=decision_maps)
def test_drafting_again_from_the_same_evidence_changes_nothing(assessment: Assessment, decisions: dict) -> None:  # type: ignore[type-arg]
    once = draft(PART1, assessment, decisions, bundle="b1", now=T0, probes=PROBES)
    twice = draft(PART1, once.assessment, decisions, bundle="b1", now=T1, probes=PROBES)
    assert twice.assessment == once.assessment
    assert (twice.proposed, twice.replaced, twice.withdrawn) == ({}, [], [])
    assert [d.requirement for d in twice.disagreements] == [d.requirement for d in once.disagreements]


def test_redrafting_replaces_unconfirmed_proposals_only() -> None:
    a, b, c, d, e = IDS[:5]
    start = _assessment(
        {
            a: Answer(status=Status.met, source="evidence", proposal=_proposal("met")),  # unconfirmed
            b: Answer(
                status=Status.met, source="evidence", proposal=_proposal("met"), confirmed_by="王", confirmed_at=T0
            ),
            c: Answer(status=Status.partial, note="我们只做了一半", answered_by="Li"),
            d: Answer(status=Status.met, source="evidence", proposal=_proposal("met")),  # evidence now silent
        }
    )
    decisions = {
        a: _decision(a, "not_met", value=0.5),
        b: _decision(b, "not_met", value=0.5),
        c: _decision(c, "met", "assisted"),
        d: _decision(d, None),
        e: _decision(e, "met", "assisted"),
    }
    result = draft(PART1, start, decisions, bundle="new", now=T1, probes=PROBES)
    after = result.assessment.answers
    assert after[a].provenance == "proposed" and after[a].status is Status.not_met
    renewed = after[a].proposal
    assert renewed is not None and renewed.bundle == "new"
    assert after[b] == start.answers[b] and after[c] == start.answers[c]
    assert after[d] == Answer() and result.withdrawn == [d]
    assert result.proposed == {a: "automated", e: "assisted"} and result.replaced == [a]
    assert result.proposed_by_class() == {"automated": 1, "assisted": 1}
    assert sorted(result.kept) == sorted([b, c])
    found = {x.requirement: (x.provenance, x.answer, x.evidence) for x in result.disagreements}
    assert found == {b: ("confirmed", "met", "not_met"), c: ("answered", "partial", "met")}
    assert found and all(x.records for x in result.disagreements)


def test_reason_is_one_line_in_both_languages_with_percent() -> None:
    text = reason(_decision("P1.X", "met", value=1.0), PROBES)
    assert text.en == "Share of runs that log a dataset input: 100% ≥ 90% (tracking)"
    assert text.zh == "记录数据集输入的运行占比：100% ≥ 90%（tracking）"
    failing = reason(_decision("P1.X", "not_met", value=0.5), PROBES)
    assert failing.en == "Share of runs that log a dataset input: 50%, needs ≥ 90% (tracking)"

    many = EvidenceDecision(
        requirement="P1.X",
        status="not_met",
        verdict="not_met",
        checks=[
            ExpectationCheck(
                probe="git.tools", op="contains", expected="dvc", target=f"repo-{n}\nnext line",
                actual=[f"tool {k}" for k in range(10)], holds=False, record=f"ev-{n}",
            )
            for n in range(40)
        ],
    )  # fmt: skip
    long = reason(many, {})
    for line in (long.zh, long.en):
        assert "\n" not in line and len(line) <= REASON_MAX
    assert "more" in long.en and "项" in long.zh  # what did not fit is counted
    assert "git.tools" in long.en  # an unknown probe is named by its id


# --- merging proposals, confirmations and overrides into scores ------------------------------------------------


def test_assisted_evidence_fails_flags_a_person_who_said_met() -> None:
    rid = IDS[0]
    decisions = {rid: _decision(rid, "not_met", "assisted", value=0.2)}
    merged = merge(PART1, {rid: Answer(status=Status.met, answered_by="Li")}, decisions)
    outcome = merged.outcomes[rid]
    assert (outcome.status, outcome.provenance) == ("not_met", "evidence")
    assert [(c.requirement, c.manual, c.evidence) for c in merged.conflicts] == [(rid, "met", "not_met")]


def test_assisted_passing_evidence_counts_only_once_confirmed() -> None:
    rid = IDS[0]
    decisions = {rid: _decision(rid, "met", "assisted")}
    drafted = draft(PART1, _assessment({}), decisions, bundle="b", now=T0, probes=PROBES).assessment
    proposed = merge(PART1, drafted.answers, decisions).outcomes[rid]
    assert (proposed.status, proposed.provenance, proposed.proposed) == ("unknown", "proposed", "met")
    assert proposed.evidence == decisions[rid].records
    confirmed_answer = drafted.answers[rid].model_copy(update={"confirmed_by": "王", "confirmed_at": T1})
    confirmed = merge(PART1, {rid: confirmed_answer}, decisions).outcomes[rid]
    assert (confirmed.status, confirmed.provenance, confirmed.by, confirmed.at) == ("met", "confirmed", "王", T1)
    assert merge(PART1, {rid: confirmed_answer}, {}).outcomes[rid].status == "met"  # without the bundle too
    person = merge(PART1, {rid: Answer(status=Status.met)}, decisions).outcomes[rid]
    assert (person.status, person.provenance) == ("met", "answered")


def test_automated_verdict_decides_unless_overridden_with_a_reason() -> None:
    rid, other = IDS[0], IDS[1]
    decisions = {rid: _decision(rid, "not_met"), other: _decision(other, "met")}
    overridden = Answer(status=Status.met, override_reason="指标来自测试环境", answered_by="Li", answered_at=T1)
    answers = {rid: overridden, other: Answer(status=Status.not_met)}
    merged = merge(PART1, answers, decisions)
    won = merged.outcomes[rid]
    assert (won.status, won.provenance, won.override_reason, won.by, won.at) == (
        "met", "overridden", "指标来自测试环境", "Li", T1,
    )  # fmt: skip
    assert (merged.outcomes[other].status, merged.outcomes[other].provenance) == ("met", "evidence")
    assert [c.requirement for c in merged.conflicts] == [other]  # the override is not a conflict


def test_result_tallies_provenance(part1) -> None:
    from assessors.workflow import OpenAssessment

    a, b, c = IDS[:3]
    answers = {
        a: Answer(status=Status.met, source="evidence", proposal=_proposal("met", "assisted")),
        b: Answer(status=Status.partial),
        c: Answer(status=Status.not_met, proposal=_proposal("met"), override_reason="r"),
    }
    opened = OpenAssessment(_assessment(answers), part1, None, Path("x.yaml"))  # type: ignore[arg-type]
    result = opened.score()
    total = len(list(PART1.requirements()))
    assert result.provenance == {
        "evidence": 0, "confirmed": 0, "proposed": 1, "answered": 1, "overridden": 1, "unanswered": total - 3,
    }  # fmt: skip
    from reports.exports import result_json

    assert json.loads(result_json([result]))["provenance"] == result.provenance  # what `assess -f json` prints


# --- the Answer model's rules ------------------------------------------------------------------------------------


def test_answer_rules() -> None:
    with pytest.raises(ValidationError, match="override_reason"):
        Answer(status=Status.met, proposal=_proposal("not_met"))  # against the proposal, without a reason
    with pytest.raises(ValidationError, match="override_reason"):
        Answer(status=Status.met, proposal=_proposal("not_met"), override_reason=" \t ")
    with pytest.raises(ValidationError, match="proposal's status"):
        Answer(status=Status.met, source="evidence", proposal=_proposal("not_met"))
    with pytest.raises(ValidationError, match="needs its proposal"):
        Answer(status=Status.met, source="evidence")
    with pytest.raises(ValidationError, match="confirmed_by"):
        Answer(status=Status.met, confirmed_by="x")
    assert Answer().provenance == "unanswered"
    assert Answer(status=Status.met, proposal=_proposal("met")).provenance == "answered"
    assert Answer(status=Status.met, proposal=_proposal("not_met"), override_reason="r").provenance == "overridden"


# --- files -----------------------------------------------------------------------------------------------------

ODD = "a: b #c\n- x \u2028 '\"|>&* \x1b[31m \u202e 需求 🚀 null"


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_questionnaire_with_proposals_reads_back(tmp_path: Path, suffix: str) -> None:
    a, b, c = IDS[:3]
    proposal = Proposal(
        status="not_met",
        verification="assisted",
        records=["ev-1", ODD],
        reason=LocalizedText(zh=f"数据版本工具：无，要求有值（仓库 {ODD}）", en=f"Data tools: none ({ODD})"),
        bundle=None,
        proposed_at=T0,
    )
    answers = {
        a: Answer(status=Status.not_met, source="evidence", proposal=proposal, confirmed_by=ODD, confirmed_at=T1),
        b: Answer(status=Status.met, proposal=proposal, override_reason=f"理由：{ODD}", answered_by="李", note=ODD),
        c: Answer(status=Status.not_met, source="evidence", proposal=proposal),
    }
    written = _assessment(answers)
    path = tmp_path / f"q{suffix}"
    save_assessment(written, path, PART1, "zh")
    back = load_assessment(path)
    assert {rid: back.answers[rid] for rid in answers} == answers
    assert back.answers[b].provenance == "overridden" and back.answers[a].provenance == "confirmed"


def test_a_file_without_drafting_keeps_its_shape(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    save_assessment(_assessment({IDS[0]: Answer(status=Status.met)}), path)
    text = path.read_text(encoding="utf-8")
    assert "source" not in text and "proposal" not in text and "override_reason" not in text
    assert load_assessment(path).answers[IDS[0]] == Answer(status=Status.met)


def test_draft_result_is_json_ready() -> None:
    result = draft(PART1, _assessment({}), {IDS[0]: _decision(IDS[0], "met")}, bundle=None, now=T0, probes=PROBES)
    assert DraftResult.model_validate_json(result.model_dump_json()) == result

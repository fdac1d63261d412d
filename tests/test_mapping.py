"""Hand-checked readings of small CAICT assessments against Google's and Microsoft's levels and the ML Test Score.

Each case sets the statuses of the requirements the mapping files name (read from the files by hand) and states the
level or points that follow from the mapping rules, worked out by hand beside the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pytest

from assessors.assessment import Answer, Proposal, Status
from assessors.evidence import EvidenceDecision, merge
from assessors.mapping import MappedResult, Part, band, derive
from assessors.scoring import score
from capability_model.catalog import UnknownFrameworkError, resolve
from capability_model.reference_models import load_bundled
from capability_model.schema import Framework, LocalizedText

MET, NOT_MET = Status.met, Status.not_met
Verdict = Literal["met", "not_met"]


def _framework(ref: str) -> Framework:
    return resolve(ref).framework


def _part(
    framework: Framework,
    answers: dict[str, Status] | None = None,
    evidence: dict[str, Verdict] | None = None,
    drafted: dict[str, Verdict] | None = None,
) -> Part:
    """A part scored the way `assess` scores it: people's answers, evidence verdicts and confirmed proposals."""
    given = {rid: Answer(status=s) for rid, s in (answers or {}).items()}
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    for rid, status in (drafted or {}).items():
        req = framework.requirement_index()[rid][1]
        proposal = Proposal(
            status=status,
            verification="automated" if req.verification_class.value == "automated" else "assisted",
            records=["r1"],
            reason=LocalizedText(zh="检查通过", en="check passed"),
            proposed_at=now,
        )
        given[rid] = Answer(
            status=Status(status), source="evidence", proposal=proposal, confirmed_by="Chen Jing", confirmed_at=now
        )
    decisions = {
        rid: EvidenceDecision(requirement=rid, status=v, checks=[], verification="automated", verdict=v)
        for rid, v in (evidence or {}).items()
    }
    merged = merge(framework, given, decisions)
    result = score(framework, merged.statuses(), 3)
    return framework, result.model_copy(update={"requirements": list(merged.outcomes.values())})


def _read(model_id: str, *parts: Part) -> MappedResult:
    model, mapping = load_bundled(model_id)
    return derive(model.model, mapping.mapping, parts)


def _state(result: MappedResult, cid: str) -> str:
    return next(c.state for c in result.criteria if c.id == cid)


# Every requirement named by Google's level-1 criteria (mapping-google-mlops-caict.yaml), Part 1 and Part 2.
GOOGLE_LEVEL1_P1 = [
    "P1.MD.MT.01.R04",  # G1.PIPELINE, G1.MODULAR (subset)
    "P1.MD.MT.01.R06",  # G1.PIPELINE (subset)
    "P1.MD.MT.01.R09",  # G1.CT (subset)
    "P1.MD.MB.03.R04",  # G1.MODULAR (subset)
    "P1.MD.MT.01.R07",  # G1.DATA_VALIDATION (subset)
    "P1.MD.ES.04.R09",  # G1.MODEL_VALIDATION (equal)
    "P1.MD.MT.04.R04",  # G1.METADATA (subset)
    "P1.MD.MB.01.R08",  # G1.METADATA (subset)
    "P1.MD.MT.02.R03",  # G1.METADATA (subset)
]
GOOGLE_LEVEL1_P2 = ["P2.DR.CD.03.R07"]  # G1.MODEL_CD (equal)


def test_google_level_1_when_every_level_1_criterion_is_met_and_source_control_is_not() -> None:
    p1 = _part(_framework("caict-mlops-p1"), {r: MET for r in GOOGLE_LEVEL1_P1} | {"P1.MD.MB.01.R04": NOT_MET})
    p2 = _part(_framework("caict-mlops-p2"), {r: MET for r in GOOGLE_LEVEL1_P2})
    result = _read("google-mlops", p1, p2)
    # G2.SOURCE_CONTROL is `equal` to P1.MD.MB.01.R04, which is not met: level 2 is out of reach.
    assert (result.level, result.level_upper) == (1, 1)
    assert _state(result, "G2.SOURCE_CONTROL") == "not_met"
    assert [lv.met for lv in result.levels] == [7, 0]


def test_google_level_1_with_level_2_still_open_names_what_to_answer() -> None:
    p1 = _part(_framework("caict-mlops-p1"), {r: MET for r in GOOGLE_LEVEL1_P1})
    p2 = _part(_framework("caict-mlops-p2"), {r: MET for r in GOOGLE_LEVEL1_P2})
    result = _read("google-mlops", p1, p2)
    assert (result.level, result.level_upper) == (1, 2)
    source_control = next(c for c in result.criteria if c.id == "G2.SOURCE_CONTROL")
    assert (source_control.state, source_control.reason, source_control.open) == (
        "undecided",
        "unanswered",
        ["P1.MD.MB.01.R04"],
    )
    assert {c.id for c in result.undecided} == {
        "G2.SOURCE_CONTROL",
        "G2.PIPELINE_CI",
        "G2.PIPELINE_CD",
        "G2.MODEL_REGISTRY",
        "G2.MONITORING",
    }


def test_a_subset_target_not_met_decides_nothing_and_part3_then_decides() -> None:
    # G1.CT: subset P1.MD.MT.01.R09 (not met: decides nothing), superset P3.CT.RT.02.R03 (Part 3 not given).
    answers = {r: MET for r in GOOGLE_LEVEL1_P1} | {"P1.MD.MT.01.R09": NOT_MET}
    p1 = _part(_framework("caict-mlops-p1"), answers)
    p2 = _part(_framework("caict-mlops-p2"), {r: MET for r in GOOGLE_LEVEL1_P2})
    result = _read("google-mlops", p1, p2)
    ct = next(c for c in result.criteria if c.id == "G1.CT")
    assert (ct.state, ct.reason, ct.open) == ("undecided", "not_assessed", ["P3.CT.RT.02.R03"])
    assert (result.level, result.level_upper) == (0, 2)
    try:
        p3_framework = _framework("caict-mlops-p3")
    except UnknownFrameworkError:
        pytest.skip("Part 3 is not bundled")
    p3 = _part(p3_framework, {"P3.CT.RT.02.R03": NOT_MET})
    result = _read("google-mlops", p1, p2, p3)
    # With Part 3, the superset relation decides: no retraining pipeline, no continuous training.
    assert _state(result, "G1.CT") == "not_met"
    assert (result.level, result.level_upper) == (0, 0)


def test_two_relations_that_disagree_leave_the_criterion_undecided() -> None:
    # G1.DATA_VALIDATION: subset P1.MD.MT.01.R07 (met: decides met), equal P1.DE.DX.02.R06 (not met: not met).
    p1 = _part(_framework("caict-mlops-p1"), {"P1.MD.MT.01.R07": MET, "P1.DE.DX.02.R06": NOT_MET})
    result = _read("google-mlops", p1)
    found = next(c for c in result.criteria if c.id == "G1.DATA_VALIDATION")
    assert (found.state, found.reason) == ("undecided", "conflict")


# Microsoft's level 1 and 2 criteria and the requirements they name (mapping-microsoft-mlops-caict.yaml).
MS_LEVEL1 = [
    "P1.DE.DC.01.R04",  # M1.DATA_PIPELINE (equal)
    "P2.CI.BM.01.R04",  # M1.AUTOMATED_BUILD (equal)
    "P2.CM.VM.01.R01",  # M1.CODE_VC (equal), M2.MODEL_VC, M2.SCORING_TESTS
    "P2.MT.TE.02.R02",  # M1.APP_UNIT_TESTS (subset)
    "P2.MT.TE.03.R01",  # M1.APP_UNIT_TESTS (subset)
    "P2.CI.CI.02.R01",  # M1.MODEL_INTEGRATION_TESTS (equal)
    "P2.DR.CD.02.R03",  # M1.AUTOMATED_RELEASE (equal)
]
MS_LEVEL2 = [
    "P1.MD.MT.01.R01",  # M2.PEOPLE_REPEATABLE_JOBS (superset)
    "P1.MD.MT.01.R04",  # M2.MANAGED_COMPUTE (subset)
    "P1.MD.MB.01.R05",  # M2.AUTOMATED_TRAINING (equal)
    "P1.MD.MT.02.R03",  # M2.EXPERIMENT_TRACKING (equal)
    "P1.MD.ES.01.R04",  # M2.MODEL_VC (subset)
    "P2.MT.TE.02.R01",  # M2.SCORING_TESTS (subset)
    "P2.MT.TE.03.R02",  # M2.SCORING_TESTS (subset)
    "P2.CM.EM.02.R04",  # M2.MANAGED_ENVIRONMENTS (equal)
]


def _ms_parts(extra: dict[str, Status]) -> tuple[Part, Part]:
    statuses = {r: MET for r in MS_LEVEL1 + MS_LEVEL2} | extra
    p1 = _part(_framework("caict-mlops-p1"), {r: s for r, s in statuses.items() if r.startswith("P1.")})
    p2 = _part(_framework("caict-mlops-p2"), {r: s for r, s in statuses.items() if r.startswith("P2.")})
    return p1, p2


def test_microsoft_level_1_certain_and_2_possible_when_only_the_people_criterion_is_open() -> None:
    # Level 2's people criterion is a superset relation: its targets met decide nothing, so level 2 stays possible;
    # P2.DR.CD.02.R06 not met decides two level-3 criteria not met: M3.AUTOMATIC_RELEASE (equal) and
    # M3.PEOPLE_INTEGRATION (superset); level 3 is out of reach.
    result = _read("microsoft-mlops", *_ms_parts({"P2.DR.CD.02.R06": NOT_MET}))
    assert (result.level, result.level_upper) == (1, 2)
    people = next(c for c in result.criteria if c.id == "M2.PEOPLE_REPEATABLE_JOBS")
    assert (people.state, people.reason) == ("undecided", "one_way")
    assert [(lv.level, lv.met, lv.not_met) for lv in result.levels[:3]] == [(1, 6, 0), (2, 6, 0), (3, 0, 2)]


def test_microsoft_people_criterion_decided_not_met_by_its_superset_targets() -> None:
    result = _read("microsoft-mlops", *_ms_parts({"P1.MD.MT.01.R01": NOT_MET}))
    assert _state(result, "M2.PEOPLE_REPEATABLE_JOBS") == "not_met"
    assert (result.level, result.level_upper) == (1, 1)


def test_microsoft_intersects_only_criterion_is_always_undecided() -> None:
    p2 = _part(_framework("caict-mlops-p2"), {"P2.DR.CD.03.R05": MET})
    found = next(c for c in _read("microsoft-mlops", p2).criteria if c.id == "M4.ZERO_DOWNTIME")
    assert (found.state, found.reason) == ("undecided", "intersects_only")


def test_ml_test_score_points_sections_and_final_score() -> None:
    p1 = _part(
        _framework("caict-mlops-p1"),
        answers={
            "P1.DE.FE.01.R05": MET,  # DATA.2 equal, by a person: 0.5
            "P1.DE.FE.02.R09": MET,  # DATA.6 subset, by a person: 0.5
            "P1.MD.MT.01.R10": NOT_MET,  # MONITOR.4 equal: 0
        },
        evidence={
            "P1.DE.DX.02.R04": "met",  # DATA.1 equal, by evidence: 1
            "P1.MD.ES.02.R10": "met",  # MODEL.2 equal, by evidence: 1
            "P1.MD.MT.03.R03": "met",  # MODEL.3 subset with R04, both by evidence: 1
            "P1.MD.MT.03.R04": "met",
            "P1.MD.MT.02.R06": "met",  # INFRA.1 subset, by evidence: 1
        },
    )
    p2 = _part(
        _framework("caict-mlops-p2"),
        answers={
            "P2.MT.TE.02.R02": NOT_MET,  # DATA.7 superset: not met, 0
            "P2.CM.VM.01.R01": MET,  # MODEL.1 subset with VM.02.R04: one by a person, so 0.5
            "P2.MT.TE.01.R09": MET,  # MODEL.7 subset, by a person: 0.5
            "P2.DR.CD.02.R05": MET,  # INFRA.7 equal, by a person: 0.5
            "P2.DR.RL.03.R08": MET,  # MONITOR.7 equal, by a person: 0.5
        },
        evidence={
            "P2.CM.VM.02.R04": "met",
            "P2.MT.TE.03.R07": "met",  # INFRA.4 equal, by evidence: 1
        },
    )
    result = _read("ml-test-score", p1, p2)
    points = {c.id: c.points for c in result.criteria if c.state != "undecided"}
    assert points == {
        "DATA.1": 1.0,
        "DATA.2": 0.5,
        "DATA.6": 0.5,
        "DATA.7": 0.0,
        "MODEL.1": 0.5,
        "MODEL.2": 1.0,
        "MODEL.3": 1.0,
        "MODEL.7": 0.5,
        "INFRA.1": 1.0,
        "INFRA.4": 1.0,
        "INFRA.7": 0.5,
        "MONITOR.4": 0.0,
        "MONITOR.7": 0.5,
    }
    # Sections: DATA 2.0 (3 undecided), MODEL 3.0 (3), INFRA 2.5 (4), MONITOR 0.5 (5); upper adds 1 per undecided.
    assert [(s.id, s.points, s.upper) for s in result.sections] == [
        ("DATA", 2.0, 5.0),
        ("MODEL", 3.0, 6.0),
        ("INFRA", 2.5, 6.5),
        ("MONITOR", 0.5, 5.5),
    ]
    assert (result.score, result.score_upper) == (0.5, 5.0)
    reasons = {c.id: c.reason for c in result.undecided}
    assert reasons["DATA.3"] == reasons["DATA.4"] == reasons["MONITOR.3"] == "intersects_only"
    assert reasons["MODEL.4"] == "not_assessed"  # mapped onto Part 3 only
    assert reasons["INFRA.2"] == "unanswered"


def test_a_confirmed_proposal_counts_as_automated_only_for_an_automated_requirement() -> None:
    fw = _framework("caict-mlops-p1")
    # DATA.1 -> P1.DE.DX.02.R04 (automated class); INFRA.1 -> P1.MD.MT.02.R06 (assisted class).
    assert fw.requirement_index()["P1.DE.DX.02.R04"][1].verification_class.value == "automated"
    assert fw.requirement_index()["P1.MD.MT.02.R06"][1].verification_class.value == "assisted"
    p1 = _part(fw, drafted={"P1.DE.DX.02.R04": "met", "P1.MD.MT.02.R06": "met"})
    points = {c.id: c.points for c in _read("ml-test-score", p1).criteria}
    assert (points["DATA.1"], points["INFRA.1"]) == (1.0, 0.5)


def test_a_criterion_with_no_relation_is_listed_as_such() -> None:
    model, mapping = load_bundled("google-mlops")
    fewer = mapping.mapping.model_copy(
        update={"mappings": [e for e in mapping.mapping.mappings if e.source != "G2.MODEL_REGISTRY"]}
    )
    result = derive(model.model, fewer, [_part(_framework("caict-mlops-p1"))])
    found = next(c for c in result.criteria if c.id == "G2.MODEL_REGISTRY")
    assert (found.state, found.reason, found.entries) == ("undecided", "no_mapping", [])


def test_not_applicable_targets_decide_nothing() -> None:
    p1 = _part(_framework("caict-mlops-p1"), {"P1.MD.MB.01.R04": Status.not_applicable})
    found = next(c for c in _read("google-mlops", p1).criteria if c.id == "G2.SOURCE_CONTROL")
    assert (found.state, found.reason) == ("undecided", "not_applicable")


@pytest.mark.parametrize(
    ("score", "meaning"),
    [
        (0.0, "More a research project than a production system."),
        (0.5, "Not entirely untested, but reliability may have serious gaps."),
        (1.0, "Not entirely untested, but reliability may have serious gaps."),
        (2.5, "Reasonably tested, though more tests and procedures could be automated."),
        (5.0, "Strong automated testing and monitoring, fit for business-critical systems."),
        (5.5, "Exceptional automated testing and monitoring."),
    ],
)
def test_a_final_score_is_read_against_the_papers_bands(score: float, meaning: str) -> None:
    model = load_bundled("ml-test-score")[0].model
    found = band(model, score)
    assert found is not None and model.bands[found].meaning.en == meaning

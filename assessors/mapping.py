"""Read a scored CAICT assessment against another maturity model through a mapping file (pure functions).

Rules:
- a mapping entry looks at its target requirements together: not met when any is `not_met` or `partial`; met when
  every applicable one is `met`; not applicable when none applies; otherwise open (unanswered or not assessed);
- the relationship decides what that means for the source criterion: equal decides both ways, subset only "met"
  (the targets demand at least as much), superset only "not met" (the criterion demands more), intersects neither;
- a criterion is met when an entry decides it met, not met when one decides it not met, and undecided otherwise
  (also when two entries disagree); every undecided criterion carries its reason and the requirements still open;
- levels (Google, Microsoft): the level is the highest one whose criteria, and those of every level below, are all
  met; `level_upper` is where it would stand if every undecided criterion were met;
- ML Test Score: a met test earns 1 point when every requirement that decided it was decided by automated evidence
  (provenance `evidence`, or a `confirmed` proposal of an automated requirement), else 0.5; a section's points are
  summed and the final score is the lowest section sum; the upper figures count every undecided test as 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from assessors.results import AssessmentResult, RequirementOutcome
from capability_model.reference_models import (
    AUTOMATED_POINTS,
    MANUAL_POINTS,
    MappingEntry,
    MappingSet,
    ReferenceModel,
    Relationship,
    resolve_target,
)
from capability_model.schema import Framework, Verification

CriterionState = Literal["met", "not_met", "undecided"]
TargetState = Literal["met", "not_met", "not_applicable", "open"]
# Why a criterion is undecided, most useful first:
# unanswered      mapped requirements are still unanswered (answer them to decide it)
# not_assessed    mapped requirements belong to a part, or a version, that was not given
# not_applicable  every mapped requirement is not applicable
# one_way         the relationship decides only the other outcome (subset not met, superset met)
# intersects_only every relation is a partial overlap, which decides nothing
# conflict        one relation says met, another not met
# no_mapping      no CAICT requirement is mapped to it
UndecidedReason = Literal[
    "unanswered", "not_assessed", "not_applicable", "one_way", "intersects_only", "conflict", "no_mapping"
]
_DECIDES_MET = {Relationship.equal, Relationship.subset}
_DECIDES_NOT_MET = {Relationship.equal, Relationship.superset}


class EntryOutcome(BaseModel):
    """What one mapping entry says, from the state of its targets."""

    relationship: Relationship
    strength: int
    targets: list[str]
    requirements: list[str]  # the requirement ids the targets stand for in the assessed parts
    state: TargetState
    open: list[str]  # requirements unanswered or not assessed
    verdict: Literal["met", "not_met"] | None
    automated: bool  # every requirement that decided it met was decided by automated evidence


class CriterionResult(BaseModel):
    id: str
    group: str  # the level number as text, or the section id
    state: CriterionState
    reason: UndecidedReason | None = None
    open: list[str] = []  # requirements that would decide it once answered or assessed
    automated: bool = False
    points: float | None = None  # ML Test Score only
    entries: list[EntryOutcome] = []


class LevelResult(BaseModel):
    level: int
    met: int
    not_met: int
    undecided: int


class SectionScore(BaseModel):
    id: str
    points: float
    upper: float  # with every undecided test counted as 1 point


class MappedResult(BaseModel):
    """One CAICT assessment read against another model: its level or score, and what the mapping cannot decide."""

    model: str  # reference model id@version
    mapping: str  # mapping id@version
    assessed: list[str]  # the CAICT parts given, id@version
    scoring: Literal["cumulative_levels", "test_score"]
    level: int | None = None
    level_upper: int | None = None
    levels: list[LevelResult] = []
    score: float | None = None
    score_upper: float | None = None
    sections: list[SectionScore] = []
    criteria: list[CriterionResult]

    @property
    def undecided(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.state == "undecided"]


Part = tuple[Framework, AssessmentResult]


def _evidence_decided(outcome: RequirementOutcome, framework: Framework) -> bool:
    """Decided by automated evidence: by the evidence itself, or a confirmed proposal of an automated requirement."""
    if outcome.provenance == "evidence":
        return True
    if outcome.provenance != "confirmed":
        return False
    found = framework.requirement_index().get(outcome.id)
    return found is not None and found[1].verification_class is Verification.automated


def _entry_outcome(
    entry: MappingEntry, outcomes: dict[str, tuple[RequirementOutcome, Framework]], frameworks: list[Framework]
) -> EntryOutcome:
    requirements: list[str] = []
    missing: list[str] = []
    for target in entry.targets:
        resolved = resolve_target(target, frameworks)
        if isinstance(resolved, str):
            missing.append(target)  # its part (or that version of it) was not assessed
        else:
            requirements += resolved
    states = {rid: outcomes[rid][0].status if rid in outcomes else "unknown" for rid in requirements}
    failing = [rid for rid, s in states.items() if s in ("not_met", "partial")]
    open_ = missing + [rid for rid, s in states.items() if s == "unknown"]
    state: TargetState
    if failing:
        state = "not_met"
    elif open_:
        state = "open"
    elif all(s == "not_applicable" for s in states.values()):
        state = "not_applicable"
    else:
        state = "met"
    verdict: Literal["met", "not_met"] | None = None
    if state == "met" and entry.relationship in _DECIDES_MET:
        verdict = "met"
    elif state == "not_met" and entry.relationship in _DECIDES_NOT_MET:
        verdict = "not_met"
    met = [rid for rid, s in states.items() if s == "met"]
    automated = verdict == "met" and all(_evidence_decided(*outcomes[rid]) for rid in met)
    return EntryOutcome(
        relationship=entry.relationship,
        strength=entry.strength,
        targets=list(entry.targets),
        requirements=requirements,
        state=state,
        open=open_,
        verdict=verdict,
        automated=automated,
    )


def _criterion(cid: str, group: str, entries: list[EntryOutcome]) -> CriterionResult:
    verdicts = {e.verdict for e in entries if e.verdict is not None}
    base = {"id": cid, "group": group, "entries": entries}
    if verdicts == {"met"}:
        return CriterionResult(**base, state="met", automated=any(e.automated for e in entries if e.verdict))
    if verdicts == {"not_met"}:
        return CriterionResult(**base, state="not_met")
    deciding = [e for e in entries if e.relationship is not Relationship.intersects]
    open_ = sorted({rid for e in deciding for rid in e.open})
    reason: UndecidedReason
    if verdicts:
        reason = "conflict"
    elif not entries:
        reason = "no_mapping"
    elif not deciding:
        reason = "intersects_only"
    elif any(e.state == "open" and any(r in e.requirements for r in e.open) for e in deciding):
        reason = "unanswered"
    elif any(e.state == "open" for e in deciding):
        reason = "not_assessed"
    elif all(e.state == "not_applicable" for e in deciding):
        reason = "not_applicable"
    else:
        reason = "one_way"
    return CriterionResult(**base, state="undecided", reason=reason, open=open_)


def _outcome_index(parts: Sequence[Part]) -> dict[str, tuple[RequirementOutcome, Framework]]:
    return {o.id: (o, fw) for fw, result in parts for o in result.requirements}


def derive(model: ReferenceModel, mapping: MappingSet, parts: Sequence[Part]) -> MappedResult:
    """Read scored CAICT parts (each with its requirement outcomes) against `model` through `mapping`."""
    if mapping.source != model.ref:
        raise ValueError(f"the mapping is for {mapping.source}, not {model.ref}")
    frameworks = [fw for fw, _ in parts]
    outcomes = _outcome_index(parts)
    by_source: dict[str, list[MappingEntry]] = {}
    for entry in mapping.mappings:
        by_source.setdefault(entry.source, []).append(entry)
    criteria = [
        _criterion(c.id, group, [_entry_outcome(e, outcomes, frameworks) for e in by_source.get(c.id, [])])
        for group, c in model.criteria()
    ]
    result = MappedResult(
        model=model.ref,
        mapping=f"{mapping.id}@{mapping.version}",
        assessed=[fw.ref for fw in frameworks],
        scoring=model.scoring,
        criteria=criteria,
    )
    if model.scoring == "cumulative_levels":
        return _with_levels(result, model)
    return _with_score(result, model)


def _with_levels(result: MappedResult, model: ReferenceModel) -> MappedResult:
    levels = []
    level = level_upper = 0
    sure = possible = True
    for lv in model.levels[1:]:
        states = [c.state for c in result.criteria if c.group == str(lv.level)]
        levels.append(
            LevelResult(
                level=lv.level,
                met=states.count("met"),
                not_met=states.count("not_met"),
                undecided=states.count("undecided"),
            )
        )
        sure = sure and all(s == "met" for s in states)
        possible = possible and "not_met" not in states
        level = lv.level if sure else level
        level_upper = lv.level if possible else level_upper
    return result.model_copy(update={"level": level, "level_upper": level_upper, "levels": levels})


def _with_score(result: MappedResult, model: ReferenceModel) -> MappedResult:
    criteria = []
    for c in result.criteria:
        points = 0.0
        if c.state == "met":
            points = AUTOMATED_POINTS if c.automated else MANUAL_POINTS
        criteria.append(c.model_copy(update={"points": points}))
    sections = []
    for section in model.sections:
        mine = [c for c in criteria if c.group == section.id]
        points = sum(c.points or 0.0 for c in mine)
        upper = points + sum(AUTOMATED_POINTS for c in mine if c.state == "undecided")
        sections.append(SectionScore(id=section.id, points=points, upper=upper))
    return result.model_copy(
        update={
            "criteria": criteria,
            "sections": sections,
            "score": min(s.points for s in sections),
            "score_upper": min(s.upper for s in sections),
        }
    )


def band(model: ReferenceModel, score: float) -> int | None:
    """The index of the score band a final score falls in (None when the model has no bands)."""
    for n, b in enumerate(model.bands):
        if (b.above is None or score > b.above) and (b.up_to is None or score <= b.up_to):
            return n
    return None

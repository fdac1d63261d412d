"""Let collected evidence decide the requirements that carry probe expectations.

Rules:
- a requirement with expectations is decided by evidence: met when every expectation holds on every target that
  reported its probe; not met when an expectation fails on data that was actually collected; an `any_of` group
  accepts whichever alternative system was probed; for an `assisted` requirement passing evidence only supports the
  manual answer, while failing evidence still means not met;
- evidence that is unavailable, in error or missing decides nothing: the requirement falls back to the manual answer,
  and stays unknown without one (never "not met" because a server was down);
- manual answers decide every other requirement; where a manual answer contradicts the evidence, the evidence wins
  and the conflict is listed (for an assisted requirement too, when its evidence fails);
- a person who answers against the evidence with a stated reason (`override_reason`) overrides it: the answer
  stands and is reported as overridden, not as a conflict;
- an answer drafted from evidence (`source: evidence`) counts once a person confirmed it; unconfirmed, it is shown
  as proposed and counts as unknown (where evidence decides, the evidence counts of course);
- in audit mode a manual `met` counts only when the answer cites evidence.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel

from assessors.assessment import Answer, Status
from assessors.results import Conflict, RequirementOutcome
from capability_model.schema import AnyOf, Framework, Operator, ProbeExpectation, Verification
from evidence_collectors.records import EvidenceRecord, EvidenceStatus


class ExpectationCheck(BaseModel):
    probe: str
    op: str
    expected: Any
    target: str | None
    actual: Any
    holds: bool | None  # None: no usable value
    record: str | None  # evidence record id


class EvidenceDecision(BaseModel):
    requirement: str
    status: Literal["met", "not_met"] | None  # None: evidence does not decide (missing, unavailable, or only supports)
    checks: list[ExpectationCheck]
    verification: Literal["automated", "assisted"] = "automated"
    verdict: Literal["met", "not_met"] | None = None  # what the checks say, whether or not that decides (assisted)

    @property
    def records(self) -> list[str]:
        return sorted({c.record for c in self.checks if c.record})


class MergedStatuses(BaseModel):
    outcomes: dict[str, RequirementOutcome]
    conflicts: list[Conflict]
    decisions: dict[str, EvidenceDecision]

    def statuses(self) -> dict[str, Status | None]:
        return {rid: (None if o.status == "unknown" else Status(o.status)) for rid, o in self.outcomes.items()}


_COMPARE: dict[Operator, Callable[[Any, Any], bool]] = {
    Operator.eq: operator.eq,
    Operator.ne: operator.ne,
    Operator.ge: operator.ge,
    Operator.le: operator.le,
    Operator.gt: operator.gt,
    Operator.lt: operator.lt,
}


def expectation_holds(expectation: ProbeExpectation, value: Any) -> bool:
    """Apply one expectation to one collected value."""
    if expectation.op is Operator.exists:
        return value is not None and value is not False and value != [] and value != ""
    if value is None:
        return False
    if expectation.op is Operator.contains:
        if isinstance(value, list):
            return expectation.value in value
        return str(expectation.value) in str(value)
    try:
        return bool(_COMPARE[expectation.op](value, expectation.value))
    except TypeError:
        return False


def _check(expectation: ProbeExpectation, found: list[EvidenceRecord]) -> list[ExpectationCheck]:
    """One check per target that reported the probe; a single undecided check when no usable value exists."""
    usable = [r for r in found if r.status is EvidenceStatus.ok]
    common = {"probe": expectation.probe, "op": expectation.op.value, "expected": expectation.value}
    if not usable:
        reason = "; ".join(sorted({f"{r.target}: {r.status.value} ({r.reason})" for r in found})) or "not collected"
        return [
            ExpectationCheck(**common, target=None, actual=reason, holds=None, record=found[0].id if found else None)
        ]
    return [
        ExpectationCheck(
            **common, target=r.target, actual=r.value, holds=expectation_holds(expectation, r.value), record=r.id
        )
        for r in usable
    ]


def _group_holds(checks: list[ExpectationCheck], across: str = "all") -> bool | None:
    """Every target (or, with across=any, at least one) must hold; undecided when none had a usable value."""
    if across == "any":
        if any(c.holds is True for c in checks):
            return True
        return None if all(c.holds is None for c in checks) else False
    if any(c.holds is False for c in checks):
        return False
    return None if any(c.holds is None for c in checks) else True


def decide(framework: Framework, records: Iterable[EvidenceRecord]) -> dict[str, EvidenceDecision]:
    """Evidence verdicts for every requirement that has expectations.

    Expectations are all required; an `any_of` group holds when any alternative that was collected holds (so a
    requirement can be checked on GitHub or on GitLab, whichever the organisation uses). An `assisted`
    requirement can be failed by evidence but not passed by it alone.
    """
    by_probe: dict[str, list[EvidenceRecord]] = defaultdict(list)
    for record in records:
        by_probe[record.probe].append(record)
    decisions: dict[str, EvidenceDecision] = {}
    for _, req in framework.requirements():
        if not req.expectations:
            continue
        checks: list[ExpectationCheck] = []
        outcomes: list[bool | None] = []
        for exp in req.expectations:
            if isinstance(exp, AnyOf):
                member_checks = [_check(m, by_probe.get(m.probe, [])) for m in exp.any_of]
                results = [_group_holds(c, m.across) for c, m in zip(member_checks, exp.any_of, strict=True)]
                checks += [c for group in member_checks for c in group]
                outcomes.append(True if True in results else (False if False in results else None))
            else:
                group = _check(exp, by_probe.get(exp.probe, []))
                checks += group
                outcomes.append(_group_holds(group, exp.across))
        assisted = req.verification_class is Verification.assisted
        verdict: Literal["met", "not_met"] | None
        if False in outcomes:
            verdict = "not_met"
        elif None in outcomes:
            verdict = None
        else:
            verdict = "met"
        decisions[req.id] = EvidenceDecision(
            requirement=req.id,
            status=None if assisted and verdict == "met" else verdict,
            checks=checks,
            verification="assisted" if assisted else "automated",
            verdict=verdict,
        )
    return decisions


def _person_outcome(req_id: str, answer: Answer, supporting: list[str], audit: bool) -> RequirementOutcome:
    """A person's own answer (or their override) decides."""
    manual = answer.status.value if answer.status else None
    status = manual
    if audit and manual == Status.met.value and not answer.evidence:
        status = None  # audit mode: an uncited claim is not counted
    return RequirementOutcome(
        id=req_id,
        status=status or "unknown",
        source="manual" if status else "none",
        evidence=[*supporting, *answer.evidence],
        manual=manual,
        provenance=answer.provenance if manual else "unanswered",
        by=answer.answered_by,
        at=answer.answered_at,
        override_reason=answer.override_reason,
        proposed=answer.proposal.status if answer.proposal else None,
    )


def _drafted_outcome(req_id: str, answer: Answer, supporting: list[str]) -> RequirementOutcome:
    """An answer drafted from evidence, where the current evidence does not decide: it counts once confirmed."""
    assert answer.proposal is not None and answer.status is not None  # guaranteed by Answer's validation
    confirmed = answer.confirmed_by is not None
    records = sorted({*supporting, *answer.proposal.records})
    return RequirementOutcome(
        id=req_id,
        status=answer.status.value if confirmed else "unknown",
        source="evidence" if confirmed else "none",
        evidence=[*records, *answer.evidence],
        manual=answer.status.value if confirmed else None,
        provenance="confirmed" if confirmed else "proposed",
        by=answer.confirmed_by,
        at=answer.confirmed_at,
        proposed=answer.proposal.status,
    )


def merge(
    framework: Framework, answers: Mapping[str, Answer], decisions: Mapping[str, EvidenceDecision], audit: bool = False
) -> MergedStatuses:
    """Combine evidence verdicts and answers into one status per requirement, saying who or what decided each."""
    outcomes: dict[str, RequirementOutcome] = {}
    conflicts: list[Conflict] = []
    for _, req in framework.requirements():
        answer = answers.get(req.id) or Answer()
        decision = decisions.get(req.id)
        # what a person said: their own answer, or a drafted answer they confirmed
        said = answer.status.value if answer.status and answer.provenance != "proposed" else None
        person = answer.source == "person"
        if decision and decision.status and said != Status.not_applicable.value and not answer.is_overridden:
            if said is not None and said != decision.status:
                conflicts.append(
                    Conflict(requirement=req.id, manual=said, evidence=decision.status, records=decision.records)
                )
            outcomes[req.id] = RequirementOutcome(
                id=req.id,
                status=decision.status,
                source="evidence",
                evidence=decision.records,
                manual=said,
                provenance="evidence",
                by=answer.confirmed_by,
                at=answer.confirmed_at,
                proposed=answer.proposal.status if answer.proposal else None,
            )
            continue
        supporting = decision.records if decision else []  # e.g. passing checks of an assisted requirement
        if person:
            outcomes[req.id] = _person_outcome(req.id, answer, supporting, audit)
        else:
            outcomes[req.id] = _drafted_outcome(req.id, answer, supporting)
    return MergedStatuses(outcomes=outcomes, conflicts=conflicts, decisions=dict(decisions))

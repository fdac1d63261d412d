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
- a proposal is a claim that evidence supports a verdict, and a file can be edited by hand: it is evidence-backed only
  when the bundle at hand bears it out — the requirement is checked by evidence in the proposal's class, the proposal
  was drafted from this bundle, the bundle's verdict is the proposal's status and every record it cites is in the
  bundle. Otherwise it is listed as unverified and counts as the answer of the person who confirmed it at most (not
  as confirmed evidence; its records are not citations); without a bundle, proposals are counted as not verifiable;
- in audit mode a manual `met` counts only when the answer cites evidence.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel

from assessors.assessment import Answer, Status
from assessors.results import Conflict, ProposalProblem, RequirementOutcome, UnverifiedProposal
from capability_model.schema import AnyOf, Framework, Operator, ProbeExpectation, Requirement, Verification
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


class BundleFacts(BaseModel):
    """What a proposal is checked against: the bundle's manifest hash and the ids of the records it holds."""

    manifest_sha256: str
    records: frozenset[str]


class MergedStatuses(BaseModel):
    outcomes: dict[str, RequirementOutcome]
    conflicts: list[Conflict]
    decisions: dict[str, EvidenceDecision]
    unverified: list[UnverifiedProposal] = []

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


def proposal_problem(
    req: Requirement, answer: Answer, decision: EvidenceDecision | None, bundle: BundleFacts | None
) -> tuple[ProposalProblem, str] | None:
    """Why the evidence at hand does not bear out a drafted answer's proposal (None: it does), with a short detail.

    Checked without a bundle: that evidence checks the requirement at all, in the proposal's class (a newer framework
    version may have moved it). With one: that the proposal was drafted from it, that its verdict is the proposal's
    status and that it holds every record the proposal cites.
    """
    proposal = answer.proposal
    if answer.source != "evidence" or proposal is None:
        return None
    if not req.expectations:
        return "not_checked", "no evidence check decides this requirement; a proposal for it cannot come from evidence"
    cls = "assisted" if req.verification_class is Verification.assisted else "automated"
    if proposal.verification != cls:
        return "class_changed", f"the proposal says {proposal.verification}, the requirement is now {cls}"
    if bundle is None:
        return "no_bundle", "no evidence bundle given to verify it against"
    if proposal.bundle is not None and proposal.bundle != bundle.manifest_sha256:
        return "other_bundle", (
            f"drafted from bundle {proposal.bundle[:16]}, not from this one ({bundle.manifest_sha256[:16]})"
        )
    verdict = decision.verdict if decision is not None else None
    if verdict is None:
        return "no_verdict", "this bundle gives no verdict for the requirement"
    if verdict != proposal.status:
        return "verdict_differs", f"this bundle's verdict is {verdict}, the proposal says {proposal.status}"
    if not proposal.records:
        return "records_missing", "the proposal cites no evidence record"
    missing = [r for r in proposal.records if r not in bundle.records]
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        return "records_missing", f"records not in this bundle: {shown}"
    return None


def _unverified_outcome(req_id: str, answer: Answer, supporting: list[str], audit: bool) -> RequirementOutcome:
    """A proposal the evidence does not bear out: a confirmation is the confirmer's own answer, nothing more."""
    assert answer.proposal is not None
    if answer.confirmed_by is None:
        return RequirementOutcome(
            id=req_id,
            status="unknown",
            source="none",
            evidence=[*supporting, *answer.evidence],
            manual=None,
            provenance="proposed",
            proposed=answer.proposal.status,
        )
    as_persons = Answer(status=answer.status, note=answer.note, evidence=answer.evidence)
    outcome = _person_outcome(req_id, as_persons, supporting, audit)
    return outcome.model_copy(
        update={"by": answer.confirmed_by, "at": answer.confirmed_at, "proposed": answer.proposal.status}
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
    framework: Framework,
    answers: Mapping[str, Answer],
    decisions: Mapping[str, EvidenceDecision],
    audit: bool = False,
    bundle: BundleFacts | None = None,
) -> MergedStatuses:
    """Combine evidence verdicts and answers into one status per requirement, saying who or what decided each.

    `bundle` is the bundle `decisions` come from; every drafted answer's proposal is checked against it (without it,
    proposals are listed as not verifiable and count as before).
    """
    outcomes: dict[str, RequirementOutcome] = {}
    conflicts: list[Conflict] = []
    unverified: list[UnverifiedProposal] = []
    for _, req in framework.requirements():
        answer = answers.get(req.id) or Answer()
        decision = decisions.get(req.id)
        problem = proposal_problem(req, answer, decision, bundle)
        if problem is not None:
            assert answer.proposal is not None
            unverified.append(
                UnverifiedProposal(
                    requirement=req.id,
                    proposed=answer.proposal.status,
                    confirmed_by=answer.confirmed_by,
                    problem=problem[0],
                    detail=problem[1],
                    evidence=decision.verdict if decision is not None and bundle is not None else None,
                )
            )
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
        elif problem is not None and (problem[0] != "no_bundle" or audit):  # audit mode counts nothing unverified
            outcomes[req.id] = _unverified_outcome(req.id, answer, supporting, audit)
        else:
            outcomes[req.id] = _drafted_outcome(req.id, answer, supporting)
        if answer.evidence:  # the answer's references in full, beside their labels in `evidence`
            outcomes[req.id].references = [cited.ref for cited in answer.evidence]
    return MergedStatuses(outcomes=outcomes, conflicts=conflicts, decisions=dict(decisions), unverified=unverified)

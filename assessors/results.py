"""What scoring produces: the shapes every output (CLI, JSON, reports, UI) renders, never recomputes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from assessors.check_results import CheckReport
from assessors.evidence_refs import EvidenceRef

RequirementState = Literal["met", "partial", "not_met", "not_applicable", "unknown"]


class FrameworkRef(BaseModel):
    id: str
    version: str
    sha256: str


class ItemResult(BaseModel):
    id: str
    level: int | None  # None: every requirement is not applicable
    blocking: list[str]  # applicable requirements not met at level + 1
    gap: list[str]  # applicable requirements not met at levels <= target
    counts: dict[RequirementState, int]


class SubdomainResult(BaseModel):
    id: str
    level: int | None
    score: float | None
    items: list[ItemResult]


class DomainResult(BaseModel):
    id: str
    level: int | None
    score: float | None
    subdomains: list[SubdomainResult]


class Overall(BaseModel):
    level: int | None
    score: float | None


class RoadmapStep(BaseModel):
    id: str
    item: str
    status: RequirementState
    effort: str | None = None  # S | M | L
    effort_source: Literal["framework", "probe"] | None = None  # the framework's estimate or the probes' remediation
    after: list[str] = []  # items it depends on that are not yet at this level (or of another part)


class RoadmapPhase(BaseModel):
    level: int
    requirements: list[RoadmapStep]
    closing: int = 0  # requirements of this phase and the earlier ones
    lifts_to: int | None = None  # the part's level once they are all met (rescored); None for an empty phase
    effort: dict[str, int] = {}  # requirements of this phase per effort size


# Who or what decided a requirement's verdict:
# evidence    collected evidence decided it (an automated check, or failing evidence of an assisted one)
# confirmed   a person confirmed an answer drafted from evidence
# answered    a person's own answer
# overridden  a person's answer given with a reason against the evidence; it stands
# proposed    a drafted answer nobody has confirmed yet: it counts as unknown
# unanswered  nothing decided it
OutcomeProvenance = Literal["evidence", "confirmed", "answered", "overridden", "proposed", "unanswered"]
PROVENANCES: tuple[OutcomeProvenance, ...] = (
    "evidence", "confirmed", "proposed", "answered", "overridden", "unanswered",
)  # fmt: skip


class RequirementOutcome(BaseModel):
    """The verdict used for one requirement and where it came from."""

    id: str
    status: RequirementState
    source: Literal["evidence", "manual", "none"]
    evidence: list[str]  # evidence record ids (source evidence) or the answer's cited references (source manual)
    manual: str | None  # the manual status, when one was given
    provenance: OutcomeProvenance = "unanswered"
    by: str | None = None  # who answered, confirmed or overrode it
    at: dt.datetime | None = None  # when they did
    override_reason: str = ""
    proposed: Literal["met", "not_met"] | None = None  # the drafted proposal's status, when the answer holds one
    references: list[EvidenceRef] = Field(
        default_factory=list, description="The answer's evidence references as structured records"
    )


class Conflict(BaseModel):
    """A manual answer that the collected evidence contradicts; the evidence decided."""

    requirement: str
    manual: str
    evidence: str
    records: list[str]


# Why a drafted answer's proposal is not borne out by the evidence at hand:
# no_bundle        no bundle was given to check it against (it counts as before, outside audit mode)
# not_checked      no evidence check decides the requirement, so no proposal can come from evidence
# class_changed    the requirement's verification class is no longer the proposal's (a newer framework version)
# other_bundle     it was drafted from another bundle
# no_verdict       the bundle gives no verdict for the requirement
# verdict_differs  the bundle's verdict is not the proposal's status
# records_missing  a record it cites is not in the bundle (or it cites none)
ProposalProblem = Literal[
    "no_bundle", "not_checked", "class_changed", "other_bundle", "no_verdict", "verdict_differs", "records_missing"
]


class UnverifiedProposal(BaseModel):
    """A drafted answer (`source: evidence`) that the evidence at hand does not bear out — possibly written by hand.

    Except for `no_bundle`, it counts as the answer of the person who confirmed it (provenance `answered`) at most,
    and not at all while unconfirmed.
    """

    requirement: str
    proposed: Literal["met", "not_met"]
    confirmed_by: str | None
    problem: ProposalProblem
    detail: str
    evidence: Literal["met", "not_met"] | None = None  # the bundle's verdict, when a bundle was given


class EvidenceSummary(BaseModel):
    manifest_sha256: str
    records: int
    ok: int
    unavailable: int
    error: int
    decided: int  # requirements decided by evidence


class AssessmentResult(BaseModel):
    framework: FrameworkRef
    target_level: int
    overall: Overall
    counts: dict[RequirementState, int]
    domains: list[DomainResult]
    roadmap: list[RoadmapPhase]
    requirements: list[RequirementOutcome] = []
    conflicts: list[Conflict] = []
    unverified: list[UnverifiedProposal] = []  # drafted answers the evidence at hand does not bear out
    evidence: EvidenceSummary | None = None
    audit: bool = False
    provenance: dict[OutcomeProvenance, int] = {}  # requirements per provenance, every provenance listed
    checks: CheckReport | None = None  # every automated check, its outcome, and what could not be checked

    @staticmethod
    def tally(outcomes: list[RequirementOutcome]) -> dict[OutcomeProvenance, int]:
        counts: dict[OutcomeProvenance, int] = dict.fromkeys(PROVENANCES, 0)
        for outcome in outcomes:
            counts[outcome.provenance] += 1
        return counts

    def items(self) -> list[ItemResult]:
        return [i for d in self.domains for s in d.subdomains for i in s.items]

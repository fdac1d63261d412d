"""Compare two assessments of one framework: what moved between them, and what in the newer one has grown old.

Pure functions over scored results. Both assessments are scored again on one basis, the newer framework version with
only the requirements both versions have (the others count as not applicable in both), so that a level never moves
only because a version added or dropped requirements; the requirements the versions do not share are listed from
the framework differ. With the same version on both sides the basis is the assessments' own scoring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from assessors.assessment import Assessment, Status
from assessors.results import AssessmentResult, RequirementState
from assessors.scoring import score
from capability_model.differ import diff_frameworks
from capability_model.schema import Framework
from evidence_collectors.records import EvidenceRecord

DEFAULT_STALE_AFTER_DAYS = 180  # half a year: older evidence is re-checked before it counts again

Direction = Literal["up", "down", "same", "added", "removed"]


@dataclass(frozen=True)
class Snapshot:
    """One scored assessment with what a comparison needs besides the result: its answers, dates and evidence."""

    label: str  # how the assessment is named in output (its file name)
    assessment: Assessment
    framework: Framework
    result: AssessmentResult
    records: Sequence[EvidenceRecord] = ()  # the records of the bundle it was scored with, if any

    @property
    def date(self) -> dt.date:
        """When the assessment was made: its completion, else its start."""
        return self.assessment.completed or self.assessment.started


class SnapshotInfo(BaseModel):
    label: str
    framework: str  # id@version
    organisation: str
    scope: str
    started: dt.date
    completed: dt.date | None
    level: int | None  # the overall level as the assessment itself scores (its own framework version)
    score: float | None


class LevelChange(BaseModel):
    """One node's level (and mean score) before and after; None where it is not applicable or absent."""

    id: str
    old: int | None
    new: int | None
    old_score: float | None = None
    new_score: float | None = None
    direction: Direction

    @property
    def changed(self) -> bool:
        return self.direction != "same" or self.old_score != self.new_score


class RequirementDelta(BaseModel):
    id: str
    item: str
    level: int
    old: RequirementState
    new: RequirementState


class StaleRecord(BaseModel):
    id: str
    probe: str
    target: str
    status: str
    collected_at: dt.datetime
    age_days: int


class StaleAnswer(BaseModel):
    id: str
    status: str
    by: str | None
    at: dt.datetime
    age_days: int


class VersionChange(BaseModel):
    """What the framework differ says between the two versions: only the shared requirements are compared."""

    old: str
    new: str
    requirements_added: list[str]
    requirements_removed: list[str]
    items_added: list[str]
    items_removed: list[str]
    shared: int  # requirements both versions have


class Comparison(BaseModel):
    framework: str  # the framework id both assess
    basis: str  # id@version the levels below are scored on
    old: SnapshotInfo
    new: SnapshotInfo
    versions: VersionChange | None  # None when both use the same version
    overall: LevelChange
    domains: list[LevelChange]
    subdomains: list[LevelChange]
    items: list[LevelChange]
    newly_met: list[RequirementDelta]
    lost: list[RequirementDelta]  # met before, now partial, not met or unknown
    newly_answered: list[RequirementDelta]  # unknown before, answered now
    changed: list[RequirementDelta]  # every requirement whose status differs
    stale_after_days: int
    reference_date: dt.date  # the newer assessment's completion (else the day of comparison)
    stale_records: list[StaleRecord]
    stale_answers: list[StaleAnswer]


class ComparisonError(ValueError):
    """The two assessments cannot be compared (another framework)."""


def _direction(old: int | None, new: int | None, old_present: bool = True, new_present: bool = True) -> Direction:
    if not old_present:
        return "added"
    if not new_present:
        return "removed"
    if old == new:
        return "same"
    return "up" if (new or 0) > (old or 0) else "down"


def _statuses(result: AssessmentResult, keep: Iterable[str]) -> dict[str, Status | None]:
    """The statuses a result was scored with (evidence verdicts included), limited to `keep`; the rest are out of
    the comparison (not applicable)."""
    kept = set(keep)
    statuses: dict[str, Status | None] = {}
    for outcome in result.requirements:
        if outcome.id not in kept:
            statuses[outcome.id] = Status.not_applicable
        else:
            statuses[outcome.id] = None if outcome.status == "unknown" else Status(outcome.status)
    return statuses


def rescore(snapshot: Snapshot, basis: Framework, shared: set[str]) -> AssessmentResult:
    """The snapshot's verdicts scored on `basis`, counting only the `shared` requirements."""
    statuses = _statuses(snapshot.result, shared)
    for _, req in basis.requirements():
        if req.id not in shared:
            statuses[req.id] = Status.not_applicable
    return score(basis, statuses, snapshot.result.target_level, snapshot.result.framework.sha256)


def _info(s: Snapshot) -> SnapshotInfo:
    a = s.assessment
    return SnapshotInfo(
        label=s.label,
        framework=s.framework.ref,
        organisation=a.organisation,
        scope=a.scope,
        started=a.started,
        completed=a.completed,
        level=s.result.overall.level,
        score=s.result.overall.score,
    )


def _level_changes(
    old: Mapping[str, tuple[int | None, float | None]], new: Mapping[str, tuple[int | None, float | None]]
) -> list[LevelChange]:
    """Every node in the newer result (in its order), then those only the older one had."""
    changes = []
    for nid, (level, score_) in new.items():
        before = old.get(nid)
        changes.append(
            LevelChange(
                id=nid,
                old=before[0] if before else None,
                new=level,
                old_score=before[1] if before else None,
                new_score=score_,
                direction=_direction(before[0] if before else None, level, before is not None),
            )
        )
    for nid, (level, score_) in old.items():
        if nid not in new:
            changes.append(
                LevelChange(
                    id=nid, old=level, new=None, old_score=score_, direction=_direction(level, None, True, False)
                )
            )
    return changes


def _nodes(result: AssessmentResult) -> tuple[dict[str, tuple[int | None, float | None]], ...]:
    domains = {d.id: (d.level, d.score) for d in result.domains}
    subdomains = {s.id: (s.level, s.score) for d in result.domains for s in d.subdomains}
    items: dict[str, tuple[int | None, float | None]] = {i.id: (i.level, None) for i in result.items()}
    return domains, subdomains, items


def stale_records(records: Iterable[EvidenceRecord], reference: dt.date, days: int) -> list[StaleRecord]:
    """Records collected more than `days` days before `reference` (by the date they were collected on, in UTC)."""
    stale = []
    for r in records:
        age = (reference - r.collected_at.astimezone(dt.UTC).date()).days
        if age > days:
            stale.append(
                StaleRecord(
                    id=r.id,
                    probe=r.probe,
                    target=r.target,
                    status=r.status.value,
                    collected_at=r.collected_at,
                    age_days=age,
                )
            )
    return sorted(stale, key=lambda s: (-s.age_days, s.id))


def stale_answers(assessment: Assessment, reference: dt.date, days: int) -> list[StaleAnswer]:
    """Answers with a status whose last word (confirmation, else the answer itself) is more than `days` days older
    than `reference`, by the calendar date written in the file. Undated answers cannot be aged and are left out."""
    stale = []
    for rid, answer in assessment.answers.items():
        if answer.status is None:
            continue
        at = answer.confirmed_at or answer.answered_at
        by = answer.confirmed_by or answer.answered_by
        if at is None:
            continue
        age = (reference - at.date()).days
        if age > days:
            stale.append(StaleAnswer(id=rid, status=answer.status.value, by=by, at=at, age_days=age))
    return sorted(stale, key=lambda s: -s.age_days)


def compare(
    old: Snapshot,
    new: Snapshot,
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS,
    today: dt.date | None = None,
) -> Comparison:
    """What changed from `old` to `new`; `today` stands in for the newer assessment's completion when it has none."""
    if old.framework.id != new.framework.id:
        raise ComparisonError(
            f"{old.label} assesses {old.framework.id} and {new.label} assesses {new.framework.id}; "
            "compare assessments of the same framework"
        )
    if stale_after_days < 0:
        raise ComparisonError("the age after which evidence is stale cannot be negative")
    old_index = old.framework.requirement_index()
    new_index = new.framework.requirement_index()
    shared = set(old_index) & set(new_index)
    versions = None
    if old.framework.ref != new.framework.ref:
        diff = diff_frameworks(old.framework, new.framework)
        versions = VersionChange(
            old=old.framework.ref,
            new=new.framework.ref,
            requirements_added=[c.id for c in diff.requirements if c.kind == "added"],
            requirements_removed=[c.id for c in diff.requirements if c.kind == "removed"],
            items_added=[c.id for c in diff.items if c.kind == "added"],
            items_removed=[c.id for c in diff.items if c.kind == "removed"],
            shared=len(shared),
        )
    before = rescore(old, new.framework, shared)
    after = rescore(new, new.framework, shared)
    old_nodes, new_nodes = _nodes(before), _nodes(after)

    old_state = {o.id: o.status for o in old.result.requirements}
    new_state = {o.id: o.status for o in new.result.requirements}
    changed = []
    for item, req in new.framework.requirements():
        if req.id not in shared:
            continue
        was, now = old_state.get(req.id, "unknown"), new_state.get(req.id, "unknown")
        if was != now:
            changed.append(RequirementDelta(id=req.id, item=item.id, level=req.level, old=was, new=now))

    reference = new.assessment.completed or today or dt.date.today()
    return Comparison(
        framework=new.framework.id,
        basis=new.framework.ref,
        old=_info(old),
        new=_info(new),
        versions=versions,
        overall=LevelChange(
            id=new.framework.id,
            old=before.overall.level,
            new=after.overall.level,
            old_score=before.overall.score,
            new_score=after.overall.score,
            direction=_direction(before.overall.level, after.overall.level),
        ),
        domains=_level_changes(old_nodes[0], new_nodes[0]),
        subdomains=_level_changes(old_nodes[1], new_nodes[1]),
        items=_level_changes(old_nodes[2], new_nodes[2]),
        newly_met=[d for d in changed if d.new == "met"],
        lost=[d for d in changed if d.old == "met" and d.new != "not_applicable"],
        newly_answered=[d for d in changed if d.old == "unknown"],
        changed=changed,
        stale_after_days=stale_after_days,
        reference_date=reference,
        stale_records=stale_records(new.records, reference, stale_after_days),
        stale_answers=stale_answers(new.assessment, reference, stale_after_days),
    )

"""What the automated checks found, row by row, and what they could not check: the shape every report shows.

`check_report` takes the evidence decisions (assessors/evidence.py `decide`) as they are and only spells them out:
- one row per check and target: the probe, `op expected`, the value collected, the outcome (holds / fails / not
  collected) and the record it came from, with that record's SHA-256 (the hash of its line in `records.jsonl`);
- a check without a usable value becomes one row per target whose record was unavailable or in error (with the
  record's reason, already redacted by the collector), or one row saying why nothing was collected: no target of the
  probe's collector was given, or the target was given but did not report the probe;
- the limitations: those rows grouped by collector and by why they could not run, so a report can say "19 checks
  could not run: no MLflow, GitLab or Prometheus target was given" and name each failing target with its reason.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from assessors.check_results import (
    GAPS,
    OUTCOMES,
    CheckOutcome,
    CheckReport,
    CheckRow,
    Gap,
    Limitation,
    RequirementChecks,
    TargetGap,
)
from assessors.evidence import EvidenceDecision, ExpectationCheck, decide
from capability_model.coverage import collector_of
from capability_model.schema import AnyOf, Framework, ProbeExpectation, Verification
from evidence_collectors.bundle_format import BundleInfo, TargetState
from evidence_collectors.records import EvidenceRecord, EvidenceStatus


def record_sha256(record: EvidenceRecord) -> str:
    """The record's fingerprint: SHA-256 of its JSON line as the bundle writer stores it in records.jsonl, so anyone
    can find and verify it there (and records.jsonl is itself covered by the bundle's manifest)."""
    return hashlib.sha256(record.model_dump_json().encode()).hexdigest()


def bundle_targets(info: BundleInfo | None, records: Iterable[EvidenceRecord]) -> list[TargetState]:
    """The targets a bundle was collected from: its collection state, else (format 1) the targets its records name."""
    if info is not None and info.collection:
        return list(info.collection)
    seen: dict[str, TargetState] = {}
    for r in records:
        seen.setdefault(r.target, TargetState(name=r.target, collector=r.collector.name, state="collected"))
    return list(seen.values())


def _members(requirement_expectations: Sequence[ProbeExpectation | AnyOf]) -> list[tuple[ProbeExpectation, bool]]:
    return [
        (m, isinstance(e, AnyOf)) for e in requirement_expectations for m in (e.any_of if isinstance(e, AnyOf) else [e])
    ]


class _Context:
    def __init__(self, records: Sequence[EvidenceRecord], targets: Sequence[TargetState]) -> None:
        self.by_id = {r.id: r for r in records}
        self.failed: dict[str, list[EvidenceRecord]] = defaultdict(list)
        self.usable: dict[str, int] = defaultdict(int)  # decide() makes one check per usable record of a probe
        for r in records:
            if r.status is EvidenceStatus.ok:
                self.usable[r.probe] += 1
            else:
                self.failed[r.probe].append(r)
        self.targets = list(targets)
        self.hashes: dict[str, str] = {}

    def sha(self, record: EvidenceRecord) -> str:
        if record.id not in self.hashes:
            self.hashes[record.id] = record_sha256(record)
        return self.hashes[record.id]

    def collected(self, check: ExpectationCheck, alternative: bool) -> CheckRow:
        record = self.by_id.get(check.record) if check.record else None
        outcome: CheckOutcome = "not_collected" if check.holds is None else ("holds" if check.holds else "fails")
        return CheckRow(
            probe=check.probe,
            collector=collector_of(check.probe),
            op=check.op,
            expected=check.expected,
            target=check.target,
            actual=check.actual if check.holds is not None else None,
            outcome=outcome,
            gap="target_failed" if outcome == "not_collected" else None,
            status=record.status.value if record else None,
            reason="" if check.holds is not None else str(check.actual),
            record=record.id if record else check.record,
            record_sha256=self.sha(record) if record else None,
            collected_at=record.collected_at if record else None,
            alternative=alternative,
        )

    def failed_rows(self, m: ProbeExpectation, alternative: bool) -> list[CheckRow]:
        return [
            CheckRow(
                probe=m.probe,
                collector=collector_of(m.probe),
                op=m.op.value,
                expected=m.value,
                target=r.target,
                actual=None,
                outcome="not_collected",
                gap="target_failed",
                status=r.status.value,
                reason=r.reason or r.status.value,
                record=r.id,
                record_sha256=self.sha(r),
                collected_at=r.collected_at,
                alternative=alternative,
            )
            for r in self.failed.get(m.probe, [])
        ]

    def missing_row(self, m: ProbeExpectation, alternative: bool) -> CheckRow:
        collector = collector_of(m.probe)
        given = [t for t in self.targets if t.collector == collector]
        gap: Gap = "no_target"
        reason = ""
        if given:
            broken = [t for t in given if t.state != "collected"]
            gap = "target_failed" if broken else "not_reported"
            reason = "; ".join(f"{t.name}: {t.reason or t.state}" for t in broken) or "; ".join(t.name for t in given)
        return CheckRow(
            probe=m.probe,
            collector=collector,
            op=m.op.value,
            expected=m.value,
            target=None,
            actual=None,
            outcome="not_collected",
            gap=gap,
            reason=reason,
            alternative=alternative,
        )


def _same(check: ExpectationCheck, expectation: ProbeExpectation) -> bool:
    return (check.probe, check.op, check.expected) == (expectation.probe, expectation.op.value, expectation.value)


def _rows(
    expectations: Sequence[ProbeExpectation | AnyOf], decision: EvidenceDecision, ctx: _Context
) -> list[CheckRow]:
    """The decision's checks in expectation order; undecided ones spelled out per target that failed."""
    pending = list(decision.checks)
    rows: list[CheckRow] = []
    for m, alternative in _members(expectations):
        mine: list[ExpectationCheck] = []
        while len(mine) < max(1, ctx.usable[m.probe]) and pending and _same(pending[0], m):
            mine.append(pending.pop(0))
        decided = [ctx.collected(c, alternative) for c in mine if c.holds is not None]
        failed = ctx.failed_rows(m, alternative)
        undecided = [c for c in mine if c.holds is None and not (c.record and c.record in ctx.by_id)]
        if decided or failed:
            rows += decided + failed
            rows += [ctx.collected(c, alternative) for c in undecided if c.target is not None]
        else:
            rows.append(ctx.missing_row(m, alternative))
    rows += [ctx.collected(c, False) for c in pending]  # checks a newer decide() makes that no expectation names
    return rows


def _limitations(requirements: Sequence[RequirementChecks], targets: Sequence[TargetState]) -> list[Limitation]:
    groups: dict[tuple[str, Gap], list[tuple[str, CheckRow]]] = defaultdict(list)
    for req in requirements:
        for row in req.checks:
            if row.outcome == "not_collected":
                groups[(row.collector, row.gap or "target_failed")].append((req.requirement, row))
    out = []
    for (collector, gap), found in sorted(groups.items(), key=lambda kv: (GAPS.index(kv[0][1]), kv[0][0])):
        gaps: dict[str, TargetGap] = {}
        for _, row in found:
            if row.target is not None:
                gaps.setdefault(row.target, TargetGap(name=row.target, status=row.status or "", reason=row.reason))
        if gap != "no_target" and not gaps:  # named from the bundle's collection state
            for t in targets:
                if t.collector == collector:
                    status = t.state if t.state != "collected" else "no_record"
                    gaps.setdefault(t.name, TargetGap(name=t.name, status=status, reason=t.reason))
        out.append(
            Limitation(
                collector=collector,
                gap=gap,
                checks=len(found),
                requirements=sorted({rid for rid, _ in found}),
                probes=sorted({row.probe for _, row in found}),
                targets=sorted(gaps.values(), key=lambda g: g.name),
            )
        )
    return out


def check_report(
    framework: Framework,
    decisions: Mapping[str, EvidenceDecision],
    records: Sequence[EvidenceRecord],
    targets: Sequence[TargetState],
    bundle: str | None = None,
) -> CheckReport:
    """Spell out `decisions` (from `decide(framework, records)`) for every requirement that has checks.

    `targets` are the targets the bundle was collected from (`bundle_targets`); with no bundle, pass none, and every
    check is reported as not collected for want of a target.
    """
    ctx = _Context(records, targets)
    requirements = []
    for _, req in framework.requirements():
        if not req.expectations:
            continue
        decision = decisions.get(req.id) or EvidenceDecision(requirement=req.id, status=None, checks=[])
        requirements.append(
            RequirementChecks(
                requirement=req.id,
                verification="assisted" if req.verification_class is Verification.assisted else "automated",
                status=decision.status,
                checks=_rows(req.expectations, decision, ctx),
            )
        )
    outcomes = [row.outcome for req in requirements for row in req.checks]
    return CheckReport(
        framework=f"{framework.id}@{framework.version}",
        bundle=bundle,
        targets=list(targets),
        requirements=requirements,
        limitations=_limitations(requirements, targets),
        counts={o: outcomes.count(o) for o in OUTCOMES},
    )


def evidence_checks(
    framework: Framework, records: Sequence[EvidenceRecord], info: BundleInfo | None, manifest: str | None
) -> CheckReport:
    """The check report of a framework against a bundle's records (none: no bundle), deciding as scoring does."""
    return check_report(framework, decide(framework, records), records, bundle_targets(info, records), manifest)

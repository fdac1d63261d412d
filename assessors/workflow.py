"""Open an assessment file against the framework it names (or another version of it), ready to score."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assessors.assessment import Assessment
from assessors.binding import MigrationReport, bind
from assessors.check_results import CheckReport
from assessors.checks import bundle_targets, check_report
from assessors.draft import DraftResult, draft
from assessors.evidence import BundleFacts, EvidenceDecision, decide, merge
from assessors.results import AssessmentResult, EvidenceSummary
from assessors.scoring import score
from assessors.storage import read_assessment
from capability_model.catalog import UnknownFrameworkError, resolve
from capability_model.loader import LoadedFramework
from capability_model.schema import split_ref
from capability_model.sourcefile import SourceError, capped
from evidence_collectors.bundle import RECORDS, BundleReadError, read_records, verify_bundle
from evidence_collectors.bundle_format import BundleInfo, read_info
from evidence_collectors.records import EvidenceRecord

_VERDICTS: dict[tuple[str, str], tuple[dict[str, EvidenceDecision], CheckReport]] = {}
_VERDICTS_LOCK = threading.Lock()
_VERDICTS_KEPT = 16


def evidence_verdicts(
    framework: LoadedFramework, evidence: EvidenceBundle | None
) -> tuple[dict[str, EvidenceDecision], CheckReport]:
    """What a bundle says of each checked requirement, and the check report, for one framework file.

    Both depend only on the framework's bytes and the bundle's manifest, not on anyone's answers, so they are worked
    out once per pair and shared (the workshop rescores after every click; `decide` and `check_report` were most of
    that work). The results are never changed by their users."""
    fw = framework.framework
    key = (framework.sha256, evidence.manifest_sha256 if evidence else "")
    with _VERDICTS_LOCK:
        known = _VERDICTS.get(key)
    if known is not None:
        return known
    records = evidence.records if evidence else []
    decisions = decide(fw, records) if evidence else {}
    checks = check_report(
        fw,
        decisions,
        records,
        bundle_targets(evidence.info if evidence else None, records),
        evidence.manifest_sha256 if evidence else None,
    )
    with _VERDICTS_LOCK:
        if len(_VERDICTS) >= _VERDICTS_KEPT:
            _VERDICTS.pop(next(iter(_VERDICTS)))
        _VERDICTS[key] = (decisions, checks)
    return decisions, checks


@dataclass(frozen=True)
class OpenAssessment:
    assessment: Assessment  # bound to `framework`; answers it cannot place are in `orphaned`
    framework: LoadedFramework
    migration: MigrationReport
    path: Path

    def evidence_path(self, explicit: Path | None = None) -> Path | None:
        """The bundle to use: the one named on the command line, else the one the assessment file names."""
        if explicit is not None:
            return explicit
        named = self.assessment.evidence_bundle
        return self.path.parent / named if named else None

    def score(
        self, target_level: int | None = None, evidence: EvidenceBundle | None = None, audit: bool = False
    ) -> AssessmentResult:
        """Levels from manual answers, with evidence deciding the requirements that carry probe expectations."""
        fw = self.framework.framework
        target = target_level or self.assessment.target_level
        decisions, checks = evidence_verdicts(self.framework, evidence)
        facts = (
            BundleFacts(manifest_sha256=evidence.manifest_sha256, records=frozenset(r.id for r in evidence.records))
            if evidence
            else None
        )
        merged = merge(fw, self.assessment.answers, decisions, audit=audit, bundle=facts)
        result = score(fw, merged.statuses(), target, self.framework.sha256)
        summary = None
        if evidence is not None:
            statuses = Counter(r.status.value for r in evidence.records)
            summary = EvidenceSummary(
                manifest_sha256=evidence.manifest_sha256,
                records=len(evidence.records),
                ok=statuses["ok"],
                unavailable=statuses["unavailable"],
                error=statuses["error"],
                decided=sum(1 for o in merged.outcomes.values() if o.provenance == "evidence"),
            )
        outcomes = list(merged.outcomes.values())
        return result.model_copy(
            update={
                "checks": checks,
                "requirements": outcomes,
                "conflicts": merged.conflicts,
                "unverified": merged.unverified,
                "evidence": summary,
                "audit": audit,
                "provenance": AssessmentResult.tally(outcomes),
            }
        )

    def draft(self, evidence: EvidenceBundle, now: dt.datetime | None = None) -> DraftResult:
        """Proposals from the bundle's verdicts where nobody answered; every person's answer left as it is."""
        from evidence_collectors.registry import probe_catalogue

        fw = self.framework.framework
        return draft(
            fw,
            self.assessment,
            decide(fw, evidence.records),
            bundle=evidence.manifest_sha256,
            now=now or dt.datetime.now(dt.UTC),
            probes=probe_catalogue(),
        )


@dataclass(frozen=True)
class EvidenceBundle:
    path: Path
    manifest_sha256: str
    records: list[EvidenceRecord]
    info: BundleInfo | None = None  # bundle.json: the targets collected and how each collection ended


class BundleError(Exception):
    """An evidence bundle is missing, unreadable or altered since it was written."""


def open_bundle(path: Path | str) -> EvidenceBundle:
    """Read an evidence bundle after verifying it; an altered, unreadable or incomplete bundle is refused.

    An incomplete bundle (its collection was interrupted) is refused rather than used in part: a check that needs one
    target of several (`across: any`) could fail only because the target that satisfies it was never collected, and
    a bundle stopped before its manifest cannot be shown to be unaltered. `evidence show` still lists what it holds.
    """
    root = Path(path)
    if not (root / RECORDS).is_file():
        raise BundleError(f"{root}: not an evidence bundle (no records.jsonl)")
    report = verify_bundle(root)
    if report.unreadable:
        more = f" (and {len(report.unreadable) - 1} more problems)" if len(report.unreadable) > 1 else ""
        raise BundleError(f"{root}/{report.unreadable[0]}{more}")
    if report.incomplete or report.not_collected:
        missing = ", ".join(t.split(" ", 1)[0] for t in report.not_collected) or "unknown"
        raise BundleError(
            f"{root}: incomplete evidence bundle ({report.incomplete}); not collected: {missing}. "
            "Collect again; `mlops-maturity evidence show` lists what this bundle holds"
        )
    if not report.ok:
        changed = [
            *(f"altered {f}" for f in report.altered),
            *(f"added {f}" for f in report.added),
            *(f"missing {f}" for f in report.missing),
        ]
        found = [f"bundle does not match its manifest: {', '.join(changed)}"] if changed else []
        found += [f"contents disagree: {'; '.join(report.inconsistent)}"] if report.inconsistent else []
        raise BundleError(f"{root}: {'; '.join(found)}")
    try:
        records = read_records(root)
        info = read_info(root)
    except BundleReadError as exc:  # changed since it was verified
        raise BundleError(str(exc)) from None
    return EvidenceBundle(root, report.manifest_sha256, records, info)


def open_assessment(path: Path | str, framework_ref: str | None = None) -> OpenAssessment:
    """Read, validate and bind an assessment.

    Against its own framework version, an answer to an unknown requirement id is an error (a typo would otherwise be
    lost silently). Against another version, such answers are kept as orphaned and listed in the migration report.
    """
    assessment, doc = read_assessment(path)
    if framework_ref:
        loaded = resolve(framework_ref)
    else:
        try:
            loaded = resolve(assessment.framework)
        except UnknownFrameworkError as exc:  # the file names it: point at the line
            raise SourceError([doc.issue(["framework"], str(exc))]) from None
    own_id, _ = split_ref(assessment.framework)
    if loaded.framework.id != own_id:
        raise SourceError([doc.issue(["framework"], f"answers are for '{own_id}', not '{loaded.framework.id}'")])
    if loaded.ref == assessment.framework:
        known = loaded.framework.requirement_index()
        unknown = [rid for rid in assessment.answers if rid not in known]
        if unknown:
            raise SourceError(
                capped([doc.issue(["answers", rid], f"no requirement '{rid}' in {loaded.ref}") for rid in unknown])
            )
        source = loaded.framework
    else:
        try:
            source = resolve(assessment.framework).framework
        except (UnknownFrameworkError, SourceError):
            source = None
    bound, report = bind(assessment, loaded.framework, source)
    return OpenAssessment(bound, loaded, report, Path(path))

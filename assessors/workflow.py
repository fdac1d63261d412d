"""Open an assessment file against the framework it names (or another version of it), ready to score."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assessors.assessment import Assessment
from assessors.binding import MigrationReport, bind
from assessors.results import AssessmentResult
from assessors.scoring import score
from assessors.storage import read_assessment
from capability_model.catalog import UnknownFrameworkError, resolve
from capability_model.loader import LoadedFramework
from capability_model.schema import split_ref
from capability_model.sourcefile import SourceError


@dataclass(frozen=True)
class OpenAssessment:
    assessment: Assessment  # bound to `framework`; answers it cannot place are in `orphaned`
    framework: LoadedFramework
    migration: MigrationReport

    def score(self, target_level: int | None = None) -> AssessmentResult:
        target = target_level or self.assessment.target_level
        return score(self.framework.framework, self.assessment.statuses(), target, self.framework.sha256)


def open_assessment(path: Path | str, framework_ref: str | None = None) -> OpenAssessment:
    """Read, validate and bind an assessment.

    Against its own framework version, an answer to an unknown requirement id is an error (a typo would otherwise be
    lost silently). Against another version, such answers are kept as orphaned and listed in the migration report.
    """
    assessment, doc = read_assessment(path)
    loaded = resolve(framework_ref or assessment.framework)
    own_id, _ = split_ref(assessment.framework)
    if loaded.framework.id != own_id:
        raise SourceError([doc.issue(["framework"], f"answers are for '{own_id}', not '{loaded.framework.id}'")])
    if loaded.ref == assessment.framework:
        known = loaded.framework.requirement_index()
        unknown = [rid for rid in assessment.answers if rid not in known]
        if unknown:
            raise SourceError(
                [doc.issue(["answers", rid], f"no requirement '{rid}' in {loaded.ref}") for rid in unknown]
            )
        source = loaded.framework
    else:
        try:
            source = resolve(assessment.framework).framework
        except (UnknownFrameworkError, SourceError):
            source = None
    bound, report = bind(assessment, loaded.framework, source)
    return OpenAssessment(bound, loaded, report)

"""Bind an assessment's answers to a framework version, carrying answers across versions without losing any."""

from __future__ import annotations

from pydantic import BaseModel

from assessors.assessment import Answer, Assessment
from capability_model.differ import diff_frameworks
from capability_model.schema import Framework


class ChangedAnswer(BaseModel):
    """An answer carried over to a requirement whose wording or level changed: worth a second look."""

    id: str
    changes: list[str]


class MigrationReport(BaseModel):
    source: str  # framework ref the answers were given against
    target: str  # framework ref they are now bound to
    carried: list[str]
    changed: list[ChangedAnswer]
    orphaned: list[str]
    restored: list[str]  # earlier orphans whose requirement exists again
    unanswered_new: list[str]  # requirements the source version did not have

    @property
    def is_migration(self) -> bool:
        return self.source != self.target


def bind(
    assessment: Assessment, framework: Framework, source: Framework | None = None
) -> tuple[Assessment, MigrationReport]:
    """Return the assessment bound to `framework` and what happened to each answer.

    Answers whose requirement the framework lacks move to `orphaned`; orphans whose id exists again come back.
    `source` (the version the answers were given against), when available, lets the report flag reworded or
    re-levelled requirements and list the new ones.
    """
    known = framework.requirement_index()
    answers, orphaned = {}, {}
    carried, orphans, restored = [], [], []
    for rid, answer in assessment.answers.items():
        if rid in known:
            answers[rid] = answer
            if not answer.is_blank:
                carried.append(rid)
        elif answer != Answer():  # anything entered, even only who answered, is kept
            orphaned[rid] = answer
            orphans.append(rid)
    for rid, answer in assessment.orphaned.items():
        if rid in known and rid not in answers:
            answers[rid] = answer
            restored.append(rid)
        else:
            orphaned.setdefault(rid, answer)
    changed: dict[str, list[str]] = {}
    unanswered_new: list[str] = []
    if source is not None and source.ref != framework.ref:
        diff = diff_frameworks(source, framework)
        for change in diff.requirements:
            if change.kind == "added":
                if change.id not in answers or answers[change.id].is_blank:
                    unanswered_new.append(change.id)
            elif change.kind not in ("removed", "checks_changed") and change.id in carried:
                changed.setdefault(change.id, []).append(change.kind)
    report = MigrationReport(
        source=assessment.framework,
        target=framework.ref,
        carried=carried,
        changed=[ChangedAnswer(id=k, changes=v) for k, v in changed.items()],
        orphaned=sorted(orphaned) if orphans or assessment.orphaned else [],
        restored=restored,
        unanswered_new=unanswered_new,
    )
    bound = assessment.model_copy(update={"framework": framework.ref, "answers": answers, "orphaned": orphaned})
    return bound, report

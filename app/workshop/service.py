"""The UI's thin layer over the assessors: score a stored workshop, find the next open requirement, build exports.

Everything here is a plain function of its arguments (no Streamlit, no database; the only file touched is the
temporary copy of an uploaded assessment file): the pages do the I/O and the caching, and these functions call the
same assessors and report builders as the CLI, so the screen, the files and the PDF always agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assessors.assessment import STATUS_LABELS, Assessment
from assessors.audit import Change
from assessors.binding import bind
from assessors.evidence import EvidenceDecision
from assessors.results import AssessmentResult, Conflict, ItemResult, RequirementOutcome
from assessors.storage import dump_assessment
from assessors.store import Workshop
from assessors.workflow import EvidenceBundle, OpenAssessment, open_assessment
from capability_model.loader import LoadedFramework
from capability_model.schema import Framework, Lang, split_ref
from reports.build import ReportFormat, render_report
from reports.viewmodel import ScoredPart

REPORT_FORMATS: tuple[str, ...] = tuple(f.value for f in ReportFormat)
_MIME = {
    "pdf": "application/pdf",
    "html": "text/html",
    "md": "text/markdown",
    "json": "application/json",
    "csv": "text/csv",
    "yaml": "application/yaml",
}


@dataclass(frozen=True)
class PartScore:
    """One part of a workshop, scored: the result the reports use and per-requirement lookups for the screen."""

    opened: OpenAssessment
    result: AssessmentResult
    decisions: Mapping[str, EvidenceDecision]
    outcomes: Mapping[str, RequirementOutcome]
    conflicts: Mapping[str, Conflict]
    items: Mapping[str, ItemResult]

    @property
    def framework(self) -> Framework:
        return self.opened.framework.framework

    @property
    def assessment(self) -> Assessment:
        return self.opened.assessment


@dataclass(frozen=True)
class Scores:
    workshop: Workshop
    parts: tuple[PartScore, ...]
    bundle: EvidenceBundle | None
    bundle_error: str | None = None  # why the workshop's bundle could not be used

    def part_of(self, node_id: str) -> PartScore:
        """The part that holds a capability item or requirement id."""
        for part in self.parts:
            if node_id in part.items or node_id in part.outcomes:
                return part
        raise KeyError(node_id)


def open_part(assessment: Assessment, loaded: LoadedFramework, location: Path) -> OpenAssessment:
    """A stored part as the CLI would have opened its file: bound to its framework version."""
    bound, report = bind(assessment, loaded.framework)
    return OpenAssessment(bound, loaded, report, location / f"{loaded.framework.id}.yaml")


def score_part(
    assessment: Assessment,
    loaded: LoadedFramework,
    bundle: EvidenceBundle | None,
    decisions: Mapping[str, EvidenceDecision],
    location: Path,
    audit: bool = False,
) -> PartScore:
    """Score one part exactly as `assess` does (OpenAssessment.score), evidence included when a bundle is loaded."""
    opened = open_part(assessment, loaded, location)
    result = opened.score(evidence=bundle, audit=audit)
    return PartScore(
        opened=opened,
        result=result,
        decisions=decisions if bundle is not None else {},
        outcomes={o.id: o for o in result.requirements},
        conflicts={c.requirement: c for c in result.conflicts},
        items={i.id: i for i in result.items()},
    )


def score_workshop(
    workshop: Workshop,
    framework_of: Callable[[str], LoadedFramework],
    bundle: EvidenceBundle | None,
    decisions_of: Callable[[LoadedFramework], Mapping[str, EvidenceDecision]],
    location: Path,
    audit: bool = False,
) -> Scores:
    """Score every part exactly as `assess` does (OpenAssessment.score), evidence included when a bundle is loaded."""
    parts = []
    for assessment in workshop.parts:
        loaded = framework_of(assessment.framework)
        decisions = decisions_of(loaded) if bundle is not None else {}
        parts.append(score_part(assessment, loaded, bundle, decisions, location, audit))
    return Scores(workshop, tuple(parts), bundle)


# --- navigation --------------------------------------------------------------------------------------------------


def requirement_order(scores: Scores) -> list[tuple[str, str]]:
    """(item id, requirement id) of every requirement, parts in workshop order, each in framework order."""
    return [(item.id, req.id) for part in scores.parts for item, req in part.framework.requirements()]


def next_open(scores: Scores, item_id: str | None, after_requirement: str | None) -> tuple[str, str] | None:
    """The next requirement still unknown after `after_requirement` (else from the start of `item_id`), wrapping
    round to the first part; None when every requirement has a verdict."""
    status = {rid: o.status for part in scores.parts for rid, o in part.outcomes.items()}
    return next_where(scores, item_id, after_requirement, lambda rid: status.get(rid, "unknown") == "unknown")


def next_where(
    scores: Scores, item_id: str | None, after_requirement: str | None, wanted: Callable[[str], bool]
) -> tuple[str, str] | None:
    """The next requirement that is `wanted` after `after_requirement` (else from the start of `item_id`), wrapping
    round to the first part; None when no requirement is."""
    order = requirement_order(scores)
    start = 0
    if after_requirement is not None:
        start = next((n + 1 for n, (_, rid) in enumerate(order) if rid == after_requirement), 0)
    elif item_id is not None:
        start = next((n for n, (iid, _) in enumerate(order) if iid == item_id), 0)
    for n in range(len(order)):
        iid, rid = order[(start + n) % len(order)]
        if wanted(rid):
            return iid, rid
    return None


def first_item(scores: Scores) -> str | None:
    order = requirement_order(scores)
    return order[0][0] if order else None


def part_name(framework: Framework, lang: Lang) -> str:
    """'第1部分：开发管理' / 'Part 1: Development management': the part's own title without the model's name."""
    title = framework.standard.title.get(lang)
    return title.rsplit(" ", 1)[-1] if lang == "zh" else title.rsplit(" - ", 1)[-1]


# --- files -------------------------------------------------------------------------------------------------------


def mime(suffix: str) -> str:
    return _MIME.get(suffix, "application/octet-stream")


def assessment_file(part: PartScore, suffix: str, lang: Lang) -> tuple[str, str]:
    """The CLI's assessment file of one part (commented YAML questionnaire or JSON): name and text."""
    name = f"{part.framework.id}.{suffix}"
    return name, dump_assessment(part.assessment, part.framework, name, lang)


def read_assessment_file(data: bytes, name: str, framework_ref: str | None = None) -> OpenAssessment:
    """Validate and bind an uploaded assessment file, as `assess` opens one; errors name the uploaded file.

    `framework_ref` binds the answers to another version of the part (the one the workshop assesses)."""
    safe = Path(name).name or "assessment.yaml"
    with tempfile.TemporaryDirectory(prefix="workshop-import-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        return open_assessment(path, framework_ref)


def framework_id(ref: str) -> str:
    return split_ref(ref)[0]


def scored_parts(scores: Scores) -> list[ScoredPart]:
    """The report builder's input: each part with the name and SHA-256 of the assessment file it exports as."""
    out = []
    for part in scores.parts:
        name, text = assessment_file(part, "yaml", "zh")
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        out.append(ScoredPart(part.opened, part.result, Path(name), sha, scores.bundle))
    return out


def report_file(scores: Scores, fmt: str, lang: Lang, report_date: dt.date | None = None) -> tuple[str, bytes]:
    """A report in one of the `report` command's formats, rendered by the same function: name and bytes."""
    data = render_report(scored_parts(scores), ReportFormat(fmt), lang, report_date)
    return f"mlops-maturity-report-{lang}.{fmt}", data


# --- tables ------------------------------------------------------------------------------------------------------


def status_label(status: str | None, lang: Lang) -> str:
    return STATUS_LABELS[status or "unknown"][lang]


def gap_rows(scores: Scores, lang: Lang) -> list[dict[str, object]]:
    """Every roadmap step of every part (the report's roadmap), one row each, with names in `lang`."""
    rows: list[dict[str, object]] = []
    for part in scores.parts:
        fw = part.framework
        index = fw.requirement_index()
        domain_of = {i.id: d for d, _, i in fw.items()}
        for phase in part.result.roadmap:
            for step in phase.requirements:
                item, req = index[step.id]
                domain = domain_of[item.id]
                item_result = part.items[item.id]
                rows.append(
                    {
                        "part": part_name(fw, lang),
                        "phase": phase.level,
                        "domain": f"{domain.id} {domain.name.get(lang)}",
                        "item": f"{item.id} {item.name.get(lang)}",
                        "item_level": item_result.level,
                        "level": req.level,
                        "requirement": step.id,
                        "text": req.text.get(lang),
                        "status": status_label(step.status, lang),
                        "blocking": step.id in item_result.blocking,
                    }
                )
    return rows


def audit_rows(changes: Sequence[Change], lang: Lang) -> list[dict[str, object]]:
    """The audit trail as table rows, newest first, statuses in `lang`."""
    return [
        {
            "at": c.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            "who": c.who,
            "requirement": c.requirement,
            "change": f"{status_label(c.old_status, lang)} → {status_label(c.new_status, lang)}",
            "note": c.note,
            "evidence": "; ".join(c.evidence),
        }
        for c in reversed(changes)
    ]

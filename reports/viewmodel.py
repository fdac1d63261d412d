"""The report view model: everything a report template shows, already chosen, translated and formatted.

The HTML/PDF and Markdown templates only lay these objects out; reports/view.py builds them from the assessors'
objects. Texts come from the framework file (names, requirement texts, level names, methodology) or from
reports/labels.py (interface words), in the report's one language; user-entered text (notes, evidence references,
names) is carried as entered and escaped by the templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from assessors.check_results import CheckReport
from assessors.checks import evidence_checks
from assessors.compare import Comparison
from assessors.results import AssessmentResult
from assessors.workflow import EvidenceBundle, OpenAssessment
from capability_model.schema import Lang, LocalizedText

if TYPE_CHECKING:
    from reports.answer_view import AnswerRecordView, NoteView, RefView
    from reports.compare_render import CompareView
    from reports.frame_view import FrameView
    from reports.roadmap_view import PlanStep


@dataclass(frozen=True)
class PreviousPart:
    """What changed since an earlier assessment of the same part (assessors/compare.py), with the names of every
    node in either framework version to show it by."""

    earlier: ScoredPart  # the earlier file, scored as the report scores its own
    comparison: Comparison
    names: dict[str, LocalizedText]

    @property
    def path(self) -> Path:
        return self.earlier.path


@dataclass(frozen=True)
class ScoredPart:
    """One assessment file, opened and scored, with the fingerprint of the file the answers were read from."""

    opened: OpenAssessment
    result: AssessmentResult
    path: Path
    sha256: str
    bundle: EvidenceBundle | None = None  # the evidence it was scored with
    previous: PreviousPart | None = None  # the comparison with an earlier assessment (`report --previous`)

    def check_report(self) -> CheckReport:
        """The automated checks as scoring spelled them out (a result made without them: none collected)."""
        if self.result.checks is not None:
            return self.result.checks
        return evidence_checks(self.opened.framework.framework, [], None, None)


@dataclass(frozen=True)
class ProvenanceView:
    """How one requirement's verdict was reached, for a reader: one line, with the override reason cut short for the
    PDF (`reason_short`) beside the whole reason (HTML, CSV); the raw values for the CSV."""

    key: str = "unanswered"  # evidence | confirmed | proposed | answered | overridden | unanswered (CSS class)
    label: str = ""  # its short name in the report's language
    text: str = ""  # the line without the reason: "Confirmed by Chen Jing on 2026-11-05"
    reason: str = ""  # the override reason, whole
    reason_short: str = ""  # the same, cut to fit one line
    by: str = ""
    at: str = ""  # ISO 8601, whole
    proposed: str = ""  # the drafted proposal's status, in the report's language


@dataclass(frozen=True)
class ConflictView:
    """A person's answer the collected evidence contradicts (the evidence decided), for the list in the summary."""

    requirement: str
    anchor: str  # the requirement's place in the results by domain
    text: str
    answer: str  # the status the person gave, and who gave it
    evidence: str  # the evidence's verdict
    records: tuple[str, ...]


@dataclass(frozen=True)
class ProvenanceTableView:
    """Requirements per way of reaching the verdict, one count column per part (the methodology chapter)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # label, meaning, then one count per part


@dataclass(frozen=True)
class ReqRow:
    id: str
    short_id: str
    level: int
    level_badge: str
    text: str
    status: str  # met | partial | not_met | not_applicable | unknown (CSS class and CSV value)
    status_label: str
    source: str
    source_label: str
    evidence: tuple[str, ...]
    note: str
    blocking: bool
    in_gap: bool
    conflict: str
    verification: str = "attested"  # automated | assisted | attested
    verification_label: str = ""  # the class explained
    verification_short: str = ""  # its name
    checks: tuple[CheckView, ...] = ()
    how: ProvenanceView = field(default_factory=ProvenanceView)
    anchor: str = ""  # an id for links to this requirement (set where something links to it)
    references: tuple[RefView, ...] = ()  # the answer's evidence references, every field stated (answer_view.py)
    records: tuple[str, ...] = ()  # the collected records an evidence verdict rests on, one line each
    record: AnswerRecordView | None = None  # who answered, confirmed or overrode, when, and the verification basis
    note_view: NoteView | None = None  # the note in the report's language, or marked as the other language's


@dataclass(frozen=True)
class CheckView:
    """One check row as the PDF/HTML and Markdown show it: long values cut short (the JSON and CSV keep them whole)."""

    probe: str
    probe_text: str  # the probe's short description in the report's language
    expected: str  # operator and value
    actual: str
    target: str
    collected_at: str
    record: str
    record_sha256: str  # full
    hash_short: str  # the first 12 hex characters
    outcome: str  # holds | fails | not_collected (CSS class)
    outcome_label: str
    reason: str  # why it could not run (redacted by the collector)


@dataclass(frozen=True)
class LimitationView:
    collector: str
    why: str  # no target given / given but unavailable or in error / did not report the probe
    checks: int
    requirements: int
    detail: str  # the targets and their reasons, or the probes


@dataclass(frozen=True)
class ChecksView:
    """One part's automated checks in a sentence, and what could not be checked."""

    summary: str
    lines: tuple[str, ...]  # "19 checks could not run: no MLflow, GitLab or Prometheus target was given"
    limitations: tuple[LimitationView, ...]


@dataclass(frozen=True)
class CoverageView:
    """A framework's requirements by verification class and domain (capability_model/coverage.py)."""

    ref: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the last one is the total


@dataclass(frozen=True)
class ItemView:
    id: str
    name: str
    level: int | None
    level_text: str
    level_name: str
    requirements: tuple[ReqRow, ...]
    blocking_title: str  # "Requirements blocking level N", or the top-level note
    blocking: tuple[ReqRow, ...]
    gap_title: str
    gap_ids: tuple[str, ...]


@dataclass(frozen=True)
class SubdomainView:
    id: str
    name: str
    level_text: str
    score_text: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class DomainView:
    id: str
    anchor: str
    name: str
    level: int | None
    level_text: str
    level_name: str
    score_text: str
    part_title: str
    subdomains: tuple[SubdomainView, ...]
    chart: Markup


@dataclass(frozen=True)
class StepView:
    id: str
    item: str
    status: str
    status_label: str
    text: str


@dataclass(frozen=True)
class PhaseView:
    title: str
    steps: tuple[StepView, ...]
    whatif: str = ""  # "Closing these N requirements lifts Part 1 to level 3" (rescored by assessors/roadmap.py)
    effort_line: str = ""
    headers: tuple[str, ...] = ()
    plan: tuple[PlanStep, ...] = ()  # the steps in order with effort, dependencies, owner and due date
    order_note: str = ""


@dataclass(frozen=True)
class PartView:
    framework_id: str
    anchor: str
    title: str
    ref: str
    version: str
    sha256: str
    series: str
    target: int
    target_text: str
    level: int | None
    level_text: str
    level_name: str
    score_text: str
    counts: tuple[tuple[str, int], ...]  # (status label, number)
    domains: tuple[DomainView, ...]
    phases: tuple[PhaseView, ...]
    matrix: Markup
    file_name: str
    file_sha256: str
    conflicts: int
    audit: bool
    orphaned: tuple[str, ...]
    checks: ChecksView | None = None
    provenance_line: str = ""  # "How verdicts were reached: decided by evidence 12 · ..."
    conflict_list: tuple[ConflictView, ...] = ()
    verdict: tuple[str, ...] = ()  # why the level, the work to the target, what the result rests on
    actions: tuple[str, ...] = ()  # the quickest lifts


@dataclass(frozen=True)
class LevelDef:
    level: int
    name: str
    description: str


@dataclass(frozen=True)
class MethodView:
    """One framework file's methodology; parts whose files state the same rules share one."""

    refs: tuple[str, ...]
    standard: str
    publisher: str
    description: str
    levels: tuple[LevelDef, ...]
    dimensions: tuple[tuple[str, str], ...]
    scoring: str
    verification_rule: str = ""  # the framework's rule for choosing a class; empty in files that state none
    coverage: tuple[CoverageView, ...] = ()


@dataclass(frozen=True)
class RecordView:
    id: str
    probe: str
    target: str
    source: str
    collected_at: str
    status: str
    status_label: str
    sha256: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class BundleView:
    name: str
    parts: tuple[str, ...]  # framework refs scored with this bundle
    manifest_sha256: str
    summary: str
    records: tuple[RecordView, ...]


@dataclass(frozen=True)
class EvidenceView:
    bundles: tuple[BundleView, ...]
    no_bundle: str  # what the appendix says when no bundle was used
    cited: str


@dataclass(frozen=True)
class ComparisonSection:
    """One part's comparison with its previous assessment, as the report's comparison section shows it."""

    title: str  # the part's title
    intro: str  # which earlier file, of when, compared on which basis
    overall: str  # "Overall level: 2 -> 3 (up)"
    view: CompareView  # the tables, laid out by the templates `compare` uses (compare_tables.*.j2)


@dataclass(frozen=True)
class ReportView:
    lang: Lang
    html_lang: str
    title: str
    organisation: str
    scope: str
    assessor: str
    reviewer: str
    participants: tuple[str, ...]
    period: str
    report_date: str
    target_text: str
    parts: tuple[PartView, ...]
    radar: Markup
    strengths: tuple[str, ...]
    gaps: tuple[str, ...]
    methods: tuple[MethodView, ...]
    evidence: EvidenceView
    page_counter_css: Markup
    provenance: ProvenanceTableView = ProvenanceTableView((), ())
    conflicts: tuple[ConflictView, ...] = ()  # of every part
    report_id: str = ""  # digest of the inputs (reports/identity.py)
    tool: str = ""  # "mlops-maturity VERSION"
    result_sha256: str = ""  # of the result JSON the PDF embeds (`report --format json` for the same inputs)
    frame: FrameView | None = None  # scope, fieldwork, methods, disclosures, limitations, sign-off (frame_view.py)
    comparisons: tuple[ComparisonSection, ...] = ()  # with the previous assessments (`report --previous`)


# --- helpers -----------------------------------------------------------------------------------------------------

"""Each answer as an audit record in the reports: who answered and when, who confirmed or overrode it and when, on
what basis the verdict stands, the evidence references in full, and the note in the report's language.

Also the report-readiness check of a language: the notes that exist only in the other one. Texts of the tool's own
(labels, record summaries) are given in both languages here; what people entered is carried as entered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assessors.assessment import Answer, Assessment
from assessors.evidence_refs import CitedRef, EvidenceKind, EvidenceMethod, as_ref
from assessors.results import RequirementOutcome
from capability_model.schema import LANGS, Lang
from evidence_collectors.records import EvidenceRecord
from reports.checks_view import probe_text, value_text

HASH_SHORT = 12  # hex digits of a reference's SHA-256 shown in the PDF/HTML (CSV and JSON keep all 64)

ANSWER_WORDS: dict[str, dict[str, str]] = {
    "answered": {"zh": "作答：{by}，{at}", "en": "Answered by {by} on {at}"},
    "answered_nobody": {"zh": "作答：（未记录姓名），{at}", "en": "Answered on {at} (name not recorded)"},
    "answered_undated": {"zh": "作答：{by}（未记录时间）", "en": "Answered by {by} (time not recorded)"},
    "drafted": {"zh": "依据证据起草：{at}", "en": "Drafted from evidence on {at}"},
    "confirmed": {"zh": "确认：{by}，{at}", "en": "Confirmed by {by} on {at}"},
    "overridden": {"zh": "推翻证据：{by}，{at}", "en": "Overridden by {by} on {at}"},
    "not_recorded": {"zh": "未记录", "en": "not recorded"},
    "basis": {"zh": "验证依据", "en": "Verification basis"},
    "basis_line": {"zh": "验证依据：{basis}", "en": "Verification basis: {basis}"},
    "references": {"zh": "证据引用", "en": "References"},
    "note_only_in": {"zh": "［仅有{language}说明］", "en": "[note given in {language} only]"},
    "lang_zh": {"zh": "中文", "en": "Chinese"},
    "lang_en": {"zh": "英文", "en": "English"},
    "sighted": {"zh": "查阅于 {date}", "en": "sighted {date}"},
    "version": {"zh": "版本 {version}", "en": "version {version}"},
    "col_answered_by": {"zh": "作答人", "en": "Answered by"},
    "col_answered_at": {"zh": "作答时间", "en": "Answered at"},
    "col_confirmed_by": {"zh": "确认人", "en": "Confirmed by"},
    "col_confirmed_at": {"zh": "确认时间", "en": "Confirmed at"},
    "col_overridden_by": {"zh": "推翻人", "en": "Overridden by"},
    "col_overridden_at": {"zh": "推翻时间", "en": "Overridden at"},
    "col_basis": {"zh": "验证依据", "en": "Verification basis"},
    "col_references": {"zh": "证据引用（结构化）", "en": "References (structured)"},
    "col_note_lang": {"zh": "说明语言", "en": "Note language"},
}

# The basis a verdict stands on, by the way it was reached (assessors/results.py OutcomeProvenance).
BASIS_LABELS: dict[str, dict[str, str]] = {
    "evidence": {"zh": "证据判定", "en": "evidence decided"},
    "confirmed": {"zh": "证据提议，经人员确认", "en": "proposed by evidence, confirmed"},
    "proposed": {"zh": "证据提议，尚未确认（不计入）", "en": "proposed by evidence, not confirmed (not counted)"},
    "answered": {"zh": "访谈答复", "en": "interview answer"},
    "overridden": {"zh": "人员推翻证据", "en": "overridden"},
    "unanswered": {"zh": "未作答", "en": "not answered"},
}

REF_KIND_LABELS: dict[str, dict[str, str]] = {
    EvidenceKind.document: {"zh": "文档", "en": "document"},
    EvidenceKind.system_record: {"zh": "系统记录", "en": "system record"},
    EvidenceKind.interview: {"zh": "访谈", "en": "interview"},
    EvidenceKind.observation: {"zh": "现场观察", "en": "observation"},
    EvidenceKind.automated_record: {"zh": "自动采集记录", "en": "automated record"},
}

REF_METHOD_LABELS: dict[str, dict[str, str]] = {
    EvidenceMethod.examine: {"zh": "查阅（EXAMINE）", "en": "EXAMINE"},
    EvidenceMethod.interview: {"zh": "访谈（INTERVIEW）", "en": "INTERVIEW"},
    EvidenceMethod.test: {"zh": "测试（TEST）", "en": "TEST"},
    EvidenceMethod.test_automated: {"zh": "自动测试（TEST-AUTOMATED）", "en": "TEST-AUTOMATED"},
}


def answer_word(key: str, lang: Lang, **fmt: object) -> str:
    text = ANSWER_WORDS[key][lang]
    return text.format(**fmt) if fmt else text


def time_text(at: dt.datetime | None) -> str:
    """A moment to the minute with its UTC offset, as the answer recorded it ('' when none)."""
    if at is None:
        return ""
    return at.isoformat(sep=" ", timespec="minutes")


@dataclass(frozen=True)
class RefView:
    """One evidence reference, every field it states, in the report's language."""

    kind: str  # the kind's code ('' when not stated)
    kind_label: str
    title: str
    location: str
    version: str
    sighted: str  # ISO date
    sha256: str  # all 64 hex digits
    hash_short: str
    method: str  # the method's code
    method_label: str
    text: str  # every stated field on one line, the whole hash (Markdown, CSV)
    short_text: str = ""  # the same with the hash cut to HASH_SHORT digits (PDF, HTML)


@dataclass(frozen=True)
class AnswerRecordView:
    """Who said what and when, and the basis the verdict stands on."""

    basis: str  # evidence | confirmed | proposed | answered | overridden | unanswered
    basis_label: str
    answered: str  # "Answered by Liu Yang on 2026-11-02 09:35+08:00", or who drafted it from evidence
    confirmed: str  # "Confirmed by ... on ...", '' when nobody confirmed
    overridden: str  # "Overridden by ... on ...", '' when not overridden
    answered_by: str = ""
    answered_at: str = ""  # ISO 8601
    confirmed_by: str = ""
    confirmed_at: str = ""
    overridden_by: str = ""
    overridden_at: str = ""
    basis_word: str = ""  # "Verification basis"
    basis_line: str = ""  # "Verification basis: interview answer"
    references_word: str = ""  # "References"

    @property
    def lines(self) -> tuple[str, ...]:
        """Every step of the record: answered (or drafted), confirmed, overridden."""
        return tuple(line for line in (self.answered, self.confirmed, self.overridden) if line)

    @property
    def extra(self) -> tuple[str, ...]:
        """The steps the provenance line (reports/provenance_view.py) does not name already: it names the person
        who decided (answered, confirmed or overrode), so this adds who answered or drafted before a confirmation
        or an evidence verdict."""
        if self.basis in ("confirmed", "proposed", "evidence", "unanswered"):
            return (self.answered,) if self.answered else ()
        return ()


@dataclass(frozen=True)
class NoteView:
    """The note in the report's language, or in the other one marked as such."""

    text: str
    lang: Lang | None  # the note's language when it is not the report's (only the other language exists)
    mark: str  # "[note given in Chinese only]", '' when the note is in the report's language


def ref_view(ref: CitedRef | str, lang: Lang) -> RefView:
    r = as_ref(ref).ref
    kind = r.kind.value if r.kind else ""
    method = r.method.value if r.method else ""
    view = RefView(
        kind=kind,
        kind_label=REF_KIND_LABELS[r.kind][lang] if r.kind else "",
        title=r.title,
        location=r.location or "",
        version=r.version or "",
        sighted=r.sighted.isoformat() if r.sighted else "",
        sha256=r.sha256 or "",
        hash_short=(r.sha256 or "")[:HASH_SHORT],
        method=method,
        method_label=REF_METHOD_LABELS[r.method][lang] if r.method else "",
        text="",
    )
    return _with_text(view, lang)


def _with_text(view: RefView, lang: Lang) -> RefView:
    def line(digest: str) -> str:
        parts = [f"[{view.kind_label}] {view.title}" if view.kind_label else view.title]
        if view.version:
            parts.append(answer_word("version", lang, version=view.version))
        if view.location and view.location != view.title:
            parts.append(view.location)
        if view.sighted:
            parts.append(answer_word("sighted", lang, date=view.sighted))
        if digest:
            parts.append(f"sha256 {digest}")
        if view.method_label:
            parts.append(view.method_label)
        return " · ".join(parts)

    return replace(view, text=line(view.sha256), short_text=line(view.hash_short))


def ref_fields(view: RefView) -> dict[str, str]:
    """A reference's stated fields by their codes (kind and method as codes, not labels), for JSON and CSV."""
    return {
        "kind": view.kind,
        "title": view.title,
        "location": view.location,
        "version": view.version,
        "sighted": view.sighted,
        "sha256": view.sha256,
        "method": view.method,
    }


def ref_views(answer: Answer | None, lang: Lang) -> tuple[RefView, ...]:
    return tuple(ref_view(r, lang) for r in answer.evidence) if answer else ()


def answer_record(answer: Answer | None, outcome: RequirementOutcome, lang: Lang) -> AnswerRecordView:
    """The audit record of one requirement's answer, with the basis its verdict stands on (the outcome's)."""
    basis = outcome.provenance
    answer = answer or Answer()
    answered = ""
    by, at = answer.answered_by or "", time_text(answer.answered_at)
    if by and at:
        answered = answer_word("answered", lang, by=by, at=at)
    elif by:
        answered = answer_word("answered_undated", lang, by=by)
    elif at:
        answered = answer_word("answered_nobody", lang, at=at)
    elif answer.source == "evidence" and answer.proposal is not None:
        answered = answer_word("drafted", lang, at=time_text(answer.proposal.proposed_at))
    overridden = overridden_by = overridden_at = ""
    if answer.is_overridden:
        overridden_by = by
        overridden_at = answer.answered_at.isoformat() if answer.answered_at else ""
        overridden = answer_word(
            "overridden",
            lang,
            by=by or answer_word("not_recorded", lang),
            at=at or answer_word("not_recorded", lang),
        )
        answered = ""  # the override is the answer: said once
    confirmed = ""
    if answer.confirmed_by is not None:
        confirmed = answer_word("confirmed", lang, by=answer.confirmed_by, at=time_text(answer.confirmed_at))
    return AnswerRecordView(
        basis=basis,
        basis_label=BASIS_LABELS[basis][lang],
        answered=answered,
        confirmed=confirmed,
        overridden=overridden,
        answered_by=by,
        answered_at=answer.answered_at.isoformat() if answer.answered_at else "",
        confirmed_by=answer.confirmed_by or "",
        confirmed_at=answer.confirmed_at.isoformat() if answer.confirmed_at else "",
        overridden_by=overridden_by,
        overridden_at=overridden_at,
        basis_word=answer_word("basis", lang),
        basis_line=answer_word("basis_line", lang, basis=BASIS_LABELS[basis][lang]),
        references_word=answer_word("references", lang),
    )


def note_view(answer: Answer | None, lang: Lang) -> NoteView:
    if answer is None:
        return NoteView("", None, "")
    text, other = answer.note_for(lang)
    if other is None:
        return NoteView(text, None, "")
    return NoteView(text, other, answer_word("note_only_in", lang, language=answer_word(f"lang_{other}", lang)))


def record_summary(record: EvidenceRecord, lang: Lang) -> str:
    """A collected record in a sentence of the report's language: what the probe measures and the value found.

    The collector's own summary is English; the English report keeps it (it may say more), the Chinese one says
    the same from the probe's description and the value."""
    if lang == "en" and record.summary:
        return record.summary
    if record.status.value != "ok":
        return record.reason if lang == "en" else ""
    described = probe_text(record.probe, lang) or record.probe
    colon = "：" if lang == "zh" else ": "
    return f"{described}{colon}{value_text(record.value, lang)}"


@dataclass(frozen=True)
class MissingTranslation:
    """A note that a report in `lang` would show in the other language only."""

    framework: str
    requirement: str
    lang: Lang  # the report's language, which the note lacks
    given_in: Lang  # the language it exists in
    note: str


def missing_translations(assessments: Sequence[Assessment], lang: Lang) -> list[MissingTranslation]:
    """Report readiness of a language: every note of the answers (orphaned ones aside) that exists only in the
    other language, in file order. An empty list: every note can be shown in `lang`."""
    if lang not in LANGS:
        raise ValueError(f"no report language {lang!r}: {', '.join(LANGS)}")
    missing = []
    for assessment in assessments:
        for rid, answer in assessment.answers.items():
            text, other = answer.note_for(lang)
            if other is not None:
                missing.append(MissingTranslation(assessment.framework, rid, lang, other, text))
    return missing


def readiness_lines(missing: Sequence[MissingTranslation], lang: Lang) -> list[str]:
    """The missing translations as warning lines for a terminal, in English (the CLI's language)."""
    names = {"zh": "Chinese", "en": "English"}
    return [
        f"{m.framework} {m.requirement}: the note is given in {names[m.given_in]} only; "
        f"add note_translations.{lang} for the {names[lang]} report"
        for m in missing
    ]

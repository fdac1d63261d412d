"""Each requirement of a report as an audit record: who answered and when, the verification basis, the checks that ran
(probe, value found, record hash), the references in full, and the note in the report's language.

The example organisation is used as `make demo` and the other report tests use it: its questionnaires (some notes
given in Chinese and English) and its interview answers reported with a small collected bundle.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assessors.assessment import Answer
from assessors.evidence_refs import CitedRef
from capability_model.schema import Lang
from reports.answer_view import BASIS_LABELS, missing_translations, readiness_lines, record_summary, ref_views
from reports.build import ReportFormat, render_report, score_parts
from reports.checks_view import value_text
from reports.view import build_view
from reports.viewmodel import ReportView, ReqRow
from tests.conftest import EXAMPLES
from tests.reports.conftest import PART1, RenderedPdf, squash
from tests.reports.support import requirement_block, visible_text

BILINGUAL = [EXAMPLES / "retail-bank" / "part1-development.yaml", EXAMPLES / "retail-bank" / "part2-delivery.yaml"]
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORDS = re.compile(r"[A-Za-z]{3,}")


def _rows(view: ReportView) -> dict[str, ReqRow]:
    return {
        r.id: r for p in view.parts for d in p.domains for s in d.subdomains for i in s.items for r in i.requirements
    }


def _raw_notes() -> dict[str, dict[str, str]]:
    """Each answer's note per language, read from the files as written (not through the model)."""
    notes: dict[str, dict[str, str]] = {}
    for path in BILINGUAL:
        for rid, raw in (yaml.safe_load(path.read_text(encoding="utf-8"))["answers"] or {}).items():
            if not raw or not raw.get("note"):
                continue
            own = raw.get("note_lang") or ("zh" if _HAN.search(raw["note"]) else "en")
            notes[rid] = {own: raw["note"], **(raw.get("note_translations") or {})}
    return notes


@pytest.fixture(scope="module")
def bilingual() -> dict[str, tuple[ReportView, str, str]]:
    """The example's questionnaires reported in each language: the view, the HTML's visible text, the Markdown."""
    parts = score_parts(BILINGUAL)
    out = {}
    for lang in ("zh", "en"):
        html = render_report(parts, ReportFormat.html, lang).decode()
        md = render_report(parts, ReportFormat.md, lang).decode()
        out[lang] = (build_view(parts, lang), visible_text(html), md)
    return out


def test_the_example_has_notes_in_both_languages() -> None:
    notes = _raw_notes()
    both = [rid for rid, n in notes.items() if set(n) == {"zh", "en"}]
    assert len(both) >= 10 and any(r.startswith("P1.") for r in both) and any(r.startswith("P2.") for r in both)
    assert any(_HAN.search(n["zh"]) and not _HAN.search(n["en"]) for n in notes.values() if len(n) == 2)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_uses_its_own_language_where_the_note_has_it(
    bilingual: dict[str, tuple[ReportView, str, str]], lang: Lang
) -> None:
    view, html_text, md = bilingual[lang]
    other: Lang = "en" if lang == "zh" else "zh"
    rows = _rows(view)
    checked = 0
    for rid, notes in _raw_notes().items():
        row = rows[rid]
        if lang in notes:
            assert row.note == notes[lang] and row.note_view is not None and not row.note_view.mark, rid
            if other in notes:  # the other language's note is nowhere in this report
                checked += 1
                for text in (squash(html_text), squash(md)):
                    assert squash(notes[other]) not in text, (rid, lang)
                    assert squash(notes[lang])[:40] in text, (rid, lang)
        else:  # only the other language exists: shown, and marked as such
            assert row.note == notes[other] and row.note_view is not None and row.note_view.lang == other, rid
            assert row.note_view.mark and squash(row.note_view.mark) in squash(html_text)
    assert checked >= 10


def test_no_english_note_in_the_chinese_report_where_a_chinese_one_exists(
    bilingual: dict[str, tuple[ReportView, str, str]],
) -> None:
    """Looked at from the text alone: each row of a bilingual answer in the zh report holds a Chinese note."""
    view, _, _ = bilingual["zh"]
    rows = _rows(view)
    for rid, notes in _raw_notes().items():
        if "zh" in notes:
            note = rows[rid].note
            words = _LATIN_WORDS.findall(note)
            assert len(_HAN.findall(note)) > len(words), (rid, note)  # Chinese, naming a few tools in English


def test_report_readiness_lists_the_notes_missing_in_a_language() -> None:
    parts = score_parts(BILINGUAL)
    assessments = [p.opened.assessment for p in parts]
    notes = _raw_notes()
    for lang in ("zh", "en"):
        missing = missing_translations(assessments, lang)
        assert {m.requirement for m in missing} == {rid for rid, n in notes.items() if lang not in n}
        assert all(m.given_in != lang and m.note for m in missing)
        lines = readiness_lines(missing, lang)
        assert len(lines) == len(missing) and all(f"note_translations.{lang}" in line for line in lines)
    with pytest.raises(ValueError, match="no report language"):
        missing_translations(assessments, "fr")  # type: ignore[arg-type]


def test_rows_carry_who_when_basis_and_references_in_every_format(evidence_bundle: tuple[Path, str]) -> None:
    bundle, _ = evidence_bundle
    parts = score_parts([PART1], evidence=bundle)
    answers = parts[0].opened.assessment.answers
    outcomes = {o.id: o for o in parts[0].result.requirements}
    for lang in ("en", "zh"):
        view = build_view(parts, lang)
        rows = _rows(view)
        csv = render_report(parts, ReportFormat.csv, lang).decode("utf-8-sig")
        md = render_report(parts, ReportFormat.md, lang).decode()
        sampled = [rid for rid, a in answers.items() if a.answered_by and a.evidence][:5]
        assert len(sampled) == 5
        for rid in sampled:
            answer, row = answers[rid], rows[rid]
            assert row.record is not None
            assert row.record.answered_by == answer.answered_by
            assert answer.answered_at is not None and row.record.answered_at == answer.answered_at.isoformat()
            assert row.record.basis_label == BASIS_LABELS[outcomes[rid].provenance][lang]
            assert [r.title for r in row.references] == [ref.ref.title for ref in answer.evidence]
            minute = answer.answered_at.isoformat(sep=" ", timespec="minutes")
            assert minute in row.how.text and row.record.basis_line in md  # the time, to the minute
            assert answer.answered_at.isoformat() in csv and row.record.basis_label in csv
            assert all(ref.text in md for ref in row.references)


def test_chinese_rows_describe_records_in_chinese(evidence_bundle: tuple[Path, str]) -> None:
    bundle, _ = evidence_bundle
    parts = score_parts([PART1], evidence=bundle)
    assert parts[0].bundle is not None
    for record in parts[0].bundle.records:
        zh, en = record_summary(record, "zh"), record_summary(record, "en")
        if record.status.value == "ok":
            assert value_text(record.value, "zh") in zh and (not record.summary or record.summary not in zh)
            assert en == (record.summary or en)
        else:
            assert zh == "" and en == record.reason


def test_structured_references_are_shown_whole() -> None:
    ref = CitedRef.of(
        {
            "kind": "system_record",
            "title": "MLflow run 4f2a",
            "location": "http://mlflow.bank.example/#/runs/4f2a",
            "version": "run 7",
            "sighted": "2026-11-04",
            "sha256": "ab" * 32,
            "method": "TEST",
        }
    )
    answer = Answer(status="met", evidence=[ref], answered_by="Sun Hao")
    (zh,) = ref_views(answer, "zh")
    (en,) = ref_views(answer, "en")
    assert en.text == (
        "[system record] MLflow run 4f2a · version run 7 · http://mlflow.bank.example/#/runs/4f2a · sighted "
        f"2026-11-04 · sha256 {'ab' * 32} · TEST"
    )
    assert zh.kind_label == "系统记录" and "查阅于 2026-11-04" in zh.text and zh.short_text.count("ab") == 6


def _block(text: str, rid: str, lang: str) -> str:
    return requirement_block(text, rid, lang, span=4000)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_shows_answerer_date_and_basis(
    example_pdfs: dict[str, RenderedPdf], evidence_bundle: tuple[Path, str], lang: Lang
) -> None:
    bundle, _ = evidence_bundle
    parts = score_parts([PART1], evidence=bundle)  # as example_pdfs reports it
    answers = parts[0].opened.assessment.answers
    outcomes = {o.id: o for o in parts[0].result.requirements}
    text = example_pdfs[lang].text
    sampled = [rid for rid, a in answers.items() if a.answered_by and a.answered_at][::40][:6]
    assert len(sampled) >= 4
    for rid in sampled:
        answer = answers[rid]
        assert answer.answered_at is not None and answer.answered_by is not None
        block = squash(_block(text, rid, lang))
        assert squash(answer.answered_by) in block, rid
        assert squash(answer.answered_at.isoformat(sep=" ", timespec="minutes")) in block, rid
        assert squash(BASIS_LABELS[outcomes[rid].provenance][lang]) in block, rid
    # the checks that ran, with probe, value and record hash: tests/reports/test_provenance_shown.py (a bundle
    # whose records decide chosen requirements; this small bundle's probes check nothing of the current framework)

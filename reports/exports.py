"""Machine-readable exports: the assessment result as JSON (with its automated checks), one CSV row per requirement,
and one CSV row per automated check (pandas).

The checks get their own CSV rather than extra rows in the requirements CSV: a spreadsheet user filters and counts
each table by its own columns, and one table mixing requirement rows with check rows would make every count, filter
and pivot on either of them wrong.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from assessors.check_results import CheckReport
from assessors.results import AssessmentResult
from assessors.storage import json_text
from capability_model.coverage import COLUMNS as COVERAGE_COLUMNS
from capability_model.schema import Lang
from reports.answer_view import answer_word, ref_fields
from reports.checks_view import probe_text, reason_text
from reports.labels import word
from reports.textsafety import csv_cell
from reports.viewmodel import ReportView, ReqRow

CSV_COLUMNS: tuple[str, ...] = (
    "framework",
    "domain_id",
    "domain",
    "subdomain_id",
    "subdomain",
    "item_id",
    "item",
    "item_level",
    "level",
    "requirement_id",
    "requirement",
    "status",
    "source",
    "evidence",
    "note",
    # appended after the first release's columns, so that their positions stay where spreadsheets expect them
    "provenance",
    "by",
    "at",
    "override_reason",
    "proposed",
    # the answer as an audit record (appended after the provenance columns, for the same reason)
    "basis",
    "answered_by",
    "answered_at",
    "confirmed_by",
    "confirmed_at",
    "overridden_by",
    "overridden_at",
    "references",
    "note_lang",
)
_HEADERS: dict[str, str] = {
    "framework": "framework",
    "domain_id": "domain_id",
    "domain": "domain",
    "subdomain_id": "subdomain_id",
    "subdomain": "subdomain",
    "item_id": "item_id",
    "item": "item",
    "item_level": "item_level",
    "level": "col_level",
    "requirement_id": "requirement_id",
    "requirement": "col_requirement",
    "status": "col_status",
    "source": "col_source",
    "evidence": "col_evidence",
    "note": "col_note",
    "provenance": "col_provenance",
    "by": "col_by",
    "at": "col_at",
    "override_reason": "col_override_reason",
    "proposed": "col_proposed",
}
# Headers of the audit-record columns, in reports/answer_view.py's words.
_ANSWER_HEADERS: dict[str, str] = {
    "basis": "col_basis",
    "answered_by": "col_answered_by",
    "answered_at": "col_answered_at",
    "confirmed_by": "col_confirmed_by",
    "confirmed_at": "col_confirmed_at",
    "overridden_by": "col_overridden_by",
    "overridden_at": "col_overridden_at",
    "references": "col_references",
    "note_lang": "col_note_lang",
}


def result_json(results: Sequence[AssessmentResult], frames: Sequence[dict[str, Any]] | None = None) -> str:
    """Exactly what `assess --format json` prints for one file; a JSON array of those for several files. With
    `frames` (reports/frame_view.py frame_record, one per result), each result also carries its assessment's frame."""
    dumped = [r.model_dump(mode="json") for r in results]
    for data, frame in zip(dumped, frames or [], strict=False):
        data["frame"] = frame
    return json_text(dumped[0] if len(dumped) == 1 else dumped)


CHECK_COLUMNS: tuple[str, ...] = (
    "framework",
    "requirement_id",
    "verification",
    "probe",
    "probe_text",
    "op",
    "expected",
    "actual",
    "target",
    "collected_at",
    "record",
    "record_sha256",
    "outcome",
    "reason",
)
_CHECK_HEADERS: dict[str, str] = {
    "framework": "framework",
    "requirement_id": "requirement_id",
    "verification": "col_verification",
    "probe": "col_probe",
    "probe_text": "col_probe_text",
    "op": "col_op",
    "expected": "col_expected",
    "actual": "col_actual",
    "target": "col_target",
    "collected_at": "col_collected_at",
    "record": "col_record",
    "record_sha256": "col_record_hash",
    "outcome": "col_outcome",
    "reason": "col_why",
}


def _cell_value(value: Any) -> str:
    """A probe value in one cell, whole: JSON for lists and booleans, text otherwise; nothing for no value."""
    if value is None:
        return ""
    if isinstance(value, bool | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def check_records(checks: Sequence[CheckReport], lang: Lang) -> list[dict[str, str]]:
    """One record per check row of every part, in framework order."""
    rows = []
    for report in checks:
        for req, row in report.rows():
            rows.append(
                {
                    "framework": report.framework,
                    "requirement_id": req.requirement,
                    "verification": COVERAGE_COLUMNS[req.verification][lang],
                    "probe": row.probe,
                    "probe_text": probe_text(row.probe, lang),
                    "op": row.op,
                    "expected": _cell_value(row.expected),
                    "actual": _cell_value(row.actual),
                    "target": row.target or "",
                    "collected_at": row.collected_at.isoformat() if row.collected_at else "",
                    "record": row.record or "",
                    "record_sha256": row.record_sha256 or "",
                    "outcome": word(f"outcome_{row.outcome}", lang),
                    "reason": reason_text(row, lang),
                }
            )
    return rows


def checks_csv(checks: Sequence[CheckReport], lang: Lang) -> str:
    """The check rows as CSV, headed in the report's language, every cell text made safe by csv_cell."""
    import pandas as pd  # type: ignore[import-untyped]

    rows = [{k: csv_cell(v) for k, v in row.items()} for row in check_records(checks, lang)]
    frame = pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
    frame = frame.rename(columns={c: word(_CHECK_HEADERS[c], lang) for c in CHECK_COLUMNS})
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text


def requirement_records(view: ReportView) -> list[dict[str, object]]:
    """One record per requirement, in framework order, with the texts in the report's language."""
    rows: list[dict[str, object]] = []
    for part in view.parts:
        for d in part.domains:
            for s in d.subdomains:
                for item in s.items:
                    for r in item.requirements:
                        rows.append(
                            {
                                "framework": part.ref,
                                "domain_id": d.id,
                                "domain": d.name,
                                "subdomain_id": s.id,
                                "subdomain": s.name,
                                "item_id": item.id,
                                "item": item.name,
                                "item_level": item.level,
                                "level": r.level,
                                "requirement_id": r.id,
                                "requirement": r.text,
                                "status": r.status_label,
                                "source": r.source_label,
                                "evidence": "; ".join(r.evidence),
                                "note": r.note,
                                "provenance": r.how.label,
                                "by": r.how.by,
                                "at": r.how.at,
                                "override_reason": r.how.reason,
                                "proposed": r.how.proposed,
                                **_record_columns(r, view.lang),
                            }
                        )
    return rows


def _record_columns(r: ReqRow, lang: Lang) -> dict[str, object]:
    """The audit-record columns of one requirement: the basis, who and when, every reference whole as a JSON array of
    objects (each with the fields it states, so that one cell holds them all), and the language of the note shown
    (the other language's when the note lacks the report's)."""
    record = r.record
    references = [{k: v for k, v in ref_fields(ref).items() if v} for ref in r.references]
    return {
        "basis": record.basis_label if record else "",
        "answered_by": record.answered_by if record else "",
        "answered_at": record.answered_at if record else "",
        "confirmed_by": record.confirmed_by if record else "",
        "confirmed_at": record.confirmed_at if record else "",
        "overridden_by": record.overridden_by if record else "",
        "overridden_at": record.overridden_at if record else "",
        "references": json.dumps(references, ensure_ascii=False) if references else "",
        "note_lang": ((r.note_view.lang if r.note_view else None) or lang) if r.note else "",
    }


def requirements_json(view: ReportView) -> str:
    """The requirement records as a JSON array (the CSV's rows with the references as objects): for systems that
    read the audit record of each answer."""
    rows = []
    for row in requirement_records(view):
        refs = row.get("references")
        rows.append({**row, "references": json.loads(refs) if isinstance(refs, str) and refs else []})
    return json_text(rows)


def requirements_csv(view: ReportView) -> str:
    """The requirement rows as CSV, headed in the report's language.

    Text cells go through csv_cell: control characters shown, and a cell starting like a formula (= + - @ tab CR)
    prefixed with an apostrophe so that a spreadsheet shows it as text; the level columns stay numbers.
    """
    import pandas as pd

    rows = [{k: csv_cell(v) if isinstance(v, str) else v for k, v in row.items()} for row in requirement_records(view)]
    frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    frame["item_level"] = frame["item_level"].astype("Int64")
    frame = frame.rename(columns={c: header(c, view.lang) for c in CSV_COLUMNS})
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text


def header(column: str, lang: Lang) -> str:
    if column in _ANSWER_HEADERS:
        return answer_word(_ANSWER_HEADERS[column], lang)
    return word(_HEADERS[column], lang)

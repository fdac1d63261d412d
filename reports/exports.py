"""Machine-readable exports: the assessment result as JSON, and one CSV row per requirement (pandas)."""

from __future__ import annotations

from collections.abc import Sequence

from assessors.results import AssessmentResult
from assessors.storage import json_text
from capability_model.schema import Lang
from reports.labels import word
from reports.textsafety import csv_cell
from reports.viewmodel import ReportView

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
}


def result_json(results: Sequence[AssessmentResult]) -> str:
    """Exactly what `assess --format json` prints for one file; a JSON array of those for several files."""
    dumped = [r.model_dump(mode="json") for r in results]
    return json_text(dumped[0] if len(dumped) == 1 else dumped)


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
                            }
                        )
    return rows


def requirements_csv(view: ReportView) -> str:
    """The requirement rows as CSV, headed in the report's language.

    Text cells go through csv_cell: control characters shown, and a cell starting like a formula (= + - @ tab CR)
    prefixed with an apostrophe so that a spreadsheet shows it as text; the level columns stay numbers.
    """
    import pandas as pd  # type: ignore[import-untyped]

    rows = [{k: csv_cell(v) if isinstance(v, str) else v for k, v in row.items()} for row in requirement_records(view)]
    frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    frame["item_level"] = frame["item_level"].astype("Int64")
    frame = frame.rename(columns={c: header(c, view.lang) for c in CSV_COLUMNS})
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text


def header(column: str, lang: Lang) -> str:
    return word(_HEADERS[column], lang)

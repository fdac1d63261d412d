"""The automated checks, the limitations and the verification coverage as the report shows them, in one language.

Values are formatted here once for the PDF/HTML and Markdown (long ones cut short); the JSON and the checks CSV carry
the CheckReport's values whole.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from assessors.check_results import CheckReport, CheckRow, Limitation
from assessors.draft import operator_word
from capability_model.coverage import COLUMNS, CoverageBy, coverage, table_rows
from capability_model.schema import Framework, Lang
from reports.labels import (
    EVIDENCE_STATUS_LABELS,
    TARGET_STATE_LABELS,
    collector_name,
    or_list,
    word,
)
from reports.viewmodel import ChecksView, CheckView, CoverageView, LimitationView

ACTUAL_CHARS = 60  # a value longer than this is cut in the PDF/HTML and Markdown; JSON and CSV keep it whole
REASON_CHARS = 120
HASH_CHARS = 12


@cache
def _probe_texts() -> dict[str, tuple[str, str]]:
    """Probe id -> (English, Chinese) short text from the installed collectors' catalogues."""
    from evidence_collectors.registry import probe_catalogue

    return {pid: (spec.short, spec.short_zh) for pid, spec in probe_catalogue().items()}


def probe_text(probe: str, lang: Lang) -> str:
    texts = _probe_texts().get(probe)
    return "" if texts is None else (texts[1] if lang == "zh" else texts[0])


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def value_text(value: Any, lang: Lang) -> str:
    """A collected or expected value for a reader: yes/no in the report's language, lists joined."""
    if value is None:
        return word("no_value", lang)
    if isinstance(value, bool):
        return word("value_true" if value else "value_false", lang)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else word("value_empty", lang)
    return str(value)


def expected_text(op: str, expected: Any, lang: Lang) -> str:
    if op == "exists":
        return operator_word(op, lang)
    return f"{operator_word(op, lang)} {value_text(expected, lang)}"


def time_text(at: dt.datetime | None) -> str:
    return "" if at is None else at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def reason_text(row: CheckRow, lang: Lang) -> str:
    """Why a check could not run, in the report's language where the reason is ours; the record's reason as is."""
    if row.outcome != "not_collected":
        return ""
    if row.gap == "no_target":
        return word("gap_no_target", lang)
    status = row.status or ""
    label = EVIDENCE_STATUS_LABELS.get(status) or TARGET_STATE_LABELS.get(status)
    prefix = label[lang] if label else word(f"gap_{row.gap or 'target_failed'}", lang)
    return f"{prefix}{word('colon', lang)}{row.reason}" if row.reason and row.reason != status else prefix


def check_view(row: CheckRow, lang: Lang) -> CheckView:
    sha = row.record_sha256 or ""
    return CheckView(
        probe=row.probe,
        probe_text=probe_text(row.probe, lang),
        expected=expected_text(row.op, row.expected, lang),
        actual=shorten(value_text(row.actual, lang), ACTUAL_CHARS) if row.outcome != "not_collected" else "",
        target=row.target or "",
        collected_at=time_text(row.collected_at),
        record=row.record or "",
        record_sha256=sha,
        hash_short=sha[:HASH_CHARS],
        outcome=row.outcome,
        outcome_label=word(f"outcome_{row.outcome}", lang),
        reason=shorten(reason_text(row, lang), REASON_CHARS),
    )


def _target_list(limitation: Limitation, lang: Lang) -> str:
    out = []
    for t in limitation.targets:
        label = EVIDENCE_STATUS_LABELS.get(t.status) or TARGET_STATE_LABELS.get(t.status)
        status = label[lang] if label else t.status
        reason = f"（{t.reason}）" if lang == "zh" else f" ({t.reason})"
        out.append(f"{t.name}{word('colon', lang)}{status}{reason if t.reason else ''}")
    return shorten("; ".join(out), 2 * REASON_CHARS)


def limitation_line(limitation: Limitation, lang: Lang) -> str:
    system = collector_name(limitation.collector, lang)
    if limitation.gap == "not_reported":
        names = word("list_sep", lang).join(t.name for t in limitation.targets)
        return word(
            "limit_not_reported",
            lang,
            n=limitation.checks,
            system=system,
            targets=names,
            probes=", ".join(limitation.probes),
        )
    return word("limit_target_failed", lang, n=limitation.checks, system=system, targets=_target_list(limitation, lang))


def checks_view(report: CheckReport, lang: Lang) -> ChecksView:
    c = report.counts
    summary = word(
        "checks_summary",
        lang,
        n=sum(c.values()),
        reqs=len(report.requirements),
        holds=c.get("holds", 0),
        fails=c.get("fails", 0),
        missing=c.get("not_collected", 0),
    )
    if report.bundle is None:
        summary += (" " if lang == "en" else "") + word("no_bundle_checks", lang)
    absent = [lim for lim in report.limitations if lim.gap == "no_target"]
    lines = []
    if absent:
        systems = or_list([collector_name(lim.collector, lang) for lim in absent], lang)
        lines.append(word("limit_no_target", lang, n=sum(lim.checks for lim in absent), systems=systems))
    lines += [limitation_line(lim, lang) for lim in report.limitations if lim.gap != "no_target"]
    table = tuple(
        LimitationView(
            collector=collector_name(lim.collector, lang),
            why=word(f"gap_{lim.gap}", lang),
            checks=lim.checks,
            requirements=len(lim.requirements),
            detail=_target_list(lim, lang) if lim.targets and lim.gap == "target_failed" else ", ".join(lim.probes),
        )
        for lim in report.limitations
    )
    return ChecksView(summary=summary, lines=tuple(lines), limitations=table)


def coverage_view(framework: Framework, lang: Lang) -> CoverageView:
    result = coverage(framework, CoverageBy.domain)
    keys = ("group", "requirements", "automated", "assisted", "attested", "checked", "collectors")
    return CoverageView(
        ref=framework.ref,
        header=tuple(COLUMNS[k][lang] for k in keys),
        rows=tuple(
            (*row[:-1], word("list_sep", lang).join(collector_name(c, lang) for c in source.collectors))
            for row, source in zip(table_rows(result, lang), [*result.rows, result.total], strict=True)
        ),
    )


def rows_by_requirement(report: CheckReport, lang: Lang) -> dict[str, tuple[str, str, tuple[CheckView, ...]]]:
    """Requirement id -> (its verification class explained, the class's short name, its check rows)."""
    return {
        req.requirement: (
            word(f"verification_{req.verification}", lang),
            COLUMNS[req.verification][lang],
            tuple(check_view(row, lang) for row in req.checks),
        )
        for req in report.requirements
    }

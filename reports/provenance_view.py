"""How each requirement's verdict was reached, as the report shows it: one line per requirement, a tally per part, a
table for the methodology chapter, and the answers the collected evidence contradicts, listed together.

Nothing is decided here: the provenance, names, times and conflicts are the assessors' (assessors/evidence.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from assessors.assessment import STATUS_LABELS, Answer
from assessors.results import PROVENANCES, AssessmentResult, Conflict, OutcomeProvenance, RequirementOutcome
from capability_model.schema import Lang
from reports.labels import PROVENANCE_LABELS, PROVENANCE_MEANINGS, word
from reports.textsafety import visible
from reports.viewmodel import ConflictView, ProvenanceTableView, ProvenanceView

REASON_COLUMNS = 30  # an override reason wider than this is cut in the PDF; HTML, JSON and CSV show it whole


_PARTIAL_MARKER = re.compile(r"\[(?:U(?:\+[0-9A-F]*)?)?$")  # a `[U+202E]` marker the cut would split


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def shorten_columns(text: str, columns: int) -> str:
    """`text` on one line, cut to `columns` display columns (a CJK character takes two) ending in an ellipsis."""
    one_line = " ".join(text.split())
    if sum(_width(ch) for ch in one_line) <= columns:
        return one_line
    used, kept = 0, []
    for ch in one_line:
        used += _width(ch)
        if used > columns - 1:  # room for the ellipsis
            break
        kept.append(ch)
    return _PARTIAL_MARKER.sub("", "".join(kept)).rstrip() + "…"


def _status(status: str | None, lang: Lang) -> str:
    if not status:
        return ""
    return STATUS_LABELS[status][lang] if status in STATUS_LABELS else status


def _when(outcome: RequirementOutcome, lang: Lang) -> str:
    """When the person decided, to the minute with the offset they answered in (an audit trail's precision)."""
    return word("prov_when", lang, at=outcome.at.isoformat(sep=" ", timespec="minutes")) if outcome.at else ""


def _line(outcome: RequirementOutcome, lang: Lang) -> str:
    """The provenance line without the override reason."""
    by = outcome.by or word("prov_nobody", lang)
    when = _when(outcome, lang)
    proposed = _status(outcome.proposed, lang)
    match outcome.provenance:
        case "evidence" if outcome.by:
            return word("prov_line_evidence_by", lang, by=by, when=when)
        case "evidence":
            return word("prov_line_evidence", lang)
        case "overridden" if proposed:
            return word("prov_line_overridden_proposal", lang, by=by, when=when, proposed=proposed)
        case "proposed":
            return word("prov_line_proposed", lang, proposed=proposed)
        case "unanswered":
            return word("prov_line_unanswered", lang)
        case other:  # confirmed, answered, overridden without a proposal
            return word(f"prov_line_{other}", lang, by=by, when=when)


def provenance_view(outcome: RequirementOutcome, lang: Lang) -> ProvenanceView:
    reason = outcome.override_reason if outcome.provenance == "overridden" else ""
    return ProvenanceView(
        key=outcome.provenance,
        label=PROVENANCE_LABELS[outcome.provenance][lang],
        text=_line(outcome, lang),
        reason=reason,
        reason_short=shorten_columns(visible(reason), REASON_COLUMNS),  # markers counted as shown
        by=outcome.by or "",
        at=outcome.at.isoformat() if outcome.at else "",
        proposed=_status(outcome.proposed, lang),
    )


def outcome_of(requirement: str, answer: Answer | None) -> RequirementOutcome:
    """The outcome a result made without per-requirement outcomes implies, from the answer alone (no evidence)."""
    answer = answer or Answer()
    provenance = answer.provenance
    counted = answer.status is not None and provenance != "proposed"
    return RequirementOutcome(
        id=requirement,
        status=answer.status.value if counted and answer.status else "unknown",
        source="manual" if counted else "none",
        evidence=list(answer.evidence),
        manual=answer.status.value if counted and answer.status else None,
        provenance=provenance,
        by=answer.confirmed_by if answer.source == "evidence" else answer.answered_by,
        at=answer.confirmed_at if answer.source == "evidence" else answer.answered_at,
        override_reason=answer.override_reason,
        proposed=answer.proposal.status if answer.proposal else None,
    )


def tally(result: AssessmentResult) -> dict[OutcomeProvenance, int]:
    """Requirements per provenance, every provenance listed (the scored result's own tally when it has one)."""
    counts = AssessmentResult.tally(result.requirements)
    return {p: result.provenance.get(p, counts[p]) for p in PROVENANCES}


def tally_line(result: AssessmentResult, lang: Lang) -> str:
    """One line for the executive summary."""
    counts = tally(result)
    items = " · ".join(f"{PROVENANCE_LABELS[p][lang]} {counts[p]}" for p in PROVENANCES)
    return f"{word('prov_tally', lang)}{word('colon', lang)}{items}"


def provenance_table(results: Sequence[tuple[str, AssessmentResult]], lang: Lang) -> ProvenanceTableView:
    """Rows per provenance: its name, what it means, and how many requirements of each part (by ref) it holds."""
    counts = [tally(r) for _, r in results]
    header = (word("col_provenance", lang), word("col_meaning", lang), *(ref for ref, _ in results))
    rows = tuple(
        (PROVENANCE_LABELS[p][lang], PROVENANCE_MEANINGS[p][lang], *(str(c[p]) for c in counts)) for p in PROVENANCES
    )
    return ProvenanceTableView(header, rows)


def who_answered(answer: Answer | None) -> str:
    """The person whose answer the evidence contradicts: who answered, or who confirmed the drafted answer."""
    if answer is None:
        return ""
    return (answer.confirmed_by if answer.source == "evidence" else answer.answered_by) or ""


def requirement_anchor(requirement: str) -> str:
    return "req-" + requirement.replace(".", "-")


def conflict_text(conflict: Conflict, who: str, lang: Lang) -> str:
    """The flag under the requirement in the results by domain."""
    return word(
        "conflict_text",
        lang,
        manual=_status(conflict.manual, lang),
        by=word("by_paren", lang, by=who) if who else "",
        evidence=_status(conflict.evidence, lang),
        records=", ".join(conflict.records),
    )


def conflict_views(
    conflicts: Sequence[Conflict], answers: Mapping[str, Answer], texts: Mapping[str, str], lang: Lang
) -> tuple[ConflictView, ...]:
    views = []
    for c in conflicts:
        who = who_answered(answers.get(c.requirement))
        views.append(
            ConflictView(
                requirement=c.requirement,
                anchor=requirement_anchor(c.requirement),
                text=texts.get(c.requirement, ""),
                answer=_status(c.manual, lang) + (word("by_paren", lang, by=who) if who else ""),
                evidence=_status(c.evidence, lang),
                records=tuple(c.records),
            )
        )
    return tuple(views)

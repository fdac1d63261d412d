"""Draft answers from collected evidence: proposals a person confirms or overrides, never a person's answer changed.

Where the checks of a requirement give a verdict (an automated one: met or not met; an assisted one: not met when a
check fails, a proposed `met` when all hold), the requirement's answer becomes a proposal (`source: evidence`) —
but only where nobody has answered yet. A person's answer, and a proposal a person confirmed, stay exactly as they
are; where they disagree with the verdict, the disagreement is listed. Drafting again replaces the proposals nobody
confirmed (withdrawing those the new evidence no longer gives a verdict for) and leaves everything else alone, so
drafting twice from one bundle changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel

from assessors.assessment import Answer, Assessment, Proposal, Status
from assessors.evidence import EvidenceDecision, ExpectationCheck
from capability_model.schema import Framework, Lang, LocalizedText
from evidence_collectors.base import ProbeSpec

REASON_MAX = 300  # characters of a reason line, per language
_LIST_SHOWN = 3  # list values show their first items and a count of the rest
_TEXT_SHOWN = 40

_OPERATORS: dict[str, dict[Lang, str]] = {
    "==": {"zh": "=", "en": "="},
    "!=": {"zh": "≠", "en": "≠"},
    ">=": {"zh": "≥", "en": "≥"},
    "<=": {"zh": "≤", "en": "≤"},
    ">": {"zh": ">", "en": ">"},
    "<": {"zh": "<", "en": "<"},
    "contains": {"zh": "包含", "en": "contains"},
    "exists": {"zh": "存在", "en": "exists"},
}


def operator_word(op: str, lang: Lang) -> str:
    """A check's operator as a reader writes it (`≥`, `包含`); the JSON and CSV keep the framework's own."""
    return _OPERATORS.get(op, {"zh": op, "en": op})[lang]


_WORDS: dict[str, dict[Lang, str]] = {
    "none": {"zh": "无", "en": "none"},
    "true": {"zh": "是", "en": "true"},
    "false": {"zh": "否", "en": "false"},
    "needs": {"zh": "，要求 ", "en": ", needs "},
    "needs_value": {"zh": "，要求有值", "en": ", needs a value"},
    "colon": {"zh": "：", "en": ": "},
    "sep": {"zh": "；", "en": "; "},
    "more": {"zh": "另 {n} 项", "en": "and {n} more"},
    "no_checks": {"zh": "证据检查未给出可显示的数值", "en": "the evidence checks gave no value to show"},
}


class Disagreement(BaseModel):
    """A person's answer (or a confirmed proposal) that the evidence's verdict contradicts; it was kept as it is."""

    requirement: str
    answer: str  # the status the person gave or confirmed
    provenance: Literal["answered", "confirmed", "overridden"]
    evidence: Literal["met", "not_met"]
    verification: Literal["automated", "assisted"]
    records: list[str]
    reason: LocalizedText


class DraftResult(BaseModel):
    """The drafted assessment and what drafting did, requirement by requirement."""

    assessment: Assessment
    proposed: dict[str, Literal["automated", "assisted"]] = {}  # new or renewed proposals, by verification class
    replaced: list[str] = []  # of `proposed`: earlier unconfirmed proposals replaced by the new evidence's
    unchanged: list[str] = []  # unconfirmed proposals the evidence still gives, left as they were
    withdrawn: list[str] = []  # unconfirmed proposals the new evidence gives no verdict for: cleared
    kept: list[str] = []  # requirements with a verdict whose person's answer or confirmed proposal was kept
    disagreements: list[Disagreement] = []

    def proposed_by_class(self) -> dict[Literal["automated", "assisted"], int]:
        counts: dict[Literal["automated", "assisted"], int] = {"automated": 0, "assisted": 0}
        for verification in self.proposed.values():
            counts[verification] += 1
        return counts


def _one_line(text: str, limit: int) -> str:
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:g}"


def _value(value: Any, spec: ProbeSpec | None, lang: Lang, unit: bool = True) -> str:
    """A collected (or expected) value as a short piece of one line."""
    if value is None:
        return _WORDS["none"][lang]
    if isinstance(value, bool):
        return _WORDS["true" if value else "false"][lang]
    if isinstance(value, int | float):
        if spec is not None and spec.value_type == "ratio":
            return f"{_number(round(value * 100, 1))}%"
        shown_unit = f" {spec.unit}" if unit and spec is not None and spec.unit and lang == "en" else ""
        return f"{_number(value)}{shown_unit}"
    if isinstance(value, list):
        if not value:
            return _WORDS["none"][lang]
        shown = ", ".join(_one_line(str(v), _TEXT_SHOWN) for v in value[:_LIST_SHOWN])
        rest = len(value) - _LIST_SHOWN
        return shown + (" " + _WORDS["more"][lang].format(n=rest) if rest > 0 else "")
    return _one_line(str(value), _TEXT_SHOWN)


def _check_text(check: ExpectationCheck, spec: ProbeSpec | None, lang: Lang) -> str:
    """`Short text: actual op expected (target)` for a check that holds; `actual, needs op expected` for one that
    fails."""
    short = (spec.short_zh if lang == "zh" else spec.short) if spec is not None else check.probe
    actual = _value(check.actual, spec, lang)
    op = operator_word(check.op, lang)
    where = _one_line(check.target or "", _TEXT_SHOWN)
    target = f"（{where}）" if lang == "zh" else f" ({where})"
    if check.op == "exists":
        claim = actual if check.holds else actual + _WORDS["needs_value"][lang]
    else:
        expected = _value(check.expected, spec, lang, unit=False)
        claim = f"{actual} {op} {expected}" if check.holds else f"{actual}{_WORDS['needs'][lang]}{op} {expected}"
    return f"{_one_line(short, 80)}{_WORDS['colon'][lang]}{claim}{target}"


def _reason_line(parts: list[str], lang: Lang) -> str:
    """Parts joined on one line of at most REASON_MAX characters; what does not fit is counted, not shown."""
    sep = _WORDS["sep"][lang]
    if not parts:
        return _WORDS["no_checks"][lang]
    line = parts[0] if len(parts[0]) <= REASON_MAX else parts[0][: REASON_MAX - 1] + "…"
    for shown, part in enumerate(parts[1:], start=1):
        more = sep + _WORDS["more"][lang].format(n=len(parts) - shown)
        candidate = line + sep + part
        last = shown == len(parts) - 1
        if len(candidate) > REASON_MAX or (not last and len(candidate) + len(more) > REASON_MAX):
            return line + more
        line = candidate
    return line


def reason(decision: EvidenceDecision, probes: Mapping[str, ProbeSpec]) -> LocalizedText:
    """The one-line reason of a verdict, in Chinese and English, from the checks that decided it."""
    wanted = decision.verdict == "met"  # a met verdict shows the checks that hold, not met the ones that fail
    deciding = [c for c in decision.checks if c.holds is wanted and c.target is not None]
    return LocalizedText(
        zh=_reason_line([_check_text(c, probes.get(c.probe), "zh") for c in deciding], "zh"),
        en=_reason_line([_check_text(c, probes.get(c.probe), "en") for c in deciding], "en"),
    )


def _same_proposal(a: Proposal, b: Proposal) -> bool:
    """Whether two proposals say the same thing from the same bundle (when they were made aside)."""
    keys = ("status", "verification", "records", "reason", "bundle")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


def draft(
    framework: Framework,
    assessment: Assessment,
    decisions: Mapping[str, EvidenceDecision],
    *,
    bundle: str | None,
    now: dt.datetime,
    probes: Mapping[str, ProbeSpec] | None = None,
) -> DraftResult:
    """Write a proposal for every requirement the evidence gives a verdict for and nobody has answered.

    `bundle` is the SHA-256 of the bundle's manifest, `probes` the probe catalogue (for the reason's wording; the
    probe id stands in for a probe it does not know).
    """
    catalogue = probes or {}
    answers = dict(assessment.answers)
    result = DraftResult(assessment=assessment)
    for _, req in framework.requirements():
        decision = decisions.get(req.id)
        current = answers.get(req.id)
        if decision is None or decision.verdict is None:
            if current is not None and current.provenance == "proposed":
                answers[req.id] = Answer()
                result.withdrawn.append(req.id)
            continue
        proposal = Proposal(
            status=decision.verdict,
            verification=decision.verification,
            records=decision.records,
            reason=reason(decision, catalogue),
            bundle=bundle,
            proposed_at=now,
        )
        if current is not None and current.provenance == "proposed":
            assert current.proposal is not None  # guaranteed by Answer's validation
            if _same_proposal(current.proposal, proposal):
                result.unchanged.append(req.id)
                continue
            result.replaced.append(req.id)
        elif current is not None and current != Answer():  # a person's answer, or a confirmed proposal: kept
            result.kept.append(req.id)
            said = current.status
            if said is not None and said is not Status.not_applicable and said.value != decision.verdict:
                provenance = current.provenance
                assert provenance in ("answered", "confirmed", "overridden")
                result.disagreements.append(
                    Disagreement(
                        requirement=req.id,
                        answer=said.value,
                        provenance=provenance,
                        evidence=decision.verdict,
                        verification=decision.verification,
                        records=decision.records,
                        reason=proposal.reason,
                    )
                )
            continue
        answers[req.id] = Answer(status=Status(decision.verdict), source="evidence", proposal=proposal)
        result.proposed[req.id] = decision.verification
    result.assessment = assessment.model_copy(update={"answers": answers})
    return result

"""A person's word on drafted answers: confirm a proposal, or override it (or the evidence) with a stated reason.

Both record who and when. Each call checks every requirement first and changes nothing when one is refused, so a
command either does all it was asked or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel

from assessors.assessment import REASON_MAX, Answer, Assessment, Status, clean_name, is_blank_text, note_language
from assessors.evidence_refs import CitedRef, as_ref
from assessors.store import AnswerField, FieldValue


class AnswerRefusedError(ValueError):
    """The change asked for cannot be made (no proposal to confirm, an override without a reason, ...)."""


class StatusNeedsOverrideError(AnswerRefusedError):
    """A status typed against the evidence's proposal without a reason: it must go through an override."""


def with_field(stored: Answer, field: AnswerField, value: FieldValue) -> Answer:
    """The stored answer with one field changed by a person, its provenance kept.

    A proposal keeps its status (accepting or overriding it is a decision of its own); a person's answer beside a
    proposal keeps the proposal, and its override reason while it still argues against the proposal."""
    status, note, evidence = stored.status, stored.note, [as_ref(r) for r in stored.evidence]
    if field == "status":
        status = Status(value) if isinstance(value, str) and value else None
    elif field == "note":
        note = str(value or "").strip()
    else:
        evidence = edited_references(evidence, value if isinstance(value, tuple | list) else ())
    kept = _translations_kept(stored, note)
    if stored.source == "evidence":
        if status != stored.status:
            raise StatusNeedsOverrideError("the status comes from the evidence: confirm or override it with a reason")
        return Answer.model_validate(
            {**stored.model_dump(), "note": note, "evidence": evidence, "note_lang": None, "note_translations": {}}
            | kept
        )
    if stored.proposal is None:
        return Answer.model_validate({"status": status, "note": note, "evidence": evidence} | kept)
    agrees = status is None or status.value == stored.proposal.status
    reason = "" if agrees else stored.override_reason
    if not agrees and not reason.strip():
        raise StatusNeedsOverrideError("the status differs from the evidence's proposal: override it with a reason")
    return Answer.model_validate(
        {"status": status, "note": note, "evidence": evidence, "proposal": stored.proposal, "override_reason": reason}
        | kept
    )


def _translations_kept(stored: Answer, note: str) -> dict[str, object]:
    """The note's language and translations after a person edited the note (the workshop edits `note` only): the
    translations stay; a new note's language is told from its script, and replaces a translation in that language."""
    if note == stored.note:
        return {"note_lang": stored.note_lang, "note_translations": stored.note_translations}
    lang = note_language(note)
    return {"note_translations": {k: t for k, t in stored.note_translations.items() if k != lang or not note}}


def edited_references(stored: Sequence[CitedRef], typed: Sequence[object]) -> list[CitedRef]:
    """The references a person typed as text, one line each: a line that names a stored reference (its label) keeps
    that reference whole (kind, location, version, date, hash, method), any other line is a plain reference."""
    by_label: dict[str, list[CitedRef]] = {}
    for ref in stored:
        by_label.setdefault(ref.label, []).append(ref)
    out = []
    for item in typed:
        if isinstance(item, CitedRef):
            out.append(item)
            continue
        text = str(item)
        same = by_label.get(text)
        out.append(same.pop(0) if same else CitedRef.of(text))
    return out


class Confirmed(BaseModel):
    assessment: Assessment
    confirmed: list[str]  # proposals confirmed now
    already: list[str]  # proposals a person had confirmed before: left as they were


def _who(by: str) -> str:
    """The name recorded, cleaned as the workshop cleans names; one with nothing visible in it is no name."""
    who = clean_name(by)
    if not who:
        raise AnswerRefusedError("say who you are: --by NAME (it is recorded with the answer)")
    return who


def _reason(requirement: str, reason: str) -> str:
    """The override's reason, its surrounding white space removed; refused when it shows nothing or is too long."""
    if is_blank_text(reason):
        raise AnswerRefusedError(
            f"{requirement}: an override needs a reason (--reason TEXT) saying why the evidence is wrong"
        )
    text = reason.strip()
    if len(text) > REASON_MAX:
        raise AnswerRefusedError(
            f"{requirement}: the reason has {len(text)} characters, at most {REASON_MAX} are kept with an answer; "
            "say it shorter and cite longer documents in the answer's evidence"
        )
    return text


def _known(assessment: Assessment, requirement: str) -> Answer:
    if requirement not in assessment.answers:
        raise AnswerRefusedError(f"{requirement}: no such requirement in this assessment")
    return assessment.answers[requirement]


def proposed(assessment: Assessment) -> list[str]:
    """Requirements whose answer is a proposal nobody has confirmed yet, in file order."""
    return [rid for rid, a in assessment.answers.items() if a.provenance == "proposed"]


def confirm(assessment: Assessment, requirements: Sequence[str], by: str, now: dt.datetime) -> Confirmed:
    """Confirm the drafted proposals of `requirements`: from now on they count as a person's word."""
    who = _who(by)
    if not requirements:
        raise AnswerRefusedError("name the requirements to confirm, or give --all-proposed")
    answers = dict(assessment.answers)
    done: list[str] = []
    already: list[str] = []
    for rid in dict.fromkeys(requirements):
        answer = _known(assessment, rid)
        if answer.provenance == "confirmed":
            already.append(rid)
            continue
        if answer.provenance != "proposed":
            said = f"answered {answer.status.value} by a person" if answer.status else "not answered"
            raise AnswerRefusedError(
                f"{rid}: no proposal drafted from evidence to confirm (it is {said}); "
                "draft proposals with `assess FILE --evidence BUNDLE --draft`"
            )
        answers[rid] = answer.model_copy(update={"confirmed_by": who, "confirmed_at": now})
        done.append(rid)
    return Confirmed(assessment=assessment.model_copy(update={"answers": answers}), confirmed=done, already=already)


def override(
    assessment: Assessment, requirement: str, status: Status, reason: str, by: str, now: dt.datetime
) -> Assessment:
    """A person's verdict against the evidence, with the reason why; it stands where the evidence would decide.

    The proposal (when there is one) is kept beside it, so the file shows what was overridden. An override to the
    very status the proposal states is refused: that is a confirmation.
    """
    why = _reason(requirement, reason)
    who = _who(by)
    answer = _known(assessment, requirement)
    if answer.proposal is not None and status.value == answer.proposal.status:
        raise AnswerRefusedError(
            f"{requirement}: the evidence proposes {status.value} too; confirm the proposal instead (`answer confirm`)"
        )
    overridden = Answer(
        status=status,
        note=answer.note,
        note_lang=answer.note_lang,
        note_translations=answer.note_translations,
        evidence=answer.evidence,
        answered_by=who,
        answered_at=now,
        source="person",
        proposal=answer.proposal,
        override_reason=why,
    )
    return assessment.model_copy(update={"answers": {**assessment.answers, requirement: overridden}})

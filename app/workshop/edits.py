"""Saving a person's edits of an answer from the interview page, one field at a time, without losing anyone's work.

Every edit carries what the person's page showed: the field's value and the answer's revision. The store writes the
field when nobody changed that field since (an edit from a page that showed an older answer merges with the other
fields saved meanwhile) and refuses it when someone did; the refusal is kept here, per tab, until the person chooses
"keep theirs" or "keep mine". Nothing else is written: a status click writes the status, a note the note.

Every control of an answer (the status buttons, app/workshop/status_buttons.py; the note and references boxes,
app/workshop/autosave.py) sends an edit as an event, once, with what its page showed: nothing is kept in the browser
that a later rerun could send again, so no stale value ever turns into a write (let alone a write to another
requirement in someone else's name). An event the browser sends again because it did not hear back is recognised
and not written twice. Clicking the status already chosen keeps it; a status is cleared only by Clear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

import streamlit as st

from app.workshop import autosave, cached, fragments, rights, state
from app.workshop.failures import guarded
from app.workshop.forms import format_references, parse_references
from app.workshop.unbroken import unbroken
from app.workshop.words import t
from assessors.answering import StatusNeedsOverrideError
from assessors.assessment import Status
from assessors.proposal_store import ProposalStore
from assessors.store import AnswerField, EditResult, FieldEdit, FieldValue, field_value

CONFLICTS, RESETS, ACKS, HANDLED = "_conflicts", "_resets", "_acks", "_handled"
TEXT_FIELDS: tuple[AnswerField, ...] = ("note", "evidence")


@dataclass(frozen=True)
class Where:
    """The answer an edit concerns."""

    db: str
    workshop_id: int
    framework_id: str
    requirement_id: str

    @property
    def id(self) -> str:
        return f"{self.requirement_id}:{self.workshop_id}"


@dataclass(frozen=True)
class Conflict:
    """An edit refused because someone else changed the same field after the person's page showed it."""

    field: AnswerField
    mine: FieldValue
    theirs: FieldValue
    who: str | None  # who saved theirs
    at: dt.datetime | None
    revision: int  # the answer's revision holding theirs: "keep mine" is written only onto it


def _bucket(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], st.session_state.setdefault(name, {}))


def text_key(where: Where, field: AnswerField) -> str:
    """The key of the field's control: `st:`, `note:` or `ev:` and the requirement and workshop."""
    return f"{ {'status': 'st', 'note': 'note', 'evidence': 'ev'}[field] }:{where.id}"


def as_text(field: AnswerField, value: FieldValue) -> str:
    """A field's value as its control shows it (a status as its code, '' for none)."""
    if field == "status":
        return value.value if isinstance(value, Status) else ""
    if field == "evidence":
        return format_references(list(value) if isinstance(value, tuple) else [])
    return str(value or "")


def _parsed(field: AnswerField, text: str) -> FieldValue:
    if field == "status":
        return Status(text) if text in set(Status) else None
    return tuple(parse_references(text)) if field == "evidence" else text.strip()


# --- what the page draws from -----------------------------------------------------------------------------------


def conflicts(where: Where) -> dict[AnswerField, Conflict]:
    return cast(dict[AnswerField, Conflict], _bucket(CONFLICTS).get(where.id, {}))


def reset_of(key: str) -> int:
    return int(_bucket(RESETS).get(key, 0))


def ack_of(key: str) -> autosave.Ack | None:
    return cast(autosave.Ack | None, _bucket(ACKS).get(key))


# --- writing ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Books:
    """This tab's records an edit updates, taken from the session before anything is written.

    Streamlit may stop a callback at any access to the session state (a newer click of the same person asks for a
    rerun); a write to the database followed by such an access could then be saved without being recorded as
    handled, and written a second time when the browser sends it again. So the write and its records go between
    session accesses: these are plain dictionaries held by the session, changed in place."""

    store: ProposalStore
    conflicts: dict[AnswerField, Conflict]
    handled: dict[str, autosave.Ack]  # instance of the control in the page -> its last edit handled, acknowledged
    acks: dict[str, autosave.Ack]  # control -> the acknowledgement its page is given (the last edit handled)
    resets: dict[str, int]

    @classmethod
    def of(cls, where: Where, key: str) -> _Books:
        return cls(
            cached.store(where.db),
            _bucket(CONFLICTS).setdefault(where.id, {}),
            _bucket(HANDLED).setdefault(key, {}),
            _bucket(ACKS),
            _bucket(RESETS),
        )

    def write(self, where: Where, edit: FieldEdit, who: str) -> EditResult:
        """Save one field edit; a refusal is kept for the person to resolve, a success ends an earlier refusal."""
        result = self.store.save_field(where.workshop_id, where.framework_id, where.requirement_id, edit, who)
        if result.outcome == "conflict":
            stored = result.answer
            self.conflicts[edit.field] = Conflict(
                edit.field, edit.value, field_value(stored, edit.field), stored.answered_by, stored.answered_at,
                result.revision,
            )  # fmt: skip
        else:
            self.conflicts.pop(edit.field, None)
        return result

    def acknowledge(self, key: str, ack: autosave.Ack) -> None:
        self.handled[ack["mount"]] = ack
        self.acks[key] = ack

    def handled_already(self, key: str, edit: autosave.Edit) -> bool:
        """Whether this edit was handled before (sent again: its acknowledgement was lost or is late); if so, its
        acknowledgement is given again, even where another instance of the control was acknowledged since."""
        last = self.handled.get(edit["mount"])
        if last is None or last["seq"] < edit["seq"]:
            return False
        self.acks[key] = last
        return True

    def renew(self, key: str, field: AnswerField) -> None:
        """A text box takes the saved value next run (the status buttons always show the saved status)."""
        if field in TEXT_FIELDS:
            self.resets[key] = int(self.resets.get(key, 0)) + 1


def _refuse_edit(where: Where, field: AnswerField, key: str, edit: autosave.Edit) -> None:
    """An edit from a role that may not answer (a page drawn before the role changed, or a crafted event): nothing
    is written; the control is told so once and shows the saved value again."""
    books = _Books.of(where, key)
    if books.handled_already(key, edit):
        return
    rights.refused("answer")
    books.acknowledge(key, autosave.Ack(mount=edit["mount"], seq=edit["seq"], text=edit["base"], rev=edit["rev"]))
    books.renew(key, field)


@unbroken
@guarded
def typed(where: Where, field: AnswerField, who: str) -> list[str] | None:
    """A control sent an edit (a status clicked, a note or references typed): save it once (the control may send an
    edit again until it hears back). A status against the evidence's proposal is refused: it needs an override.
    Redrawn: the answer's card and what its score changes."""
    key = text_key(where, field)
    edit = autosave.sent_edit(key)
    if edit is None:
        return None
    redraw = fragments.after_edit(where.requirement_id, where.workshop_id)
    if not rights.allowed("answer"):
        _refuse_edit(where, field, key, edit)
        return redraw
    books = _Books.of(where, key)
    lang = state.lang()
    if books.handled_already(key, edit):
        return redraw  # only the acknowledgement got lost (or came late): given again
    change = FieldEdit(field, _parsed(field, edit["text"]), _parsed(field, edit["base"]), edit["rev"])
    # no session access from here until the edit is recorded as handled (see _Books)
    try:
        result = books.write(where, change, who)
    except StatusNeedsOverrideError:
        books.acknowledge(key, autosave.Ack(mount=edit["mount"], seq=edit["seq"], text=edit["base"], rev=edit["rev"]))
        state.flash("error", t("use_override", lang, id=where.requirement_id))
        return redraw
    saved = as_text(field, field_value(result.answer, field))
    # after the write: an edit that failed is taken when sent again
    books.acknowledge(key, autosave.Ack(mount=edit["mount"], seq=edit["seq"], text=saved, rev=result.revision))
    if field == "status":
        st.session_state[state.FOCUS] = where.requirement_id
    return redraw


@unbroken
@guarded
def keep_theirs(where: Where, field: AnswerField) -> list[str] | None:
    key = text_key(where, field)
    books = _Books.of(where, key)
    books.conflicts.pop(field, None)
    books.renew(key, field)
    return [fragments.card(where.requirement_id, where.workshop_id)]


@unbroken
@guarded
def keep_mine(where: Where, field: AnswerField, who: str) -> list[str] | None:
    """Write the refused value over theirs, as long as theirs is still what is saved (else: a new conflict)."""
    key = text_key(where, field)
    books = _Books.of(where, key)
    conflict = books.conflicts.get(field)
    if conflict is None or rights.refused("answer"):
        return None
    books.write(where, FieldEdit(field, conflict.mine, conflict.theirs, conflict.revision), who)
    books.renew(key, field)
    return fragments.after_edit(where.requirement_id, where.workshop_id)

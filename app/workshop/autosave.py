"""A text box that saves while the person types: the note and the evidence references of an answer.

Streamlit's own text boxes send their text only on Enter, Ctrl+Enter or leaving the box, so text typed before a
reload, or while another click's rerun redraws the page, can be lost. This box is a small browser component
(Streamlit's components v2, no build step) that keeps what is typed in the page across reruns and sends it some
600 ms after the last keystroke (at once when the box is left), with the value the box started from (`base`) and the
answer's revision it was shown at. The server writes it only when nobody changed that field since (the store's
compare-and-set) and answers with an acknowledgement in the component's data: the box then shows "saved". Until the
acknowledgement arrives an edit is sent again (an event can be superseded by a newer one of the same box, which carries
the full text), and the server ignores an edit it has already handled, so each edit is written once.

While the box holds nothing unsaved, a newer value saved by someone else replaces its text; while it does, the box
keeps the person's text. A refused edit (someone else changed this field) stops the sending until the person chooses
to keep theirs or keep mine (`reset` then gives the box the value chosen).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypedDict

import streamlit as st

from app.workshop import component_assets

EVENT = "edit"
DEBOUNCE_MS = 600
RESEND_MS = 4000


class Ack(TypedDict):
    """The last edit of a box the server handled, with the field's text and the answer's revision after it."""

    mount: str
    seq: int
    text: str
    rev: int


class Edit(TypedDict):
    """What the box sends: its text, the text it started from and the answer's revision it was shown at."""

    mount: str
    seq: int
    text: str
    base: str
    rev: int


def _mount() -> Callable[..., Any]:
    return component_assets.define("workshop_autosave_text", "autosave.js", "autosave.css")


def text_box(
    key: str,
    *,
    label: str,
    text: str,
    revision: int,
    words: dict[str, str],
    on_edit: Callable[..., None],
    args: tuple[object, ...],
    multiline: bool = True,
    conflict: bool = False,
    reset: int = 0,
    ack: Ack | None = None,
    disabled: bool = False,
) -> None:
    """Draw the box for `key` holding the saved `text`; `on_edit(*args)` runs when the browser sends an edit (read it
    with `sent_edit(key)`)."""
    data = {
        "label": label,
        "text": text,
        "rev": revision,
        "words": words,
        "multiline": multiline,
        "conflict": conflict,
        "reset": reset,
        "ack": ack,
        "disabled": disabled,
        "resend_ms": RESEND_MS,
        "debounce_ms": DEBOUNCE_MS,
    }
    callback = functools.partial(on_edit, *args)
    _mount()(key=key, data=data, on_edit_change=callback, height="content")


def sent_edit(key: str) -> Edit | None:
    """The edit the browser sent with this run, if it is well formed."""
    state: object = st.session_state.get(key)
    value = state.get(EVENT) if isinstance(state, dict) else None
    if not isinstance(value, dict):
        return None
    try:
        return Edit(
            mount=str(value["mount"]),
            seq=int(value["seq"]),
            text=str(value["text"]),
            base=str(value["base"]),
            rev=int(value["rev"]),
        )
    except (KeyError, TypeError, ValueError):
        return None

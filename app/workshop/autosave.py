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

EVENT = "edit"
DEBOUNCE_MS = 600
RESEND_MS = 4000

_CSS = """
.box {display: flex; flex-direction: column; gap: 0.25rem; font-family: var(--st-font, sans-serif)}
.head {display: flex; justify-content: space-between; align-items: baseline; font-size: 0.875rem;
  color: var(--st-text-color, inherit)}
.mark {font-size: 0.75rem; opacity: 0.75; white-space: nowrap}
.mark.saved {color: var(--st-green-color, #21c354); opacity: 1}
.mark.conflict {color: var(--st-red-color, #ff4b4b); opacity: 1}
textarea, input {width: 100%; box-sizing: border-box; font: inherit; font-size: 1rem; padding: 0.5rem 0.75rem;
  border-radius: 0.5rem; border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  background: var(--st-secondary-background-color, #f0f2f6); color: var(--st-text-color, inherit)}
textarea {min-height: 68px; resize: vertical}
textarea:focus, input:focus {outline: 1px solid var(--st-primary-color, #ff4b4b)}
"""

_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let s = parentElement.__autosave;
  if (!s) {
    const box = document.createElement("label");
    box.className = "box";
    const head = document.createElement("span");
    head.className = "head";
    const title = document.createElement("span");
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.setAttribute("role", "status");
    head.append(title, mark);
    const field = document.createElement(data.multiline ? "textarea" : "input");
    if (!data.multiline) field.type = "text";
    field.value = data.text;
    box.append(head, field);
    parentElement.appendChild(box);
    s = {
      field, title, mark, mount: Math.random().toString(36).slice(2) + Date.now().toString(36), seq: 0,
      sent: null, timer: null, resend: null, clean: data.text, base: data.text, rev: data.rev, reset: data.reset,
      data,
    };
    parentElement.__autosave = s;
    const send = () => {
      clearTimeout(s.timer);
      s.timer = null;
      if (s.sent || s.data.conflict || s.field.value === s.clean) { show(); return; }
      s.seq += 1;
      s.sent = { mount: s.mount, seq: s.seq, text: s.field.value, base: s.base, rev: s.rev };
      const payload = s.sent;
      const again = () => {
        if (s.sent !== payload || s.dead) return;
        setTriggerValue("edit", payload);
        s.resend = setTimeout(again, __RESEND__);
      };
      again();
      show();
    };
    const show = () => {
      const d = s.data;
      let text = d.words.saved, kind = "saved";
      if (d.conflict) { text = d.words.conflict; kind = "conflict"; }
      else if (s.sent || s.field.value !== s.clean) { text = d.words.saving; kind = "saving"; }
      s.mark.textContent = text;
      s.mark.className = "mark " + kind;
      s.field.dataset.saved = kind;
    };
    s.send = send;
    s.show = show;
    field.addEventListener("input", () => {
      clearTimeout(s.timer);
      s.timer = setTimeout(send, __DEBOUNCE__);
      show();
    });
    // someone else's newer text replaces the box's only while it holds nothing unsaved and is not being typed in
    // (not even just focused: the next keystroke would land in a text the person did not see)
    const focused = () => parentElement.activeElement === field || document.activeElement === field;
    s.catchUp = () => {
      const d = s.data;
      if (s.sent || s.field.value !== s.clean || d.text === s.base || focused()) return;
      s.field.value = d.text;
      s.clean = d.text;
      s.base = d.text;
      s.rev = d.rev;
    };
    field.addEventListener("blur", () => { send(); s.catchUp(); show(); });
    // leaving or hiding the page sends what is typed at once, rather than after the pause
    s.leaving = () => { if (!s.dead) send(); };
    window.addEventListener("pagehide", s.leaving);
    document.addEventListener("visibilitychange", s.leaving);
    if (!data.multiline) field.addEventListener("keydown", (e) => { if (e.key === "Enter") send(); });
  }
  const adopt = (text) => {
    s.field.value = text;
    s.clean = text;
    s.base = text;
    s.rev = data.rev;
  };
  s.data = data;
  // unmounted: this instance sends nothing more (a new one starts from the data it is given)
  const stop = () => {
    s.dead = true;
    clearTimeout(s.timer);
    clearTimeout(s.resend);
    window.removeEventListener("pagehide", s.leaving);
    document.removeEventListener("visibilitychange", s.leaving);
  };
  s.title.textContent = data.label;
  s.field.setAttribute("aria-label", data.label);
  s.field.placeholder = data.placeholder || "";
  s.field.disabled = !!data.disabled;
  const acked = s.sent && data.ack && data.ack.mount === s.mount && data.ack.seq >= s.sent.seq;
  if (data.reset !== s.reset) {
    s.reset = data.reset;
    clearTimeout(s.resend);
    s.sent = null;
    adopt(data.text);
  } else {
    if (acked) {
      clearTimeout(s.resend);
      if (!data.conflict) {  // saved (or already so): the box holds what the server has
        s.clean = s.sent.text;
        s.base = data.ack.text;
        s.rev = data.ack.rev;
      }
      s.sent = null;
    }
    s.catchUp();
  }
  if (!s.sent && !data.conflict && s.field.value !== s.clean && !s.timer) {
    s.timer = setTimeout(s.send, __DEBOUNCE__);
  }
  s.show();
  return stop;
}
""".replace("__DEBOUNCE__", str(DEBOUNCE_MS)).replace("__RESEND__", str(RESEND_MS))


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


_component: Callable[..., Any] | None = None


def _mount() -> Callable[..., Any]:
    global _component
    if _component is None:
        _component = st.components.v2.component("workshop_autosave_text", css=_CSS, js=_JS)
    return _component


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

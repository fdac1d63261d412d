"""An answer's status buttons and its Clear button, as a small browser component that sends each click once.

Streamlit's own button group keeps its value in the browser and sends it with every rerun of the page, so a value the
page has not yet redrawn could be sent again later and taken for a click (even one on another requirement, in the
name of whoever made the next click). Here a click is an event, sent once with the status the page showed (`base`)
and the answer's revision: nothing is held in the browser that a later rerun could send again. Clicking the status
already chosen sends nothing (and says how to clear); Clear sends the empty status. While a click waits for the
server, the next one waits for it (then carries the status the first one saved as its base), so two quick clicks of
one person never refuse each other; the edits are acknowledged and handled once, as the text boxes' are
(app/workshop/autosave.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from app.workshop.autosave import RESEND_MS, Ack

_CSS = """
.group {display: flex; flex-wrap: wrap; gap: 0; font-family: var(--st-font, sans-serif)}
.group button {font: inherit; font-size: 0.875rem; padding: 0.35rem 0.75rem; cursor: pointer;
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2)); margin-left: -1px;
  background: var(--st-background-color, #fff); color: var(--st-text-color, inherit)}
.group button:first-child {border-radius: 0.5rem 0 0 0.5rem; margin-left: 0}
.group button:last-child {border-radius: 0 0.5rem 0.5rem 0}
.group button[aria-checked="true"] {border-color: var(--st-primary-color, #ff4b4b);
  color: var(--st-primary-color, #ff4b4b); position: relative; z-index: 1; font-weight: 600}
.group button:disabled, .clear:disabled {cursor: not-allowed; opacity: 0.5}
.row {display: flex; gap: 0.75rem; align-items: baseline; margin-top: 0.35rem; font-family: var(--st-font, sans-serif)}
.clear {font: inherit; font-size: 0.8rem; background: none; border: none; padding: 0; cursor: pointer;
  color: var(--st-text-color, inherit); text-decoration: underline}
.mark {font-size: 0.75rem; opacity: 0.75}
.mark.conflict {color: var(--st-red-color, #ff4b4b); opacity: 1}
"""

_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let s = parentElement.__status;
  if (!s) {
    const group = document.createElement("div");
    group.className = "group";
    group.setAttribute("role", "radiogroup");
    const row = document.createElement("div");
    row.className = "row";
    const clear = document.createElement("button");
    clear.className = "clear";
    clear.type = "button";
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.setAttribute("role", "status");
    row.append(clear, mark);
    parentElement.append(group, row);
    s = {
      group, clear, mark, buttons: new Map(), mount: Math.random().toString(36).slice(2) + Date.now().toString(36),
      seq: 0, sent: null, next: null, resend: null, shown: data.value, rev: data.rev, hint: null, data,
    };
    parentElement.__status = s;
    for (const [value, label] of data.options) {
      const button = document.createElement("button");
      button.type = "button";
      button.setAttribute("role", "radio");
      button.textContent = label;
      button.addEventListener("click", () => choose(value));
      group.appendChild(button);
      s.buttons.set(value, button);
    }
    clear.addEventListener("click", () => choose(""));
    const selected = () => (s.next !== null ? s.next : s.sent ? s.sent.text : s.shown);
    const choose = (value) => {
      if (s.data.disabled) return;
      if (value === selected()) {  // the chosen status again: kept, as is an empty one cleared again
        if (value) { s.hint = s.data.words.reclick; render(); }
        return;
      }
      s.hint = null;
      if (s.sent) { s.next = value; render(); return; }  // sent after the one waiting for the server
      send(value);
    };
    const send = (value, base = s.shown, rev = s.rev) => {
      s.seq += 1;
      const payload = { mount: s.mount, seq: s.seq, text: value, base, rev };
      s.sent = payload;
      const again = () => {
        if (s.sent !== payload || s.dead) return;
        setTriggerValue("edit", payload);
        s.resend = setTimeout(again, __RESEND__);
      };
      again();
      render();
    };
    const render = () => {
      const d = s.data;
      const now = selected();
      for (const [value, button] of s.buttons) {
        button.setAttribute("aria-checked", value === now ? "true" : "false");
        button.disabled = !!d.disabled;
      }
      s.group.setAttribute("aria-label", d.label);
      s.clear.textContent = d.words.clear;
      s.clear.title = d.words.clear_help;
      s.clear.disabled = !!d.disabled || !now;
      let text = s.hint || "", kind = "hint";
      if (d.conflict && !s.sent) { text = d.words.conflict; kind = "conflict"; }
      else if (s.sent || s.next !== null) { text = d.words.saving; kind = "saving"; }
      s.mark.textContent = text;
      s.mark.className = "mark " + kind;
      s.group.dataset.saved = s.sent || s.next !== null ? "saving" : d.conflict ? "conflict" : "saved";
      s.group.dataset.clicks = String(s.seq + (s.next !== null ? 1 : 0));  // clicks sent or waiting to be
    };
    s.send = send;
    s.render = render;
  }
  s.data = data;
  // unmounted: this instance sends nothing more (a new one starts from the data it is given)
  const stop = () => { s.dead = true; clearTimeout(s.timer); clearTimeout(s.resend); };
  const acked = s.sent && data.ack && data.ack.mount === s.mount && data.ack.seq >= s.sent.seq;
  const refused = acked ? s.sent : null;
  if (acked) {
    clearTimeout(s.resend);
    s.sent = null;
  }
  if (!s.sent) {
    s.shown = acked && !data.conflict ? data.ack.text : data.value;
    s.rev = acked && !data.conflict ? data.ack.rev : data.rev;
    if (s.next !== null) {
      const value = s.next;
      s.next = null;
      // a click made while a refused one waited goes from the same page: the server refuses or merges it alike
      if (refused && data.conflict) s.send(value, refused.base, refused.rev);
      else if (value !== s.shown) s.send(value);
    }
  }
  s.render();
  return stop;
}
""".replace("__RESEND__", str(RESEND_MS))

_component: Callable[..., Any] | None = None


def _mount() -> Callable[..., Any]:
    global _component
    if _component is None:
        _component = st.components.v2.component("workshop_status_buttons", css=_CSS, js=_JS)
    return _component


def status_buttons(
    key: str,
    *,
    label: str,
    options: Sequence[tuple[str, str]],
    value: str,
    revision: int,
    words: dict[str, str],
    on_edit: Callable[..., None],
    args: tuple[object, ...],
    conflict: bool = False,
    ack: Ack | None = None,
    disabled: bool = False,
) -> None:
    """Draw the status buttons for `key` showing the saved status `value` ('' for none); `on_edit(*args)` runs when
    the browser sends a click (read it with autosave.sent_edit(key): its text is the status, '' to clear)."""
    data = {
        "label": label,
        "options": [list(option) for option in options],
        "value": value,
        "rev": revision,
        "words": words,
        "conflict": conflict,
        "ack": ack,
        "disabled": disabled,
    }
    _mount()(key=key, data=data, on_edit_change=functools.partial(on_edit, *args), height="content")

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

from app.workshop import component_assets
from app.workshop.autosave import RESEND_MS, Ack


def _mount() -> Callable[..., Any]:
    return component_assets.define("workshop_status_buttons", "status_buttons.js", "status_buttons.css")


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
        "resend_ms": RESEND_MS,
    }
    _mount()(key=key, data=data, on_edit_change=functools.partial(on_edit, *args), height="content")

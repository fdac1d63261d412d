"""Driving the workshop app in Streamlit's AppTest: start it on a database, find an answer's widgets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

from assessors.assessment import Status
from tests.conftest import ROOT

APP = ROOT / "app" / "workshop" / "main.py"
DB_ENV, ACCESS_ENV, TARGETS_ENV = (
    "MLOPS_MATURITY_WORKSHOP_DB", "MLOPS_MATURITY_WORKSHOP_ACCESS", "MLOPS_MATURITY_WORKSHOP_TARGETS",
)  # fmt: skip  # what `mlops-maturity workshop` sets for the server (app/workshop/config.py)


def configure(
    monkeypatch: pytest.MonkeyPatch, db: Path | str, access: str = "open", targets: Path | None = None
) -> None:
    """The environment the workshop command hands the server: database, access ("open" or a code's hash), targets."""
    monkeypatch.setenv(DB_ENV, str(db))
    monkeypatch.setenv(ACCESS_ENV, access)
    if targets is None:
        monkeypatch.delenv(TARGETS_ENV, raising=False)
    else:
        monkeypatch.setenv(TARGETS_ENV, str(targets))


def gated(**query: str) -> AppTest:
    """The app as a new browser session opened at the URL query `query`, after its first run (still at the gate)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def enter(at: AppTest, name: str, code: str | None = None) -> AppTest:
    """Fill in the gate and press Enter."""
    at.text_input(key="gate:name").input(name)
    if code is not None:
        at.text_input(key="gate:code").input(code)
    at.button(key="gate:enter").click()
    return rerun(at)


def start(
    db: Path | str, monkeypatch: pytest.MonkeyPatch, who: str = "Li Wei", targets: Path | None = None, **query: str
) -> AppTest:
    """The app on `db` (served without access code, as on a loopback address), opened at the URL query `query`
    (w=, page=, item=, lang=), after the session entered the gate as `who`."""
    configure(monkeypatch, db, targets=targets)
    at = enter(gated(**query), who)
    assert "gate:name" not in [w.key for w in at.text_input], "admitted"
    return at


def _component(at: AppTest, key: str) -> Any:
    """The browser component (status buttons, note or references box) whose key starts with `key`."""
    return next(e.proto for e in at.get("bidi_component") if f"-{key}" in e.proto.id)


def text_box(at: AppTest, key: str) -> dict[str, Any]:
    """The data the app gave the component whose key starts with `key` (`st:REQ:`, `note:REQ:`, `ev:REQ:`): its
    saved value, revision, acknowledgement, conflict flag..."""
    return cast(dict[str, Any], json.loads(_component(at, key).json))


_PENDING: dict[int, list[tuple[str, dict[str, object]]]] = {}  # AppTest -> edits its components send next run
_SEQ: dict[tuple[int, str], int] = {}


def _edit(at: AppTest, key: str, text: str, base: str | None) -> tuple[str, dict[str, object]]:
    """What the component sends for an edit to `text`, started from `base` (default: what it was given)."""
    proto = _component(at, key)
    data = json.loads(proto.json)
    seq = _SEQ[(id(at), proto.id)] = _SEQ.get((id(at), proto.id), 0) + 1
    shown = data["text"] if "text" in data else data["value"]
    edit: dict[str, object] = {"mount": "apptest", "seq": seq, "text": text, "base": shown if base is None else base}
    edit["rev"] = data["rev"]
    return proto.id, edit


def _send(at: AppTest, edits: list[tuple[str, dict[str, object]]]) -> AppTest:
    """Rerun as the browser does when components send edits: every widget's state, and each edit once."""
    states = at._tree.get_widget_states()
    for component_id, edit in edits:
        trigger = states.widgets.add()
        trigger.id = _make_trigger_id(component_id, "events")
        trigger.json_trigger_value = json.dumps([{"event": "edit", "value": edit}])
    at._run(states)
    assert not at.exception, at.exception
    if _messages(at):  # a callback's message makes the card ask for the whole page (views/interview.py: _card)
        return at
    # An edit redraws only its card and what its score changes (Streamlit fragments); the browser patches those
    # into the page it shows, AppTest keeps only what the last run drew: draw the whole page again, as it now is.
    at.run()
    assert not at.exception, at.exception
    return at


def _messages(at: AppTest) -> list[str]:
    return [str(e.value) for kind in (at.error, at.warning, at.success, at.toast) for e in kind]


def type_into(at: AppTest, key: str, text: str, *, base: str | None = None, seq: int | None = None) -> AppTest:
    """Send what the save-while-typing box whose key starts with `key` (`note:REQ:` or `ev:REQ:`) sends when a person
    has typed `text` into it, started from `base` (default: the text the box was given), and rerun. `seq` repeats an
    edit already sent."""
    component_id, edit = _edit(at, key, text, base)
    if seq is not None:
        edit["seq"] = seq
    return _send(at, [(component_id, edit)])


class StatusControl:
    """An answer's status buttons in AppTest, driven as the browser drives them: a click sends one edit (with the
    status the page showed) on the next `rerun`; clicking the status already shown sends nothing."""

    def __init__(self, at: AppTest, requirement_id: str) -> None:
        self.at, self.key = at, f"st:{requirement_id}:"
        _component(at, self.key)  # there is one

    @property
    def value(self) -> Status | None:
        saved = text_box(self.at, self.key)["value"]
        return Status(saved) if saved else None

    @property
    def disabled(self) -> bool:
        return bool(text_box(self.at, self.key)["disabled"])

    def set_value(self, status: Status | None) -> StatusControl:
        if (status.value if status else "") != text_box(self.at, self.key)["value"]:
            _PENDING.setdefault(id(self.at), []).append(_edit(self.at, self.key, status.value if status else "", None))
        return self


def rerun(at: AppTest) -> AppTest:
    """Run the app again, sending the status clicks made since the last run."""
    pending = _PENDING.pop(id(at), [])
    if pending:
        return _send(at, pending)
    at.run()
    assert not at.exception, at.exception
    return at


def status_of(at: AppTest, requirement_id: str) -> StatusControl:
    return StatusControl(at, requirement_id)


def markdown(at: AppTest) -> str:
    """Every markdown, caption, heading, alert and html text of the page and sidebar as the app wrote it (Markdown
    escapes included), joined."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(getattr(e, "proto", None) and e.proto.body) for e in at.get("html")]
    return "\n".join(parts)


def texts(at: AppTest) -> str:
    """The same texts as a reader sees them: Markdown's backslash escapes removed (for `in` checks)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown(at))


def labels(at: AppTest) -> str:
    """Every widget label, tab label and option of the page and sidebar, joined."""
    found: list[str] = []
    for kind in ("button", "text_input", "text_area", "selectbox", "multiselect", "radio", "number_input",
                 "date_input", "segmented_control", "download_button", "tabs", "expander"):  # fmt: skip
        for widget in getattr(at, kind):
            found.append(str(getattr(widget, "label", "")))
            found += [str(o) for o in getattr(widget, "options", [])]
    return "\n".join(found)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text.replace("中文", ""))

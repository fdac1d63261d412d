"""Driving the workshop app in Streamlit's AppTest: start it on a database, find an answer's widgets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ButtonGroup, TextArea, TextInput

from tests.conftest import ROOT

APP = ROOT / "app" / "workshop" / "main.py"
DB_ENV, ACCESS_ENV, TARGETS_ENV = (
    "MLOPS_MATURITY_WORKSHOP_DB", "MLOPS_MATURITY_WORKSHOP_ACCESS", "MLOPS_MATURITY_WORKSHOP_TARGETS",
)  # fmt: skip  # what `mlops-maturity workshop` sets for the server (app/workshop/config.py)


def configure(monkeypatch: pytest.MonkeyPatch, db: Path, access: str = "open", targets: Path | None = None) -> None:
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
    db: Path, monkeypatch: pytest.MonkeyPatch, who: str = "Li Wei", targets: Path | None = None, **query: str
) -> AppTest:
    """The app on `db` (served without access code, as on a loopback address), opened at the URL query `query`
    (w=, page=, item=, lang=), after the session entered the gate as `who`."""
    configure(monkeypatch, db, targets=targets)
    at = enter(gated(**query), who)
    assert "gate:name" not in [w.key for w in at.text_input], "admitted"
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def status_of(at: AppTest, requirement_id: str) -> ButtonGroup[object]:
    return next(c for c in at.segmented_control if str(c.key).startswith(f"st:{requirement_id}:"))


def note_of(at: AppTest, requirement_id: str) -> TextArea:
    return next(c for c in at.text_area if str(c.key).startswith(f"note:{requirement_id}:"))


def references_of(at: AppTest, requirement_id: str) -> TextInput:
    return next(c for c in at.text_input if str(c.key).startswith(f"ev:{requirement_id}:"))


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

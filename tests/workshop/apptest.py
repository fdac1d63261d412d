"""Driving the workshop app in Streamlit's AppTest: start it on a database, find an answer's widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ButtonGroup, TextArea, TextInput

from tests.conftest import ROOT

APP = ROOT / "app" / "workshop" / "main.py"
DB_ENV = "MLOPS_MATURITY_WORKSHOP_DB"


def start(db: Path, monkeypatch: pytest.MonkeyPatch, **query: str) -> AppTest:
    """The app on `db`, opened at the URL query `query` (w=, page=, item=, lang=), after its first run."""
    monkeypatch.setenv(DB_ENV, str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
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


def texts(at: AppTest) -> str:
    """Every markdown, caption, heading, alert and html text of the page and sidebar, joined (for `in` checks)."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(getattr(e, "proto", None) and e.proto.body) for e in at.get("html")]
    return "\n".join(parts)


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

"""Hostile text in an assessment cannot act on whoever opens a report: no formulas in CSV, no terminal escapes or
bidi overrides in CSV, Markdown or HTML, no markup in Markdown, and long runs stay breakable."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from assessors.storage import load_assessment
from capability_model.visible import hidden
from reports.build import ReportFormat, render_report
from reports.exports import CSV_COLUMNS
from reports.markdown import render_result_markdown
from reports.textsafety import ZWSP, breakable, csv_cell, md_code, md_text, unbreak, visible
from tests.reports.conftest import PART1
from tests.reports.support import edited_copy, example_parts, visible_text

ESCAPES = "\x1b[31mRED\x1b[0m \x1b]8;;http://evil.invalid\x07link\x1b]8;;\x07 \x9b2J"
BIDI = "\u202eexe.txt\u202c \u2066iso\u2069 \u200frtl \u061calm"
C0_C1 = "nul\x00 bs\x08 del\x7f nel\x85 vt\x0b ff\x0c"
FORMULAS = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", "\t=tab", "\r=cr", "\uff1d1+1", '=HYPERLINK("http://x")']
MD_HOSTILE = (
    "<script>alert(1)</script> | cell | [link](javascript:alert(1)) ![img](http://x/y.png) **bold** _em_ `code` "
    "~~strike~~ $math$ <b>tag</b> &amp; \\ # heading {attr} https://example.invalid"
)
# What must never reach a text output: C0 controls but tab and line feed, DEL, C1, bidi controls and marks.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
NUMERIC_COLUMNS = (7, 8)  # item level, requirement level


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Part 1 of the example with control characters, bidi overrides, formulas and Markdown in every user field."""

    def edit(data: dict[str, Any]) -> None:
        data["organisation"] = f"Org {ESCAPES} {MD_HOSTILE}"
        data["scope"] = f"Scope {BIDI}"
        data["assessor"] = f"Assessor {C0_C1}"
        data["reviewer"] = "=cmd|' /C calc'!A0"
        data["participants"] = [ESCAPES, BIDI]
        ids = list(data["answers"])
        for rid, formula in zip(ids, FORMULAS, strict=False):
            data["answers"][rid] = {"status": "met", "note": formula, "evidence": [formula, f"ref {BIDI}"]}
        data["answers"][ids[10]] = {"status": "partial", "note": f"{ESCAPES} {BIDI} {C0_C1}", "evidence": []}

    return edited_copy(PART1, tmp_path_factory.mktemp("hostile") / "hostile.yaml", edit)


def _outputs(path: Path) -> dict[str, str]:
    parts = example_parts(path)
    out = {fmt.value: render_report(parts, fmt, "en").decode("utf-8-sig") for fmt in (ReportFormat.csv,
           ReportFormat.md, ReportFormat.html)}  # fmt: skip
    opened = parts[0].opened
    out["assess-md"] = render_result_markdown(
        parts[0].result, opened.framework.framework, "en", opened.assessment.organisation, opened.assessment.scope
    )
    return out


def test_no_control_or_bidi_character_reaches_csv_markdown_or_html(hostile: Path) -> None:
    outputs = _outputs(hostile)
    for name, text in outputs.items():
        assert not FORBIDDEN.findall(text), (name, sorted(set(FORBIDDEN.findall(text))))
        shown = "\n".join(_inline_texts(text)) if name.endswith("md") else unbreak(text)
        assert "[U+001B][31mRED" in shown, name  # shown, not dropped: a reader sees something was there
    for name in ("csv", "html"):  # notes and evidence appear in these
        assert "[U+202E]exe.txt[U+202C]" in unbreak(outputs[name])
        assert "vt[U+000B] ff[U+000C]" in outputs[name]
    shown = visible_text(outputs["html"])
    assert "[U+2066]iso[U+2069]" in shown and "nul[U+0000]" in shown and "del[U+007F]" in shown


def test_csv_cells_cannot_start_a_formula_and_levels_stay_numbers(hostile: Path) -> None:
    text = _outputs(hostile)["csv"]
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(header) == len(CSV_COLUMNS) and len(body) == 350  # one row per requirement
    for row in body:
        for i, cell in enumerate(row):
            if i in NUMERIC_COLUMNS:
                assert cell == "" or str(int(cell)) == cell, (header[i], cell)
            else:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\uff1d")), (header[i], cell)
    notes = {row[14] for row in body}
    neutralised = ["'=1+1", "'+SUM(A1:A9)", "'-2+3", "'@cmd", "'\t=tab", "[U+000D]=cr", "'\uff1d1+1"]
    assert set(neutralised) <= notes
    evidence = [row[13] for row in body]
    assert "'=1+1; ref [U+202E]exe.txt[U+202C] [U+2066]iso[U+2069] [U+200F]rtl [U+061C]alm" in evidence
    assert all(row[7].isdigit() and row[8].isdigit() for row in body)


def _inline_texts(markdown: str) -> list[str]:
    """The text a Markdown reader shows for each paragraph/list item, and every kind of token the parser made."""
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)
    texts = []
    for token in tokens:
        if token.type == "inline":
            kinds = {child.type for child in token.children or []}
            assert kinds <= {"text", "code_inline", "softbreak", "strong_open", "strong_close"}, kinds
            texts.append("".join(c.content for c in token.children or [] if c.type in ("text", "code_inline")))
        assert token.type not in ("html_block", "html_inline"), token
    return texts


def test_markdown_shows_hostile_text_literally(hostile: Path) -> None:
    outputs = _outputs(hostile)
    organisation = " ".join(visible(f"Org {ESCAPES} {MD_HOSTILE}").split())
    for name in ("md", "assess-md"):
        shown = _inline_texts(outputs[name])
        assert any(organisation in text for text in shown), name
        html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(outputs[name])
        for tag in ("<script", "<a ", "<img", "<em>", "<s>", "<b>", "<h1>heading"):
            assert tag not in html, (name, tag)


@given(st.text())
def test_markdown_cell_is_one_literal_table_cell(text: str) -> None:
    row = f"| a | b |\n|---|---|\n| {md_text(text)} | {md_code(text)} |\n"
    html = MarkdownIt("commonmark").enable("table").render(row)
    assert html.count("<td>") == 2 and "<a " not in html and "<em>" not in html and "<script" not in html.lower()


@given(st.text())
def test_visible_keeps_text_but_shows_every_control_character(text: str) -> None:
    shown = visible(text)
    assert not FORBIDDEN.search(shown)
    kept = "".join(c for c in re.sub("\r\n|[\x85\u2028\u2029]", "\n", text) if not hidden(c))
    assert re.sub(r"\[U\+[0-9A-F]{4,6}\]", "", shown) == kept


@given(st.text())
def test_csv_cell_never_starts_a_formula(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell.removeprefix("'") == visible(text) or cell == visible(text)


@given(st.text(max_size=500), st.text("ab-/.:é\U0001f600 ", max_size=500))
def test_breakable_only_adds_zero_width_spaces(text: str, latin: str) -> None:
    text = text.replace(ZWSP, "")
    assert unbreak(breakable(text)) == text
    assert all(len(run) <= 80 for run in re.split(rf"[\s{ZWSP}]", breakable(latin)))


def test_long_runs_get_break_points_but_hashes_and_ids_do_not() -> None:
    sha = "ab" * 32
    assert breakable(f"{sha} P1.RM.RA.01.R01") == f"{sha} P1.RM.RA.01.R01"
    broken = breakable("x" * 100_000)
    assert broken.count(ZWSP) == 100_000 // 40 - 1 and unbreak(broken) == "x" * 100_000
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji made of three joined by ZWJ
    assert family in breakable("a" * 39 + family * 40)  # never split inside a joined emoji
    assert "e\u0301" in breakable(("x" * 39 + "e\u0301") * 5)  # nor between a letter and its accent


def test_notes_with_control_characters_still_read_back(hostile: Path) -> None:
    """The safe display never changes the stored answer: the file still holds exactly what was entered."""
    answers = load_assessment(hostile).answers
    assert f"{ESCAPES} {BIDI} {C0_C1}" in {a.note for a in answers.values()}


def test_a_soft_hyphen_is_shown_like_every_other_format_character() -> None:
    assert visible("co\xadop") == "co[U+00AD]op"

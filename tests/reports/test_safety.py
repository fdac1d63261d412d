"""Safety of the PDF renderer: nothing outside the report's own folder is ever read, hostile notes stay text, control
and bidi characters show as markers, a 10,000-character note with emoji does not break the layout and a
100,000-character note without a space renders whole."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from reports.fetcher import ALLOWED_DIRS, RefusedURL, SafeFetcher, allowed_path
from reports.pdf import html_to_pdf
from reports.templating import render_html
from reports.textsafety import unbreak
from reports.view import build_view
from tests.reports.conftest import ARTIFACTS, PART1, pdf_fonts, pdf_pages, pdf_text, require_tool, squash
from tests.reports.support import edited_copy, example_parts

TEMPLATES = ALLOWED_DIRS[0]
EMOJI = "🚀😀✅📈"
LONG_NOTE = ("Long note 长说明 " + EMOJI + " ") * 300
LONG_NOTE = (LONG_NOTE + "x" * 10_000)[:8_000] + "y" * 2_000  # ends with 2,000 characters without a break
SCRIPT_NOTE = "<script>alert('x')</script>"
IMG_NOTE = '<img src="file:///etc/passwd">'
CONTROL_NOTE = "\x1b[31mred\x1b[0m \u202eexe.txt\u202c \x9b2J"
# no break opportunity at all: no space, no hyphen, no CJK; numbered so that a lost or reordered piece shows
HUGE_NOTE = "".join(f"{n:05d}abcdefghijk" for n in range(100_000 // 16))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.css",
        "https://example.invalid/font.woff",
        "ftp://example.invalid/a",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file://remote-host/share/x.css",
        (TEMPLATES / ".." / ".." / "pyproject.toml").as_uri(),
        "relative/path.css",
    ],
)
def test_fetcher_refuses_network_and_outside_files(url: str) -> None:
    with pytest.raises(RefusedURL):
        allowed_path(url)
    fetcher = SafeFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_a_symlink_out_of_the_asset_folder(tmp_path: Path) -> None:
    root = tmp_path / "assets"
    root.mkdir()
    (root / "ok.css").write_text("body {}")
    (root / "escape.css").symlink_to("/etc/passwd")
    assert allowed_path((root / "ok.css").as_uri(), [root]) == (root / "ok.css").resolve()
    with pytest.raises(RefusedURL):
        allowed_path((root / "escape.css").as_uri(), [root])


def test_fetcher_serves_the_report_templates() -> None:
    response = SafeFetcher().fetch((TEMPLATES / "report.css").as_uri())
    assert b"@page" in response.read()


def test_weasyprint_asks_the_safe_fetcher_and_gets_nothing() -> None:
    fetcher = SafeFetcher()
    html = (
        '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head>'
        '<body><p>visible</p><img src="file:///etc/passwd"><img src="https://example.invalid/x.png"></body></html>'
    )
    pdf = html_to_pdf(html, fetcher)
    assert pdf.startswith(b"%PDF")
    assert set(fetcher.refused) == {
        "http://127.0.0.1:9/evil.css",
        "file:///etc/passwd",
        "https://example.invalid/x.png",
    }


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SafeFetcher]:
    """Part 1 with a <script> note, an <img src=file:///etc/passwd> note and a 10,000-character note with emoji."""

    def edit(data: dict[str, Any]) -> None:
        answers = data["answers"]
        answers["P1.RM.RA.01.R01"]["note"] = SCRIPT_NOTE
        answers["P1.RM.RA.01.R02"]["note"] = IMG_NOTE
        answers["P1.RM.RA.01.R03"]["note"] = LONG_NOTE
        answers["P1.RM.RA.01.R04"]["note"] = CONTROL_NOTE

    path = edited_copy(PART1, tmp_path_factory.mktemp("hostile") / "hostile.yaml", edit)
    fetcher = SafeFetcher()
    pdf = html_to_pdf(render_html(build_view(example_parts(path), "en")), fetcher)
    out = ARTIFACTS / "report-hostile-en.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return out, fetcher


def test_hostile_notes_appear_as_text_and_nothing_is_fetched(hostile_pdf: tuple[Path, SafeFetcher]) -> None:
    pdf, fetcher = hostile_pdf
    assert fetcher.refused == []  # the markup never reached the renderer as markup
    text = squash(pdf_text(pdf))
    assert squash(SCRIPT_NOTE) in text
    assert squash(IMG_NOTE) in text


def test_long_note_with_emoji_keeps_the_layout(hostile_pdf: tuple[Path, SafeFetcher]) -> None:
    pdf, _ = hostile_pdf
    assert len(LONG_NOTE) == 10_000
    assert pdf_pages(pdf) < 130  # Part 1 alone (check tables, answer records) is about 108 pages; the note adds a few
    text = unbreak(squash(pdf_text(pdf)))  # long runs carry zero-width break points
    # the run of 2,000 y may cross a page break (the running footer then stands inside it), but none is lost
    assert sum(len(run) for run in re.findall("y{50,}", text)) >= 2_000 and "Longnote长说明" in text
    # every word lies inside the page's content box (A4 595 pt wide, 16 mm = 45 pt side margins)
    bbox = subprocess.run(
        [require_tool("pdftotext"), "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)]
    left = [float(x) for x in re.findall(r'xMin="([\d.]+)"', bbox)]
    assert right and max(right) <= 595.28 - 45.35 + 1.5, max(right)
    assert min(left) >= 45.35 - 1.5, min(left)


def test_emoji_render_with_the_colour_emoji_font_not_as_boxes(hostile_pdf: tuple[Path, SafeFetcher]) -> None:
    pdf, _ = hostile_pdf
    has_font = (
        shutil.which("fc-list")
        and "Noto Color Emoji" in subprocess.run(["fc-list", ":family"], capture_output=True, text=True).stdout
    )
    if not has_font:
        message = "fonts-noto-color-emoji is not installed (scripts/install-system-deps.sh installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert any("Noto-Color-Emoji" in f for f in pdf_fonts(pdf))


def test_control_and_bidi_characters_show_as_markers_in_the_pdf(hostile_pdf: tuple[Path, SafeFetcher]) -> None:
    pdf, _ = hostile_pdf
    text = pdf_text(pdf)  # pdftotext ends each page with a form feed (\x0c)
    assert not re.search("[\x00-\x08\x0b\x0d-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert squash("[U+001B][31mred[U+001B][0m [U+202E]exe.txt[U+202C] [U+009B]2J") in squash(text)


def test_a_100000_character_note_without_spaces_renders_whole(tmp_path: Path) -> None:
    """WeasyPrint breaks it at the zero-width spaces the report adds (bench/bench_long_note.py times it)."""

    def edit(data: dict[str, Any]) -> None:
        data["answers"]["P1.RM.RA.01.R01"]["note"] = HUGE_NOTE

    path = edited_copy(PART1, tmp_path / "huge.yaml", edit)
    out = tmp_path / "huge.pdf"
    out.write_bytes(html_to_pdf(render_html(build_view(example_parts(path), "en"))))
    assert len(HUGE_NOTE) == 100_000 and " " not in HUGE_NOTE
    # the text inside the page margins only, so that running headers and footers do not interleave with the note
    body = ["-x", "0", "-y", "57", "-W", "595", "-H", "734"]
    text = subprocess.run(
        [require_tool("pdftotext"), "-enc", "UTF-8", *body, str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert HUGE_NOTE in unbreak(squash(text))
    base = tmp_path / "base.pdf"
    base.write_bytes(html_to_pdf(render_html(build_view(example_parts(PART1), "en"))))
    assert pdf_pages(out) - pdf_pages(base) < 25  # 100,000 characters fill about 20 pages, not one per break

"""The jinja2 environments: HTML (autoescaped) and Markdown (every value escaped for Markdown by `finalize`).

Both render the same report view model. The HTML is one self-contained file (stylesheet and charts inline, system
fonts) and is exactly what WeasyPrint turns into the PDF, so the HTML and PDF reports cannot differ in content.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.fonts import FONT_STACK, MONO_STACK
from reports.labels import word
from reports.viewmodel import ReportView

TEMPLATES_DIR = Path(__file__).parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md_escape(value: object) -> str:
    """Text as Markdown shows it literally, on one line: HTML is escaped, so a note can never become a tag or link."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


@cache
def html_environment() -> Environment:
    """Compiled once per process. Everything is escaped except the stylesheet, which holds no user text."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(disabled_extensions=("css",), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


@cache
def markdown_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=False,
        finalize=md_escape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def _words(view: ReportView) -> dict[str, object]:
    lang = view.lang

    def t(key: str, **fmt: object) -> str:
        return word(key, lang, **fmt)

    return {"view": view, "t": t, "font_stack": FONT_STACK, "mono_stack": MONO_STACK}


def render_html(view: ReportView) -> str:
    return html_environment().get_template("report.html.j2").render(_words(view))


def render_markdown(view: ReportView) -> str:
    text = markdown_environment().get_template("report.md.j2").render(_words(view))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

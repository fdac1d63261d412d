"""The jinja2 environments: HTML (autoescaped) and Markdown (every value escaped for Markdown by `finalize`).

In both, every value a template prints shows control and bidi characters as visible markers (reports/textsafety.py);
in HTML, long unbreakable runs also get zero-width spaces, so WeasyPrint lays them out in linear time. Both render the
same report view model. The HTML is one self-contained file (stylesheet and charts inline, system
fonts) and is exactly what WeasyPrint turns into the PDF, so the HTML and PDF reports cannot differ in content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from reports.fonts import FONT_STACK, MONO_STACK
from reports.labels import word
from reports.textsafety import breakable, md_code, md_text, visible
from reports.viewmodel import ReportView

TEMPLATES_DIR = Path(__file__).parent / "templates"


def html_text(value: object) -> object:
    """Every printed value before autoescaping: markup made here (charts, CSS) as is, text shown safely."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return breakable(visible(value))


def html_join(values: Iterable[object], separator: str = "") -> Markup:
    """`join` for HTML: each value shown safely and escaped (jinja's own join escapes but returns finished Markup)."""
    return Markup(escape(separator)).join(escape(html_text(v)) for v in values)


def md_escape(value: object) -> str:
    """Every printed value in Markdown: literal text on one line, unless the template built it as Markdown."""
    return str(value) if isinstance(value, Markup) else md_text(value)


def md_code_span(value: object) -> Markup:
    return Markup(md_code(value))


@cache
def html_environment() -> Environment:
    """Compiled once per process. Everything is escaped except the stylesheet, which holds no user text."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(disabled_extensions=("css",), default_for_string=True, default=True),
        finalize=html_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["join"] = html_join
    return env


@cache
def markdown_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=False,
        finalize=md_escape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["code"] = md_code_span
    return env


def _words(view: ReportView) -> dict[str, object]:
    lang = view.lang

    def t(key: str, **fmt: object) -> str:
        return word(key, lang, **fmt)

    return {"view": view, "t": t, "font_stack": Markup(FONT_STACK), "mono_stack": Markup(MONO_STACK)}


def render_html(view: ReportView) -> str:
    return html_environment().get_template("report.html.j2").render(_words(view))


def render_markdown(view: ReportView) -> str:
    text = markdown_environment().get_template("report.md.j2").render(_words(view))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

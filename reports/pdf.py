"""PDF rendering: WeasyPrint on the report's HTML, reading nothing but the report's own files (reports/fetcher.py)."""

from __future__ import annotations

import gc
from functools import cache

from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

from reports.fetcher import TEMPLATES_DIR_URL, SafeFetcher


@cache
def font_config() -> FontConfiguration:
    """Fontconfig's font list is read once per process and shared by every render."""
    return FontConfiguration()


def html_to_pdf(html: str, fetcher: SafeFetcher | None = None) -> bytes:
    """The PDF of a report's HTML; any resource WeasyPrint asks for goes through the safe fetcher.

    The cyclic garbage collector is paused while WeasyPrint builds its hundreds of thousands of boxes: it would
    otherwise scan them again and again (about a sixth of the render time) and find nothing to free until the end.
    """
    document = HTML(string=html, base_url=TEMPLATES_DIR_URL, url_fetcher=fetcher or SafeFetcher())
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        pdf: bytes = document.write_pdf(font_config=font_config())
    finally:
        if was_enabled:
            gc.enable()
    return pdf

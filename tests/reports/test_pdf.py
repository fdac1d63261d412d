"""The example organisation's PDF report, read back as a reader would: text with pdftotext, pages as pictures.

The PNGs of page 1 and of the executive summary are kept under tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest
import yaml

from capability_model.catalog import resolve
from tests.reports.conftest import (
    ARTIFACTS,
    PART1,
    PART2,
    REPORT_DATE,
    RenderedPdf,
    pdf_fonts,
    pdf_text,
    squash,
    to_png,
)

# hand-checked in tests/test_example.py
DOMAIN_LEVELS = {
    "P1.RM": 2, "P1.DE": 2, "P1.MD": 3, "P2.CI": 2, "P2.DR": 2, "P2.MT": 2, "P2.CM": 3, "P2.MF": 2,
}  # fmt: skip
BLOCKING = "P1.MD.MT.02.R11"  # blocks level 5 of experiment management (P1.MD.MT.02, level 4)
LEVEL_NAMES = {"zh": {2: "专业级", 3: "领先级"}, "en": {2: "Professional", 3: "Leading"}}


@pytest.fixture(params=["zh", "en"])
def pdf(request: pytest.FixtureRequest, example_pdfs: dict[str, RenderedPdf]) -> RenderedPdf:
    return example_pdfs[request.param]


def test_overall_level_with_its_name(pdf: RenderedPdf) -> None:
    overall = "整体等级：2 · 专业级" if pdf.lang == "zh" else "Overall level: 2 · Professional"
    assert squash(overall) in squash(pdf.text)


def test_every_domain_level_in_the_summary_table(pdf: RenderedPdf) -> None:
    names = {
        d.id: d.name.get(pdf.lang)
        for ref in ("caict-mlops-p1", "caict-mlops-p2")
        for d in resolve(ref).framework.domains
    }
    text = squash(pdf_text(pdf.path, 3, 4))  # one summary page per part
    for domain, level in DOMAIN_LEVELS.items():
        row = f"{domain}{names[domain]}{level}{LEVEL_NAMES[pdf.lang][level]}"
        assert squash(row) in text, row


def test_known_blocking_requirement_text_in_the_report_language(pdf: RenderedPdf) -> None:
    _, req = resolve("caict-mlops-p1").framework.requirement_index()[BLOCKING]
    text = squash(pdf.text)
    assert squash(req.text.get(pdf.lang)) in text
    other = "en" if pdf.lang == "zh" else "zh"
    assert squash(req.text.get(other)) not in text
    title = "阻碍升至5级的要求" if pdf.lang == "zh" else "Requirements blocking level 5"
    assert squash(title) in text


def test_page_count_and_running_footer(pdf: RenderedPdf) -> None:
    assert 60 <= pdf.pages <= 260  # every check of 2022.10.4 has a row, every answer its record
    footer = f"第{pdf.pages}页，共{pdf.pages}页" if pdf.lang == "zh" else f"Page{pdf.pages}of{pdf.pages}"
    assert footer in squash(pdf_text(pdf.path, pdf.pages, pdf.pages))
    header = squash(pdf_text(pdf.path, 5, 5))
    assert squash("Huaxin Bank (fictional)") in header and REPORT_DATE in header


def test_table_of_contents_has_increasing_page_numbers(pdf: RenderedPdf) -> None:
    toc = pdf_text(pdf.path, 2, 2)
    numbers = [int(n) for n in re.findall(r"\.{3,}\s*(\d+)\s*$", toc, re.MULTILINE)]
    assert len(numbers) >= 14, toc
    assert numbers == sorted(numbers) and numbers[0] == 3 and numbers[-1] == pdf.pages


def test_evidence_and_content_hashes(pdf: RenderedPdf, evidence_bundle: tuple[object, str]) -> None:
    _, manifest = evidence_bundle
    text = squash(pdf.text)
    assert manifest in text
    for part in (PART1, PART2):  # the content hash of the framework version each example answers
        assert resolve(yaml.safe_load(part.read_text(encoding="utf-8"))["framework"]).sha256 in text
    assert "git.default_branch_protected" in text and "mlflow.registered_models" in text


def test_fonts_are_embedded_and_cjk_glyphs_come_from_the_cjk_font(pdf: RenderedPdf) -> None:
    fonts = pdf_fonts(pdf.path)
    # the CSS names Noto Sans CJK (and its mono sibling): no fallback font stood in for a missing glyph
    assert fonts and all("Noto-Sans-CJK" in f or "Noto-Sans-Mono-CJK" in f for f in fonts), fonts


def test_page_one_and_summary_as_pictures(pdf: RenderedPdf) -> None:
    overall = "整体等级：" if pdf.lang == "zh" else "Overalllevel:"
    summary = next(p for p in range(3, 8) if overall in squash(pdf_text(pdf.path, p, p)))
    pngs = [
        to_png(pdf.path, 1, ARTIFACTS / f"report-{pdf.lang}-page1"),
        to_png(pdf.path, summary, ARTIFACTS / f"report-{pdf.lang}-summary"),
        to_png(pdf.path, summary + 1, ARTIFACTS / f"report-{pdf.lang}-summary-2"),
    ]
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 20_000  # a page with content, not a blank one

"""The executive summary is one page per part: why the level is what it is, the work to the target, what the
result rests on and the three quickest lifts, with the part's domain table, all on that page."""

from __future__ import annotations

import re

from tests.reports.conftest import ARTIFACTS, RenderedPdf, squash, to_png

WORDS = {
    "en": (
        "Executive summary",
        r"Part {n} is at level \d",
        "Three actions that lift the level soonest",
        "Results overview",
    ),
    "zh": ("执行摘要", r"第{n}部分为\d级", "最快提升等级的三项行动", "结果概览"),
}


def test_each_part_summary_fits_on_its_own_page(example_pdfs: dict[str, RenderedPdf]) -> None:
    for lang, rendered in example_pdfs.items():
        heading, why, actions, overview = WORDS[lang]
        pages = rendered.text.split("\f")
        first = next(
            n for n, page in enumerate(pages) if heading in page and re.search(squash(why.format(n=1)), squash(page))
        )
        for offset, (part, last_domain) in enumerate(((1, "P1.MD"), (2, "P2.MF"))):
            page = squash(pages[first + offset])
            assert re.search(squash(why.format(n=part)), page), (lang, part)
            assert squash(actions) in page
            assert len(re.findall(r"\d\.", page)) >= 3  # the numbered actions
            assert last_domain in page  # the part's whole domain table is on the page
        assert squash(overview) in squash(pages[first + 2])
        png = to_png(rendered.path, first + 1, ARTIFACTS / f"report-{lang}-summary")  # kept for a person to look at
        assert png.stat().st_size > 10_000

"""Pagination, read back from the example's real PDF page by page (pdftotext -layout): no heading is left at a page
foot; every page of the results by domain starts with a heading, a table header, or a whole requirement row whose id
(the running header's capability item + the row's R-number) is a requirement of the framework; the roadmap's tables
repeat their header on every page they continue on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from capability_model.catalog import resolve
from capability_model.schema import Lang
from reports.build import ReportFormat, render_report, score_parts
from reports.labels import word
from reports.roadmap_view import headers
from tests.reports.conftest import PART1, PART2, REPORT_DATE, RenderedPdf, squash

ROW = re.compile(r"^(?:L\d|\d级)\s+R(\d+)\b")
ITEM = r"P\d\.[A-Z]{2}\.[A-Z]{2}\.\d\d"
# the running header's second line: the capability item and the requirement row under way at the top of the page
RUNNING = re.compile(rf"^({ITEM})(?:\s+(?:L\d|\d级)\s+R(\d+)\b.*)?$")
PLAN_ROW = re.compile(rf"^\d+\s+{ITEM}\.R\d+")


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.current: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "wbr", "img", "col", "meta"):
            return
        if tag in ("h1", "h2", "h3", "h4") or (tag == "div" and ("class", "req-head") in attrs):
            self.depth += 1
            self.current = []
        elif self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if not self.depth:
                self.found.append(squash("".join(self.current)))

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.current.append(data)


def headings(html: str) -> set[str]:
    """The squashed text of every heading and requirement-table header of an HTML report."""
    parser = _Headings()
    parser.feed(html)
    return {h.replace("\u200b", "") for h in parser.found if h}


@dataclass(frozen=True)
class Page:
    number: int
    item: str  # the running header's capability item ('' where none is under way)
    requirement: str  # the running header's requirement row number, e.g. '07' ('' where none)
    body: list[str]  # the lines between the running header and the footer, without empty ones


def pages_of(text: str) -> list[Page]:
    """The pages of pdftotext -layout output with the running header (one line, or two where its first names the item
    and row under way) and the footer (last line) taken off."""
    pages = []
    for n, page in enumerate(text.split("\f"), 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if len(lines) < 2:
            continue  # the empty string after the last form feed
        running = RUNNING.match(lines[0])
        body = lines[2:-1] if running else lines[1:-1]
        item, requirement = (running.group(1), running.group(2) or "") if running else ("", "")
        pages.append(Page(n, item, requirement, body))
    return pages


def stranded(pages: list[Page], heads: set[str]) -> list[tuple[int, str]]:
    """Pages whose last body line is a heading or a table header."""
    return [(p.number, p.body[-1]) for p in pages if len(p.body) > 1 and squash(p.body[-1]) in heads]


def section(pages: list[Page], first_heading: str, next_heading: str) -> list[Page]:
    """The pages from the one that opens with `first_heading` to the one before `next_heading`."""

    def opening(title: str) -> int:
        return next(n for n, p in enumerate(pages) if p.body and p.body[0] == title)

    return pages[opening(first_heading) : opening(next_heading)]


def bad_domain_page_starts(pages: list[Page], heads: set[str], requirement_ids: set[str]) -> list[tuple[int, str]]:
    """Pages of the results by domain (after the first) that open neither with a heading or table header nor with a
    whole row, or whose running header does not name the requirement row that opens or continues on them."""
    out = []
    item, under_way = "", ""
    for page in pages:
        first = page.body[0]
        row = ROW.match(first)
        named = f"{page.item}.R{page.requirement}"
        if page is pages[0] or (not row and any(h.startswith(squash(first)) for h in heads)):
            pass  # a heading or a table header opens the page
        elif row:
            if named != f"{page.item}.R{row.group(1)}" or named not in requirement_ids:
                out.append((page.number, f"running header {named} | {first}"))
        elif named != under_way or named not in requirement_ids:
            out.append((page.number, f"running header {named}, row under way {under_way} | {first}"))
        item = page.item or item
        for line in page.body:
            heading = re.match(rf"^({ITEM})\s", line)
            if heading and squash(line) in heads:
                item, under_way = heading.group(1), ""
            found = ROW.match(line)
            if found:
                under_way = f"{item}.R{found.group(1)}"
    return out


def test_the_checks_find_what_they_look_for() -> None:
    h4 = "P1.RM.RA.03 Scenario design 2 Professional"
    heads = {squash(h4), squash("Level · Status Requirement · Evidence")}
    pages = pages_of(
        f"P1.RM.RA.01  L1 R01 met\nOrg  Title\nL1 R01 met text\nL1 R02 met\n{h4}\nPage 1\f"
        "P1.RM.RA.03\nOrg  Title\nof a row that is not named\nL2 R04 met text\nPage 2\f"
        "P1.RM.RA.03  L2 R04 met\nOrg  Title\nthe rest of R04\nL2 R99 met text\nPage 3\f"
        "P1.RM.RA.03  L2 R99 met\nOrg  Title\nL2 R99 met text\nPage 4\f"
        "P1.RM.RA.03  L2 R05 met\nOrg  Title\nL2 R05 met text\nPage 5\f"
    )
    assert [(p.item, p.requirement) for p in pages[:2]] == [("P1.RM.RA.01", "01"), ("P1.RM.RA.03", "")]
    assert stranded(pages, heads) == [(1, h4)]
    ids = {"P1.RM.RA.01.R01", "P1.RM.RA.01.R02", "P1.RM.RA.03.R04", "P1.RM.RA.03.R05"}
    assert [n for n, _ in bad_domain_page_starts(pages, heads, ids)] == [2, 4]


@pytest.fixture(scope="module")
def report_headings(evidence_bundle: tuple[Path, str]) -> dict[str, set[str]]:
    bundle, _ = evidence_bundle
    parts = score_parts([PART1, PART2], evidence=bundle)
    date = dt.date.fromisoformat(REPORT_DATE)
    langs: tuple[Lang, ...] = ("zh", "en")
    return {lang: headings(render_report(parts, ReportFormat.html, lang, date).decode()) for lang in langs}


def test_no_page_ends_with_a_heading(
    example_pdfs: dict[str, RenderedPdf], report_headings: dict[str, set[str]]
) -> None:
    for lang, pdf in example_pdfs.items():
        assert len(report_headings[lang]) > 100  # every domain, subdomain and item heading, and the table headers
        assert stranded(pages_of(pdf.text), report_headings[lang]) == [], lang


def test_every_domain_page_starts_with_a_whole_row_carrying_its_id(
    example_pdfs: dict[str, RenderedPdf], report_headings: dict[str, set[str]]
) -> None:
    requirement_ids = {
        rid for ref in ("caict-mlops-p1", "caict-mlops-p2") for rid in resolve(ref).framework.requirement_index()
    }
    for lang, pdf in example_pdfs.items():
        span = section(pages_of(pdf.text), word("results_by_domain", lang), word("roadmap", lang))  # type: ignore[arg-type]
        assert len(span) > 50, lang
        rows = sum(1 for p in span if ROW.match(p.body[0]))
        assert rows > len(span) / 2  # most pages open with a requirement row, whole
        assert bad_domain_page_starts(span, report_headings[lang], requirement_ids) == [], lang


def test_roadmap_tables_repeat_their_header(example_pdfs: dict[str, RenderedPdf]) -> None:
    for lang, pdf in example_pdfs.items():
        span = section(pages_of(pdf.text), word("roadmap", lang), word("limitations", lang))  # type: ignore[arg-type]
        header = squash(" ".join(headers(lang)))  # type: ignore[arg-type]
        continued = [p for p in span[1:] if squash(p.body[0]) == header]
        assert continued, lang  # the example's roadmap tables run over several pages
        assert not [p.number for p in span if PLAN_ROW.match(p.body[0])], lang  # none opens on a row without it

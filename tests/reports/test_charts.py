"""Chart data and its SVG drawings: the same numbers as the assessment result, and the same numbers the plotly
figures of the workshop UI get."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from assessors.results import AssessmentResult
from capability_model.schema import Framework
from reports import chart_data, svg
from reports.chart_data import MatrixRow, RadarData, Series
from reports.view import ScoredPart
from tests.reports.support import example_parts

NS = {"s": "http://www.w3.org/2000/svg"}


@pytest.fixture(scope="module")
def scored() -> list[tuple[AssessmentResult, Framework]]:
    parts: list[ScoredPart] = example_parts()
    return [(p.result, p.opened.framework.framework) for p in parts]


def _values(text: str) -> list[float | None]:
    return [float(v) if v else None for v in text.split(",")]


def test_radar_data_is_the_domain_results(scored: list[tuple[AssessmentResult, Framework]]) -> None:
    data = chart_data.radar_data(scored, "en")
    domains = [d for result, _ in scored for d in result.domains]
    assert len(data.axes) == 8 and data.axes[0] == "Requirements management"
    series = {s.key: s.values for s in data.series}
    assert series["level"] == tuple(d.level for d in domains)
    assert series["score"] == tuple(d.score for d in domains)
    assert series["target"] == (3,) * 8

    root = ET.fromstring(svg.radar_svg(data))
    drawn = {p.get("class"): _values(p.get("data-values", "")) for p in root.findall("s:polygon", NS) if p.get("class")}
    assert drawn["series-level"] == list(series["level"]) and drawn["series-score"] == list(series["score"])

    figure = chart_data.radar_figure(data)
    traces = {t["name"]: t["r"][:-1] for t in figure["data"]}
    assert traces["Level"] == list(series["level"]) and traces["Score"] == list(series["score"])


def test_matrix_cells_follow_level_and_target(scored: list[tuple[AssessmentResult, Framework]]) -> None:
    row = MatrixRow("X.01", "x", level=2, target=3)
    assert [row.cell(lv) for lv in range(1, 6)] == ["reached", "reached", "gap", "beyond", "beyond"]
    assert {MatrixRow("X.02", "x", None, 3).cell(lv) for lv in range(1, 6)} == {"na"}

    result, framework = scored[0]
    data = chart_data.matrix_data(result, framework, "zh")
    assert data.columns == ("基础级", "专业级", "领先级", "卓越级", "引领级")
    rows = [r for g in data.groups for r in g.rows]
    assert [r.level for r in rows] == [i.level for i in result.items()]
    root = ET.fromstring(svg.matrix_svg(data))
    cells = root.findall("s:rect", NS)
    assert len(cells) == 28 * 5 + len(data.legend)  # every item x level, plus the legend swatches
    drawn = {c.get("data-item"): int(c.get("data-value", "0")) for c in cells if c.get("data-item")}
    assert drawn == {i.id: i.level for i in result.items()}
    z = chart_data.matrix_figure(data)["data"][0]["z"]
    codes = {"na": 0, "beyond": 1, "gap": 2, "reached": 3}
    assert z == [[codes[r.cell(lv)] for lv in range(1, 6)] for r in rows]


def test_bars_show_item_levels(scored: list[tuple[AssessmentResult, Framework]]) -> None:
    result, framework = scored[1]
    domain = result.domains[0]
    data = chart_data.bars_data(domain, framework, result.target_level, "en")
    levels = [i.level for s in domain.subdomains for i in s.items]
    assert list(data.values) == levels
    root = ET.fromstring(svg.bars_svg(data))
    assert [int(b.get("data-value", "0")) for b in root.findall("s:rect[@class='bar']", NS)] == levels
    assert root.find("s:line[@class='target']", NS).get("data-value") == "3"  # type: ignore[union-attr]
    assert chart_data.bars_figure(data)["data"][0]["x"] == levels


def test_svg_escapes_text_and_stays_offline() -> None:
    data = RadarData(
        axes=("<b>&x</b>", "需求管理", "Data"),
        series=(Series("level", "Level", (1, 2, None)), Series("target", 'T"', (3, 3, 3))),
        caption="<script>",
    )
    out = svg.radar_svg(data)
    ET.fromstring(out)  # well-formed
    assert "<b>" not in out and "&lt;b&gt;&amp;x&lt;/b&gt;" in out and "<script>" not in out
    assert not re.search(r"(href|src)=", out)


def test_wrap_and_fit() -> None:
    assert svg.wrap("Requirements management", 90, 12) == ["Requirements", "management"]
    lines = svg.wrap("人工智能研发运营一体化能力成熟度模型", 60, 12)
    assert len(lines) == 2 and lines[0] == "人工智能研" and lines[1].endswith("…")
    assert svg.fit("short", 100, 10) == "short"
    assert svg.fit("a very long label indeed", 40, 10).endswith("…")


def test_chart_text_is_at_least_7_pt_as_laid_out_on_the_page() -> None:
    """An SVG is scaled to its box: its text size on paper is font-size x (box width / viewBox width)."""
    from pathlib import Path

    from reports.build import ReportFormat, render_report

    css = (Path(svg.__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    margins = re.search(r"@page\s*\{[^}]*?margin:\s*[\d.]+mm\s+([\d.]+)mm\s+[\d.]+mm\s+([\d.]+)mm", css)
    assert margins is not None
    content_pt = (210 - float(margins.group(1)) - float(margins.group(2))) / 25.4 * 72  # A4 text column
    overview = re.search(r"\.overview svg\.chart\s*\{\s*width:\s*([\d.]+)%", css)
    assert overview is not None
    html = render_report(example_parts(), ReportFormat.html, "en").decode()
    sections = re.split(r'(?=<section class=")', html)
    smallest: dict[str, float] = {}
    for section in sections:
        share = float(overview.group(1)) / 100 if section.startswith('<section class="overview"') else 1.0
        for m in re.finditer(r"<svg([^>]*)>(.*?)</svg>", section, re.S):
            box, label = (
                re.search(r'viewBox="0 0 ([\d.]+) ', m.group(1)),
                re.search(r'aria-label="([^"]*)"', m.group(1)),
            )
            assert box is not None and label is not None
            sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', m.group(2))]
            on_paper = min(sizes) * share * content_pt / float(box.group(1))
            smallest[label.group(1)[:40]] = min(on_paper, smallest.get(label.group(1)[:40], on_paper))
    assert smallest and all(pt >= 7.0 for pt in smallest.values()), smallest

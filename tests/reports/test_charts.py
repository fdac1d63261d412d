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

"""The dashboard's heatmap says what its colours mean and where the target is (issue 14: on a projector nobody can
ask), in the page's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessors.assessment import Assessment
from assessors.sqlite_store import SqliteStore
from reports.chart_data import COLOURS
from tests.workshop.apptest import start


@pytest.mark.parametrize(
    ("lang", "words"), [("en", ("Target level", "not applicable")), ("zh", ("目标等级", "不适用"))]
)
def test_the_heatmap_has_a_legend_and_the_target_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment], lang: str, words: tuple[str, str]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = SqliteStore(db).create(parts, "seed")
    at = start(db, monkeypatch, w=str(workshop_id), page="dashboard", lang=lang)
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    heatmaps = [c for c in charts if any(trace.get("type") == "heatmap" for trace in c["data"])]
    assert len(heatmaps) == len(parts)
    for chart in heatmaps:
        legend = [t for t in chart["data"] if t.get("showlegend")]
        assert {t["marker"]["color"] for t in legend} == {COLOURS[s] for s in ("reached", "gap", "beyond", "na")}
        assert any(words[1] in t["name"] for t in legend)
        [line] = [s for s in chart["layout"]["shapes"] if s.get("type") == "line"]
        target = parts[0].target_level
        assert line["x0"] == line["x1"] == target - 0.5  # after the target level's column (levels 1..5 at 0..4)
        assert any(f"{words[0]} {target}" in a["text"] for a in chart["layout"]["annotations"])

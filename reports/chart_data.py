"""The numbers behind every chart, shaped once.

The report's SVG drawings (reports/svg.py) and the workshop UI's plotly figures (`*_figure` below, plain dicts that
`plotly.graph_objects.Figure` accepts) both read these objects, so the two can never show different figures. Nothing
here computes a level: every value is copied from the assessors' results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assessors.results import AssessmentResult, DomainResult
from capability_model.schema import LEVELS, Framework, Lang
from reports.labels import word

MAX_LEVEL = max(LEVELS)
SeriesKey = Literal["level", "score", "target"]
CellState = Literal["reached", "gap", "beyond", "na"]

# One palette for the SVG drawings and the plotly figures.
COLOURS: dict[str, str] = {
    "level": "#1f5f8b",
    "score": "#e08a1e",
    "target": "#b23a48",
    "reached": "#2e7d5b",
    "gap": "#e4a5a5",
    "beyond": "#eef1f4",
    "na": "#c9ced6",
    "grid": "#c5ccd6",
    "text": "#1d2733",
    "muted": "#5b6675",
}


@dataclass(frozen=True)
class Series:
    key: SeriesKey
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class RadarData:
    """Domains as axes; the level, score and target of each domain as series."""

    axes: tuple[str, ...]
    series: tuple[Series, ...]
    caption: str
    max_value: int = MAX_LEVEL


@dataclass(frozen=True)
class MatrixRow:
    id: str
    label: str
    level: int | None  # None: not applicable
    target: int

    def cell(self, level: int) -> CellState:
        """How the cell for `level` is shown: reached, missing up to the target, missing beyond it, or n/a."""
        if self.level is None:
            return "na"
        if level <= self.level:
            return "reached"
        return "gap" if level <= self.target else "beyond"


@dataclass(frozen=True)
class MatrixGroup:
    label: str
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class MatrixData:
    """Every capability item by level reached (columns 1..5) against the target."""

    columns: tuple[str, ...]  # the name of each level 1..5, from the framework file
    groups: tuple[MatrixGroup, ...]
    legend: tuple[tuple[CellState, str], ...]
    target: int
    caption: str


@dataclass(frozen=True)
class BarsData:
    """One bar per capability item of a domain: its level, with the target as a reference line."""

    labels: tuple[str, ...]
    values: tuple[int | None, ...]
    target: int
    value_name: str
    target_name: str
    caption: str
    max_value: int = MAX_LEVEL


def _names(framework: Framework, lang: Lang) -> dict[str, str]:
    names = {d.id: d.name.get(lang) for d in framework.domains}
    names |= {s.id: s.name.get(lang) for d in framework.domains for s in d.subdomains}
    names |= {i.id: i.name.get(lang) for _, _, i in framework.items()}
    return names


def _short(item_id: str) -> str:
    """'P1.RM.RA.01' -> 'RA.01': the domain is already named by the row's group."""
    return ".".join(item_id.split(".")[-2:])


def radar_data(parts: Sequence[tuple[AssessmentResult, Framework]], lang: Lang) -> RadarData:
    """Every domain of every part as one axis, in framework order."""
    axes: list[str] = []
    levels: list[float | None] = []
    scores: list[float | None] = []
    targets: list[float | None] = []
    for result, framework in parts:
        names = _names(framework, lang)
        for domain in result.domains:
            axes.append(names[domain.id])
            levels.append(domain.level)
            scores.append(domain.score)
            targets.append(result.target_level)
    return RadarData(
        axes=tuple(axes),
        series=(
            Series("target", word("series_target", lang), tuple(targets)),
            Series("level", word("series_level", lang), tuple(levels)),
            Series("score", word("series_score", lang), tuple(scores)),
        ),
        caption=word("radar_caption", lang),
    )


def matrix_data(result: AssessmentResult, framework: Framework, lang: Lang) -> MatrixData:
    names = _names(framework, lang)
    groups = tuple(
        MatrixGroup(
            label=f"{domain.id} {names[domain.id]}",
            rows=tuple(
                MatrixRow(item.id, f"{_short(item.id)} {names[item.id]}", item.level, result.target_level)
                for sub in domain.subdomains
                for item in sub.items
            ),
        )
        for domain in result.domains
    )
    states: tuple[CellState, ...] = ("reached", "gap", "beyond", "na")
    return MatrixData(
        columns=tuple(framework.level_name(lv, lang) for lv in LEVELS),
        groups=groups,
        legend=tuple((s, word(f"cell_{s}", lang)) for s in states),
        target=result.target_level,
        caption=word("matrix_caption", lang),
    )


def bars_data(domain: DomainResult, framework: Framework, target: int, lang: Lang) -> BarsData:
    names = _names(framework, lang)
    items = [item for sub in domain.subdomains for item in sub.items]
    return BarsData(
        labels=tuple(names[i.id] for i in items),
        values=tuple(i.level for i in items),
        target=target,
        value_name=word("item_level", lang),
        target_name=word("series_target", lang),
        caption=word("bars_caption", lang),
    )


# --- the same data as plotly figure dicts (no plotly import: the UI passes them to go.Figure) ---------------------


def radar_figure(data: RadarData) -> dict[str, Any]:
    closed = [*data.axes, data.axes[0]] if data.axes else []
    traces = [
        {
            "type": "scatterpolar",
            "name": s.name,
            "r": [*s.values, s.values[0]] if s.values else [],
            "theta": closed,
            "line": {"color": COLOURS[s.key], "dash": "dash" if s.key == "target" else "solid"},
            "fill": "toself" if s.key == "level" else "none",
        }
        for s in data.series
    ]
    layout = {"title": {"text": data.caption}, "polar": {"radialaxis": {"range": [0, data.max_value], "dtick": 1}}}
    return {"data": traces, "layout": layout}


def matrix_figure(data: MatrixData) -> dict[str, Any]:
    codes: dict[CellState, int] = {"na": 0, "beyond": 1, "gap": 2, "reached": 3}
    rows = [row for group in data.groups for row in group.rows]
    colorscale = [[i / 3, COLOURS[s]] for i, s in enumerate(("na", "beyond", "gap", "reached"))]
    trace = {
        "type": "heatmap",
        "x": [f"{lv} {name}" for lv, name in zip(LEVELS, data.columns, strict=True)],
        "y": [row.label for row in rows],
        "z": [[codes[row.cell(lv)] for lv in LEVELS] for row in rows],
        "zmin": 0,
        "zmax": 3,
        "colorscale": colorscale,
        "showscale": False,
    }
    return {"data": [trace], "layout": {"title": {"text": data.caption}, "yaxis": {"autorange": "reversed"}}}


def bars_figure(data: BarsData) -> dict[str, Any]:
    trace = {
        "type": "bar",
        "orientation": "h",
        "name": data.value_name,
        "x": [v if v is not None else 0 for v in data.values],
        "y": list(data.labels),
        "marker": {"color": COLOURS["level"]},
    }
    target = {
        "type": "line",
        "x0": data.target,
        "x1": data.target,
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "line": {"color": COLOURS["target"], "dash": "dash"},
    }
    layout = {
        "title": {"text": data.caption},
        "xaxis": {"range": [0, data.max_value], "dtick": 1},
        "yaxis": {"autorange": "reversed"},
        "shapes": [target],
    }
    return {"data": [trace], "layout": layout}

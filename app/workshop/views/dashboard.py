"""Dashboard: the radar (current vs target), the item x level heatmap and the gap/roadmap table.

The figures are reports/chart_data.py's plotly dicts built from the same results as the PDF's SVG charts, and the
table lists the report's roadmap, so the screen shows exactly the report's numbers.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.workshop.context import Context
from app.workshop.service import Scores, gap_rows, part_name
from capability_model.schema import LEVELS
from reports.chart_data import COLOURS, MatrixData, matrix_data, matrix_figure, radar_data, radar_figure

# No mode bar: its buttons' titles (Zoom, Pan, Autoscale, ...) are plotly's English, and a workshop's charts are
# read, not explored.
_CONFIG = {"displayModeBar": False}
_COLUMNS = (
    ("part", "filter_part"),
    ("phase", "phase"),
    ("domain", "domain"),
    ("item", "item"),
    ("item_level", "item_level"),
    ("level", "level"),
    ("requirement", "requirement_id"),
    ("text", "requirement"),
    ("status", "status"),
    ("blocking", "blocking_mark"),
)


def _legend_and_target(figure: Any, data: MatrixData, target_word: str) -> None:
    """What the heatmap's colours mean, and a dashed line after the target level's column (on a projector nobody
    can ask which colour is which)."""
    for cell, label in data.legend:  # one legend entry per cell colour, drawn as a square and no data
        marker = {"symbol": "square", "size": 12, "color": COLOURS[cell]}
        figure.add_scatter(x=[None], y=[None], mode="markers", marker=marker, name=label, showlegend=True)
    figure.add_vline(
        x=data.target - 0.5,  # columns are levels 1..5 at positions 0..4: the line closes the target's column
        line={"color": COLOURS["target"], "dash": "dash", "width": 2},
        annotation_text=f"{target_word} {data.target}",
        annotation_position="top",
    )
    figure.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, showlegend=True)


def _hover(figure: Any, data: MatrixData) -> None:
    """A heatmap cell's hover box says what its colour means (the legend's words), not plotly's colour code and
    trace name ('trace 0')."""
    meaning = dict(data.legend)
    text = [[meaning[row.cell(lv)] for lv in LEVELS] for group in data.groups for row in group.rows]
    figure.update_traces(
        selector={"type": "heatmap"}, text=text, hovertemplate="%{y}<br>%{x}<br>%{text}<extra></extra>"
    )


def _charts(ctx: Context, scores: Scores) -> None:
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    radar = go.Figure(radar_figure(radar_data([(p.result, p.framework) for p in scores.parts], ctx.lang)))
    # the hover box names the domain and the series' value, not plotly's "r: 3 θ: ..."
    radar.update_traces(hovertemplate=f"%{{theta}}{ctx.t('colon')}%{{r}}<extra>%{{fullData.name}}</extra>")
    st.plotly_chart(radar, key="radar", config=_CONFIG)
    for part in scores.parts:
        st.subheader(part_name(part.framework, ctx.lang))
        data = matrix_data(part.result, part.framework, ctx.lang)
        figure = go.Figure(matrix_figure(data))
        _legend_and_target(figure, data, ctx.t("target"))
        _hover(figure, data)
        rows = sum(len(g.rows) for g in data.groups)
        figure.update_layout(height=170 + 22 * rows, margin={"l": 10, "r": 10})
        st.plotly_chart(figure, key=f"matrix:{part.framework.id}", config=_CONFIG)


def _table(ctx: Context, scores: Scores) -> None:
    import pandas as pd  # type: ignore[import-untyped]

    st.subheader(ctx.t("gap_table"))
    rows = gap_rows(scores, ctx.lang)
    frame = pd.DataFrame(rows, columns=[c for c, _ in _COLUMNS])
    filters = st.columns(4)
    picks = {
        column: filters[n].multiselect(
            ctx.t(label), sorted(frame[column].unique()), key=f"gap:{column}", placeholder=ctx.t("choose_many")
        )
        for n, (column, label) in enumerate(
            (
                ("part", "filter_part"),
                ("domain", "filter_domain"),
                ("phase", "filter_phase"),
                ("status", "filter_status"),
            )
        )
    }
    text = st.text_input(ctx.t("filter_text"), key="gap:text").strip().lower()
    shown = frame
    for column, chosen in picks.items():
        if chosen:
            shown = shown[shown[column].isin(chosen)]
    if text:
        haystack = shown["requirement"].str.lower() + " " + shown["text"].str.lower() + " " + shown["item"].str.lower()
        shown = shown[haystack.str.contains(text, regex=False)]
    st.caption(ctx.t("rows_shown", n=len(shown), total=len(frame)))
    labels = {column: ctx.t(label) for column, label in _COLUMNS}
    st.dataframe(
        shown,
        hide_index=True,
        column_config={column: st.column_config.Column(label) for column, label in labels.items()},
        key="gap:table",
    )


def render(ctx: Context) -> None:
    scores = ctx.scores
    if scores is None:
        st.info(ctx.t("no_workshop"))
        return
    _charts(ctx, scores)
    _table(ctx, scores)

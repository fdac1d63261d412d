"""SVG drawings of the chart data: plain strings built in Python, so no browser, network or plotting library is needed.

Every text is escaped here, so the returned markup can be placed in the HTML as is. Each drawn value carries a
`data-value` attribute, which lets tests check the drawing against the chart data it came from.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from html import escape

from capability_model.schema import LEVELS
from reports.chart_data import COLOURS, BarsData, MatrixData, RadarData, Series
from reports.fonts import FONT_STACK

_TOKENS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+")


def _a(value: object) -> str:
    """An attribute value or text node, escaped."""
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text_width(text: str, size: float) -> float:
    """Approximate advance width: full-width (CJK) characters are 1 em, others about 0.56 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.56 for c in text)


def wrap(text: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """Greedy line breaking at spaces (Latin) or between characters (CJK); the last line is shortened with '…'."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if line and text_width((line + token).rstrip(), size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    if lines:
        lines[-1] = fit(lines[-1], width, size)
    return lines


def fit(text: str, width: float, size: float) -> str:
    """The text, shortened with '…' when it is wider than `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{_a(label)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}" '
        f'font-family="{_a(FONT_STACK)}" fill="{COLOURS["text"]}">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, size: float, anchor: str = "start", **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{_a(v)}"' for k, v in attrs.items())
    return f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}"{extra}>{_a(text)}</text>'


def _opt(value: int | None) -> str:
    return "" if value is None else str(value)


def _target_line(x: float, y1: float, y2: float, target: int) -> str:
    return (
        f'<line class="target" x1="{_num(x)}" y1="{_num(y1)}" x2="{_num(x)}" y2="{_num(y2)}" '
        f'stroke="{COLOURS["target"]}" stroke-width="2" stroke-dasharray="5 3" data-value="{target}"/>'
    )


def _legend(x: float, y: float, entries: list[tuple[str, str, str]], size: float = 11) -> list[str]:
    """Swatches left to right: (colour, label, kind) where kind is 'box', 'line' or 'dash'."""
    out = []
    for colour, label, kind in entries:
        if kind == "box":
            out.append(f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="12" height="10" fill="{colour}"/>')
        else:
            dash = ' stroke-dasharray="4 3"' if kind == "dash" else ""
            out.append(
                f'<line x1="{_num(x)}" y1="{_num(y - 4)}" x2="{_num(x + 14)}" y2="{_num(y - 4)}" '
                f'stroke="{colour}" stroke-width="2"{dash}/>'
            )
        out.append(_text(x + 18, y, label, size))
        x += 18 + text_width(label, size) + 18
    return out


# --- radar -------------------------------------------------------------------------------------------------------


def _polygon(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def radar_svg(data: RadarData) -> str:
    width, height, radius = 640.0, 425.0, 148.0
    cx, cy = width / 2, 200.0
    n = max(len(data.axes), 1)
    angles = [-math.pi / 2 + 2 * math.pi * k / n for k in range(n)]

    def point(k: int, value: float) -> tuple[float, float]:
        r = radius * max(0.0, min(value, data.max_value)) / data.max_value
        return cx + r * math.cos(angles[k]), cy + r * math.sin(angles[k])

    body = []
    for ring in range(1, data.max_value + 1):
        body.append(
            f'<polygon points="{_polygon([point(k, ring) for k in range(n)])}" fill="none" '
            f'stroke="{COLOURS["grid"]}" stroke-width="{1.2 if ring == data.max_value else 0.6}"/>'
        )
        x, y = point(0, ring)
        body.append(_text(x + 4, y + 4, str(ring), 11, fill=COLOURS["muted"]))
    for k, axis in enumerate(data.axes):
        x, y = point(k, data.max_value)
        body.append(
            f'<line x1="{_num(cx)}" y1="{_num(cy)}" x2="{_num(x)}" y2="{_num(y)}" stroke="{COLOURS["grid"]}" '
            'stroke-width="0.6"/>'
        )
        cos, sin = math.cos(angles[k]), math.sin(angles[k])
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        lx, ly = cx + (radius + 12) * cos, cy + (radius + 12) * sin
        lines = wrap(axis, 150, 13)
        ly += 4 if abs(sin) < 0.3 else (15 if sin > 0 else -6 - 15 * (len(lines) - 1))
        body += [_text(lx, ly + 15 * i, line, 13, anchor) for i, line in enumerate(lines)]
    for series in data.series:
        body += _radar_series(series, point)
    legend = [(COLOURS[s.key], s.name, {"level": "box", "score": "line", "target": "dash"}[s.key]) for s in data.series]
    body += _legend(cx - 110, height - 8, legend, 12)
    return _svg(width, height, body, data.caption)


def _radar_series(series: Series, point: Callable[[int, float], tuple[float, float]]) -> list[str]:
    points = [point(k, v if v is not None else 0.0) for k, v in enumerate(series.values)]
    colour = COLOURS[series.key]
    if series.key == "level":
        style = f'fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="2.2"'
    elif series.key == "target":
        style = f'fill="none" stroke="{colour}" stroke-width="1.6" stroke-dasharray="6 4"'
    else:
        style = f'fill="none" stroke="{colour}" stroke-width="1.4"'
    values = ",".join("" if v is None else _num(v) for v in series.values)
    out = [f'<polygon class="series-{series.key}" points="{_polygon(points)}" data-values="{values}" {style}/>']
    if series.key != "target":
        out += [f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{colour}"/>' for x, y in points]
    return out


# --- level matrix (heatmap) --------------------------------------------------------------------------------------


def matrix_svg(data: MatrixData) -> str:
    label_w, cell_w, row_h, group_h, head_h = 300.0, 72.0, 17.0, 20.0, 42.0
    width = label_w + cell_w * len(LEVELS) + 10
    labels = {id(r): wrap(r.label, label_w - 14, 10) for g in data.groups for r in g.rows}  # wrapped, never cut
    heights = {k: row_h + 11.0 * (len(lines) - 1) for k, lines in labels.items()}
    height = head_h + sum(heights.values()) + len(data.groups) * group_h + 40
    body = []
    for k, name in enumerate(data.columns):
        x = label_w + cell_w * k + cell_w / 2
        body.append(_text(x, 16, str(LEVELS[k]), 13, "middle", font_weight="bold"))
        body.append(_text(x, 32, fit(name, cell_w - 4, 10), 10, "middle", fill=COLOURS["muted"]))
    y = head_h
    for group in data.groups:
        body.append(_text(2, y + 14, fit(group.label, width - 4, 11.5), 11.5, font_weight="bold"))
        y += group_h
        for row in group.rows:
            for n, line in enumerate(labels[id(row)]):
                body.append(_text(8, y + 12.5 + 11.0 * n, line, 10))
            h = heights[id(row)]
            for k, level in enumerate(LEVELS):
                state = row.cell(level)
                body.append(
                    f'<rect class="cell-{state}" x="{_num(label_w + cell_w * k + 1)}" y="{_num(y + 1)}" '
                    f'width="{_num(cell_w - 2)}" height="{_num(h - 2)}" fill="{COLOURS[state]}" '
                    f'data-item="{_a(row.id)}" data-level="{level}" data-value="{_opt(row.level)}"/>'
                )
            y += h
    x_target = label_w + cell_w * data.target
    body.append(_target_line(x_target, head_h - 4, y + 2, data.target))
    legend = [(COLOURS[state], label, "box") for state, label in data.legend]
    body += _legend(8, y + 28, legend, 10.5)
    return _svg(width, height, body, data.caption)


# --- per-domain bars ---------------------------------------------------------------------------------------------


def bars_svg(data: BarsData) -> str:
    label_w, unit, row_h, top = 250.0, 66.0, 20.0, 22.0
    width = label_w + unit * data.max_value + 30
    height = top + row_h * len(data.values) + 44
    body = []
    for level in range(data.max_value + 1):
        x = label_w + unit * level
        body.append(
            f'<line x1="{_num(x)}" y1="{_num(top - 4)}" x2="{_num(x)}" y2="{_num(top + row_h * len(data.values))}" '
            f'stroke="{COLOURS["grid"]}" stroke-width="0.6"/>'
        )
        body.append(_text(x, top - 8, str(level), 10, "middle", fill=COLOURS["muted"]))
    for k, (label, value) in enumerate(zip(data.labels, data.values, strict=True)):
        y = top + row_h * k
        body.append(_text(label_w - 8, y + 14, fit(label, label_w - 12, 11), 11, "end"))
        length = unit * (value or 0)
        body.append(
            f'<rect class="bar" x="{_num(label_w)}" y="{_num(y + 4)}" width="{_num(length)}" '
            f'height="{_num(row_h - 8)}" fill="{COLOURS["level"]}" data-value="{_opt(value)}"/>'
        )
        body.append(_text(label_w + length + 5, y + 14, "–" if value is None else str(value), 10.5))
    x_target = label_w + unit * data.target
    bottom = top + row_h * len(data.values)
    body.append(_target_line(x_target, top - 4, bottom + 2, data.target))
    legend = [(COLOURS["level"], data.value_name, "box"), (COLOURS["target"], data.target_name, "dash")]
    body += _legend(label_w, bottom + 30, legend, 10.5)
    return _svg(width, height, body, data.caption)

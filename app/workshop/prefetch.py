"""The browser's share of the first dashboard, loaded while the person is still at the gate.

Streamlit's page loads the code of a chart or a table the first time it shows one: for the dashboard that is some
5 MB of JavaScript (Plotly's charts, the data grid), fetched and compiled in the click that opens it. Measured in
Chromium, it was 1.2 s of the first dashboard's 1.5 s once the server had warmed up. The gate (or the sign-in page)
draws this invisible component, which imports those same files while the person types: a browser keeps one module per
address, so the dashboard's own import finds them ready.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import streamlit

from app.workshop import component_assets

CHUNKS = ("PlotlyChart", "DataFrame")  # what the dashboard shows besides text: its charts and its table
_HASHED = re.compile(r"^[A-Za-z]+\.[A-Za-z0-9_-]+\.js$")


@functools.cache
def chunk_files() -> tuple[str, ...]:
    """The file names of the dashboard's code chunks in this Streamlit's frontend (none if its layout changed)."""
    root = Path(streamlit.__file__).resolve().parent / "static" / "static" / "js"
    found = []
    for chunk in CHUNKS:
        matches = sorted(p.name for p in root.glob(f"{chunk}.*.js") if _HASHED.match(p.name))
        if len(matches) == 1:
            found.append(matches[0])
    return tuple(found)


def dashboard_code() -> None:
    """Draw the component that loads the dashboard's chart and table code in the background (once per page)."""
    files = chunk_files()
    if files:
        component = component_assets.define("workshop_prefetch", "prefetch.js", "prefetch.css")
        component(key="prefetch", data={"files": list(files)}, height="content")

"""Export: the `report` command's PDF, HTML, Markdown, JSON and CSV, in Chinese or English, for download.

A report is rendered when asked for (a PDF takes seconds) and offered until the answers change.
"""

from __future__ import annotations

import streamlit as st

from app.workshop.context import Context
from app.workshop.service import REPORT_FORMATS, mime, report_file
from capability_model.schema import LANGS

EXPORT = "export:file"  # (revision, format, language, file name, bytes) of the last report rendered


def render(ctx: Context) -> None:
    scores = ctx.scores
    if scores is None:
        st.info(ctx.t("no_workshop"))
        return
    fmt = st.radio(
        ctx.t("report_format"),
        REPORT_FORMATS,
        format_func=lambda f: ctx.t(f"format_{f}"),
        horizontal=True,
        key="export:format",
    )
    if "export:lang" not in st.session_state:
        st.session_state["export:lang"] = ctx.lang
    chosen = st.segmented_control(
        ctx.t("report_language"),
        LANGS,
        format_func=lambda code: ctx.t(f"lang_{code}"),
        key="export:lang",
        required=True,
    )
    lang = chosen or ctx.lang
    wanted = (scores.workshop.revision, fmt, lang)
    if st.button(ctx.t("prepare"), key="export:go", type="primary"):
        with st.spinner(ctx.t("preparing")):
            name, data = report_file(scores, fmt, lang)
        st.session_state[EXPORT] = (*wanted, name, data)
    ready = st.session_state.get(EXPORT)
    if ready is not None and tuple(ready[:3]) == wanted:
        name, data = ready[3], ready[4]
        st.download_button(
            ctx.t("download", name=name), data, file_name=name, mime=mime(fmt), key="export:download", type="primary"
        )

"""Export: the `report` command's PDF, HTML, Markdown, JSON and CSV, in Chinese or English, for download.

A report is rendered when asked for and offered in its format and language; once answers change after it was made,
the page says so (people go on answering while a PDF is made). A PDF takes tens of seconds: it is made in
a worker process (app/workshop/export_job.py) while a progress bar shows, and the page, the other pages and everyone
else's clicks go on meanwhile; the other formats take a moment and are made at once.
"""

from __future__ import annotations

import streamlit as st

from app.workshop import cached, export_job, state
from app.workshop.context import Context
from app.workshop.failures import guarded, report
from app.workshop.service import REPORT_FORMATS, mime, report_file
from capability_model.schema import LANGS, Lang

FORMAT = "export:format"
EXPORT = "export:file"  # (revision, format, language, file name, bytes) of the last report rendered
JOB = "export:job"  # the PDF being made in the worker process (export_job.Job)
BACKGROUND = frozenset({"pdf"})
POLL_S = 0.5


@guarded
def _prepare(db: str, workshop_id: int, fmt: str, lang: Lang) -> None:
    scores = cached.scores(db, workshop_id)
    if fmt in BACKGROUND:
        st.session_state[JOB] = export_job.start(db, scores, fmt, lang)
        return
    name, data = report_file(scores, fmt, lang)
    st.session_state[EXPORT] = (scores.workshop.revision, fmt, lang, name, data)


def _job(ctx: Context) -> None:
    """The PDF under way: a progress bar, redrawn every POLL_S until the file is there (then the whole page)."""
    job: export_job.Job | None = st.session_state.get(JOB)
    if job is None:
        return
    if not job.future.done():
        elapsed = ctx.t("elapsed_s", n=round(job.elapsed_s()))
        st.progress(job.progress(), text=f"{ctx.t('preparing')} {elapsed}")
        return
    st.session_state.pop(JOB, None)
    try:
        name, data, revision = job.result()
    except Exception as exc:  # the worker failed: say so (the traceback goes to the log); the button tries again
        st.session_state[EXPORT] = None
        state.flash("error", report(exc, ctx.lang))
    else:
        st.session_state[EXPORT] = (revision, *job.wanted[1:], name, data)
    st.rerun()  # the whole page: the download button, and no more polling


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
        key=FORMAT,
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
    running: export_job.Job | None = st.session_state.get(JOB)
    st.button(
        ctx.t("prepare"),
        key="export:go",
        type="primary",
        on_click=_prepare,
        args=(ctx.db, scores.workshop.id, fmt, lang),
        disabled=running is not None and not running.future.done(),
    )
    if running is not None:
        st.fragment(run_every=POLL_S)(_job)(ctx)
    ready = st.session_state.get(EXPORT)
    if ready is not None and tuple(ready[1:3]) == wanted[1:]:  # answers given meanwhile: offered, and said so
        if ready[0] != wanted[0]:
            st.caption(ctx.t("report_older"))
        name, data = ready[3], ready[4]
        st.download_button(
            ctx.t("download", name=name), data, file_name=name, mime=mime(fmt), key="export:download", type="primary"
        )

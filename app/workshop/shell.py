"""The frame around every page: configuration and gate first; then language, page choice, who is answering, live
results and the chosen page, inside an error boundary that shows a message and logs the traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape

import streamlit as st

from app.workshop import cached, failures, fragments, gate, progress, rights, state, warm
from app.workshop.config import NotConfiguredError, ServerConfig, from_environment
from app.workshop.context import Context
from app.workshop.service import Scores, part_name
from app.workshop.views import audit, dashboard, engagement, evidence, export, interview, present, start
from app.workshop.words import plain, t
from assessors.store import WorkshopNotFoundError
from capability_model.schema import LANGS, Lang
from reports.labels import level_text, score_text

# Compact tables for the live results, so the item tree below them stays in view.
_STYLE = """<style>
.live {font-size: 0.8rem; line-height: 1.3; margin-bottom: 0.3rem}
.live table {width: 100%; border-collapse: collapse; margin-top: 0.2rem}
.live th, .live td {padding: 1px 4px; border: none; border-bottom: 1px solid rgba(128, 128, 128, 0.25)}
.live th:nth-child(n+2), .live td:nth-child(n+2) {text-align: right; white-space: nowrap}
</style>"""

# Streamlit's file uploader has no parameter for its button and its drop-zone line, which are English. On the
# Chinese page the built-in texts are hidden (display: none, so they are neither seen nor read out) and the words
# are drawn in their place; the selectors are the test ids Streamlit's own tests use. The hidden input's
# aria-label ("file upload") stays: no style reaches an attribute.
_UPLOADER = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] > p {{display: none}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{content: {button}}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{display: none}}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{content: {limit}; font-size: 0.875rem}}
</style>"""


def _css_string(text: str) -> str:
    """Text as a CSS string literal (the words hold no quote, but a translation some day might)."""
    return json.dumps(text, ensure_ascii=False)


def _uploader_words(lang: Lang) -> None:
    if lang == "en":
        return  # Streamlit's own texts are English already
    limit = t("upload_limit", lang, mb=st.get_option("server.maxUploadSize"))
    st.html(_UPLOADER.format(button=_css_string(t("upload_button", lang)), limit=_css_string(limit)))


PAGES: dict[str, Callable[[Context], None]] = {
    "start": start.render,
    "interview": interview.render,
    "present": present.render,
    "dashboard": dashboard.render,
    "engagement": engagement.render,
    "evidence": evidence.render,
    "export": export.render,
    "audit": audit.render,
}


# The widgets whose option labels are in the page's language (keys, then key prefixes): see state.keep_choices.
RELABELLED = ((state.PAGE, interview.SHOW, export.FORMAT, start.PARTS), (interview.OVERRIDE_STATUS,))


def _people(scores: Scores | None) -> list[str]:
    if scores is None:
        return []
    header = scores.workshop.header
    return list(dict.fromkeys(p for p in [header.assessor, *header.participants, header.reviewer] if p))


def _live(db: str, workshop_id: int, lang: Lang) -> None:
    """Overall and per-domain level and score of every part: small enough to stay in view above the item tree (a
    fragment: redrawn after each edit, from the workshop as saved now)."""
    scores = cached.scores(db, workshop_id)
    st.markdown(f"**{t('live_results', lang)}**")
    st.html(_STYLE)
    for part in scores.parts:
        names = cached.names(part.framework.ref)
        result = part.result
        rows = "".join(
            f"<tr><td>{escape(names[d.id].get(lang))}</td><td>{level_text(d.level, lang)}</td>"
            f"<td>{score_text(d.score, lang)}</td></tr>"
            for d in result.domains
        )
        overall = (
            f"{t('overall', lang)} <b>{level_text(result.overall.level, lang)}</b> · {t('score', lang)} "
            f"<b>{score_text(result.overall.score, lang)}</b> · {t('target', lang)} {result.target_level}"
        )
        st.html(
            f"<div class='live'><b>{escape(part_name(part.framework, lang))}</b><br>{overall}"
            f"<table><tr><th>{t('domain', lang)}</th><th>{t('level', lang)}</th><th>{t('score', lang)}</th></tr>"
            f"{rows}</table></div>"
        )
        progress.show(part, lang)


def _sidebar(ctx: Context, people: list[str]) -> None:
    lang = ctx.lang
    st.markdown(f"### {t('app_title', lang)}")
    st.segmented_control(
        t("language", lang),
        LANGS,
        format_func=lambda code: t(f"lang_{code}", lang),
        key=state.LANG,
        required=True,
        on_change=state.keep_choices,
        args=RELABELLED,
    )
    st.radio(t("navigate", lang), state.PAGES, format_func=lambda p: t(f"page_{p}", lang), key=state.PAGE)
    if ctx.config.accounts:
        role = t(f"role_{ctx.role}", lang) if ctx.role else "-"
        st.caption(t("signed_in_as", lang, name=plain(ctx.who), role=role))
        st.button(t("logout", lang), key="gate:leave", on_click=gate.leave)
    else:
        st.button(t("leave", lang), key="gate:leave", on_click=gate.leave, help=t("leave_help", lang))
    if ctx.scores is not None and not ctx.config.accounts:  # with accounts, answers are the account's
        st.selectbox(
            t("who", lang),
            people,
            key=state.WHO,
            accept_new_options=True,
            help=t("who_help", lang),
            placeholder=t("choose_or_add", lang),
        )
        if ctx.scores.bundle_error:
            st.error(t("bundle_unusable", lang, detail=plain(ctx.scores.bundle_error)))
        fragments.draw(fragments.LIVE, _live, ctx.db, ctx.scores.workshop.id, lang)


def _app(config: ServerConfig) -> None:
    db = config.db
    store = cached.store(db)
    scores = None
    workshop_id = state.workshop_id()
    if workshop_id is not None:
        try:
            scores = cached.scores(db, workshop_id)
        except WorkshopNotFoundError:
            state.open_workshop(None)
    people = _people(scores)
    if not state.who():
        st.session_state[state.WHO] = gate.identity()  # answers are never anonymous: the name given at the gate
    for name in (state.who(), gate.identity()):
        if name not in people:
            people.append(name)
    who = gate.clean_name(state.who()) or gate.identity()  # a name typed in the sidebar is cleaned like the gate's
    if config.accounts:
        who = gate.identity()  # the audit trail names the account
    role = rights.role(config)
    ctx = Context(config=config, db=db, lang=state.lang(), store=store, scores=scores, who=who, role=role)
    with st.sidebar:
        _sidebar(ctx, people)
    state.show_flash()
    _uploader_words(ctx.lang)
    PAGES[state.page()](ctx)
    state.sync_url()


def run() -> None:
    st.set_page_config(page_title="MLOps maturity workshop", page_icon="📋", layout="wide")
    failures.setup_logging()
    try:
        config = from_environment(address=st.get_option("server.address"))
    except NotConfiguredError as exc:
        failures.logger.error("refusing to serve: %s", exc)
        st.error("  \n".join(t("not_configured", lang) for lang in LANGS))
        return
    state.init()
    warm.start(config.db)  # the first dashboard should not pay for loading and scoring everything
    if not gate.admit(config):
        return
    try:
        _app(config)
    except Exception as exc:  # the page's error boundary: a message in the page, the traceback in the log
        state.show_flash()  # a callback's message (such as an unsaved change) still shows when the page fails
        failures.show(exc, state.lang())

"""The way in: each browser session gives a name (and the access code, unless the server runs open on a loopback
address) once; the name becomes the session's identity. Nothing in the URL sets who someone is.

Wrong codes are slowed down (app/workshop/throttle.py) and logged; until a session is admitted it sees no data.
"""

from __future__ import annotations

import logging
import math
from typing import Final

import streamlit as st

from app.workshop import access, state
from app.workshop.config import ServerConfig
from app.workshop.throttle import Attempts, Throttle
from app.workshop.words import t
from capability_model.schema import LANGS

IDENTITY: Final = "_identity"
_ATTEMPTS: Final = "_gate_attempts"
MAX_NAME = 80
logger = logging.getLogger("app.workshop")


@st.cache_resource(show_spinner=False)
def _throttle() -> Throttle:
    return Throttle()


def identity() -> str:
    """The name this session entered at the gate ('' before)."""
    return str(st.session_state.get(IDENTITY) or "")


def _enter(config: ServerConfig, name: str, code: str) -> None:
    lang = state.lang()
    if not name:
        st.error(t("gate_name_needed", lang))
        return
    attempts: Attempts = st.session_state.setdefault(_ATTEMPTS, Attempts())
    wait = _throttle().wait_s(attempts)
    if wait > 0:
        st.error(t("gate_wait", lang, s=math.ceil(wait)))
        return
    if not config.open_access and not access.verify(code, config.access):
        _throttle().failed(attempts)
        where = st.context.ip_address or "this machine"  # for the operator's eyes only: it can be spoofed
        logger.warning("wrong access code from %s (%d failures in this session)", where, attempts.failures)
        st.error(t("gate_wrong", lang))
        return
    st.session_state[IDENTITY] = name
    st.session_state[state.WHO] = name
    logger.info("session admitted as %r", name)
    st.rerun()


def admit(config: ServerConfig) -> bool:
    """Whether this session is in; if not, draw the gate (and nothing else)."""
    if identity():
        return True
    lang = state.lang()
    st.segmented_control(
        t("language", lang), LANGS, format_func=lambda code: t(f"lang_{code}", lang), key=state.LANG, required=True
    )
    st.title(t("app_title", lang))
    st.markdown(t("gate_intro_open" if config.open_access else "gate_intro", lang))
    name = st.text_input(t("gate_name", lang), key="gate:name", max_chars=MAX_NAME)
    code = ""
    if not config.open_access:
        code = st.text_input(t("gate_code", lang), key="gate:code", type="password")
    if st.button(t("gate_enter", lang), key="gate:enter", type="primary"):
        _enter(config, name.strip(), code.strip())
    return False

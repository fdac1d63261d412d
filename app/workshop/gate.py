"""The way in: each browser gives a name (and the access code, unless the server runs open on a loopback address)
once; the name becomes the session's identity. Nothing in the URL sets who someone is. A signed cookie then lets the
browser's later sessions (a reload, another tab) in under the same name until it leaves (app/workshop/remember.py).

With accounts (a shared server, app/workshop/rights.py) the gate asks for an account and its password instead: the
session's identity is the account, its login lasts the configured session length, and no cookie lets a reload in.

Wrong codes and passwords are slowed down per client address (app/workshop/throttle.py) and logged; until a session
is admitted it sees no data. A name is kept as plain text: control and invisible formatting characters (such as
right-to-left overrides, which can make a name read as another) are removed, spaces collapsed and the length capped.
"""

from __future__ import annotations

import logging
import math
import time
import unicodedata
from typing import Final

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app.workshop import access, cached, guard, prefetch, remember, rights, state, throttle
from app.workshop.config import ServerConfig
from app.workshop.words import t
from assessors.accounts import check_password
from capability_model.schema import LANGS

IDENTITY: Final = rights.IDENTITY
_EXPIRED: Final = "_expired"  # the login expired: the gate says so
_TICKET: Final = "_remember_ticket"  # the ticket the page exchanges for the cookie, on the first run inside
_LEFT: Final = "_left"  # the person left: the page clears the cookie in the browser
MAX_NAME = 80
logger = logging.getLogger("app.workshop")
_DROPPED = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})  # controls, invisible formatting, private use, unassigned


def clean_name(raw: str) -> str:
    """A name as the workshop records and shows it: NFC, without control or invisible formatting characters, any
    run of white space (line breaks too) as one space, at most MAX_NAME characters."""
    text = unicodedata.normalize("NFC", raw)
    kept = "".join(
        " " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _DROPPED
    )
    return " ".join(kept.split())[:MAX_NAME].strip()


def client() -> str:
    """Whom the throttle counts an attempt against: the browser connection's address ('loopback' on this
    machine)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "loopback"


def identity() -> str:
    """The name this session entered at the gate ('' before)."""
    return str(st.session_state.get(IDENTITY) or "")


def _enter(config: ServerConfig, name: str, code: str) -> None:
    lang = state.lang()
    if not name:
        st.error(t("gate_name_needed", lang))
        return
    if not config.open_access:
        where = client()
        wait = throttle.SERVER.start(where)
        if wait > 0:
            st.error(t("gate_wait", lang, s=math.ceil(wait)))
            return
        if not access.verify(code, config.access):
            throttle.SERVER.failed(where)
            failures = throttle.SERVER.failures(where)
            logger.warning("wrong access code from %s (%d failures from this address)", where, failures)
            st.error(t("gate_wrong", lang))
            return
        throttle.SERVER.succeeded(where)
    _let_in(name)
    st.session_state[_TICKET] = remember.ticket(name)
    logger.info("session admitted as %r", name)
    st.rerun()


def _log_in(config: ServerConfig, name: str, password: str) -> None:
    """Let the session in under the account `name` when the password is its own and the account is enabled."""
    lang = state.lang()
    where = client()
    wait = throttle.SERVER.start(where)
    if wait > 0:
        st.error(t("gate_wait", lang, s=math.ceil(wait)))
        return
    found = cached.store(config.db).account(name) if name else None
    matched = check_password(password, found[1] if found else None)
    if found is None or not matched or found[0].disabled:
        throttle.SERVER.failed(where)
        logger.warning("failed login from %s (%d failures from this address)", where, throttle.SERVER.failures(where))
        st.error(t("login_wrong", lang))
        return
    throttle.SERVER.succeeded(where)
    _let_in(found[0].name)
    st.session_state[rights.LOGIN_AT] = time.time()
    logger.info("session logged in as %r (%s)", found[0].name, found[0].role)
    st.rerun()


def _login_form(config: ServerConfig) -> None:
    lang = state.lang()
    if st.session_state.get(_EXPIRED):
        st.warning(t("login_expired", lang))
    st.markdown(t("login_intro", lang))
    with st.form("gate", border=False, enter_to_submit=True):
        name = st.text_input(t("login_name", lang), key="gate:name", max_chars=MAX_NAME)
        password = st.text_input(t("login_password", lang), key="gate:password", type="password")
        entered = st.form_submit_button(t("login_enter", lang), key="gate:enter", type="primary")
    if entered:
        st.session_state.pop(_EXPIRED, None)
        _log_in(config, clean_name(name), password)


def _log_out() -> None:
    guard.forget(_session_id())
    for key in (IDENTITY, state.WHO, _TICKET, rights.LOGIN_AT):
        st.session_state.pop(key, None)


def _let_in(name: str) -> None:
    st.session_state[IDENTITY] = name
    st.session_state[state.WHO] = name
    guard.admit(_session_id())


def _cookie() -> object:
    try:
        return st.context.cookies.get(remember.COOKIE)
    except Exception:  # no connection to read cookies from (a test harness)
        return None


def leave() -> None:
    """Callback of the sidebar's button: this browser must pass the gate again (its cookie no longer lets it in)."""
    remember.revoke(_cookie())
    _log_out()
    st.session_state[_LEFT] = True
    logger.info("a session left")


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _pixel(path: str) -> None:
    """An invisible image whose request sets or clears the cookie (a relative URL: it works behind a path prefix)."""
    st.html(f'<img src="{path.lstrip("/")}" alt="" width="1" height="1" style="position:absolute;opacity:0">')


def _admit_account(config: ServerConfig) -> bool:
    """With accounts: in while the login is fresh and the account enabled; else the login form."""
    if identity():
        if rights.role(config) is not None:
            return True
        if rights.expired(config):
            st.session_state[_EXPIRED] = True
            logger.info("the login of %r expired", identity())
        _log_out()
    guard.forget(_session_id())
    st.session_state.pop(_LEFT, None)
    lang = state.lang()
    st.segmented_control(
        t("language", lang), LANGS, format_func=lambda code: t(f"lang_{code}", lang), key=state.LANG, required=True
    )
    st.title(t("app_title", lang))
    _login_form(config)
    prefetch.dashboard_code()  # while the person signs in
    return False


def admit(config: ServerConfig) -> bool:
    """Whether this session is in; if not, draw the gate (and nothing else)."""
    if config.accounts:
        return _admit_account(config)
    if identity():
        ticket = st.session_state.pop(_TICKET, None)
        if ticket:
            _pixel(remember.PATH + ticket)
        return True
    guard.forget(_session_id())  # e.g. its state was cleared: it uploads nothing until it is admitted again
    if st.session_state.pop(_LEFT, False):
        _pixel(remember.FORGET_PATH)
    else:
        name = clean_name(remember.name_of(_cookie()) or "")
        if name:
            _let_in(name)
            logger.info("session admitted as %r (remembered by its browser)", name)
            return True
    lang = state.lang()
    st.segmented_control(
        t("language", lang), LANGS, format_func=lambda code: t(f"lang_{code}", lang), key=state.LANG, required=True
    )
    st.title(t("app_title", lang))
    st.markdown(t("gate_intro_open" if config.open_access else "gate_intro", lang))
    # A form sends name and code together on Enter or on the button: no rerun between the two fields can drop what
    # is being typed (or filled in by a password manager) into the other.
    with st.form("gate", border=False, enter_to_submit=True):
        name = st.text_input(t("gate_name", lang), key="gate:name", max_chars=MAX_NAME)
        code = ""
        if not config.open_access:
            code = st.text_input(t("gate_code", lang), key="gate:code", type="password")
        entered = st.form_submit_button(t("gate_enter", lang), key="gate:enter", type="primary")
    if entered:
        _enter(config, clean_name(name), code.strip())
    prefetch.dashboard_code()  # while the person types
    return False

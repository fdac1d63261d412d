"""What this session may do, checked by the server in every action that writes (not only by hiding its button).

Without accounts (a local run on a loopback address) the one person at the screen may do everything. With accounts,
the role is read from the database at each check, so an account disabled or given another role meanwhile, or a
login older than the configured session length, is refused at once, even from a page drawn before.
"""

from __future__ import annotations

import logging
import time
from typing import Final, Literal

import streamlit as st

from app.workshop import cached, state
from app.workshop.config import NotConfiguredError, ServerConfig, from_environment
from app.workshop.words import t
from assessors.accounts import Action, Role, may

# The engagement record (sessions and action items) is kept by who runs or audits the workshop; a participant may
# also propose an action item. Each task is granted by any one of the account actions listed.
Task = Literal["record", "propose"]
TASKS: Final[dict[Task, frozenset[Action]]] = {
    "record": frozenset({"manage", "sign"}),
    "propose": frozenset({"manage", "sign", "answer"}),
}

IDENTITY: Final = "_identity"  # the name the session entered at the gate, or its account
LOGIN_AT: Final = "_login_at"  # with accounts: when the session logged in (time.time())
logger = logging.getLogger("app.workshop")


def _config() -> ServerConfig | None:
    try:
        return from_environment()
    except NotConfiguredError:
        return None


def expired(config: ServerConfig) -> bool:
    """Whether this session's login is older than the configured session length."""
    at = st.session_state.get(LOGIN_AT)
    return not isinstance(at, float) or time.time() - at > config.session_s


def role(config: ServerConfig | None = None) -> Role | None:
    """The role this session holds now; None: it may do nothing (not in, expired, disabled, unknown)."""
    config = config or _config()
    name = str(st.session_state.get(IDENTITY) or "")
    if config is None or not name:
        return None
    if not config.accounts:
        return "facilitator"  # the single-user local run
    if expired(config):
        return None
    found = cached.store(config.db).account(name)
    if found is None or found[0].disabled:
        return None
    return found[0].role


def allowed(action: Action) -> bool:
    """Whether this session may do `action` now. Without accounts, yes, without touching the session: a callback
    of the local run behaves exactly as it did before accounts existed."""
    config = _config()
    if config is None:
        return False
    return True if not config.accounts else may(role(config), action)


def refused(action: Action) -> bool:
    """In a callback: True (with a message for the page) when this session may not do `action`; nothing is
    written then."""
    if allowed(action):
        return False
    logger.warning("refused %s for %r", action, st.session_state.get(IDENTITY))
    state.flash("error", t("not_allowed", state.lang(), action=t(f"action_{action}", state.lang())))
    return True


def may_task(role_now: Role | None, task: Task) -> bool:
    """Whether `role_now` may do `task` (what the page offers)."""
    return any(may(role_now, action) for action in TASKS[task])


def refused_task(task: Task) -> bool:
    """In a callback: True (with a message for the page) when this session may not do `task`; nothing is written
    then. Without accounts, never refused."""
    config = _config()
    if config is not None and (not config.accounts or may_task(role(config), task)):
        return False
    logger.warning("refused %s for %r", task, st.session_state.get(IDENTITY))
    state.flash("error", t("not_allowed", state.lang(), action=t(f"action_{task}", state.lang())))
    return True

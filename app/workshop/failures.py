"""What the page says when something goes wrong: a short explanation and what to do, in the page's language; the
traceback goes to the server log only.

`show` is the page's error boundary; `guarded` wraps widget callbacks, whose errors would otherwise reach Streamlit's
own handler and its traceback display.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import streamlit as st

from app.workshop import state
from app.workshop.words import plain, t
from assessors.store import DatabaseProblem
from capability_model.schema import Lang

logger = logging.getLogger("app.workshop")
P = ParamSpec("P")
R = TypeVar("R")


def setup_logging() -> None:
    """Send the app's log to the server's standard error (where the workshop command's output goes), unless logging
    is configured already."""
    if not logging.getLogger().handlers:
        logging.basicConfig(stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logger.setLevel(logging.INFO)


def explain(exc: BaseException, lang: Lang) -> str:
    """The page's words for an error: what happened and what to do; details only where they help the room."""
    if isinstance(exc, DatabaseProblem):
        return "  \n".join((t(f"db_{exc.kind}", lang), t("db_todo", lang), t("details", lang, detail=plain(exc))))
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc)):
        return "  \n".join((t("db_locked", lang), t("db_retry", lang)))
    if isinstance(exc, sqlite3.Error):
        return "  \n".join((t("db_failed", lang), t("db_todo", lang)))
    return t("unexpected", lang)


def report(exc: BaseException, lang: Lang) -> str:
    """Log the error with its traceback; the explanation to show."""
    logger.error("workshop page failed: %s", exc, exc_info=exc)
    return explain(exc, lang)


def show(exc: BaseException, lang: Lang) -> None:
    st.error(report(exc, lang))


def guarded(callback: Callable[P, R]) -> Callable[P, R | None]:
    """A widget callback whose errors become a message on the next run instead of a traceback (and None)."""

    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return callback(*args, **kwargs)
        except Exception as exc:
            lang = state.lang()
            message = report(exc, lang)
            if isinstance(exc, DatabaseProblem | sqlite3.Error):  # what was typed stays in its box: say so
                message = f"{t('change_not_saved', lang)}  \n{message}"
            state.flash("error", message)
            return None

    return run

"""The parts of a page that redraw on their own (Streamlit fragments), so that an edit redraws only what it changes.

A status click or a note redraws its requirement's card, the live results in the sidebar and the item's level lines
(about 30 elements instead of the whole page's 250 or so). Each part draws from the workshop as saved now, never
from what the last full run was given. Everything else (the sidebar's tree with its counts, the other cards) catches
up on the next full run: opening an item, changing page or language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

from capability_model.schema import LEVELS

P = ParamSpec("P")
LIVE = "frag-live"
ITEM_HEAD = "frag-item"


def card(requirement_id: str, workshop_id: int) -> str:
    return f"frag-card-{requirement_id}-{workshop_id}"


def level(n: int) -> str:
    return f"frag-level-{n}"


def after_edit(requirement_id: str, workshop_id: int) -> list[str]:
    """What an edit of one answer redraws: its card, the live results and the item's level lines."""
    return [card(requirement_id, workshop_id), LIVE, ITEM_HEAD, *(level(n) for n in LEVELS)]


def draw(key: str, body: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> None:
    """Draw `body(*args)` as the fragment named `key` (a callback can redraw it alone with st.rerun(key))."""
    st.fragment(key=key)(body)(*args, **kwargs)


def redraw(keys: list[str]) -> None:
    """From a callback: redraw only these fragments. A key the session does not know (its fragment was not drawn,
    as in a page drawn before this version) leaves the interaction's own rerun to happen."""
    from streamlit.errors import StreamlitAPIException

    try:
        st.rerun(scope=keys)
    except StreamlitAPIException:
        return

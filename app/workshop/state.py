"""Per-browser-tab state: language, page, open workshop, selected item, who is answering.

Language, page, workshop and item are mirrored in the URL's query parameters, so a reload or a copied link opens the
same view; who is answering is not (the session's identity comes from the gate, app/workshop/gate.py). The answers
themselves are always read from the store, never kept here. Values that widgets own (language, page, name) are
changed only from callbacks, which run before the widgets are drawn.
"""

from __future__ import annotations

from typing import Final, cast

import streamlit as st

from capability_model.schema import LANGS, Lang

PAGES: Final = ("start", "interview", "present", "dashboard", "engagement", "evidence", "export", "audit")

LANG, PAGE, WORKSHOP, ITEM, FOCUS, WHO = "lang", "page", "workshop", "item", "focus", "who"
_QUERY = {LANG: "lang", PAGE: "page", WORKSHOP: "w", ITEM: "item"}  # never who: the URL sets no identity


_KEPT: Final = (LANG, PAGE, WHO)  # owned by widgets, but needed even by a run that fails before drawing them


def init() -> None:
    """On a tab's first run, take the state from the URL; afterwards the session holds it."""
    ss = st.session_state
    if "_started" in ss:
        _keep_widget_values()
        return
    ss["_started"] = True
    query = st.query_params
    lang = query.get(_QUERY[LANG])
    ss[LANG] = lang if lang in LANGS else "zh"
    page = query.get(_QUERY[PAGE])
    workshop = query.get(_QUERY[WORKSHOP])
    ss[WORKSHOP] = _workshop_number(workshop)
    ss[PAGE] = page if page in PAGES else ("interview" if ss[WORKSHOP] is not None else "start")
    ss[ITEM] = query.get(_QUERY[ITEM]) or None
    ss[FOCUS] = None
    _keep_widget_values()


def _keep_widget_values() -> None:
    """Streamlit forgets a widget's value after a run that did not draw it: a page that failed (a damaged
    database) would come back in Chinese, on the Start page, with nobody answering. Each run copies the values to
    plain keys and puts back the ones Streamlit dropped."""
    ss = st.session_state
    for key in _KEPT:
        kept = f"_kept:{key}"
        if key in ss:
            ss[kept] = ss[key]
        elif kept in ss:
            ss[key] = ss[kept]


def _workshop_number(text: str | None) -> int | None:
    """The workshop id of a URL's w=: ASCII digits that fit SQLite's integers; else None (a link typed or mangled
    by hand opens the start page, not an error)."""
    return int(text) if text is not None and text.isascii() and text.isdigit() and len(text) <= 18 else None


def lang() -> Lang:
    """The page's language; Chinese until the session holds one (an error page may come before the state does)."""
    chosen = st.session_state.get(LANG)
    return cast(Lang, chosen if chosen in LANGS else "zh")


def page() -> str:
    return str(st.session_state[PAGE])


def workshop_id() -> int | None:
    value = st.session_state.get(WORKSHOP)
    return int(value) if value is not None else None


def item() -> str | None:
    return cast(str | None, st.session_state.get(ITEM))


def focus() -> str | None:
    return cast(str | None, st.session_state.get(FOCUS))


def who() -> str:
    return str(st.session_state.get(WHO) or "")


# --- changes (call from callbacks) ---------------------------------------------------------------------------------


def open_workshop(workshop: int | None, go_to: str = "interview") -> None:
    ss = st.session_state
    ss[WORKSHOP] = workshop
    ss[ITEM] = None
    ss[FOCUS] = None
    ss[PAGE] = go_to if workshop is not None else "start"


def select_item(item_id: str, focus_requirement: str | None = None) -> None:
    st.session_state[ITEM] = item_id
    st.session_state[FOCUS] = focus_requirement


def go_to(page_name: str) -> None:
    st.session_state[PAGE] = page_name


def keep_choices(keys: tuple[str, ...], prefixes: tuple[str, ...] = ()) -> None:
    """Hold on to the options chosen in widgets whose labels depend on the language (call from the language
    control's callback).

    Streamlit's radio, multiselect and select box send back the chosen option's label, not the option. After a
    switch the browser still holds the label in the old language, which is no option of the relabelled widget: it
    would reset to its first option on the next run (the Start page instead of the interview). Storing each value
    again, read while the old labels still decode it, makes the next run send the browser the new label."""
    ss = st.session_state
    for key in [k for k in ss if isinstance(k, str) and (k in keys or k.startswith(prefixes))]:
        ss[key] = ss[key]


def flash(kind: str, text: str) -> None:
    """A message for the next run to show once (callbacks cannot draw)."""
    st.session_state["_flash"] = (kind, text)


def has_flash() -> bool:
    return "_flash" in st.session_state


def show_flash() -> None:
    kind, text = st.session_state.pop("_flash", (None, ""))
    if kind == "error":
        st.error(text)
    elif kind == "success":
        st.success(text)


def sync_url() -> None:
    """Write the state to the query parameters when it changed (a reload then lands on the same view)."""
    ss = st.session_state
    wanted = {query: str(ss[key]) for key, query in _QUERY.items() if ss.get(key) not in (None, "")}
    if dict(st.query_params.to_dict()) != wanted:
        st.query_params.from_dict(wanted)

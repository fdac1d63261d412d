"""Presentation mode: one capability item per screen in large type, for a projector at 1024×768 or 1280×720.

The screen shows the item, its level now and what blocks the next level (the applicable requirements of that level
not yet met, the scoring engine's own list), and each requirement with its status buttons. One requirement is
selected: the arrow keys (or a clicker's Page Up / Page Down) select the next or previous one, across items, and
1–4 answer it met, partially met, not met or not applicable. A key presses the selected requirement's own status
button, so it is written as the interview's click is (app/workshop/edits.py: one field, with the revision the page
showed, in the name of the person at the screen); the cards, the level and the blocking list are the interview's
fragments (app/workshop/fragments.py), redrawn after each answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import streamlit as st

from app.workshop import cached, component_assets, edits, fragments, state
from app.workshop.context import Context
from app.workshop.failures import guarded
from app.workshop.service import Scores, first_item, part_name, requirement_order
from app.workshop.views.interview import conflict_choices, provenance, status_control
from assessors.assessment import Answer
from capability_model.schema import LEVELS, Lang
from reports.labels import level_text

KEYS = "present:keys"
# Large type for the room: scoped to this page's container (the style goes when another page is drawn).
_STYLE = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.5rem}
.st-key-present {--workshop-status-size: 1.25rem; --workshop-status-pad: 0.5rem 1rem}
.st-key-present p, .st-key-present li {font-size: 1.35rem; line-height: 1.45}
.st-key-present h2 {font-size: 2.1rem}
.st-key-present [data-testid="stCaptionContainer"] p {font-size: 1.05rem}
.st-key-present [class*="st-key-pcard-on-"] {border-left: 0.5rem solid var(--st-primary-color, #ff4b4b);
  padding-left: 0.5rem}
</style>"""


def _keys() -> Callable[..., Any]:
    return component_assets.define("workshop_present_keys", "present_keys.js", "present_keys.css")


def card_class(requirement_id: str, selected: bool) -> str:
    """The CSS class of a requirement's card on this page (Streamlit's `st-key-` and the key, dots as dashes)."""
    return f"st-key-pcard-{'on' if selected else 'off'}-{requirement_id.replace('.', '-')}"


def _selected(scores: Scores) -> tuple[str, str] | None:
    """(item, requirement) selected now: the focused requirement when it belongs to the open item, else the item's
    first requirement."""
    item_id = state.item()
    order = requirement_order(scores)
    if item_id is None or not any(i == item_id for i, _ in order):
        item_id = first_item(scores)
    if item_id is None:
        return None
    inside = [rid for i, rid in order if i == item_id]
    focus = state.focus()
    return item_id, focus if focus in inside else inside[0]


@guarded
def _move(db: str, workshop_id: int) -> None:
    """Keys sent a move: select the requirement `step` places after the one the page showed selected (across
    items)."""
    sent: object = st.session_state.get(KEYS)
    move = sent.get("move") if isinstance(sent, dict) else None
    if not isinstance(move, dict):
        return
    by = move.get("step")
    if isinstance(by, int) and not isinstance(by, bool):
        step(db, workshop_id, by, str(move.get("from") or ""))


def step(db: str, workshop_id: int, by: int, start: str) -> None:
    """Select the requirement `by` places after `start` (clamped at the first and the last)."""
    order = requirement_order(cached.scores(db, workshop_id))
    ids = [rid for _, rid in order]
    if not ids:
        return
    at = ids.index(start) if start in ids else 0
    item_id, rid = order[max(0, min(len(ids) - 1, at + by))]
    state.select_item(item_id, rid)


def _item_head(ctx: Context, workshop_id: int, item_id: str) -> None:
    """The item's level now and what blocks the next level (a fragment: redrawn after each answer)."""
    scores = cached.scores(ctx.db, workshop_id)
    part = scores.part_of(item_id)
    result = part.items[item_id]
    named = level_text(result.level, ctx.lang)
    if result.level is not None:
        named = ctx.t("level_named", n=result.level, name=part.framework.level_name(result.level, ctx.lang))
    st.markdown(ctx.t("present_level", level=f"**{named}**"))
    if result.level is None:
        st.markdown(ctx.t("present_all_na"))
        return
    if not result.blocking:
        st.markdown(ctx.t("present_top"))
        return
    named = " · ".join(f"`{rid}`" for rid in result.blocking)  # their text is on their cards below
    with st.container(key="present-blocking"):
        st.markdown(f"**{ctx.t('present_blocking', n=result.level + 1)}** {named}")


def _rung(ctx: Context, workshop_id: int, item_id: str, lv: int) -> None:
    """One rung of the item's level ladder, reached or not (a fragment, under the interview's level line's name, so
    an answer redraws it)."""
    level = cached.scores(ctx.db, workshop_id).part_of(item_id).items[item_id].level
    reached = level is not None and level >= lv
    st.markdown(f"{'✅' if reached else '⬜'} {ctx.t('level_badge', n=lv)}")


def _card(ctx: Context, workshop_id: int, requirement_id: str) -> None:
    """One requirement in large type with its status buttons (a fragment, under the interview card's name, so an
    answer redraws it)."""
    if state.has_flash():  # a message from this card's callback shows at the top of the page: draw the whole page
        st.rerun()
    scores = cached.scores(ctx.db, workshop_id)
    part = scores.part_of(requirement_id)
    req = cached.requirements(part.framework.ref)[requirement_id]
    answer = part.assessment.answers.get(requirement_id) or Answer()
    seen = scores.workshop.answer_revisions.get(requirement_id, 0)
    where = edits.Where(ctx.db, workshop_id, part.framework.id, requirement_id)
    selected = state.focus() == requirement_id
    key = card_class(requirement_id, selected).removeprefix("st-key-")
    with st.container(border=True, key=key):
        mark = f"**{ctx.t('present_selected')}** · " if selected else ""
        st.markdown(f"{mark}`{req.id}` · {ctx.t('level_badge', n=req.level)}  \n{req.text.get(ctx.lang)}")
        status_control(ctx, where, answer, seen, "status" in edits.conflicts(where))
        st.caption(provenance(ctx, part, req, answer))
        conflict_choices(ctx, where)  # someone answered it meanwhile: theirs or mine, as in the interview
        if not selected:
            st.button(
                ctx.t("present_select", id=requirement_id),
                key=f"present:sel:{requirement_id}",
                on_click=state.select_item,
                args=(_item_of(scores, requirement_id), requirement_id),
                type="tertiary",
            )


def _item_of(scores: Scores, requirement_id: str) -> str:
    return next(i for i, rid in requirement_order(scores) if rid == requirement_id)


def _navigation(ctx: Context, scores: Scores, requirement_id: str) -> None:
    ids = [rid for _, rid in requirement_order(scores)]
    at = ids.index(requirement_id)
    where = (ctx.db, scores.workshop.id)
    back, position, forward = st.columns([1, 2, 1])
    back.button(
        ctx.t("present_previous"), key="present:prev", on_click=step, args=(*where, -1, requirement_id),
        disabled=at == 0, width="stretch",
    )  # fmt: skip
    position.markdown(ctx.t("present_position", n=at + 1, total=len(ids)))
    forward.button(
        ctx.t("present_next"), key="present:next", on_click=step, args=(*where, 1, requirement_id),
        disabled=at == len(ids) - 1, width="stretch",
    )  # fmt: skip


def _heading(scores: Scores, item_id: str, lang: Lang) -> tuple[str, str]:
    part = scores.part_of(item_id)
    fw = part.framework
    names = cached.names(fw.ref)
    domain, sub, item = next((d, s, i) for d, s, i in fw.items() if i.id == item_id)
    trail = f"{part_name(fw, lang)} › {names[domain.id].get(lang)} › {names[sub.id].get(lang)}"
    return trail, f"{item.id} {item.name.get(lang)}"


def render(ctx: Context) -> None:
    scores = ctx.scores
    if scores is None:
        st.info(ctx.t("no_workshop"))
        return
    chosen = _selected(scores)
    if chosen is None:
        return
    item_id, requirement_id = chosen
    state.select_item(item_id, requirement_id)  # what the keys and the buttons move from
    workshop_id = scores.workshop.id
    st.html(_STYLE)
    with st.container(key="present"):
        trail, title = _heading(scores, item_id, ctx.lang)
        st.caption(trail)
        st.markdown(f"## {title}")
        for column, lv in zip(st.columns(len(LEVELS)), LEVELS, strict=True):
            with column:
                fragments.draw(fragments.level(lv), _rung, ctx, workshop_id, item_id, lv)
        fragments.draw(fragments.ITEM_HEAD, _item_head, ctx, workshop_id, item_id)
        _navigation(ctx, scores, requirement_id)
        for rid in [r for i, r in requirement_order(scores) if i == item_id]:
            fragments.draw(fragments.card(rid, workshop_id), _card, ctx, workshop_id, rid)
        st.caption(ctx.t("present_keys"))
    _keys()(
        key=KEYS,
        data={"focus": requirement_id, "card_class": card_class(requirement_id, True)},
        on_move_change=functools.partial(_move, ctx.db, workshop_id),
        height=0,
    )

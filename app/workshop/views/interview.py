"""Interview: walk part -> domain -> subdomain -> item and answer each requirement; every change is saved at once.

An answer's widgets keep one key per requirement, so a rerun never replaces the box someone is typing in. Their
values come from the store: when the requirement's saved revision moved (another tab or person saved it) and the
saved answer differs from what the widgets hold, the widgets are reset to it before they are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app.workshop import cached, state
from app.workshop.context import Context
from app.workshop.failures import guarded
from app.workshop.forms import STATUS_CHOICES, format_references, parse_references
from app.workshop.service import PartScore, Scores, first_item, next_open, part_name, status_label
from app.workshop.words import plain, t
from assessors.assessment import Answer, Status
from capability_model.schema import LEVELS, CapabilityItem, Lang, Requirement
from reports.labels import level_text, score_text


@dataclass(frozen=True)
class _Keys:
    status: str
    note: str
    evidence: str


_SYNCED = "_synced"  # requirement key -> the saved revision the widgets were last compared with


def _keys(requirement_id: str, workshop_id: int) -> _Keys:
    suffix = f"{requirement_id}:{workshop_id}"
    return _Keys(f"st:{suffix}", f"note:{suffix}", f"ev:{suffix}")


def _sync(keys: _Keys, answer: Answer, revision: int) -> None:
    """Give the widgets the saved answer when they have none yet, or when a newer save says something else."""
    ss = st.session_state
    synced: dict[str, int] = ss.setdefault(_SYNCED, {})
    saved = (answer.status, answer.note, format_references(answer.evidence))
    shown = (ss.get(keys.status), ss.get(keys.note), ss.get(keys.evidence))
    if keys.status not in ss or (synced.get(keys.status) != revision and shown != saved):
        ss[keys.status], ss[keys.note], ss[keys.evidence] = saved
    synced[keys.status] = revision


@guarded
def _save(db: str, workshop_id: int, framework_id: str, requirement_id: str, keys: _Keys, who: str) -> None:
    ss = st.session_state
    answer = Answer(
        status=ss.get(keys.status),
        note=str(ss.get(keys.note) or "").strip(),
        evidence=parse_references(str(ss.get(keys.evidence) or "")),
    )
    cached.store(db).save_answer(workshop_id, framework_id, requirement_id, answer, who)
    st.session_state[state.FOCUS] = requirement_id


@guarded
def _next(db: str, workshop_id: int, lang: Lang) -> None:
    found = next_open(cached.scores(db, workshop_id), state.item(), state.focus())
    if found is None:
        state.flash("success", t("all_answered", lang))
    else:
        state.select_item(*found)


def _level_badge(level: int | None, lang: Lang) -> str:
    return t("na", lang) if level is None else t("level_badge", lang, n=level)


def _short(item_id: str) -> str:
    """'P1.RM.RA.01' -> 'RA.01': the tree already shows part and domain."""
    return ".".join(item_id.split(".")[-2:])


def _tree(ctx: Context, scores: Scores, current: str) -> None:
    """Sidebar tree: each part's domains (level, score) with their subdomains' items (level, open requirements)."""
    lang = ctx.lang
    st.markdown(f"**{ctx.t('tree')}**")
    for part in scores.parts:
        names = cached.names(part.framework.ref)
        st.caption(part_name(part.framework, lang))
        for domain in part.result.domains:
            inside = any(i.id == current for s in domain.subdomains for i in s.items)
            title = (
                f"{names[domain.id].get(lang)} · {_level_badge(domain.level, lang)} · {score_text(domain.score, lang)}"
            )
            with st.expander(title, expanded=inside):
                for sub in domain.subdomains:
                    st.caption(names[sub.id].get(lang))
                    for item in sub.items:
                        label = ctx.t(
                            "tree_item",
                            name=f"{_short(item.id)} {names[item.id].get(lang)}",
                            level=_level_badge(item.level, lang),
                            open=item.counts.get("unknown", 0),
                        )
                        st.button(
                            label,
                            key=f"nav:{item.id}",
                            on_click=state.select_item,
                            args=(item.id,),
                            type="primary" if item.id == current else "tertiary",
                        )


def _evidence(ctx: Context, part: PartScore, req: Requirement) -> None:
    """The collected evidence that decides this requirement, and a flag when the manual answer contradicts it."""
    decision = part.decisions.get(req.id)
    conflict = part.conflicts.get(req.id)
    if conflict is not None:
        st.warning(
            ctx.t(
                "conflict_flag",
                manual=status_label(conflict.manual, ctx.lang),
                evidence=status_label(conflict.evidence, ctx.lang),
            )
        )
    if decision is None:
        return
    outcome = part.outcomes[req.id]
    if outcome.source == "evidence":
        head = ctx.t("evidence_decides", status=status_label(outcome.status, ctx.lang))
    elif decision.verification == "assisted" and all(c.holds for c in decision.checks):
        head = ctx.t("evidence_supports")
    else:
        head = ctx.t("evidence_undecided")
    lines = [
        ctx.t(
            "check_line",
            probe=plain(c.probe),
            target=plain(c.target or "-"),
            actual=plain(c.actual),
            comparison=plain(c.op if c.expected is None else f"{c.op} {c.expected}"),
            verdict=ctx.t("no_value" if c.holds is None else ("holds" if c.holds else "fails")),
        )
        for c in decision.checks
    ]
    st.info("  \n".join([f"**{head}**", *lines]))


def _requirement(ctx: Context, scores: Scores, part: PartScore, req: Requirement) -> None:
    lang = ctx.lang
    answer = part.assessment.answers.get(req.id) or Answer()
    keys = _keys(req.id, scores.workshop.id)
    _sync(keys, answer, scores.workshop.answer_revisions.get(req.id, 0))
    args = (ctx.db, scores.workshop.id, part.framework.id, req.id, keys, ctx.who)
    # Elements inside the box are the same in every run (only their content changes): inserting one above the
    # widgets would move them, and the browser would then drop what someone is typing.
    jumped_here = state.focus() == req.id and part.outcomes[req.id].status == "unknown"
    marker = f"**{ctx.t('focus_marker')}** " if jumped_here else ""
    with st.container(border=True):
        st.markdown(f"{marker}`{req.id}` {req.text.get(lang)}", help=req.guidance.get(lang))
        status_col, text_col = st.columns([2, 3])
        with status_col:
            st.segmented_control(
                ctx.t("status_label", id=req.id),
                STATUS_CHOICES,
                format_func=lambda s: status_label(Status(s).value, lang),
                key=keys.status,
                on_change=_save,
                args=args,
                label_visibility="collapsed",
            )
            if answer.answered_by or answer.answered_at:
                at = answer.answered_at.astimezone().strftime("%Y-%m-%d %H:%M") if answer.answered_at else ""
                st.caption(ctx.t("answered_by", who=plain(answer.answered_by or "?"), at=at))
            else:
                st.caption(ctx.t("not_answered"))
        with text_col:
            st.text_area(ctx.t("note"), key=keys.note, on_change=_save, args=args, height=68)
            st.text_input(ctx.t("evidence_refs"), key=keys.evidence, on_change=_save, args=args)
        _evidence(ctx, part, req)


def _item(ctx: Context, scores: Scores, part: PartScore, item: CapabilityItem) -> None:
    lang = ctx.lang
    fw = part.framework
    names = cached.names(fw.ref)
    domain, sub = next((d, s) for d, s, i in fw.items() if i.id == item.id)
    result = part.items[item.id]
    st.caption(f"{part_name(fw, lang)} › {names[domain.id].get(lang)} › {names[sub.id].get(lang)}")
    head, action = st.columns([4, 1])
    with head:
        st.subheader(f"{item.id} {item.name.get(lang)}")
        level = result.level
        named = level_text(level, lang)
        if level is not None:
            named = ctx.t("level_named", n=level, name=fw.level_name(level, lang))
        st.markdown(ctx.t("item_level_now", level=f"**{named}**"))
    with action:
        st.button(ctx.t("next_unanswered"), key="next_open", on_click=_next, args=(ctx.db, scores.workshop.id, lang))
    if item.purpose:
        st.markdown(item.purpose.get(lang))
    with st.expander(ctx.t("levels")):
        st.markdown("\n".join(f"- **{lv.level} {lv.name.get(lang)}**: {lv.description.get(lang)}" for lv in fw.levels))
    for lv in LEVELS:
        reached = level is not None and level >= lv
        mark = "✅ " + ctx.t("reached") if reached else ctx.t("not_reached")
        st.markdown(f"##### {ctx.t('level_header', n=lv, name=fw.level_name(lv, lang))} · {mark}")
        for req in item.requirements:
            if req.level == lv:
                _requirement(ctx, scores, part, req)


def render(ctx: Context) -> None:
    scores = ctx.scores
    if scores is None:
        st.info(ctx.t("no_workshop"))
        return
    current = state.item()
    if current is None or not any(current in p.items for p in scores.parts):
        current = first_item(scores)
    if current is None:
        return
    part = scores.part_of(current)
    item = next(i for _, _, i in part.framework.items() if i.id == current)
    with st.sidebar:
        _tree(ctx, scores, current)
    _item(ctx, scores, part, item)

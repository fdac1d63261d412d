"""Interview: walk part -> domain -> subdomain -> item and answer each requirement; every change is saved at once.

Each edit writes one field (status, note or references) with what the page showed, so nobody's answer is lost to a
page that had not been redrawn: an edit of another field merges, an edit of the same field is refused and both
answers are shown with "keep theirs" and "keep mine" (app/workshop/edits.py). Notes and references save while they
are typed (app/workshop/autosave.py) and say when they are saved; a status is cleared only by its Clear button.
Each requirement's card, the item's level lines and the live results are fragments (app/workshop/fragments.py): an
edit redraws those, not the whole page.

An answer proposed by evidence shows as such (badge, reason, records, verification class) with Accept and Override
(another status and a reason, required); every answered requirement says who or what decided it. Accepting and
overriding write only when the stored answer is still the one shown (ProposalStore), so nobody's newer answer is
overwritten; the sidebar can list just the proposals nobody has confirmed yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from app.workshop import autosave, cached, edits, fragments, rights, state
from app.workshop.context import Context
from app.workshop.failures import guarded
from app.workshop.forms import STATUS_CHOICES
from app.workshop.proposals import awaiting, shown_provenance
from app.workshop.service import PartScore, Scores, first_item, next_open, next_where, part_name, status_label
from app.workshop.status_buttons import status_buttons
from app.workshop.words import plain, t
from assessors.answering import AnswerRefusedError
from assessors.assessment import Answer, Status
from assessors.proposal_store import AnswerChangedError
from assessors.store import AnswerField, FieldValue, field_value
from capability_model.schema import LEVELS, CapabilityItem, Lang, Requirement
from reports.checks_view import expected_text, probe_text, value_text
from reports.labels import level_text, score_text, word


@dataclass(frozen=True)
class _Keys:
    override_open: str
    override_status: str
    override_reason: str


OVERRIDE_STATUS = "ovs:"  # the key prefix of an override's status choice
SHOW = "tree:show"  # the sidebar's choice: every item, or only the proposals nobody has confirmed yet
SHOW_CHOICES = ("all", "proposed")


def _keys(requirement_id: str, workshop_id: int) -> _Keys:
    suffix = f"{requirement_id}:{workshop_id}"
    return _Keys(f"ovx:{suffix}", f"{OVERRIDE_STATUS}{suffix}", f"why:{suffix}")


def _showing_proposals() -> bool:
    return st.session_state.get(SHOW) == "proposed"


@guarded
def _accept(db: str, workshop_id: int, framework_id: str, requirement_id: str, seen: int, who: str) -> None:
    lang = state.lang()
    if rights.refused("sign"):
        return
    try:
        cached.store(db).confirm_proposal(workshop_id, framework_id, requirement_id, seen, who)
    except AnswerChangedError:
        state.flash("error", t("answer_changed", lang, id=requirement_id))
    except AnswerRefusedError as exc:
        state.flash("error", t("answer_refused", lang, id=requirement_id, reason=plain(exc)))
    else:
        state.flash("success", t("accepted", lang, id=requirement_id))
    st.session_state[state.FOCUS] = requirement_id


@guarded
def _override(
    db: str, workshop_id: int, framework_id: str, requirement_id: str, seen: int, keys: _Keys, who: str
) -> None:
    """Answer another status against the proposal, with the reason typed; refused with a message without one."""
    ss = st.session_state
    lang = state.lang()
    st.session_state[state.FOCUS] = requirement_id
    if rights.refused("sign"):
        return
    reason = str(ss.get(keys.override_reason) or "").strip()
    status = ss.get(keys.override_status)
    if not reason:
        state.flash("error", t("override_needs_reason", lang, id=requirement_id))
        return
    if status is None:
        state.flash("error", t("override_pick", lang, id=requirement_id))
        return
    try:
        cached.store(db).override_proposal(workshop_id, framework_id, requirement_id, seen, Status(status), reason, who)
    except AnswerChangedError:
        state.flash("error", t("answer_changed", lang, id=requirement_id))
        return
    except AnswerRefusedError as exc:
        state.flash("error", t("answer_refused", lang, id=requirement_id, reason=plain(exc)))
        return
    ss[keys.override_reason] = ""
    state.flash("success", t("overridden_saved", lang, id=requirement_id))


@guarded
def _next(db: str, workshop_id: int, lang: Lang) -> None:
    scores = cached.scores(db, workshop_id)
    if _showing_proposals():
        waiting = {rid for _, rid in awaiting(scores)}
        found = next_where(scores, state.item(), state.focus(), waiting.__contains__)
        done = "all_confirmed"
    else:
        found = next_open(scores, state.item(), state.focus())
        done = "all_answered"
    if found is None:
        state.flash("success", t(done, lang))
    else:
        state.select_item(*found)


def _level_badge(level: int | None, lang: Lang) -> str:
    return t("na", lang) if level is None else t("level_badge", lang, n=level)


def _short(item_id: str) -> str:
    """'P1.RM.RA.01' -> 'RA.01': the tree already shows part and domain."""
    return ".".join(item_id.split(".")[-2:])


def _proposals(ctx: Context, waiting: list[tuple[str, str]]) -> None:
    """The proposals nobody has confirmed yet, each a way to its requirement."""
    if not waiting:
        st.info(ctx.t("none_proposed"))
    for item_id, rid in waiting:
        st.button(
            rid,
            key=f"prop:{rid}",
            on_click=state.select_item,
            args=(item_id, rid),
            type="primary" if rid == state.focus() else "tertiary",
        )


def _tree(ctx: Context, scores: Scores, current: str) -> None:
    """Sidebar tree: each part's domains (level, score) with their subdomains' items (level, open requirements);
    or, when chosen, only the proposals awaiting confirmation."""
    lang = ctx.lang
    st.markdown(f"**{ctx.t('tree')}**")
    waiting = awaiting(scores)
    st.radio(
        ctx.t("tree_show"),
        SHOW_CHOICES,
        format_func=lambda choice: ctx.t(f"show_{choice}"),
        key=SHOW,
        horizontal=True,
    )
    if waiting or _showing_proposals():
        st.caption(ctx.t("proposed_waiting", n=len(waiting)))
    if _showing_proposals():
        _proposals(ctx, waiting)
        return
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


def _evidence(ctx: Context, part: PartScore, req: Requirement, answer: Answer) -> None:
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
    if shown_provenance(outcome, answer) == "confirmed" and decision.verdict is not None:
        head = ctx.t("evidence_confirmed", status=status_label(decision.verdict, ctx.lang))
    elif outcome.source == "evidence" and outcome.provenance == "evidence":
        head = ctx.t("evidence_decides", status=status_label(outcome.status, ctx.lang))
    elif decision.verification == "assisted" and all(c.holds for c in decision.checks):
        head = ctx.t("evidence_supports")
    else:
        head = ctx.t("evidence_undecided")
    lines = [
        ctx.t(
            "check_line",
            probe=plain(probe_text(c.probe, ctx.lang) or c.probe),
            target=plain(c.target or "-"),
            actual=plain(
                value_text(c.actual, ctx.lang) if c.holds is not None else word("outcome_not_collected", ctx.lang)
            ),
            comparison=plain(expected_text(c.op, c.expected, ctx.lang)),
            verdict=ctx.t("no_value" if c.holds is None else ("holds" if c.holds else "fails")),
        )
        for c in decision.checks
    ]
    st.info("  \n".join([f"**{head}**", *lines]))


def _when(at: dt.datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at else ""


def provenance(ctx: Context, part: PartScore, req: Requirement, answer: Answer) -> str:
    """Who or what decided the verdict: evidence, a person who confirmed, answered or overrode, or nobody yet."""
    shown = shown_provenance(part.outcomes[req.id], answer)
    if shown == "evidence":
        return ctx.t("prov_evidence")
    if shown == "proposed":
        return ctx.t("prov_proposed")
    if shown == "confirmed":
        return ctx.t("prov_confirmed", who=plain(answer.confirmed_by or "?"), at=_when(answer.confirmed_at))
    if shown == "overridden":
        who, at, why = plain(answer.answered_by or "?"), _when(answer.answered_at), plain(answer.override_reason)
        return ctx.t("prov_overridden", who=who, at=at, reason=why)
    if answer.answered_by or answer.answered_at:
        return ctx.t("answered_by", who=plain(answer.answered_by or "?"), at=_when(answer.answered_at))
    return ctx.t("not_answered")


def _proposal(ctx: Context, scores: Scores, part: PartScore, req: Requirement, answer: Answer, keys: _Keys) -> None:
    """The evidence's proposal: badge, status, class, reason and records; Accept while nobody confirmed it, and
    Override (another status, with a reason) while it stands beside the answer."""
    proposal = answer.proposal
    if proposal is None:
        return
    lang = ctx.lang
    head = "proposal_line" if answer.source == "evidence" else "proposal_was"
    line = ctx.t(
        head,
        status=status_label(proposal.status, lang),
        verification=ctx.t(f"verification_{proposal.verification}"),
    )
    records = ctx.t("proposal_records", records=plain(", ".join(proposal.records) or "-"))
    badge = f":orange-badge[{ctx.t('proposal_badge')}] " if answer.provenance == "proposed" else ""
    st.markdown(f"{badge}**{line}**  \n{plain(proposal.reason.get(lang))}  \n{records}")
    if not ctx.may("sign"):
        return  # confirming or overriding is the auditor's (and the facilitator's)
    seen = scores.workshop.answer_revisions.get(req.id, 0)
    where = (ctx.db, scores.workshop.id, part.framework.id, req.id, seen)
    if answer.provenance == "proposed":
        st.button(ctx.t("accept"), key=f"acc:{req.id}:{scores.workshop.id}", on_click=_accept, args=(*where, ctx.who))
    # keyed, it keeps its place in the page: a rerun (a message shown above, say) does not fold it mid-typing
    with st.expander(ctx.t("override"), key=keys.override_open):
        choices = [s for s in STATUS_CHOICES if s.value != proposal.status]
        status_col, reason_col = st.columns([1, 2])
        status_col.selectbox(
            ctx.t("override_status"),
            choices,
            format_func=lambda s: status_label(Status(s).value, lang),
            key=keys.override_status,
            placeholder=ctx.t("choose_one"),
        )
        reason_col.text_input(ctx.t("override_reason"), key=keys.override_reason)
        st.button(
            ctx.t("override"),
            key=f"ovr:{req.id}:{scores.workshop.id}",
            on_click=_override,
            args=(*where, keys, ctx.who),
        )


def _ago(at: dt.datetime | None, lang: Lang) -> str:
    seconds = max(0, int((dt.datetime.now(dt.UTC) - at).total_seconds())) if at else 0
    if seconds < 120:
        return t("ago_s", lang, n=seconds)
    if seconds < 7200:
        return t("ago_min", lang, n=seconds // 60)
    return t("ago_h", lang, n=seconds // 3600)


def _shown_value(ctx: Context, field: AnswerField, value: FieldValue) -> str:
    if field == "status":
        text = status_label(Status(value).value if isinstance(value, str) and value else None, ctx.lang)
    else:
        text = edits.as_text(field, value)
    return plain(text) if text else ctx.t("empty_value")


def conflict_choices(ctx: Context, where: edits.Where) -> None:
    """Each of this person's edits refused because someone changed the same field: theirs, mine, and the choice."""
    for field, conflict in edits.conflicts(where).items():
        st.warning(
            ctx.t(
                "conflict_changed",
                field=ctx.t(f"field_{field}"),
                who=plain(conflict.who or ctx.t("someone")),
                ago=_ago(conflict.at, ctx.lang),
                theirs=_shown_value(ctx, field, conflict.theirs),
                mine=_shown_value(ctx, field, conflict.mine),
            )
        )
        theirs_col, mine_col, _ = st.columns([1, 1, 3])
        theirs_col.button(
            ctx.t("keep_theirs"), key=f"theirs:{field}:{where.id}", on_click=edits.keep_theirs, args=(where, field)
        )
        mine_col.button(
            ctx.t("keep_mine"),
            key=f"mine:{field}:{where.id}",
            on_click=edits.keep_mine,
            args=(where, field, ctx.who),
            disabled=not ctx.may("answer"),
        )


def _text_box(ctx: Context, where: edits.Where, field: AnswerField, answer: Answer, seen: int, mine: bool) -> None:
    key = edits.text_key(where, field)
    autosave.text_box(
        key,
        label=ctx.t("note" if field == "note" else "evidence_refs"),
        text=edits.as_text(field, field_value(answer, field)),
        revision=seen,
        words={w: ctx.t(f"autosave_{w}") for w in ("saved", "saving", "conflict")},
        on_edit=edits.typed,
        args=(where, field, ctx.who),
        multiline=field == "note",
        conflict=mine,
        reset=edits.reset_of(key),
        ack=edits.ack_of(key),
        disabled=not ctx.may("answer"),
    )


def status_control(ctx: Context, where: edits.Where, answer: Answer, seen: int, mine: bool) -> None:
    key = edits.text_key(where, "status")
    words = {"clear": "clear_status", "clear_help": "clear_status_help", "reclick": "clear_hint"}
    words |= {"saving": "autosave_saving", "conflict": "autosave_conflict"}
    status_buttons(
        key,
        label=ctx.t("status_label", id=where.requirement_id),
        options=[(s.value, status_label(s.value, ctx.lang)) for s in STATUS_CHOICES],
        value=edits.as_text("status", answer.status),
        revision=seen,
        words={name: ctx.t(word) for name, word in words.items()},
        on_edit=edits.typed,
        args=(where, "status", ctx.who),
        conflict=mine,
        ack=edits.ack_of(key),
        # a proposal's status changes by Accept or Override only; a role that may not answer sees it only
        disabled=answer.source == "evidence" or not ctx.may("answer"),
    )


def _requirement(ctx: Context, scores: Scores, part: PartScore, req: Requirement) -> None:
    lang = ctx.lang
    answer = part.assessment.answers.get(req.id) or Answer()
    keys = _keys(req.id, scores.workshop.id)
    seen = scores.workshop.answer_revisions.get(req.id, 0)
    where = edits.Where(ctx.db, scores.workshop.id, part.framework.id, req.id)
    pending = edits.conflicts(where)
    # Elements inside the box are the same in every run (only their content changes): inserting one above the
    # boxes would move them while someone types.
    marker = ""
    if state.focus() == req.id and _showing_proposals() and answer.provenance == "proposed":
        marker = f"**{ctx.t('focus_proposal')}** "
    elif state.focus() == req.id and part.outcomes[req.id].status == "unknown":
        marker = f"**{ctx.t('focus_marker')}** "
    with st.container(border=True, key=f"card:{where.id}"):
        st.markdown(f"{marker}`{req.id}` {req.text.get(lang)}", help=req.guidance.get(lang))
        status_col, text_col = st.columns([2, 3])
        with status_col:
            status_control(ctx, where, answer, seen, "status" in pending)
            st.caption(provenance(ctx, part, req, answer))
        with text_col:
            for field in edits.TEXT_FIELDS:
                _text_box(ctx, where, field, answer, seen, field in pending)
        conflict_choices(ctx, where)
        _proposal(ctx, scores, part, req, answer, keys)
        _evidence(ctx, part, req, answer)


def _card(ctx: Context, workshop_id: int, requirement_id: str) -> None:
    """One requirement's card as its own fragment: an edit in it redraws it alone, from the workshop as saved now."""
    if state.has_flash():  # a message from this card's callback shows at the top of the page: draw the whole page
        st.rerun()
    scores = cached.scores(ctx.db, workshop_id)
    part = scores.part_of(requirement_id)
    _requirement(ctx, scores, part, cached.requirements(part.framework.ref)[requirement_id])


def _item_level(ctx: Context, workshop_id: int, item_id: str) -> None:
    """The item's level now (a fragment: redrawn after each edit)."""
    scores = cached.scores(ctx.db, workshop_id)
    part = scores.part_of(item_id)
    level = part.items[item_id].level
    named = level_text(level, ctx.lang)
    if level is not None:
        named = ctx.t("level_named", n=level, name=part.framework.level_name(level, ctx.lang))
    st.markdown(ctx.t("item_level_now", level=f"**{named}**"))


def _level_line(ctx: Context, workshop_id: int, item_id: str, lv: int) -> None:
    """A level's heading with whether the item reaches it (a fragment: redrawn after each edit)."""
    scores = cached.scores(ctx.db, workshop_id)
    part = scores.part_of(item_id)
    level = part.items[item_id].level
    mark = "✅ " + ctx.t("reached") if level is not None and level >= lv else ctx.t("not_reached")
    st.markdown(f"##### {ctx.t('level_header', n=lv, name=part.framework.level_name(lv, ctx.lang))} · {mark}")


def _item(ctx: Context, scores: Scores, part: PartScore, item: CapabilityItem) -> None:
    lang = ctx.lang
    fw = part.framework
    names = cached.names(fw.ref)
    workshop_id = scores.workshop.id
    domain, sub = next((d, s) for d, s, i in fw.items() if i.id == item.id)
    st.caption(f"{part_name(fw, lang)} › {names[domain.id].get(lang)} › {names[sub.id].get(lang)}")
    head, action = st.columns([4, 1])
    with head:
        st.subheader(f"{item.id} {item.name.get(lang)}")
        fragments.draw(fragments.ITEM_HEAD, _item_level, ctx, workshop_id, item.id)
    with action:
        label = ctx.t("next_proposed" if _showing_proposals() else "next_unanswered")
        st.button(label, key="next_open", on_click=_next, args=(ctx.db, workshop_id, lang))
    if item.purpose:
        st.markdown(item.purpose.get(lang))
    with st.expander(ctx.t("levels")):
        st.markdown("\n".join(f"- **{lv.level} {lv.name.get(lang)}**: {lv.description.get(lang)}" for lv in fw.levels))
    for lv in LEVELS:
        fragments.draw(fragments.level(lv), _level_line, ctx, workshop_id, item.id, lv)
        for req in item.requirements:
            if req.level == lv:
                fragments.draw(fragments.card(req.id, workshop_id), _card, ctx, workshop_id, req.id)


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

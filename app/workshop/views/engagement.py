"""Sessions & actions: the working sessions held (when, on what, who was there), the action items that close the
gaps (who, by when, how far), and what moved since a previous assessment of the same scope.

Sessions and action items live in the workshop's shared header (the assessment frame), so the report's frame pages
and roadmap show them. Every write starts from the header as saved now and applies only this person's change to it:
what someone else added meanwhile is kept, an entry changed meanwhile is merged field by field, and when that
cannot be done both versions are kept (never dropped). The comparison reuses assessors/compare.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar, get_args

import streamlit as st
from pydantic import BaseModel

from app.workshop import cached, rights, state
from app.workshop.context import Context
from app.workshop.failures import guarded
from app.workshop.service import PartScore, Scores, gap_rows, part_name
from app.workshop.words import plain, t
from assessors.compare import Comparison, Snapshot, compare
from assessors.frame import ActionItem, ActionStatus, AssessmentFrame, Attendee, EngagementSession
from assessors.store import WorkshopSummary
from capability_model.schema import Lang, split_ref
from reports.labels import level_text

M = TypeVar("M", bound=BaseModel)
Outcome = Literal["applied", "merged", "kept_both"]
ACTION_STATUSES: tuple[ActionStatus, ...] = get_args(ActionStatus)
NEW_SESSION, NEW_ACTION = "eng:s:new", "eng:a:new"
OPENED = "eng:opened"  # the entry whose expander this session keeps open
_WRITE_TRIES = 5
_TEXT_CUT = 90


# --- pure: merging one person's change into the list as saved now ------------------------------------------------


def with_added(saved: Sequence[M], new: M) -> list[M]:
    """The list with `new` appended; an identical entry already saved (a double click, two people typing the same)
    is not added twice."""
    return list(saved) if new in saved else [*saved, new]


def with_edited(saved: Sequence[M], base: M, edited: M, anchor: str) -> tuple[list[M], Outcome]:
    """The change `base` -> `edited` applied to the list as saved now.

    The entry still as `base`: replaced. Else the one entry with the same `anchor` field (the action's reference,
    the session's date) whose changed fields still hold `base`'s values: someone changed other fields meanwhile, so
    only this change's fields are written onto theirs. Else (removed, or the same fields changed): both are kept."""
    found = list(saved)
    if base in found:
        found[found.index(base)] = edited
        return found, "applied"
    changed = {
        name: getattr(edited, name) for name in type(base).model_fields if getattr(base, name) != getattr(edited, name)
    }
    near = [
        n
        for n, entry in enumerate(found)
        if getattr(entry, anchor) == getattr(base, anchor)
        and all(getattr(entry, f) == getattr(base, f) for f in changed)
    ]
    if len(near) == 1:
        found[near[0]] = found[near[0]].model_copy(update=changed)
        return found, "merged"
    return with_added(found, edited), "kept_both"


def without(saved: Sequence[M], base: M) -> list[M] | None:
    """The list without the entry `base`; None when it is no longer saved as it was shown (someone changed it)."""
    found = list(saved)
    if base not in found:
        return None
    found.remove(base)
    return found


def overdue(action: ActionItem, today: dt.date) -> bool:
    return action.due is not None and action.due < today and action.status != "done"


def _digest(entry: BaseModel) -> str:
    return hashlib.sha256(entry.model_dump_json().encode("utf-8")).hexdigest()[:12]


def tokens(entries: Sequence[BaseModel]) -> list[str]:
    """A widget key part per entry: from its content (a changed entry gets fresh widgets filled from the store),
    with a counter for identical entries."""
    seen: dict[str, int] = {}
    found = []
    for entry in entries:
        digest = _digest(entry)
        seen[digest] = seen.get(digest, -1) + 1
        found.append(f"{digest}{seen[digest]}")
    return found


# --- writing -------------------------------------------------------------------------------------------------------


def _write(db: str, workshop_id: int, change: Callable[[AssessmentFrame], AssessmentFrame | None]) -> None:
    """Apply `change` to the frame as saved now and save it; a save that came in between starts it again, so no
    other change is overwritten. `change` returning None writes nothing."""
    store = cached.store(db)
    for _ in range(_WRITE_TRIES):
        workshop = store.load(workshop_id)
        frame = change(workshop.header.frame)
        if frame is None:
            return
        if store.revision(workshop_id) == workshop.revision:
            store.update_header(workshop_id, {"frame": frame.model_dump(mode="json")})
            return
    raise RuntimeError("the workshop kept changing while saving; try again")


def _say(outcome: Outcome, lang: Lang) -> None:
    if outcome != "applied":
        state.flash("error" if outcome == "kept_both" else "success", t(f"eng_{outcome}", lang))


def _section(label: str, key: str, entry: BaseModel | None = None) -> Any:
    """An expander that stays open across reruns (its state is the session's); an entry's expander also opens
    when this session just changed that entry (its key, made from the content, is new then)."""
    opened = entry is not None and st.session_state.get(OPENED) == _digest(entry)
    return st.expander(label, expanded=opened, key=key, on_change="rerun")


def _keep_open(saved: Sequence[BaseModel], written: Sequence[BaseModel]) -> None:
    """Remember the entry this session's change produced, so its redrawn expander stays open."""
    new = [e for e in written if e not in saved]
    if new:
        st.session_state[OPENED] = _digest(new[0])


Entries = Literal["sessions", "actions"]
_ENTRY: dict[Entries, type[BaseModel]] = {"sessions": EngagementSession, "actions": ActionItem}


def _edit_entry(db: str, workshop_id: int, entries: Entries, base: M, edited: M, anchor: str, lang: Lang) -> None:
    """Write one edited session or action item over the one the page showed (`base`), merged with changes saved
    meanwhile, and say how it went."""
    outcome: list[Outcome] = []

    def change(frame: AssessmentFrame) -> AssessmentFrame:
        saved: list[M] = getattr(frame, entries)
        written, how = with_edited(saved, base, edited, anchor)
        outcome[:] = [how]
        _keep_open(saved, written)
        return frame.model_copy(update={entries: written})

    _write(db, workshop_id, change)
    _say(outcome[0], lang)


@guarded
def _remove_entry(db: str, workshop_id: int, entries: Entries, base_json: str, lang: Lang) -> None:
    """Remove the session or action item the page showed, if it is still saved as shown."""
    if rights.refused_task("record"):
        return
    base = _ENTRY[entries].model_validate_json(base_json)
    gone: list[bool] = []

    def change(frame: AssessmentFrame) -> AssessmentFrame | None:
        kept = without(getattr(frame, entries), base)
        gone[:] = [kept is not None]
        return None if kept is None else frame.model_copy(update={entries: kept})

    _write(db, workshop_id, change)
    if not gone[0]:
        state.flash("error", t("eng_not_removed", lang))


# --- sessions ------------------------------------------------------------------------------------------------------


def _people(scores: Scores) -> list[str]:
    """The workshop's people and everyone who attended a session, first seen first."""
    header = scores.workshop.header
    names = [header.assessor, header.reviewer, *header.participants]
    names += [a.name for s in header.frame.sessions for a in s.attendees]
    return list(dict.fromkeys(n for n in names if n))


def _known(scores: Scores, name: str) -> Attendee:
    """What is known of a person: their last recorded attendance, else their organisation by their place."""
    header = scores.workshop.header
    for session in reversed(header.frame.sessions):
        for attendee in session.attendees:
            if attendee.name == name:
                return attendee
    if name in (header.assessor, header.reviewer):
        return Attendee(name=name, organisation=header.frame.body)
    return Attendee(name=name, organisation=header.organisation if name in header.participants else "")


def _clear(prefix: str) -> None:
    """Empty an add form for the next entry (its expander stays open)."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(f"{prefix}:")]:
        if key != f"{prefix}:open":
            del st.session_state[key]


def _fill(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _attendees(prefix: str, names: Sequence[str], scores: Scores) -> list[Attendee]:
    ss = st.session_state
    found = []
    for name in names:
        known = _known(scores, name)
        role = ss.get(f"{prefix}:role:{name}", known.role)
        organisation = ss.get(f"{prefix}:org:{name}", known.organisation)
        found.append(Attendee(name=name, role=str(role or "").strip(), organisation=str(organisation or "").strip()))
    return found


def _session_of(prefix: str, scores: Scores) -> EngagementSession:
    """The session as its fields under `prefix` hold it."""
    ss = st.session_state
    names = [str(n).strip() for n in ss.get(f"{prefix}:who") or [] if str(n).strip()]
    return EngagementSession(
        date=ss.get(f"{prefix}:date") or dt.date.today(),
        topic=str(ss.get(f"{prefix}:topic") or "").strip(),
        attendees=_attendees(prefix, list(dict.fromkeys(names)), scores),
        note=str(ss.get(f"{prefix}:note") or "").strip(),
    )


def _session_fields(
    ctx: Context,
    prefix: str,
    session: EngagementSession,
    on_change: Callable[..., Any] | None = None,
    field_args: Callable[[str], tuple[Any, ...]] | None = None,
) -> None:
    """Date, topic, attendees (each with role and organisation) and note of a session, filled from `session` the
    first time they are drawn. With `on_change`, each field saves itself (`field_args(field)` are its arguments)."""
    assert ctx.scores is not None
    _fill(f"{prefix}:date", session.date)
    _fill(f"{prefix}:topic", session.topic)
    _fill(f"{prefix}:who", [a.name for a in session.attendees])
    _fill(f"{prefix}:note", session.note)
    for attendee in session.attendees:
        _fill(f"{prefix}:role:{attendee.name}", attendee.role)
        _fill(f"{prefix}:org:{attendee.name}", attendee.organisation)

    def saving(field: str) -> dict[str, Any]:
        return {"on_change": on_change, "args": field_args(field)} if on_change and field_args else {}

    cols = st.columns([1, 3])
    cols[0].date_input(ctx.t("eng_date"), key=f"{prefix}:date", **saving("date"))
    cols[1].text_input(ctx.t("eng_topic"), key=f"{prefix}:topic", **saving("topic"))
    people = _people(ctx.scores)
    chosen = [str(n) for n in st.session_state.get(f"{prefix}:who") or []]
    st.multiselect(
        ctx.t("eng_attendees"),
        list(dict.fromkeys([*people, *chosen])),
        key=f"{prefix}:who",
        accept_new_options=True,
        placeholder=ctx.t("choose_or_add"),
        **saving("attendees"),
    )
    for name in chosen:
        known = _known(ctx.scores, name)
        _fill(f"{prefix}:role:{name}", known.role)
        _fill(f"{prefix}:org:{name}", known.organisation)
        pair = st.columns(2)
        pair[0].text_input(ctx.t("eng_attendee_role", name=name), key=f"{prefix}:role:{name}", **saving("attendees"))
        pair[1].text_input(ctx.t("eng_attendee_org", name=name), key=f"{prefix}:org:{name}", **saving("attendees"))
    st.text_area(ctx.t("eng_note"), key=f"{prefix}:note", height=68, **saving("note"))


@guarded
def _add_session(db: str, workshop_id: int, lang: Lang) -> None:
    if rights.refused_task("record"):
        return
    session = _session_of(NEW_SESSION, cached.scores(db, workshop_id))
    if not session.topic:
        state.flash("error", t("eng_no_topic", lang))
        return
    _write(db, workshop_id, lambda f: f.model_copy(update={"sessions": with_added(f.sessions, session)}))
    _clear(NEW_SESSION)
    state.flash("success", t("eng_session_added", lang))


@guarded
def _edit_session(db: str, workshop_id: int, base_json: str, prefix: str, field: str, lang: Lang) -> None:
    if rights.refused_task("record"):
        return
    base = EngagementSession.model_validate_json(base_json)
    value = getattr(_session_of(prefix, cached.scores(db, workshop_id)), field)
    _edit_entry(db, workshop_id, "sessions", base, base.model_copy(update={field: value}), "date", lang)


def _attendance(ctx: Context, session: EngagementSession) -> None:
    if session.attendees:
        head = f"| {ctx.t('eng_name')} | {ctx.t('eng_role')} | {ctx.t('eng_org')} |\n|---|---|---|\n"
        rows = "".join(f"| {plain(a.name)} | {plain(a.role)} | {plain(a.organisation)} |\n" for a in session.attendees)
        st.markdown(head + rows)
    if session.note:
        st.markdown(f"{ctx.t('eng_note')}: {plain(session.note)}")


def _sessions(ctx: Context, scores: Scores, can_record: bool) -> None:
    st.subheader(ctx.t("eng_sessions"))
    sessions = scores.workshop.header.frame.sessions
    workshop_id = scores.workshop.id
    if not sessions:
        st.caption(ctx.t("eng_no_sessions"))
    for token, session in zip(tokens(sessions), sessions, strict=True):
        title = ctx.t(
            "eng_session_line", date=session.date.isoformat(), topic=plain(session.topic), n=len(session.attendees)
        )
        prefix = f"eng:s:{token}"
        with _section(title, f"{prefix}:open", session):
            if not can_record:
                _attendance(ctx, session)
                continue
            base = session.model_dump_json()

            def field_args(field: str, base: str = base, prefix: str = prefix) -> tuple[Any, ...]:
                return (ctx.db, workshop_id, base, prefix, field, ctx.lang)

            _session_fields(ctx, prefix, session, _edit_session, field_args)
            st.button(
                ctx.t("eng_remove"),
                key=f"{prefix}:remove",
                on_click=_remove_entry,
                args=(ctx.db, workshop_id, "sessions", base, ctx.lang),
            )
    if can_record:
        with _section(ctx.t("eng_add_session"), f"{NEW_SESSION}:open"):
            _session_fields(ctx, NEW_SESSION, EngagementSession(date=dt.date.today()))
            st.button(
                ctx.t("eng_add_session"),
                key="eng:s:add",
                type="primary",
                on_click=_add_session,
                args=(ctx.db, workshop_id, ctx.lang),
            )


# --- action items --------------------------------------------------------------------------------------------------


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _TEXT_CUT else text[: _TEXT_CUT - 1] + "…"


def ref_options(scores: Scores, lang: Lang) -> dict[str, str]:
    """Reference -> its label: the gaps to the target first (the dashboard's gap table, in its order), then every
    other requirement and capability item of every part."""
    options: dict[str, str] = {}
    for row in gap_rows(scores, lang):
        ref = str(row["requirement"])
        options[ref] = t("eng_gap_option", lang, level=row["level"], id=ref, text=_short(str(row["text"])))
    for part in scores.parts:
        for _, _, item in part.framework.items():
            options.setdefault(item.id, t("eng_ref_option", lang, id=item.id, text=_short(item.name.get(lang))))
            for req in item.requirements:
                options.setdefault(req.id, t("eng_ref_option", lang, id=req.id, text=_short(req.text.get(lang))))
    return options


def _what(scores: Scores, ref: str, lang: Lang) -> str:
    for part in scores.parts:
        if ref in part.outcomes:
            return _short(cached.requirements(part.framework.ref)[ref].text.get(lang))
        if ref in part.items:
            return _short(cached.names(part.framework.ref)[ref].get(lang))
    return ""


@guarded
def _add_action(db: str, workshop_id: int, lang: Lang) -> None:
    if rights.refused_task("propose"):
        return
    ss = st.session_state
    ref = ss.get(f"{NEW_ACTION}:ref")
    if not ref:
        state.flash("error", t("eng_pick_ref", lang))
        return
    action = ActionItem(
        ref=str(ref),
        owner=str(ss.get(f"{NEW_ACTION}:owner") or "").strip(),
        due=ss.get(f"{NEW_ACTION}:due"),
        status=ss.get(f"{NEW_ACTION}:status:{lang}") or "open",
        note=str(ss.get(f"{NEW_ACTION}:note") or "").strip(),
    )
    _write(db, workshop_id, lambda f: f.model_copy(update={"actions": with_added(f.actions, action)}))
    _clear(NEW_ACTION)
    state.flash("success", t("eng_action_added", lang))


def _action_value(prefix: str, field: str, lang: Lang) -> Any:
    value = st.session_state.get(f"{prefix}:{field}:{lang}" if field == "status" else f"{prefix}:{field}")
    return str(value or "").strip() if field in ("owner", "note") else value


@guarded
def _edit_action(db: str, workshop_id: int, base_json: str, prefix: str, field: str, lang: Lang) -> None:
    if rights.refused_task("record"):
        return
    base = ActionItem.model_validate_json(base_json)
    edited = base.model_copy(update={field: _action_value(prefix, field, lang)})
    _edit_entry(db, workshop_id, "actions", base, edited, "ref", lang)


def _status_box(ctx: Context, key: str, **saving: Any) -> None:
    """The action's progress; keyed by language, so a language switch draws it anew from the saved value."""
    st.selectbox(
        ctx.t("eng_action_status"),
        ACTION_STATUSES,
        format_func=lambda s: ctx.t(f"eng_status_{s}"),
        key=key,
        placeholder=ctx.t("choose_one"),
        **saving,
    )


def _action_table(ctx: Context, scores: Scores, actions: Sequence[ActionItem]) -> None:
    import pandas as pd  # type: ignore[import-untyped]

    today = dt.date.today()
    late = sum(1 for a in actions if overdue(a, today))
    st.caption(ctx.t("eng_overdue_count", n=len(actions), late=late))
    rows = [
        {
            "ref": a.ref,
            "what": _what(scores, a.ref, ctx.lang),
            "owner": a.owner,
            "due": a.due.isoformat() if a.due else "",
            "status": ctx.t(f"eng_status_{a.status}"),
            "overdue": ctx.t("eng_overdue_mark") if overdue(a, today) else "",
            "note": a.note,
        }
        for a in actions
    ]
    names = {
        "ref": ctx.t("eng_ref_column"),
        "what": ctx.t("eng_what"),
        "owner": ctx.t("eng_owner"),
        "due": ctx.t("eng_due"),
        "status": ctx.t("eng_action_status"),
        "overdue": ctx.t("eng_overdue"),
        "note": ctx.t("eng_note"),
    }
    frame = pd.DataFrame(rows, columns=list(names))
    config = {column: st.column_config.Column(label) for column, label in names.items()}
    st.dataframe(frame, hide_index=True, column_config=config, key="eng:a:table")


def _actions(ctx: Context, scores: Scores, can_record: bool, can_propose: bool) -> None:
    st.subheader(ctx.t("eng_actions"))
    actions = scores.workshop.header.frame.actions
    workshop_id = scores.workshop.id
    if not actions:
        st.caption(ctx.t("eng_no_actions"))
    else:
        _action_table(ctx, scores, actions)
    if can_record:
        for token, action in zip(tokens(actions), actions, strict=True):
            owner = plain(action.owner) if action.owner else ctx.t("eng_nobody")
            mark = f" · {ctx.t('eng_overdue_mark')}" if overdue(action, dt.date.today()) else ""
            line = ctx.t("eng_action_line", ref=action.ref, owner=owner, status=ctx.t(f"eng_status_{action.status}"))
            prefix, base = f"eng:a:{token}", action.model_dump_json()
            with _section(line + mark, f"{prefix}:open", action):
                _fill(f"{prefix}:owner", action.owner)
                _fill(f"{prefix}:due", action.due)
                _fill(f"{prefix}:status:{ctx.lang}", action.status)
                _fill(f"{prefix}:note", action.note)

                def saving(field: str, base: str = base, prefix: str = prefix) -> dict[str, Any]:
                    return {"on_change": _edit_action, "args": (ctx.db, workshop_id, base, prefix, field, ctx.lang)}

                cols = st.columns(3)
                with cols[0]:
                    st.text_input(ctx.t("eng_owner"), key=f"{prefix}:owner", **saving("owner"))
                with cols[1]:
                    st.date_input(ctx.t("eng_due"), value=None, key=f"{prefix}:due", **saving("due"))
                with cols[2]:
                    _status_box(ctx, f"{prefix}:status:{ctx.lang}", **saving("status"))
                st.text_input(ctx.t("eng_note"), key=f"{prefix}:note", **saving("note"))
                st.button(
                    ctx.t("eng_remove"),
                    key=f"{prefix}:remove",
                    on_click=_remove_entry,
                    args=(ctx.db, workshop_id, "actions", base, ctx.lang),
                )
    if can_propose:
        with _section(ctx.t("eng_add_action"), f"{NEW_ACTION}:open"):
            options = ref_options(scores, ctx.lang)
            st.selectbox(
                ctx.t("eng_ref"),
                list(options),
                format_func=options.__getitem__,
                index=None,
                key=f"{NEW_ACTION}:ref",
                placeholder=ctx.t("choose_one"),
            )
            cols = st.columns(3)
            with cols[0]:
                st.selectbox(
                    ctx.t("eng_owner"),
                    _people(scores),
                    index=None,
                    accept_new_options=True,
                    key=f"{NEW_ACTION}:owner",
                    placeholder=ctx.t("choose_or_add"),
                )
            with cols[1]:
                st.date_input(ctx.t("eng_due"), value=None, key=f"{NEW_ACTION}:due")
            with cols[2]:
                _status_box(ctx, f"{NEW_ACTION}:status:{ctx.lang}")
            st.text_input(ctx.t("eng_note"), key=f"{NEW_ACTION}:note")
            st.button(
                ctx.t("eng_add_action"),
                key="eng:a:add",
                type="primary",
                on_click=_add_action,
                args=(ctx.db, workshop_id, ctx.lang),
            )


# --- comparison ----------------------------------------------------------------------------------------------------


def same_scope(summaries: Sequence[WorkshopSummary], scores: Scores) -> list[WorkshopSummary]:
    """Other workshops of the same organisation and scope that assess at least one of the same parts."""
    header = scores.workshop.header
    mine = set(scores.workshop.framework_ids)
    return [
        s
        for s in summaries
        if s.id != scores.workshop.id
        and (s.organisation, s.scope) == (header.organisation, header.scope)
        and mine & {split_ref(ref)[0] for ref in s.frameworks}
    ]


def comparisons(old: Scores, new: Scores) -> list[tuple[PartScore, Comparison]]:
    """Each part both workshops assess (in the newer one's order) with its comparison (assessors/compare.py)."""
    before = {p.framework.id: p for p in old.parts}
    found = []
    for part in new.parts:
        was = before.get(part.framework.id)
        if was is not None:
            old_snap = Snapshot(f"#{old.workshop.id}", was.assessment, was.framework, was.result)
            new_snap = Snapshot(f"#{new.workshop.id}", part.assessment, part.framework, part.result)
            found.append((part, compare(old_snap, new_snap)))
    return found


def _requirement_list(ctx: Context, title: str, ids: Sequence[str], texts: dict[str, str]) -> None:
    st.markdown(f"**{title}**")
    if not ids:
        st.caption(ctx.t("eng_none"))
    for rid in ids:
        st.markdown(f"- `{rid}` {plain(texts.get(rid, ''))}")


def _comparison(ctx: Context, scores: Scores) -> None:
    import pandas as pd

    st.subheader(ctx.t("eng_compare"))
    others = same_scope(ctx.store.summaries(), scores)
    if not others:
        st.caption(ctx.t("eng_compare_none"))
        return
    lines = {
        s.id: ctx.t("eng_compare_line", id=s.id, updated=s.updated_at.date().isoformat(), parts=", ".join(s.frameworks))
        for s in others
    }
    chosen = st.selectbox(
        ctx.t("eng_compare_with"),
        list(lines),
        format_func=lines.__getitem__,
        index=None,
        key="eng:cmp:with",
        placeholder=ctx.t("choose_one"),
    )
    if chosen is None:
        return
    old = cached.scores(ctx.db, int(chosen))
    for part, result in comparisons(old, scores):
        st.markdown(f"#### {part_name(part.framework, ctx.lang)}")
        if result.versions is not None:
            v = result.versions
            st.caption(ctx.t("eng_versions_differ", old=v.old, new=v.new, shared=v.shared))
        overall = result.overall
        st.markdown(
            ctx.t(
                "eng_overall_change",
                old=level_text(overall.old, ctx.lang),
                new=level_text(overall.new, ctx.lang),
                direction=ctx.t(f"eng_dir_{overall.direction}"),
            )
        )
        names = cached.names(part.framework.ref)
        moved = [c for c in result.items if c.direction != "same"]
        st.markdown(f"**{ctx.t('eng_items_moved')}**")
        if not moved:
            st.caption(ctx.t("eng_no_item_moved"))
        else:
            rows = [
                {
                    "item": f"{c.id} {names[c.id].get(ctx.lang) if c.id in names else ''}",
                    "change": f"{level_text(c.old, ctx.lang)} → {level_text(c.new, ctx.lang)}",
                    "direction": ctx.t(f"eng_dir_{c.direction}"),
                }
                for c in moved
            ]
            labels = {"item": ctx.t("item"), "change": ctx.t("eng_change"), "direction": ctx.t("eng_direction")}
            st.dataframe(
                pd.DataFrame(rows, columns=list(labels)),
                hide_index=True,
                column_config={c: st.column_config.Column(label) for c, label in labels.items()},
                key=f"eng:cmp:items:{part.framework.id}",
            )
        texts = {rid: _short(req.text.get(ctx.lang)) for rid, req in cached.requirements(part.framework.ref).items()}
        _requirement_list(ctx, ctx.t("eng_newly_met"), [d.id for d in result.newly_met], texts)
        _requirement_list(ctx, ctx.t("eng_lost"), [d.id for d in result.lost], texts)


def render(ctx: Context) -> None:
    scores = ctx.scores
    if scores is None:
        st.info(ctx.t("no_workshop"))
        return
    st.title(ctx.t("page_engagement"))
    can_record = rights.may_task(ctx.role, "record")
    can_propose = rights.may_task(ctx.role, "propose")
    if not can_propose:
        st.caption(ctx.t("eng_read_only"))
    _sessions(ctx, scores, can_record)
    st.divider()
    _actions(ctx, scores, can_record, can_propose)
    st.divider()
    _comparison(ctx, scores)

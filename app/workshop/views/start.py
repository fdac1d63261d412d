"""Start: create a workshop or open one; edit its details; import and export the CLI's assessment file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import streamlit as st
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from app.workshop import cached, rights, state
from app.workshop.context import Context
from app.workshop.failures import guarded
from app.workshop.forms import FieldSpec, from_lines, header_fields, to_lines
from app.workshop.service import assessment_file, framework_id, mime, part_name, read_assessment_file
from app.workshop.words import plain, t, ui_keys
from assessors.assessment import Assessment
from assessors.store import header_of
from capability_model.catalog import entries
from capability_model.schema import Lang
from capability_model.sourcefile import SourceError

PARTS = "new:parts"  # the parts a new workshop will assess


def _problem(error: ErrorDetails, lang: Lang) -> str:
    """One refused value in the page's language: the field's own name and why, by pydantic's error type (its
    messages are English only); in Chinese, a type without words of its own says the value is not valid."""
    first = str(error["loc"][0]) if error["loc"] else ""
    field = t(f"field_{first}", lang) if f"field_{first}" in ui_keys() else ".".join(map(str, error["loc"]))
    key = f"invalid_{error['type']}"
    if key in ui_keys():
        problem = t(key, lang, **error.get("ctx", {}))
    else:  # English keeps pydantic's own message, which may say more
        problem = error["msg"] if lang == "en" else t("invalid_other", lang)
    return t("field_problem", lang, field=field, problem=problem)


def _errors(exc: Exception, lang: Lang) -> str:
    """Why a form or file was refused, as Markdown-safe text (file contents and names can be anything)."""
    if isinstance(exc, ValidationError):
        found = t("problem_separator", lang).join(_problem(e, lang) for e in exc.errors())
    elif isinstance(exc, SourceError):
        found = "; ".join(f"{i.path}: {i.message}" if i.path else i.message for i in exc.issues)
    else:
        found = str(exc)
    return plain(found)


def _value(spec: FieldSpec, raw: Any) -> Any:
    """A widget's value as the model field takes it."""
    if spec.kind == "lines":
        return from_lines(str(raw or ""))
    if spec.kind == "text":
        return str(raw or "").strip()
    if spec.kind == "level":
        return int(raw)
    return raw


def _shown(spec: FieldSpec, value: Any) -> Any:
    """A model value as its widget holds it."""
    if spec.kind == "lines":
        return to_lines(value or [])
    if spec.kind == "text":
        return value or ""
    return value


def _field(
    spec: FieldSpec, lang: Lang, key: str, on_change: Any = None, args: tuple[Any, ...] = (), disabled: bool = False
) -> None:
    """One header field as the widget its type calls for; its value is in the session state under `key`."""
    label = t(f"field_{spec.name}", lang) + (" *" if spec.required else "")
    if spec.kind == "lines":
        label += f" ({t('one_per_line', lang)})"
        st.text_area(label, key=key, on_change=on_change, args=args, height=68, disabled=disabled)
    elif spec.kind == "date":
        st.date_input(label, key=key, on_change=on_change, args=args, disabled=disabled)
    elif spec.kind == "level":
        st.number_input(
            label,
            min_value=spec.low,
            max_value=spec.high,
            step=1,
            key=key,
            on_change=on_change,
            args=args,
            disabled=disabled,
        )
    else:
        st.text_input(label, key=key, on_change=on_change, args=args, disabled=disabled)


# --- the open workshop ----------------------------------------------------------------------------------------------


@guarded
def _save_field(db: str, workshop_id: int, spec: FieldSpec, key: str, lang: Lang) -> None:
    if rights.refused("manage"):
        del st.session_state[key]  # the field shows the saved value again
        return
    try:
        cached.store(db).update_header(workshop_id, {spec.name: _value(spec, st.session_state[key])})
    except (ValidationError, ValueError) as exc:
        state.flash("error", t("invalid", lang, errors=_errors(exc, lang)))
        del st.session_state[key]  # refused: the field shows the saved value again


def _sync_header(workshop_id: int, header: Assessment) -> None:
    """Fill the detail fields from the store: at first, and when a newer save says something else (keys stay the
    same, so a rerun never replaces a box someone is typing in)."""
    ss = st.session_state
    stamp = hashlib.sha256(json.dumps(header_of(header), sort_keys=True).encode()).hexdigest()
    synced: dict[str, str] = ss.setdefault("_header_synced", {})
    for spec in header_fields():
        key = f"edit:{workshop_id}:{spec.name}"
        saved = getattr(header, spec.name)
        if key not in ss or (synced.get(key) != stamp and _value(spec, ss[key]) != saved):
            ss[key] = _shown(spec, saved)
        synced[key] = stamp


def _current(ctx: Context) -> None:
    assert ctx.scores is not None
    workshop = ctx.scores.workshop
    header = workshop.header
    st.subheader(f"{ctx.t('current_assessment')}: #{workshop.id} {plain(header.organisation)} · {plain(header.scope)}")
    _sync_header(workshop.id, header)
    columns = st.columns(2)
    for n, spec in enumerate(header_fields()):
        key = f"edit:{workshop.id}:{spec.name}"
        with columns[n % 2]:
            args = (ctx.db, workshop.id, spec, key, ctx.lang)
            _field(spec, ctx.lang, key, _save_field, args, disabled=not ctx.may("manage"))
    st.markdown(f"**{ctx.t('export_file')}**")
    for part in ctx.scores.parts:
        cols = st.columns([3, 1, 1])
        cols[0].markdown(f"{part_name(part.framework, ctx.lang)} `{part.framework.ref}`")
        if part.assessment.orphaned:
            cols[0].caption(ctx.t("orphaned_kept", n=len(part.assessment.orphaned)))
        for col, suffix in zip(cols[1:], ("yaml", "json"), strict=True):
            name, text = assessment_file(part, suffix, ctx.lang)
            col.download_button(
                f"{suffix.upper()}", text.encode("utf-8"), file_name=name, mime=mime(suffix), key=f"file:{name}"
            )


# --- open, create, import -------------------------------------------------------------------------------------------


def _open(ctx: Context) -> None:
    summaries = ctx.store.summaries()
    if not summaries:
        st.caption(ctx.t("none_yet"))
        return
    lines = {
        s.id: ctx.t(
            "workshop_line",
            id=s.id,
            organisation=s.organisation,
            scope=s.scope,
            parts=", ".join(s.frameworks),
            answered=s.answered,
            updated=s.updated_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        )
        for s in summaries
    }
    choice = st.selectbox(
        ctx.t("open_existing"),
        list(lines),
        format_func=lines.__getitem__,
        key="open:choice",
        placeholder=ctx.t("choose_one"),
    )
    st.button(ctx.t("open"), key="open:go", on_click=state.open_workshop, args=(choice,))


def _versions() -> dict[str, list[str]]:
    """Framework id -> its bundled versions, oldest first."""
    found: dict[str, list[str]] = {}
    for entry in entries():
        found.setdefault(entry.id, []).append(entry.version)
    return found


@guarded
def _create_now(db: str, lang: Lang, who: str) -> None:
    if rights.refused("manage"):
        return
    ss = st.session_state
    chosen: list[str] = ss.get(PARTS) or []
    if not chosen:
        state.flash("error", t("pick_a_part", lang))
        return
    header = {spec.name: _value(spec, ss.get(f"new:{spec.name}")) for spec in header_fields()}
    try:
        parts = [
            Assessment.model_validate({**header, "framework": f"{fid}@{ss[f'new:version:{fid}']}"}) for fid in chosen
        ]
        workshop_id = cached.store(db).create(parts, who or parts[0].assessor)
    except (ValidationError, ValueError) as exc:
        state.flash("error", t("invalid", lang, errors=_errors(exc, lang)))
        return
    state.open_workshop(workshop_id)
    state.flash("success", t("created", lang, id=workshop_id))


def _create(ctx: Context) -> None:
    versions = _versions()
    columns = st.columns(2)
    for n, spec in enumerate(header_fields()):
        info = Assessment.model_fields[spec.name]
        default: Any = None if info.is_required() else info.get_default(call_default_factory=True)
        if spec.kind == "date" and spec.required:
            default = dt.date.today()
        if f"new:{spec.name}" not in st.session_state:
            st.session_state[f"new:{spec.name}"] = _shown(spec, default)
        with columns[n % 2]:
            _field(spec, ctx.lang, f"new:{spec.name}")
    names = {fid: part_name(cached.framework(f"{fid}@{v[-1]}").framework, ctx.lang) for fid, v in versions.items()}
    if PARTS not in st.session_state:  # set here, not as the widget's default: a language switch sets it again
        st.session_state[PARTS] = list(versions)
    chosen = st.multiselect(
        ctx.t("parts_to_assess"),
        list(versions),
        format_func=names.__getitem__,
        key=PARTS,
        placeholder=ctx.t("choose_many"),
    )
    for fid in chosen:
        st.selectbox(
            ctx.t("version_of", part=names[fid]),
            versions[fid],
            index=len(versions[fid]) - 1,
            key=f"new:version:{fid}",
            placeholder=ctx.t("choose_one"),
        )
    st.button(ctx.t("create"), key="new:go", type="primary", on_click=_create_now, args=(ctx.db, ctx.lang, ctx.who))


@guarded
def _import_now(db: str, lang: Lang, who: str, into: int | None) -> None:
    if rights.refused("manage"):
        return
    upload = st.session_state.get("import:file")
    if upload is None:
        return
    data, name = upload.getvalue(), upload.name
    store = cached.store(db)
    try:
        if into is None:
            opened = read_assessment_file(data, name)
            # a bundle path in an uploaded file names a server path: bundles come only from the evidence page
            part = opened.assessment.model_copy(update={"evidence_bundle": None})
            workshop_id = store.create([part], who or opened.assessment.assessor)
            state.open_workshop(workshop_id)
            changed = sum(1 for a in opened.assessment.answers.values() if not a.is_blank)
        else:
            workshop = store.load(into)
            own = read_assessment_file(data, name)
            fid = framework_id(own.assessment.framework)
            target = next((p.framework for p in workshop.parts if framework_id(p.framework) == fid), None)
            opened = read_assessment_file(data, name, target) if target and target != own.assessment.framework else own
            changed = len(store.add_part(into, opened.assessment, who or opened.assessment.assessor))
    except (SourceError, ValidationError, ValueError, LookupError) as exc:
        state.flash("error", t("invalid", lang, errors=_errors(exc, lang)))
        return
    state.flash("success", t("imported", lang, ref=opened.assessment.framework, n=changed))


def _import(ctx: Context) -> None:
    st.file_uploader(ctx.t("import_file"), type=["yaml", "yml", "json"], key="import:file")
    cols = st.columns(2)
    if ctx.scores is not None:
        cols[0].button(
            ctx.t("import_into_current"),
            key="import:into",
            on_click=_import_now,
            args=(ctx.db, ctx.lang, ctx.who, ctx.scores.workshop.id),
        )
    cols[1].button(
        ctx.t("import_as_new"), key="import:new", on_click=_import_now, args=(ctx.db, ctx.lang, ctx.who, None)
    )


def render(ctx: Context) -> None:
    st.title(ctx.t("app_title"))
    st.caption(f"{ctx.t('database')}: `{ctx.store.location}` · {ctx.t('saved_note')}")
    if ctx.scores is not None:
        _current(ctx)
        st.divider()
    if not ctx.may("manage"):  # creating and importing are the facilitator's
        _open(ctx)
        return
    open_tab, create_tab, import_tab = st.tabs([ctx.t("open_existing"), ctx.t("create_new"), ctx.t("import_file")])
    with open_tab:
        _open(ctx)
    with create_tab:
        _create(ctx)
    with import_tab:
        _import(ctx)

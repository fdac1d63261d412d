"""Evidence: load a collected bundle, or run the collectors against a targets file with a progress bar.

The bundle is verified against its manifest before it is used (an altered bundle is refused) and its path is saved
with the workshop, so every tab and a restarted server score with the same evidence.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from app.workshop import cached, state
from app.workshop.context import Context
from app.workshop.service import Scores
from app.workshop.words import t
from assessors.workflow import BundleError, open_bundle
from capability_model.schema import Lang
from capability_model.sourcefile import SourceError
from reports.labels import EVIDENCE_STATUS_LABELS


def _load(db: str, workshop_id: int, lang: Lang, key: str) -> None:
    path = Path(str(st.session_state.get(key) or "").strip()).expanduser()
    try:
        bundle = open_bundle(path)
    except (BundleError, OSError) as exc:
        state.flash("error", t("error", lang, message=str(exc)))
        return
    cached.store(db).set_evidence_bundle(workshop_id, str(bundle.path.resolve()))


def _unload(db: str, workshop_id: int) -> None:
    cached.store(db).set_evidence_bundle(workshop_id, None)


def _current(ctx: Context, scores: Scores) -> None:
    bundle = scores.bundle
    if bundle is None:
        st.info(ctx.t("no_bundle_loaded"))
        return
    st.success(ctx.t("bundle_loaded", path=str(bundle.path)))
    summary = scores.parts[0].result.evidence
    if summary is not None:
        st.caption(
            ctx.t(
                "records_count",
                n=summary.records,
                ok=summary.ok,
                unavailable=summary.unavailable,
                error=summary.error,
                decided=sum(p.result.evidence.decided for p in scores.parts if p.result.evidence),
            )
        )
    conflicts = sum(len(p.conflicts) for p in scores.parts)
    if conflicts:
        st.warning(ctx.t("conflicts_found", n=conflicts))
    st.button(ctx.t("unload_bundle"), key="ev:unload", on_click=_unload, args=(ctx.db, scores.workshop.id))
    rows = [
        {
            ctx.t("probe"): r.probe,
            ctx.t("target_system"): r.target,
            ctx.t("status"): EVIDENCE_STATUS_LABELS[r.status.value][ctx.lang],
            ctx.t("value"): "" if r.value is None else str(r.value),
            ctx.t("summary"): r.summary or r.reason,
        }
        for r in bundle.records
    ]
    st.markdown(f"**{ctx.t('records')}**")
    st.dataframe(rows, hide_index=True, key="ev:records")


def _collect(ctx: Context, scores: Scores, targets_file: str, output: str) -> None:
    """Run every target's collector, showing progress as each target finishes; then write and load the bundle."""
    from evidence_collectors.bundle import write_bundle
    from evidence_collectors.records import EvidenceRecord
    from evidence_collectors.registry import installed_collectors
    from evidence_collectors.runner import collect
    from evidence_collectors.targets import Target, load_targets

    try:
        targets = load_targets(Path(targets_file).expanduser(), installed_collectors())
    except SourceError as exc:
        st.error("\n".join(str(i) for i in exc.issues))
        return
    except OSError as exc:
        st.error(ctx.t("error", message=str(exc)))
        return
    bar = st.progress(0.0, text=ctx.t("collecting", done=0, total=len(targets), name=""))
    done: list[str] = []

    def finished(target: Target, records: list[EvidenceRecord]) -> None:
        done.append(target.config.name)
        text = ctx.t("collecting", done=len(done), total=len(targets), name=target.config.name)
        bar.progress(len(done) / max(1, len(targets)), text=text)

    collection = collect(targets, on_done=finished)
    root = Path(output).expanduser()
    try:
        write_bundle(root, collection)
    except (FileExistsError, OSError) as exc:
        st.error(ctx.t("error", message=str(exc)))
        return
    ctx.store.set_evidence_bundle(scores.workshop.id, str(root.resolve()))
    state.flash("success", ctx.t("collected", n=len(collection.records)))
    st.rerun()


def render(ctx: Context) -> None:
    scores = ctx.scores
    if scores is None:
        st.info(ctx.t("no_workshop"))
        return
    _current(ctx, scores)
    st.divider()
    load_tab, run_tab = st.tabs([ctx.t("load_bundle"), ctx.t("run_collectors")])
    with load_tab:
        st.text_input(ctx.t("bundle_path"), key="ev:path")
        st.button(
            ctx.t("load_bundle"), key="ev:load", on_click=_load, args=(ctx.db, scores.workshop.id, ctx.lang, "ev:path")
        )
    with run_tab:
        targets_file = st.text_input(ctx.t("targets_file"), key="ev:targets")
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        default_out = str(Path(ctx.db).parent / f"evidence-{scores.workshop.id}-{stamp}")
        if "ev:output" not in st.session_state:
            st.session_state["ev:output"] = default_out
        output = st.text_input(ctx.t("output_dir"), key="ev:output")
        if st.button(ctx.t("collect"), key="ev:collect", type="primary") and targets_file.strip():
            _collect(ctx, scores, targets_file.strip(), output.strip() or default_out)

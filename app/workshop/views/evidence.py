"""Evidence: load an uploaded bundle archive, or run the collectors on the operator's targets file.

Nobody in the browser names a server path. A bundle arrives as an upload, is unpacked safely into the workshop's
data folder and verified against its manifest (an altered bundle is refused); collectors run only on the targets
file given to `mlops-maturity workshop --targets`, shown here read-only, with the credentials its entries name on the
server. Either way the bundle lives in a new folder of the data folder and is saved with the workshop, so every tab
and a restarted server score with the same evidence. With a bundle loaded, the team can draft answers from it:
proposals where nobody has answered, to accept or override in the interview; the evidence's disagreements with
answers already given are listed, each leading to its requirement.
"""

from __future__ import annotations

import shutil

import streamlit as st

from app.workshop import bundles, cached, rights, state
from app.workshop.archive import ArchiveRefused
from app.workshop.context import Context
from app.workshop.failures import guarded, logger
from app.workshop.proposals import DraftReport, draft_workshop
from app.workshop.service import Scores, status_label
from app.workshop.targets import TargetsProblem, operator_targets, target_rows
from app.workshop.words import plain, t
from assessors.workflow import BundleError, EvidenceBundle
from capability_model.schema import Lang
from reports.answer_view import record_summary
from reports.checks_view import value_text
from reports.labels import EVIDENCE_STATUS_LABELS

ARCHIVE = "ev:archive"
DRAFTED = "ev:drafted"  # the last draft's report in this session, shown until the bundle changes


@guarded
def _load(db: str, workshop_id: int, lang: Lang) -> None:
    if rights.refused("manage"):
        return
    upload = st.session_state.get(ARCHIVE)
    if upload is None:
        state.flash("error", t("archive_missing", lang))
        return
    try:
        stored = bundles.load_archive(db, workshop_id, upload.getvalue())
    except (ArchiveRefused, BundleError, ValueError) as exc:
        state.flash("error", t("archive_refused", lang, reason=plain(exc)))
        return
    cached.store(db).set_evidence_bundle(workshop_id, stored)
    st.session_state.pop(DRAFTED, None)
    state.flash("success", t("archive_loaded", lang))


@guarded
def _unload(db: str, workshop_id: int) -> None:
    if rights.refused("manage"):
        return
    cached.store(db).set_evidence_bundle(workshop_id, None)
    st.session_state.pop(DRAFTED, None)


@guarded
def _draft(db: str, workshop_id: int, who: str) -> None:
    """Draft proposals from the bundle over the workshop as saved now; keep the report for this session to show."""
    if rights.refused("manage"):
        return
    report = draft_workshop(cached.store(db), cached.scores(db, workshop_id), who)
    st.session_state[DRAFTED] = (workshop_id, report)


def _go_to(item_id: str, requirement_id: str) -> None:
    state.select_item(item_id, requirement_id)
    state.go_to("interview")


_PROVENANCE_WORD = {"answered": "prov_answer", "confirmed": "prov_confirmed_answer", "overridden": "prov_override"}


def _drafted(ctx: Context, workshop_id: int) -> None:
    """The last draft's counts and the evidence's disagreements with answers given, each a way to its requirement."""
    kept = st.session_state.get(DRAFTED)
    if kept is None or kept[0] != workshop_id:
        return
    report: DraftReport = kept[1]
    counts = report.model_dump(include={"automated", "assisted", "replaced", "unchanged", "withdrawn", "kept"})
    st.success(ctx.t("drafted", **counts))
    if report.skipped:
        st.warning(ctx.t("draft_skipped", ids=", ".join(report.skipped)))
    if not report.disagreements:
        st.caption(ctx.t("no_disagreements"))
        return
    st.markdown(f"**{ctx.t('disagreements')}**")
    for item_id, d in report.disagreements:
        link, text = st.columns([1, 4])
        link.button(
            d.requirement,
            key=f"ev:goto:{d.requirement}",
            on_click=_go_to,
            args=(item_id, d.requirement),
            type="tertiary",
        )
        text.markdown(
            ctx.t(
                "disagreement_text",
                answer=status_label(d.answer, ctx.lang),
                provenance=ctx.t(_PROVENANCE_WORD[d.provenance]),
                evidence=status_label(d.evidence, ctx.lang),
                verification=ctx.t(f"verification_{d.verification}"),
                reason=plain(d.reason.get(ctx.lang)),
            )
        )


def _conflicts(ctx: Context, scores: Scores) -> None:
    """Each manual answer the evidence contradicts, named by its requirement and a way to it in the interview."""
    found = [(part, c) for part in scores.parts for c in part.conflicts.values()]
    if not found:
        return
    st.warning(ctx.t("conflicts_found", n=len(found)))
    for part, conflict in found:
        rid = conflict.requirement
        item_id = next((i.id for i, r in part.framework.requirements() if r.id == rid), None)
        if item_id is None:
            continue
        link, text = st.columns([1, 4])
        link.button(rid, key=f"ev:conflict:{rid}", on_click=_go_to, args=(item_id, rid), type="tertiary")
        text.markdown(
            ctx.t(
                "conflict_named",
                manual=status_label(conflict.manual, ctx.lang),
                evidence=status_label(conflict.evidence, ctx.lang),
            )
        )


def _current(ctx: Context, scores: Scores) -> None:
    bundle = scores.bundle
    if bundle is None:
        st.info(ctx.t("no_bundle_loaded"))
        return
    st.success(ctx.t("bundle_loaded", path=plain(scores.workshop.evidence_bundle or bundle.path.name)))
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
    _conflicts(ctx, scores)
    if not ctx.may("manage"):
        _drafted(ctx, scores.workshop.id)
        return _records(ctx, bundle)
    draft_col, unload_col = st.columns(2)
    draft_col.button(
        ctx.t("draft_answers"),
        key="ev:draft",
        on_click=_draft,
        args=(ctx.db, scores.workshop.id, ctx.who),
        help=ctx.t("draft_help"),
        type="primary",
    )
    unload_col.button(ctx.t("unload_bundle"), key="ev:unload", on_click=_unload, args=(ctx.db, scores.workshop.id))
    _drafted(ctx, scores.workshop.id)
    _records(ctx, bundle)


def _records(ctx: Context, bundle: EvidenceBundle) -> None:
    rows = [
        {
            ctx.t("probe"): r.probe,
            ctx.t("target_system"): r.target,
            ctx.t("status"): EVIDENCE_STATUS_LABELS[r.status.value][ctx.lang],
            ctx.t("value"): "" if r.value is None else value_text(r.value, ctx.lang),
            ctx.t("summary"): record_summary(r, ctx.lang),  # as the report says it: Chinese from the probe's text
        }
        for r in bundle.records
    ]
    st.markdown(f"**{ctx.t('records')}**")
    st.dataframe(rows, hide_index=True, key="ev:records")


def _collect(ctx: Context, scores: Scores) -> None:
    """Run every target's collector, showing progress as each target finishes; then write and load the bundle."""
    from evidence_collectors.bundle import write_bundle
    from evidence_collectors.records import EvidenceRecord
    from evidence_collectors.runner import collect
    from evidence_collectors.targets import Target

    assert ctx.config.targets is not None
    targets = operator_targets(ctx.config.targets)
    bar = st.progress(0.0, text=ctx.t("collecting", done=0, total=len(targets), name=""))
    done: list[str] = []

    def finished(target: Target, records: list[EvidenceRecord]) -> None:
        done.append(target.config.name)
        text = ctx.t("collecting", done=len(done), total=len(targets), name=target.config.name)
        bar.progress(len(done) / max(1, len(targets)), text=text)

    collection = collect(targets, on_done=finished)
    root = bundles.new_bundle_dir(ctx.db, scores.workshop.id)
    try:
        write_bundle(root, collection)
    except OSError:
        shutil.rmtree(root, ignore_errors=True)
        raise
    ctx.store.set_evidence_bundle(scores.workshop.id, bundles.stored_form(ctx.db, root))
    st.session_state.pop(DRAFTED, None)
    state.flash("success", ctx.t("collected", n=len(collection.records)))
    st.rerun()


def _run_tab(ctx: Context, scores: Scores) -> None:
    if ctx.config.targets is None:
        st.info(ctx.t("no_targets"))
        return
    try:
        targets = operator_targets(ctx.config.targets)
    except TargetsProblem as exc:
        logger.error("targets file refused: %s", exc)
        st.error(ctx.t("targets_invalid", reason=plain(exc)))
        return
    st.caption(ctx.t("targets_from_server"))
    st.dataframe(target_rows(targets, ctx.lang), hide_index=True, key="ev:targets")
    pressed = st.button(ctx.t("collect"), key="ev:collect", type="primary", disabled=not ctx.may("manage"))
    if pressed and rights.allowed("manage"):  # checked again by the server, not only by the disabled button
        _collect(ctx, scores)


def render(ctx: Context) -> None:
    scores = ctx.scores
    if scores is None:
        st.info(ctx.t("no_workshop"))
        return
    _current(ctx, scores)
    if not ctx.may("manage"):
        return  # loading or collecting evidence is the facilitator's
    st.divider()
    load_tab, run_tab = st.tabs([ctx.t("load_bundle"), ctx.t("run_collectors")])
    with load_tab:
        st.file_uploader(ctx.t("bundle_archive"), type=["zip", "gz", "tgz"], key=ARCHIVE)
        st.button(ctx.t("load_bundle"), key="ev:load", on_click=_load, args=(ctx.db, scores.workshop.id, ctx.lang))
    with run_tab:
        _run_tab(ctx, scores)

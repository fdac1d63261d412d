"""Audit trail: every saved change (requirement, old -> new status, note, who, when), viewable and exportable."""

from __future__ import annotations

import streamlit as st

from app.workshop.context import Context
from app.workshop.service import audit_rows
from assessors.audit import changes_csv, changes_json

_COLUMNS = (("at", "col_at"), ("who", "col_who"), ("requirement", "requirement_id"), ("change", "col_change"),
            ("note", "col_note"), ("evidence", "col_evidence"))  # fmt: skip


def render(ctx: Context) -> None:
    scores = ctx.scores
    if scores is None:
        st.info(ctx.t("no_workshop"))
        return
    workshop_id = scores.workshop.id
    needle = st.text_input(ctx.t("audit_filter"), key="audit:filter").strip().lower()
    changes = [c for c in ctx.store.history(workshop_id) if needle in c.requirement.lower()]
    if not changes:
        st.info(ctx.t("audit_empty"))
        return
    cols = st.columns(2)
    cols[0].download_button(
        ctx.t("download_csv"),
        changes_csv(changes).encode("utf-8-sig"),
        file_name=f"audit-{workshop_id}.csv",
        mime="text/csv",
        key="audit:csv",
    )
    cols[1].download_button(
        ctx.t("download_json"),
        changes_json(changes).encode("utf-8"),
        file_name=f"audit-{workshop_id}.json",
        mime="application/json",
        key="audit:json",
    )
    st.dataframe(
        audit_rows(changes, ctx.lang),
        hide_index=True,
        column_config={column: st.column_config.Column(ctx.t(label)) for column, label in _COLUMNS},
        key="audit:table",
    )

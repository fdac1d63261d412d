"""The roadmap as an OSCAL plan of action and milestones: one POA&M item per roadmap phase and capability item (the
requirements to meet, in the roadmap's order), each tied to the risk of that item's gap, whose remediation is planned
when the assessment records an owner or due date for it and only recommended otherwise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assessors.frame import actions_by_ref
from capability_model.schema import Lang
from reports.oscal.common import Json, line, metadata, prop, props, stable_uuid, tool_props
from reports.oscal.evidence import resources
from reports.oscal.results import PartResults, document_uuid, last_modified, parties
from reports.viewmodel import ScoredPart

_TEXT = {
    "title": {"zh": "MLOps 能力提升行动计划", "en": "MLOps capability improvement plan of action"},
    "phase": {"zh": "升至 {level} 级：{item}", "en": "Phase to level {level}: {item}"},
    "remedy": {"zh": "满足 {item} 的差距要求", "en": "Meet the gap requirements of {item}"},
}


def _steps_text(steps: list[str], texts: dict[str, str]) -> str:
    return "\n".join(f"- {rid}: {texts.get(rid, '')}".rstrip(": ") for rid in steps)


def _poam_part(part: ScoredPart, lang: Lang, org: str) -> tuple[list[Json], list[Json]]:
    fw = part.opened.framework.framework
    names = {i.id: i.name.get(lang) for _, _, i in fw.items()}
    texts = {r.id: r.text.get(lang) for _, r in fw.requirements()}
    actions = actions_by_ref(part.opened.assessment.frame)
    builder = PartResults(part, lang, org)
    risks: list[Json] = []
    risk_of: dict[str, str] = {}
    for item in part.result.items():
        if not item.gap:
            continue
        risk = builder.risk(item, names.get(item.id, item.id), [])
        recorded = [actions[ref] for ref in (item.id, *item.gap) if ref in actions]
        response: Json = {
            "uuid": builder.uuid("remediation", item.id),
            "lifecycle": "planned" if recorded else "recommendation",
            "title": line(_TEXT["remedy"][lang].format(item=f"{item.id} {names.get(item.id, '')}")),
            "description": _steps_text(item.gap, texts),
            "props": props(
                *(prop("owner", a.owner) for a in recorded),
                *(prop("due", a.due.isoformat()) for a in recorded if a.due),
                *(prop("action-status", a.status) for a in recorded),
            ),
        }
        if not response["props"]:
            del response["props"]
        risk["remediations"] = [response]
        risks.append(risk)
        risk_of[item.id] = risk["uuid"]
    items: list[Json] = []
    for phase in part.result.roadmap:
        by_item: dict[str, list[str]] = {}
        for step in phase.requirements:
            by_item.setdefault(step.item, []).append(step.id)
        for item_id, steps in by_item.items():
            poam: Json = {
                "uuid": builder.uuid("poam-item", f"{phase.level}|{item_id}"),
                "title": line(
                    _TEXT["phase"][lang].format(level=phase.level, item=f"{item_id} {names.get(item_id, '')}")
                ),
                "description": _steps_text(steps, texts),
                "props": props(
                    prop("phase-level", phase.level),
                    prop("item-id", item_id),
                    prop("framework", fw.ref),
                    *(prop("requirement-id", s) for s in steps),
                ),
            }
            if item_id in risk_of:
                poam["related-risks"] = [{"risk-uuid": risk_of[item_id]}]
            items.append(poam)
    return risks, items


def oscal_poam(parts: Sequence[ScoredPart], lang: Lang, report_date: dt.date | None = None) -> Json:
    """The roadmap of the scored parts as one OSCAL plan-of-action-and-milestones document (the JSON root object)."""
    party_list, org = parties(parts)
    risks: list[Json] = []
    items: list[Json] = []
    for part in parts:
        r, i = _poam_part(part, lang, org)
        risks += r
        items += i
    meta = metadata(_TEXT["title"][lang], "1", last_modified(parts, report_date), tool_props())
    meta["parties"] = party_list
    if not items:  # OSCAL needs at least one item: say that nothing is left to do
        done = {"zh": "已达到目标等级，路线图为空。", "en": "The target level is reached; the roadmap is empty."}[lang]
        items = [{"uuid": stable_uuid("poam-empty", *(p.sha256 for p in parts)), "title": done, "description": done}]
    doc: Json = {"uuid": document_uuid("poam", parts, lang), "metadata": meta}
    if risks:
        doc["risks"] = risks
    doc["poam-items"] = items
    doc["back-matter"] = {"resources": resources(parts, {})}
    return {"plan-of-action-and-milestones": doc}

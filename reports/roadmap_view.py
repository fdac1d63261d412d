"""The roadmap as the report shows it: per phase the ordered requirements with effort, dependencies, owner and due
date (from the assessment's recorded actions), and the what-if line ("closing these N requirements lifts Part 1 to
level 3"). Ordering and the what-if level come from assessors/roadmap.py; nothing is rescored here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assessors.assessment import STATUS_LABELS
from assessors.frame import actions_by_ref
from assessors.results import RoadmapPhase
from capability_model.schema import Lang

if TYPE_CHECKING:
    from reports.viewmodel import PartView, PhaseView, ScoredPart

_WORDS: dict[str, tuple[str, str]] = {
    "col_order": ("序", "#"),
    "col_requirement": ("要求", "Requirement"),
    "col_effort": ("工作量", "Effort"),
    "col_after": ("前置能力子项", "After"),
    "col_owner": ("负责人", "Owner"),
    "col_due": ("完成期限", "Due"),
    "effort_S": ("小", "S"),
    "effort_M": ("中", "M"),
    "effort_L": ("大", "L"),
    "effort_none": ("未估计", "—"),
    "from_probe": ("（按探针整改建议）", " (probe remediation)"),
    "effort_line": (
        "工作量：小（≤5 人天）{S} 项，中（5–20 人天）{M} 项，大（>20 人天）{L} 项。",
        "Effort: {S} small (up to 5 person-days), {M} medium (5 to 20), {L} large (more than 20).",
    ),
    "whatif_first": (
        "完成本阶段这 {n} 项要求，{part}将提升至 {level} 级。",
        "Closing these {n} requirements lifts {part} to level {level}.",
    ),
    "whatif_more": (
        "完成本阶段这 {n} 项要求（连同此前各阶段，共 {total} 项），{part}将提升至 {level} 级。",
        "Closing these {n} requirements (with the earlier phases, {total} in all) lifts {part} to level {level}.",
    ),
    "other_part": ("（另一部分）", " (other part)"),
    "action_status_open": ("待办", "open"),
    "action_status_in_progress": ("进行中", "in progress"),
    "action_status_done": ("已完成", "done"),
    "unassigned": ("未指定", "unassigned"),
    "order_note": (
        "各阶段内，被其他能力子项依赖的子项排在前面，其次按工作量由小到大；负责人和期限取自评估文件记录的行动项。",
        "Within a phase, items that others depend on come first, then smaller efforts; owners and due dates are the "
        "actions recorded in the assessment file.",
    ),
}


def rw(key: str, lang: Lang, **fmt: object) -> str:
    text = _WORDS[key][0 if lang == "zh" else 1]
    return text.format(**fmt) if fmt else text


@dataclass(frozen=True)
class PlanStep:
    n: int
    id: str
    text: str
    item: str
    status: str
    status_label: str
    effort: str  # S | M | L | "" (CSS class)
    effort_label: str
    after: str  # items to finish first
    owner: str
    due: str
    action: str  # the action's status and note, when one is recorded


def headers(lang: Lang) -> tuple[str, ...]:
    keys = ("col_order", "col_requirement", "col_effort", "col_after", "col_owner", "col_due")
    return tuple(rw(k, lang) for k in keys)


def _steps(phase: RoadmapPhase, part: ScoredPart, lang: Lang) -> tuple[PlanStep, ...]:
    fwk = part.opened.framework.framework
    reqs = fwk.requirement_index()
    items = {i.id: i for _, _, i in fwk.items()}
    actions = actions_by_ref(part.opened.assessment.frame)
    out = []
    for n, step in enumerate(phase.requirements, start=1):
        action = actions.get(step.id) or actions.get(step.item)
        effort = step.effort or ""
        label = rw(f"effort_{effort}", lang) if effort else rw("effort_none", lang)
        if step.effort_source == "probe":
            label += rw("from_probe", lang)
        after = ", ".join(d + ("" if d in items else rw("other_part", lang)) for d in step.after)
        note = ""
        if action is not None:
            note = rw(f"action_status_{action.status}", lang) + (f" · {action.note}" if action.note else "")
        out.append(
            PlanStep(
                n=n,
                id=step.id,
                text=reqs[step.id][1].text.get(lang) if step.id in reqs else "",
                item=f"{step.item} {items[step.item].name.get(lang)}" if step.item in items else step.item,
                status=step.status,
                status_label=STATUS_LABELS[step.status][lang],
                effort=effort,
                effort_label=label,
                after=after,
                owner=action.owner if action and action.owner else rw("unassigned", lang),
                due=action.due.isoformat() if action and action.due else "",
                action=note,
            )
        )
    return tuple(out)


def planned_phases(view: PartView, part: ScoredPart, lang: Lang) -> tuple[PhaseView, ...]:
    """The part's phases with the plan filled in (the same phases view.py lists, in the same order)."""
    from reports.labels import word

    short = word("part_short", lang, n=part.opened.framework.framework.standard.part)
    phases = [p for p in part.result.roadmap if p.requirements]
    out = []
    for shown, phase in zip(view.phases, phases, strict=True):
        n = len(phase.requirements)
        whatif = ""
        if phase.lifts_to is not None:
            key = "whatif_first" if phase.closing == n else "whatif_more"
            whatif = rw(key, lang, n=n, total=phase.closing, part=short, level=phase.lifts_to)
        sizes = {k: phase.effort.get(k, 0) for k in ("S", "M", "L")}
        out.append(
            replace(
                shown,
                whatif=whatif,
                effort_line=rw("effort_line", lang, **sizes),
                headers=headers(lang),
                plan=_steps(phase, part, lang),
                order_note=rw("order_note", lang),
            )
        )
    return tuple(out)

"""The executive summary's strengths and gaps in plain words; which items they name is decided in
assessors/summary.py."""

from __future__ import annotations

from assessors.summary import ItemPick
from assessors.verdict import PartVerdict
from capability_model.schema import Framework, Lang
from reports.labels import word


def _levels_phrase(n: int, lang: Lang) -> str:
    return word("one_level", lang) if n == 1 else word("levels_count", lang, n=n)


def strength_text(pick: ItemPick, names: dict[str, str], frameworks: dict[str, Framework], lang: Lang) -> str:
    fw = frameworks[pick.framework]
    if pick.above_target > 0:
        relation = word("relation_above", lang, n=_levels_phrase(pick.above_target, lang))
    elif pick.above_target == 0:
        relation = word("relation_at", lang)
    else:
        relation = word("relation_below", lang, n=_levels_phrase(-pick.above_target, lang))
    return word(
        "strength_text",
        lang,
        item=names[pick.item],
        id=pick.item,
        level=pick.level,
        level_name=fw.level_name(pick.level, lang),
        relation=relation,
        met=pick.met,
        applicable=pick.applicable,
    )


def gap_text(pick: ItemPick, names: dict[str, str], frameworks: dict[str, Framework], lang: Lang) -> str:
    fw = frameworks[pick.framework]
    first = (pick.blocking or pick.gap)[0]
    _, req = fw.requirement_index()[first]
    return word(
        "gap_text",
        lang,
        item=names[pick.item],
        id=pick.item,
        level=pick.level,
        level_name=fw.level_name(pick.level, lang),
        target=pick.target,
        n=len(pick.gap),
        first=req.text.get(lang),
    )


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


def verdict_lines(verdict: PartVerdict, part: str, names: dict[str, str], fw: Framework, lang: Lang) -> list[str]:
    """Why the part is at its level, what stands between it and the target, and what the result rests on."""
    lines = []
    if verdict.level is None:
        lines.append(word("why_none", lang, part=part))
    elif verdict.next_level is None:
        lines.append(word("why_top", lang, part=part, items=verdict.items, level=verdict.level,
                          level_name=fw.level_name(verdict.level, lang)))  # fmt: skip
    else:
        domains = {d.id: d.name.get(lang) for d in fw.domains}
        where = ("、" if lang == "zh" else ", ").join(
            word("domain_count", lang, domain=domains.get(d, d), n=n) for d, n in verdict.capping_domains
        )
        lines.append(
            word(
                "why_level",
                lang,
                part=part,
                level=verdict.level,
                level_name=fw.level_name(verdict.level, lang),
                items=verdict.items,
                capping=len(verdict.capping),
                domains=where,
                lift=verdict.lift_requirements,
                next=verdict.next_level,
            )
        )
    if verdict.items_below_target:
        lines.append(word("work_to_target", lang, target=verdict.target, items=verdict.items_below_target,
                          reqs=verdict.requirements_below_target))  # fmt: skip
    else:
        lines.append(word("at_target", lang, target=verdict.target))
    total = verdict.answered + verdict.unanswered
    lines.append(
        word(
            "basis_line",
            lang,
            evidence=verdict.by_evidence,
            people=verdict.by_people,
            open=verdict.unanswered,
            total=total,
            share=_percent(verdict.by_evidence, verdict.answered),
        )
    )
    return lines


def action_lines(verdict: PartVerdict, names: dict[str, str], lang: Lang) -> list[str]:
    """The quickest lifts, one sentence each."""
    return [
        word(
            "action_text_one" if len(a.requirements) == 1 else "action_text",
            lang,
            item=names.get(a.item, a.item),
            id=a.item,
            n=len(a.requirements),
            reqs=", ".join(r.rsplit(".", 1)[-1] if r.startswith(a.item) else r for r in a.requirements),
            to=a.to_level,
        )
        for a in verdict.actions
    ]

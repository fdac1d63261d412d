"""The executive summary's strengths and gaps in plain words; which items they name is decided in
assessors/summary.py."""

from __future__ import annotations

from assessors.summary import ItemPick
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

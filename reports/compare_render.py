"""Comparisons, trends and portfolios as terminal tables, JSON, Markdown and HTML.

Every figure comes from assessors/compare.py and assessors/history.py; this module only looks up names and lays the
figures out. Markdown and HTML go through the report templates' environments, so user text is escaped the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from rich.console import Console
from rich.table import Table

from assessors.compare import Comparison, LevelChange, RequirementDelta, SnapshotInfo
from assessors.history import Portfolio, Trend
from capability_model.schema import Framework, Lang, LocalizedText
from capability_model.visible import visible
from reports.labels import level_text, score_text

_WORDS: dict[str, dict[str, str]] = {
    "compare_title": {"zh": "评估对比", "en": "Comparison of assessments"},
    "history_title": {"zh": "评估历史趋势", "en": "Assessment history"},
    "portfolio_title": {"zh": "评估组合总览", "en": "Assessment portfolio"},
    "earlier": {"zh": "较早评估", "en": "Earlier"},
    "later": {"zh": "较新评估", "en": "Later"},
    "basis": {"zh": "对比基准", "en": "Compared on"},
    "basis_note": {
        "zh": "两次评估均按较新版本、仅以两版本共有的 {shared} 条要求重新计分",
        "en": "both assessments scored again on the newer version, counting only the {shared} requirements both "
        "versions have",
    },
    "versions": {"zh": "版本差异", "en": "Version differences"},
    "req_added": {
        "zh": "新版本新增的要求（不参与对比）",
        "en": "Requirements added by the newer version (not compared)",
    },
    "req_removed": {
        "zh": "新版本删除的要求（不参与对比）",
        "en": "Requirements removed by the newer version (not compared)",
    },
    "overall": {"zh": "整体", "en": "Overall"},
    "domains": {"zh": "能力域", "en": "Domains"},
    "subdomains": {"zh": "能力子域", "en": "Subdomains"},
    "items": {"zh": "能力子项等级变化", "en": "Capability items whose level changed"},
    "no_item_change": {"zh": "没有能力子项的等级发生变化。", "en": "No capability item changed level."},
    "before": {"zh": "之前", "en": "Before"},
    "after": {"zh": "之后", "en": "After"},
    "change": {"zh": "变化", "en": "Change"},
    "score_before": {"zh": "平均分（前）", "en": "Score before"},
    "score_after": {"zh": "平均分（后）", "en": "Score after"},
    "newly_met": {"zh": "新满足的要求", "en": "Requirements newly met"},
    "lost": {"zh": "不再满足的要求", "en": "Requirements no longer met"},
    "newly_answered": {"zh": "新作答的要求", "en": "Requirements newly answered"},
    "other_changes": {"zh": "其他状态变化", "en": "Other status changes"},
    "none": {"zh": "无", "en": "none"},
    "requirement": {"zh": "要求", "en": "Requirement"},
    "level": {"zh": "等级", "en": "Level"},
    "score": {"zh": "平均分", "en": "Score"},
    "status_change": {"zh": "状态", "en": "Status"},
    "stale_title": {"zh": "过期证据", "en": "Stale evidence"},
    "stale_note": {
        "zh": "较新评估在 {date} 时已超过 {days} 天的证据记录和回答",
        "en": "Evidence records and answers of the later assessment more than {days} days old on {date}",
    },
    "stale_records": {"zh": "证据记录", "en": "Evidence records"},
    "stale_answers": {"zh": "回答", "en": "Answers"},
    "stale_more": {"zh": "另有 {n} 条", "en": "and {n} more"},
    "age_days": {"zh": "天数", "en": "Age (days)"},
    "collected_at": {"zh": "采集时间", "en": "Collected"},
    "answered_at": {"zh": "作答时间", "en": "Answered"},
    "by": {"zh": "作答人", "en": "By"},
    "probe": {"zh": "探针", "en": "Probe"},
    "target": {"zh": "目标系统", "en": "Target"},
    "date": {"zh": "日期", "en": "Date"},
    "file": {"zh": "文件", "en": "File"},
    "version": {"zh": "版本", "en": "Version"},
    "organisation": {"zh": "组织", "en": "Organisation"},
    "scope": {"zh": "评估范围", "en": "Scope"},
    "part": {"zh": "部分", "en": "Part"},
    "assessments": {"zh": "评估次数", "en": "Assessments"},
    "up": {"zh": "↑ 提升", "en": "↑ up"},
    "down": {"zh": "↓ 下降", "en": "↓ down"},
    "same": {"zh": "= 不变", "en": "= same"},
    "added": {"zh": "+ 新增", "en": "+ added"},
    "removed": {"zh": "− 删除", "en": "− removed"},
    "met": {"zh": "满足", "en": "met"},
    "partial": {"zh": "部分满足", "en": "partial"},
    "not_met": {"zh": "不满足", "en": "not met"},
    "not_applicable": {"zh": "不适用", "en": "not applicable"},
    "unknown": {"zh": "未作答", "en": "unknown"},
}

STALE_SHOWN = 20  # stale answers and records listed one by one; the rest are counted


def word(key: str, lang: Lang, **fmt: object) -> str:
    text = _WORDS[key][lang]
    return text.format(**fmt) if fmt else text


def names_of(frameworks: Iterable[Framework]) -> dict[str, LocalizedText]:
    """Names of every part, domain, subdomain and item; a later framework version's names win."""
    names: dict[str, LocalizedText] = {}
    for fw in frameworks:
        names[fw.id] = fw.title
        names |= {d.id: d.name for d in fw.domains}
        names |= {s.id: s.name for d in fw.domains for s in d.subdomains}
        names |= {i.id: i.name for _, _, i in fw.items()}
    return names


def _name(names: dict[str, LocalizedText], nid: str, lang: Lang) -> str:
    known = names.get(nid)
    return known.get(lang) if known is not None else ""


# ----- view: every cell as text, shared by the terminal, Markdown and HTML


@dataclass
class LevelRow:
    id: str
    name: str
    before: str
    after: str
    change: str
    direction: str
    score_before: str
    score_after: str


@dataclass
class ReqRow:
    id: str
    item: str
    level: int
    before: str
    after: str


@dataclass
class CompareView:
    lang: Lang
    title: str
    framework: str
    old: list[tuple[str, str]]  # (label, value) lines describing the earlier assessment
    new: list[tuple[str, str]]
    basis: str
    basis_note: str
    req_added: list[str]
    req_removed: list[str]
    overall: LevelRow
    domains: list[LevelRow]
    subdomains: list[LevelRow]
    items: list[LevelRow]
    groups: list[tuple[str, list[ReqRow]]]  # newly met, lost, newly answered, other changes
    stale_note: str
    stale_answers: list[list[str]]
    stale_answers_more: int
    stale_records: list[list[str]]
    stale_records_more: int
    words: dict[str, str] = field(default_factory=dict)


def _level_row(change: LevelChange, names: dict[str, LocalizedText], lang: Lang) -> LevelRow:
    return LevelRow(
        id=change.id,
        name=_name(names, change.id, lang),
        before=level_text(change.old, lang),
        after=level_text(change.new, lang),
        change=word(change.direction, lang),
        direction=change.direction,
        score_before="" if change.old_score is None else score_text(change.old_score, lang),
        score_after="" if change.new_score is None else score_text(change.new_score, lang),
    )


def _req_rows(deltas: Sequence[RequirementDelta], lang: Lang) -> list[ReqRow]:
    return [ReqRow(d.id, d.item, d.level, word(d.old, lang), word(d.new, lang)) for d in deltas]


def _describe(info: SnapshotInfo, lang: Lang) -> list[tuple[str, str]]:
    date = info.completed or info.started
    return [
        (word("file", lang), info.label),
        (word("date", lang), date.isoformat()),
        (word("version", lang), info.framework),
        (word("overall", lang), f"{level_text(info.level, lang)} ({score_text(info.score, lang)})"),
    ]


def compare_view(c: Comparison, names: dict[str, LocalizedText], lang: Lang) -> CompareView:
    others = [d for d in c.changed if d not in c.newly_met and d not in c.lost and d not in c.newly_answered]
    answers = [
        [a.id, word(a.status, lang), visible(a.by or ""), a.at.strftime("%Y-%m-%d %H:%M"), str(a.age_days)]
        for a in c.stale_answers[:STALE_SHOWN]
    ]
    records = [
        [r.id, r.probe, visible(r.target), r.status, r.collected_at.strftime("%Y-%m-%d %H:%M"), str(r.age_days)]
        for r in c.stale_records[:STALE_SHOWN]
    ]
    return CompareView(
        lang=lang,
        title=f"{word('compare_title', lang)}: {_name(names, c.framework, lang) or c.framework}",
        framework=c.framework,
        old=_describe(c.old, lang),
        new=_describe(c.new, lang),
        basis=c.basis,
        basis_note=word("basis_note", lang, shared=c.versions.shared) if c.versions else "",
        req_added=c.versions.requirements_added if c.versions else [],
        req_removed=c.versions.requirements_removed if c.versions else [],
        overall=replace(_level_row(c.overall, {}, lang), id=word("overall", lang)),
        domains=[_level_row(d, names, lang) for d in c.domains],
        subdomains=[_level_row(s, names, lang) for s in c.subdomains if s.changed],
        items=[_level_row(i, names, lang) for i in c.items if i.direction != "same"],
        groups=[
            (word("newly_met", lang), _req_rows(c.newly_met, lang)),
            (word("lost", lang), _req_rows(c.lost, lang)),
            (word("newly_answered", lang), _req_rows(c.newly_answered, lang)),
            (word("other_changes", lang), _req_rows(others, lang)),
        ],
        stale_note=word("stale_note", lang, days=c.stale_after_days, date=c.reference_date.isoformat()),
        stale_answers=answers,
        stale_answers_more=max(0, len(c.stale_answers) - STALE_SHOWN),
        stale_records=records,
        stale_records_more=max(0, len(c.stale_records) - STALE_SHOWN),
        words={k: v[lang] for k, v in _WORDS.items()},
    )


# ----- JSON


def comparison_json(c: Comparison) -> str:
    return c.model_dump_json(indent=2) + "\n"


def trends_json(items: Sequence[Trend]) -> str:
    return json.dumps([t.model_dump(mode="json") for t in items], ensure_ascii=False, indent=2) + "\n"


def portfolio_json(p: Portfolio) -> str:
    return p.model_dump_json(indent=2) + "\n"


# ----- terminal


def _table(*columns: str) -> Table:
    table = Table(header_style="bold")
    for col in columns:
        table.add_column(visible(col))
    return table


def print_comparison(console: Console, view: CompareView) -> None:
    w = view.words
    console.print(visible(view.title), style="bold", markup=False, highlight=False)
    for title, lines in ((w["earlier"], view.old), (w["later"], view.new)):
        console.print(visible(f"{title}: " + " · ".join(f"{k} {v}" for k, v in lines)), markup=False, highlight=False)
    console.print(visible(f"{w['basis']}: {view.basis}" + (f" ({view.basis_note})" if view.basis_note else "")),
                  markup=False, highlight=False)  # fmt: skip
    if view.req_added or view.req_removed:
        console.print(
            visible(f"{w['req_added']}: {len(view.req_added)} · {w['req_removed']}: {len(view.req_removed)}"),
            markup=False,
            highlight=False,
        )
    levels = _table("id", "", w["before"], w["after"], w["change"], w["score_before"], w["score_after"])
    for row in [view.overall, *view.domains, *view.subdomains, *view.items]:
        levels.add_row(*(visible(v) for v in (row.id, row.name, row.before, row.after, row.change,
                                              row.score_before, row.score_after)))  # fmt: skip
    console.print(levels)
    for title, rows in view.groups:
        console.print(visible(f"{title}: {len(rows)}"), style="bold", markup=False, highlight=False)
        if rows:
            table = _table(w["requirement"], w["level"], w["before"], w["after"])
            for r in rows:
                table.add_row(visible(r.id), str(r.level), r.before, r.after)
            console.print(table)
    console.print(visible(f"{w['stale_title']}: {view.stale_note}"), style="bold", markup=False, highlight=False)
    console.print(
        visible(
            f"{w['stale_answers']}: {len(view.stale_answers) + view.stale_answers_more} · "
            f"{w['stale_records']}: {len(view.stale_records) + view.stale_records_more}"
        ),
        markup=False,
        highlight=False,
    )
    if view.stale_records:
        table = _table("id", w["probe"], w["target"], "status", w["collected_at"], w["age_days"])
        for cells in view.stale_records:
            table.add_row(*cells)
        console.print(table)
    if view.stale_answers:
        table = _table(w["requirement"], w["status_change"], w["by"], w["answered_at"], w["age_days"])
        for cells in view.stale_answers:
            table.add_row(*cells)
        console.print(table)
    more = [n for n in (view.stale_answers_more, view.stale_records_more) if n]
    if more:
        console.print(visible(word("stale_more", view.lang, n=sum(more))), markup=False, highlight=False)


@dataclass
class TrendView:
    title: str
    columns: list[str]  # date, file, version, overall, then one per domain
    rows: list[list[str]]


def trend_views(items: Sequence[Trend], names: dict[str, LocalizedText], lang: Lang) -> list[TrendView]:
    views = []
    for t in items:
        columns = [word("date", lang), word("file", lang), word("version", lang), word("overall", lang)]
        columns += [f"{d} {_name(names, d, lang)}".strip() for d in t.domains]
        rows = [
            [
                p.date,
                p.label,
                p.framework.split("@", 1)[-1],
                f"{level_text(p.level, lang)} ({score_text(p.score, lang)})",
            ]
            + [
                level_text(p.domains[d], lang) if d in p.domains else "" for d in t.domains
            ]  # a domain a version lacks stays empty
            for p in t.points
        ]
        title = f"{t.organisation} · {t.scope} · {_name(names, t.framework, lang) or t.framework}"
        views.append(TrendView(title=title, columns=columns, rows=rows))
    return views


@dataclass
class PortfolioView:
    title: str
    columns: list[str]
    rows: list[list[str]]


def portfolio_view(p: Portfolio, names: dict[str, LocalizedText], lang: Lang) -> PortfolioView:
    columns = [word("organisation", lang), word("scope", lang)]
    columns += [f"{fid} ({word('date', lang)})" for fid in p.frameworks]
    columns += [d for d in p.domains]
    columns.append(word("assessments", lang))
    rows = []
    for r in p.rows:
        cells = [r.organisation, r.scope]
        for fid in p.frameworks:
            part = r.parts.get(fid)
            cells.append(f"{level_text(part.level, lang)} ({part.date})" if part else "")
        cells += [level_text(r.domains[d], lang) if d in r.domains else "" for d in p.domains]
        cells.append(str(r.assessments))
        rows.append(cells)
    return PortfolioView(title=word("portfolio_title", lang), columns=columns, rows=rows)


def print_rows(console: Console, title: str, columns: list[str], rows: list[list[str]]) -> None:
    console.print(visible(title), style="bold", markup=False, highlight=False)
    table = _table(*columns)
    for cells in rows:
        table.add_row(*(visible(c) for c in cells))
    console.print(table)


# ----- Markdown and HTML (reports/templates/compare*.j2, history*.j2, portfolio*.j2)


def _tidy(markdown: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


def comparison_markdown(view: CompareView) -> str:
    from reports.templating import markdown_environment

    return _tidy(markdown_environment().get_template("compare.md.j2").render(view=view, w=view.words))


def comparison_html(view: CompareView) -> str:
    from reports.templating import html_environment

    return html_environment().get_template("compare.html.j2").render(view=view, w=view.words, lang=view.lang)


def history_markdown(views: Sequence[TrendView], lang: Lang) -> str:
    from reports.templating import markdown_environment

    template = markdown_environment().get_template("history.md.j2")
    return _tidy(template.render(views=views, title=word("history_title", lang)))


def portfolio_markdown(view: PortfolioView) -> str:
    from reports.templating import markdown_environment

    return _tidy(markdown_environment().get_template("portfolio.md.j2").render(view=view))


def portfolio_html(view: PortfolioView, lang: Lang) -> str:
    from reports.templating import html_environment

    return html_environment().get_template("portfolio.html.j2").render(view=view, lang=lang)

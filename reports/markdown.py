"""Markdown renderings for wikis and pull requests: an assessment result, and the standard as a reference book."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessors.assessment import STATUS_LABELS
from assessors.results import AssessmentResult
from capability_model.coverage import COLUMNS as COVERAGE_COLUMNS
from capability_model.coverage import Coverage, table_rows
from capability_model.schema import AnyOf, Framework, Lang, ProbeExpectation, Requirement
from reports.labels import EVIDENCE_KIND_LABELS, level_text, score_text, word
from reports.textsafety import md_code, md_text, visible

if TYPE_CHECKING:
    from reports.viewmodel import PreviousPart


def render_result_markdown(
    result: AssessmentResult,
    framework: Framework,
    lang: Lang,
    organisation: str = "",
    scope: str = "",
    previous: PreviousPart | None = None,
) -> str:
    """The result for a wiki or pull request; with `previous`, followed by the comparison `compare` writes."""
    text = _result_markdown(result, framework, lang, organisation, scope)
    if previous is None:
        return text
    from reports.compare_render import compare_view, comparison_markdown

    return text + "\n" + comparison_markdown(compare_view(previous.comparison, previous.names, lang))


def _result_markdown(
    result: AssessmentResult, framework: Framework, lang: Lang, organisation: str = "", scope: str = ""
) -> str:
    names = {d.id: d.name for d in framework.domains}
    names |= {s.id: s.name for d in framework.domains for s in d.subdomains}
    names |= {i.id: i.name for _, _, i in framework.items()}
    reqs = framework.requirement_index()
    overall = result.overall
    lines = [f"# {md_text(framework.title.get(lang))}", ""]
    if organisation:
        lines.append(f"- **{word('organisation', lang)}**: {md_text(organisation)}")
    if scope:
        lines.append(f"- **{word('scope', lang)}**: {md_text(scope)}")
    lines += [
        f"- **{word('framework', lang)}**: {md_code(f'{result.framework.id}@{result.framework.version}')} "
        f"(sha256 {md_code(result.framework.sha256[:16] + '…')})",
        f"- **{word('overall', lang)}**: {level_text(overall.level, lang)}"
        + (f" {framework.level_name(overall.level, lang)}" if overall.level is not None else "")
        + f" · {word('score', lang)} {score_text(overall.score, lang)}",
        f"- **{word('target', lang)}**: {result.target_level} {framework.level_name(result.target_level, lang)}",
        "",
        f"| {word('domain', lang)} / {word('subdomain', lang)} / {word('item', lang)} | {word('level', lang)} "
        f"| {word('score', lang)} | {word('blocking', lang)} | {word('gap', lang)} |",
        "|---|---:|---:|---|---:|",
    ]
    for d in result.domains:
        lines.append(
            f"| **{md_text(d.id)} {md_text(names[d.id].get(lang))}** | **{level_text(d.level, lang)}** "
            f"| **{score_text(d.score, lang)}** | | |"
        )
        for s in d.subdomains:
            lines.append(
                f"| {md_text(s.id)} {md_text(names[s.id].get(lang))} | {level_text(s.level, lang)} "
                f"| {score_text(s.score, lang)} | | |"
            )
            for i in s.items:
                lines.append(
                    f"| &nbsp;&nbsp;{md_text(i.id)} {md_text(names[i.id].get(lang))} | {level_text(i.level, lang)} | "
                    f"| {md_text(', '.join(i.blocking))} | {len(i.gap)} |"
                )
    lines += ["", f"## {word('roadmap', lang)}", ""]
    if not any(p.requirements for p in result.roadmap):
        lines.append(word("no_gap", lang))
    for phase in result.roadmap:
        lines += [f"### {word('phase', lang)} {phase.level}: {word('reach_level', lang, level=phase.level)}", ""]
        for step in phase.requirements:
            _, req = reqs[step.id]
            status = STATUS_LABELS[step.status][lang]
            lines.append(f"- [ ] {md_code(step.id)} ({status}) {md_text(req.text.get(lang))}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def expectation_text(requirement: Requirement) -> str:
    """`probe op value` for each check, alternatives joined by `|`."""

    def one(e: ProbeExpectation) -> str:
        scope = " (any target)" if e.across == "any" else ""
        return f"`{e.probe} {e.op.value}{'' if e.value is None else ' ' + str(e.value).lower()}`{scope}"

    return "; ".join(
        " | ".join(one(m) for m in e.any_of) if isinstance(e, AnyOf) else one(e) for e in requirement.expectations
    )


def render_framework_markdown(framework: Framework, lang: Lang) -> str:
    """The whole standard as a readable reference: levels, scoring rules, then every item's requirements by level."""
    dims = {d.id: d.name.get(lang) for d in framework.dimensions}
    lines = [
        f"# {framework.title.get(lang)}",
        "",
        f"`{framework.ref}` · {framework.standard.series} · {word('status_' + framework.status, lang)} · "
        f"{word('released', lang)} {framework.released.isoformat()}",
        "",
    ]
    if framework.description:
        lines += [framework.description.get(lang), ""]
    lines += [f"## {word('levels', lang)}", ""]
    for lv in framework.levels:
        lines.append(f"- **{lv.level} {lv.name.get(lang)}**: {lv.description.get(lang)}")
    lines += ["", f"## {word('scoring', lang)}", "", framework.aggregation.description.get(lang), ""]
    for d in framework.domains:
        lines += [f"## {d.id} {d.name.get(lang)}", ""]
        for s in d.subdomains:
            lines += [f"### {s.id} {s.name.get(lang)}", ""]
            for item in s.items:
                lines += [f"#### {item.id} {item.name.get(lang)}", ""]
                if item.purpose:
                    lines += [f"*{word('purpose', lang)}*: {item.purpose.get(lang)}", ""]
                for lv in framework.levels:
                    reqs = [r for r in item.requirements if r.level == lv.level]
                    if not reqs:
                        continue
                    lines += [f"**{lv.level} {lv.name.get(lang)}**", ""]
                    for r in reqs:
                        kinds = ", ".join(EVIDENCE_KIND_LABELS[k.value][lang] for k in r.evidence)
                        systems = ", ".join(s.value for s in r.systems)
                        meta = (
                            f"{word('dimension', lang)}: {dims.get(r.dimension, r.dimension.value)}; "
                            f"{word('evidence_kinds', lang)}: {kinds}"
                        )
                        if systems:
                            meta += f"; {word('systems', lang)}: {systems}"
                        lines += [
                            f"- `{r.id}` {r.text.get(lang)}",
                            f"  - *{word('guidance', lang)}*: {r.guidance.get(lang)}",
                            f"  - *{meta}*",
                        ]
                        if r.expectations:
                            lines.append(
                                f"  - *{word('automated_checks', lang)} "
                                f"({word('verification_' + r.verification_class.value, lang)})*: {expectation_text(r)}"
                            )
                    lines.append("")
    return visible("\n".join(lines).rstrip() + "\n")  # the framework's own Markdown stays; control characters show


def render_coverage_markdown(results: list[Coverage], lang: Lang) -> str:
    """Verification coverage as Markdown tables, one per framework (for the README or a wiki)."""
    keys = ("group", "requirements", "automated", "assisted", "attested", "checked", "collectors")
    out: list[str] = []
    for result in results:
        out += [f"### {md_text(result.framework)}", ""]
        out.append("| " + " | ".join(COVERAGE_COLUMNS[k][lang] for k in keys) + " |")
        out.append("|" + "|".join("---" if k in ("group", "collectors") else "---:" for k in keys) + "|")
        rows = table_rows(result, lang, md_text)
        rows[-1][0] = f"**{rows[-1][0]}**"
        out += ["| " + " | ".join(row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)

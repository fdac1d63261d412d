"""Terminal tables for the CLI (rich). Presentation only: every number comes from the assessors' results.

Every text that comes from a file (organisation, titles, names, requirement texts, answer ids) is put on screen as a
rich `Text`, never as markup: `Acme [/bold]` prints as written instead of breaking the table, and control characters,
bidi overrides and escape sequences are shown as escapes (`\\x1b`) instead of reaching the terminal.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assessors.binding import MigrationReport
from assessors.results import AssessmentResult
from capability_model.coverage import COLUMNS as COVERAGE_COLUMNS
from capability_model.coverage import Coverage
from capability_model.coverage import table_rows as coverage_rows
from capability_model.differ import FrameworkDiff
from capability_model.loader import LoadedFramework
from capability_model.schema import Framework, Lang
from capability_model.visible import visible
from reports.labels import level_text, score_text, word

_LEVEL_STYLE = {0: "red", 1: "red", 2: "yellow", 3: "green", 4: "green", 5: "bold green"}

Part = str | tuple[str, str]


def shown(*parts: Part) -> Text:
    """One line of plain and styled pieces, each made visible and never read as markup or emoji codes."""
    out = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        out.append(visible(text), style=style or None)
    return out


def _styled(level: int | None, lang: Lang) -> Text:
    style = _LEVEL_STYLE.get(level if level is not None else -1, "dim")
    return shown((level_text(level, lang), style))


def print_result(
    console: Console, result: AssessmentResult, framework: Framework, lang: Lang, organisation: str = ""
) -> None:
    names = {i.id: i.name for _, _, i in framework.items()}
    names |= {d.id: d.name for d in framework.domains}
    names |= {s.id: s.name for d in framework.domains for s in d.subdomains}
    o = result.overall
    head = f"{organisation} · " if organisation else ""
    level_name = framework.level_name(o.level, lang) if o.level is not None else ""
    console.print(shown((f"{head}{framework.title.get(lang)}", "bold"), " ", (f"({framework.ref})", "dim")))
    overall = shown(f"{word('overall', lang)}: ")
    overall.append_text(_styled(o.level, lang))
    overall.append_text(
        shown(
            f" {level_name}   {word('score', lang)}: {score_text(o.score, lang)}   "
            f"{word('target', lang)}: {result.target_level} {framework.level_name(result.target_level, lang)}"
        )
    )
    console.print(overall)
    table = Table(show_lines=False, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column(word("item", lang))
    table.add_column(word("level", lang), justify="right", no_wrap=True)
    table.add_column(word("score", lang), justify="right", no_wrap=True)
    table.add_column(word("blocking", lang))
    table.add_column(word("gap", lang), justify="right", no_wrap=True)
    for d in result.domains:
        table.add_row(
            shown((d.id, "bold")),
            shown((names[d.id].get(lang), "bold")),
            _styled(d.level, lang),
            score_text(d.score, lang),
            "",
            "",
        )
        for s in d.subdomains:
            table.add_row(
                shown(f" {s.id}"),
                shown(names[s.id].get(lang)),
                _styled(s.level, lang),
                score_text(s.score, lang),
                "",
                "",
            )
            for i in s.items:
                blocking = ", ".join(b.rsplit(".", 1)[-1] for b in i.blocking)
                table.add_row(
                    shown(f"  {i.id}"),
                    shown(f"  {names[i.id].get(lang)}"),
                    _styled(i.level, lang),
                    "",
                    shown(blocking),
                    str(len(i.gap)),
                )
        table.add_section()
    console.print(table)
    if result.evidence is not None:
        ev = result.evidence
        console.print(
            shown(
                f"{word('evidence', lang)}: {ev.records} ({ev.ok} ok, {ev.unavailable} unavailable, {ev.error} "
                f"error) · {word('decided_by_evidence', lang, n=ev.decided)} · manifest {ev.manifest_sha256[:16]}"
            )
        )
    if result.audit:
        console.print(shown((word("audit_mode", lang), "yellow")))
    for c in result.conflicts:
        console.print(
            shown(
                (word("conflict", lang), "red"),
                f" {c.requirement}: {c.manual} ≠ {c.evidence} ({', '.join(c.records)})",
            )
        )
    if not any(p.requirements for p in result.roadmap):
        console.print(shown(word("no_gap", lang)))
        return
    console.print(shown((word("roadmap", lang), "bold")))
    reqs = framework.requirement_index()
    for phase in result.roadmap:
        console.print(
            shown(
                f"  {word('phase', lang)} {phase.level} · {word('reach_level', lang, level=phase.level)}: "
                f"{word('n_requirements', lang, n=len(phase.requirements))}"
            )
        )
        for step in phase.requirements[:5]:
            text = " ".join(reqs[step.id][1].text.get(lang).split())
            console.print(shown("    ", (step.id, "dim"), f" {text}"), overflow="ellipsis", no_wrap=True)
        if len(phase.requirements) > 5:
            console.print(shown((f"    … {word('more', lang, n=len(phase.requirements) - 5)}", "dim")))


def print_catalog(console: Console, loaded: list[LoadedFramework], lang: Lang) -> None:
    table = Table(header_style="bold")
    table.add_column("framework", no_wrap=True)
    table.add_column("status")
    table.add_column(word("requirements", lang), justify="right")
    table.add_column("title")
    for lf in loaded:
        fw = lf.framework
        c = fw.counts()
        table.add_row(
            shown(fw.ref),
            shown(fw.status),
            f"{c['domains']}/{c['subdomains']}/{c['items']}/{c['requirements']}",
            shown(fw.standard.title.get(lang)),
        )
    console.print(table)
    console.print(
        shown(
            (
                f"{word('requirements', lang)}: {word('domain', lang)}/{word('subdomain', lang)}/"
                f"{word('item', lang)}/{word('requirement', lang)}",
                "dim",
            )
        )
    )


def print_framework(console: Console, framework: Framework, lang: Lang) -> None:
    console.print(shown((framework.title.get(lang), "bold"), " ", (f"{framework.ref} · {framework.status}", "dim")))
    table = Table(header_style="bold")
    table.add_column("id")
    table.add_column(word("level", lang), justify="right")
    table.add_column(word("requirement", lang))
    for d in framework.domains:
        table.add_row(shown((d.id, "bold")), "", shown((d.name.get(lang), "bold")))
        for s in d.subdomains:
            table.add_row(shown(s.id), "", shown(s.name.get(lang)))
            for item in s.items:
                table.add_row(shown(item.id), "", shown((item.name.get(lang), "cyan")))
                for r in item.requirements:
                    table.add_row(shown((r.id, "dim")), str(r.level), shown(r.text.get(lang)))
        table.add_section()
    console.print(table)


def print_diff(console: Console, diff: FrameworkDiff) -> None:
    console.print(shown((f"{diff.old} → {diff.new}", "bold")))
    counts = {k: diff.count(k) for k in ("added", "removed", "reworded", "level_changed", "moved", "checks_changed")}
    console.print(shown("  " + "  ".join(f"{k}: {v}" for k, v in counts.items())))
    for ic in diff.items:
        renamed = f"→ {ic.name_new}" if ic.name_new else ""
        console.print(shown(f"  item {ic.kind}: {ic.id} {ic.name_old or ''} {renamed}"))
    for c in diff.requirements:
        if c.kind == "added":
            console.print(shown(("  + " + c.id, "green"), f" L{c.level_new} {c.text_new}"))
        elif c.kind == "removed":
            console.print(shown(("  - " + c.id, "red"), f" L{c.level_old} {c.text_old}"))
        elif c.kind == "reworded":
            console.print(shown(("  ~ " + c.id, "yellow"), f" {c.text_old}\n    → {c.text_new}"))
        elif c.kind == "level_changed":
            console.print(shown(("  ↕ " + c.id, "yellow"), f" level {c.level_old} → {c.level_new}"))
        elif c.kind == "checks_changed":
            verification = (
                f"{c.verification_old} → {c.verification_new}"
                if c.verification_old != c.verification_new
                else f"{c.verification_new}"
            )
            added = sorted(set(c.probes_new) - set(c.probes_old))
            dropped = sorted(set(c.probes_old) - set(c.probes_new))
            probes = "".join(
                [f"; + {', '.join(added)}" if added else "", f"; - {', '.join(dropped)}" if dropped else ""]
            )
            console.print(shown(("  ⚙ " + c.id, "cyan"), f" checks changed ({verification}{probes})"))
        else:
            console.print(shown(("  → " + c.id, "yellow"), f" {c.item_old} → {c.item_new}"))


def print_migration(console: Console, report: MigrationReport) -> None:
    console.print(
        shown(
            (f"{report.source} → {report.target}", "bold"),
            f": {len(report.carried)} answers carried over, {len(report.changed)} to review (requirement changed), "
            f"{len(report.orphaned)} orphaned (kept), {len(report.restored)} restored, "
            f"{len(report.unanswered_new)} new requirements unanswered",
        )
    )
    for ch in report.changed:
        console.print(shown(f"  review {ch.id}: {', '.join(ch.changes)}"))
    for rid in report.orphaned:
        console.print(shown(f"  orphaned {rid}"))


def print_coverage(console: Console, result: Coverage, lang: Lang) -> None:
    """How much of a framework evidence can verify, one row per group and a total."""
    console.print(shown((result.framework, "bold"), " ", (f"({COVERAGE_COLUMNS['group'][lang]}: {result.by})", "dim")))
    table = Table(header_style="bold")
    for key in ("group", "requirements", "automated", "assisted", "attested", "checked", "collectors"):
        table.add_column(COVERAGE_COLUMNS[key][lang], justify="left" if key in ("group", "collectors") else "right")
    rows = coverage_rows(result, lang)
    for n, row in enumerate(rows):
        if n == len(rows) - 1:
            table.add_section()
        table.add_row(*(shown(cell) for cell in row))
    console.print(table)

"""Terminal tables for the CLI (rich). Presentation only: every number comes from the assessors' results."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from assessors.binding import MigrationReport
from assessors.results import AssessmentResult
from capability_model.differ import FrameworkDiff
from capability_model.loader import LoadedFramework
from capability_model.schema import Framework, Lang
from reports.labels import level_text, score_text, word

_LEVEL_STYLE = {0: "red", 1: "red", 2: "yellow", 3: "green", 4: "green", 5: "bold green"}


def _styled(level: int | None, lang: Lang) -> str:
    text = level_text(level, lang)
    style = _LEVEL_STYLE.get(level if level is not None else -1, "dim")
    return f"[{style}]{text}[/]"


def print_result(
    console: Console, result: AssessmentResult, framework: Framework, lang: Lang, organisation: str = ""
) -> None:
    names = {i.id: i.name for _, _, i in framework.items()}
    names |= {d.id: d.name for d in framework.domains}
    names |= {s.id: s.name for d in framework.domains for s in d.subdomains}
    o = result.overall
    head = f"{organisation} · " if organisation else ""
    level_name = framework.level_name(o.level, lang) if o.level is not None else ""
    console.print(f"[bold]{head}{framework.title.get(lang)}[/] [dim]({framework.ref})[/]")
    console.print(
        f"{word('overall', lang)}: {_styled(o.level, lang)} {level_name}   "
        f"{word('score', lang)}: {score_text(o.score, lang)}   "
        f"{word('target', lang)}: {result.target_level} {framework.level_name(result.target_level, lang)}"
    )
    table = Table(show_lines=False, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column(word("item", lang))
    table.add_column(word("level", lang), justify="right", no_wrap=True)
    table.add_column(word("score", lang), justify="right", no_wrap=True)
    table.add_column(word("blocking", lang))
    table.add_column(word("gap", lang), justify="right", no_wrap=True)
    for d in result.domains:
        table.add_row(
            f"[bold]{d.id}[/]",
            f"[bold]{names[d.id].get(lang)}[/]",
            _styled(d.level, lang),
            score_text(d.score, lang),
            "",
            "",
        )
        for s in d.subdomains:
            table.add_row(f" {s.id}", names[s.id].get(lang), _styled(s.level, lang), score_text(s.score, lang), "", "")
            for i in s.items:
                blocking = ", ".join(b.rsplit(".", 1)[-1] for b in i.blocking)
                table.add_row(
                    f"  {i.id}", f"  {names[i.id].get(lang)}", _styled(i.level, lang), "", blocking, str(len(i.gap))
                )
        table.add_section()
    console.print(table)
    if result.evidence is not None:
        ev = result.evidence
        console.print(
            f"{word('evidence', lang)}: {ev.records} ({ev.ok} ok, {ev.unavailable} unavailable, {ev.error} "
            f"error) · {word('decided_by_evidence', lang, n=ev.decided)} · manifest {ev.manifest_sha256[:16]}"
        )
    if result.audit:
        console.print(f"[yellow]{word('audit_mode', lang)}[/]")
    for c in result.conflicts:
        console.print(
            f"[red]{word('conflict', lang)}[/] {c.requirement}: {c.manual} ≠ {c.evidence} ({', '.join(c.records)})"
        )
    if not any(p.requirements for p in result.roadmap):
        console.print(word("no_gap", lang))
        return
    console.print(f"[bold]{word('roadmap', lang)}[/]")
    reqs = framework.requirement_index()
    for phase in result.roadmap:
        console.print(
            f"  {word('phase', lang)} {phase.level} · {word('reach_level', lang, level=phase.level)}: "
            f"{word('n_requirements', lang, n=len(phase.requirements))}"
        )
        for step in phase.requirements[:5]:
            text = " ".join(reqs[step.id][1].text.get(lang).split())
            console.print(f"    [dim]{step.id}[/] {text}", overflow="ellipsis", no_wrap=True)
        if len(phase.requirements) > 5:
            console.print(f"    [dim]… {word('more', lang, n=len(phase.requirements) - 5)}[/]")


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
            fw.ref,
            fw.status,
            f"{c['domains']}/{c['subdomains']}/{c['items']}/{c['requirements']}",
            fw.standard.title.get(lang),
        )
    console.print(table)
    console.print(
        f"[dim]{word('requirements', lang)}: {word('domain', lang)}/{word('subdomain', lang)}/"
        f"{word('item', lang)}/{word('requirement', lang)}[/]"
    )


def print_framework(console: Console, framework: Framework, lang: Lang) -> None:
    console.print(f"[bold]{framework.title.get(lang)}[/] [dim]{framework.ref} · {framework.status}[/]")
    table = Table(header_style="bold")
    table.add_column("id")
    table.add_column(word("level", lang), justify="right")
    table.add_column(word("requirement", lang))
    for d in framework.domains:
        table.add_row(f"[bold]{d.id}[/]", "", f"[bold]{d.name.get(lang)}[/]")
        for s in d.subdomains:
            table.add_row(s.id, "", s.name.get(lang))
            for item in s.items:
                table.add_row(item.id, "", f"[cyan]{item.name.get(lang)}[/]")
                for r in item.requirements:
                    table.add_row(f"[dim]{r.id}[/]", str(r.level), r.text.get(lang))
        table.add_section()
    console.print(table)


def print_diff(console: Console, diff: FrameworkDiff) -> None:
    console.print(f"[bold]{diff.old} → {diff.new}[/]")
    counts = {k: diff.count(k) for k in ("added", "removed", "reworded", "level_changed", "moved", "checks_changed")}
    console.print("  " + "  ".join(f"{k}: {v}" for k, v in counts.items()))
    for ic in diff.items:
        console.print(
            f"  item {ic.kind}: {ic.id} {ic.name_old or ''} {'→ ' + (ic.name_new or '') if ic.name_new else ''}"
        )
    for c in diff.requirements:
        if c.kind == "added":
            console.print(f"  [green]+ {c.id}[/] L{c.level_new} {c.text_new}")
        elif c.kind == "removed":
            console.print(f"  [red]- {c.id}[/] L{c.level_old} {c.text_old}")
        elif c.kind == "reworded":
            console.print(f"  [yellow]~ {c.id}[/] {c.text_old}\n    → {c.text_new}")
        elif c.kind == "level_changed":
            console.print(f"  [yellow]↕ {c.id}[/] level {c.level_old} → {c.level_new}")
        elif c.kind == "checks_changed":
            console.print(f"  [cyan]⚙ {c.id}[/] automated checks changed")
        else:
            console.print(f"  [yellow]→ {c.id}[/] {c.item_old} → {c.item_new}")


def print_migration(console: Console, report: MigrationReport) -> None:
    console.print(
        f"[bold]{report.source} → {report.target}[/]: {len(report.carried)} answers carried over, "
        f"{len(report.changed)} to review (requirement changed), {len(report.orphaned)} orphaned (kept), "
        f"{len(report.restored)} restored, {len(report.unanswered_new)} new requirements unanswered"
    )
    for ch in report.changed:
        console.print(f"  review {ch.id}: {', '.join(ch.changes)}")
    for rid in report.orphaned:
        console.print(f"  orphaned {rid}")

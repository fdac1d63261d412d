"""`compare`, `history` and `portfolio`: assessments set side by side, over time and across scopes."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.options import LangArg, LangOption, fail, refuse_overwriting_inputs, say

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from assessors.compare import Snapshot
    from assessors.workflow import EvidenceBundle


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


class HistoryFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _load(path: Path, evidence: Path | None = None, bundles: dict[Path, EvidenceBundle] | None = None) -> Snapshot:
    """One scored assessment; a bad file or bundle is bad input (exit 2). `bundles` shares bundles between files."""
    from assessors.history import load_snapshot
    from assessors.workflow import BundleError
    from capability_model.catalog import UnknownFrameworkError
    from capability_model.sourcefile import SourceError

    try:
        return load_snapshot(path, evidence, bundles)
    except SourceError as exc:
        fail([str(i) for i in exc.issues])
    except (BundleError, UnknownFrameworkError, OSError) as exc:
        fail(f"{path}: {exc}")


def _load_all(paths: list[Path], output: Path | None) -> tuple[list[Path], list[Snapshot]]:
    """The assessment files among `paths` and their scored snapshots; an output naming one of them is refused."""
    from assessors.history import assessment_files

    missing = [p for p in paths if not p.exists()]
    if missing:
        fail([f"{p}: no such file or folder" for p in missing])
    files = assessment_files(paths)
    if not files:
        fail(f"no assessment files in {', '.join(map(str, paths))}")
    refuse_overwriting_inputs(output, files, "assessment file")
    bundles: dict[Path, EvidenceBundle] = {}
    return files, [_load(f, bundles=bundles) for f in files]


def _emit(text: str, output: Path | None, inputs: list[Path]) -> None:
    refuse_overwriting_inputs(output, inputs, "assessment file")
    if output is None:
        typer.echo(text, nl=False)
        return
    from capability_model.atomicfile import write_atomic

    write_atomic(output, text)
    say(f"wrote {output}", err=True)


def _console_text(print_to: Callable[[Console], None]) -> str:
    """What a rich printer writes, as plain text for a file."""
    from io import StringIO

    from rich.console import Console

    buffer = StringIO()
    print_to(Console(file=buffer, width=160, no_color=True))
    return buffer.getvalue()


OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.")]


def compare(
    old: Annotated[Path, typer.Argument(help="The earlier assessment file.")],
    new: Annotated[Path, typer.Argument(help="The later assessment file (same framework; versions may differ).")],
    fmt: Annotated[CompareFormat, typer.Option("--format", "-f")] = CompareFormat.table,
    stale_after: Annotated[
        int,
        typer.Option(
            "--stale-after",
            min=0,
            help="Days after which evidence records of the later assessment's bundle and its answers count as stale, "
            "counted back from its completion date (today when it has none).",
        ),
    ] = 180,
    old_evidence: Annotated[
        Path | None, typer.Option("--old-evidence", help="Bundle for the earlier file (default: the one it names).")
    ] = None,
    new_evidence: Annotated[
        Path | None, typer.Option("--new-evidence", help="Bundle for the later file (default: the one it names).")
    ] = None,
    output: OutputOpt = None,
    lang: LangArg = LangOption.zh,
) -> None:
    """What changed between two assessments: levels, requirements newly met, lost or answered, and stale evidence."""
    from assessors.compare import ComparisonError
    from assessors.compare import compare as compare_snapshots
    from reports import compare_render as render

    refuse_overwriting_inputs(output, [old, new], "assessment file")
    before, after = _load(old, old_evidence), _load(new, new_evidence)
    try:
        result = compare_snapshots(before, after, stale_after, dt.date.today())
    except ComparisonError as exc:
        fail(str(exc))
    if fmt is CompareFormat.json:
        _emit(render.comparison_json(result), output, [old, new])
        return
    view = render.compare_view(result, render.names_of([before.framework, after.framework]), lang.lang)
    if fmt is CompareFormat.table and output is None:
        from rich.console import Console

        render.print_comparison(Console(), view)
        return
    if fmt is CompareFormat.markdown:
        text = render.comparison_markdown(view)
    elif fmt is CompareFormat.html:
        text = render.comparison_html(view)
    else:
        text = _console_text(lambda console: render.print_comparison(console, view))
    _emit(text, output, [old, new])


def history(
    paths: Annotated[
        list[Path], typer.Argument(metavar="DIR...", help="Folder(s) of assessment files of one scope (or files).")
    ],
    fmt: Annotated[HistoryFormat, typer.Option("--format", "-f")] = HistoryFormat.table,
    output: OutputOpt = None,
    lang: LangArg = LangOption.zh,
) -> None:
    """The trend of a scope's assessments: overall and per-domain level at each date, oldest first."""
    from assessors.history import trends
    from reports import compare_render as render

    paths, snapshots = _load_all(paths, output)
    found = trends(snapshots)
    if fmt is HistoryFormat.json:
        _emit(render.trends_json(found), output, paths)
        return
    views = render.trend_views(found, render.names_of(s.framework for s in snapshots), lang.lang)
    if fmt is HistoryFormat.markdown:
        _emit(render.history_markdown(views, lang.lang), output, paths)
        return

    def show(console: Console) -> None:
        for v in views:
            render.print_rows(console, v.title, v.columns, v.rows)

    if output is None:
        from rich.console import Console

        show(Console())
    else:
        _emit(_console_text(show), output, paths)


class PortfolioFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


def portfolio(
    paths: Annotated[
        list[Path], typer.Argument(metavar="DIR...", help="Folders (or files) of assessments of many scopes.")
    ],
    fmt: Annotated[PortfolioFormat, typer.Option("--format", "-f")] = PortfolioFormat.table,
    output: OutputOpt = None,
    lang: LangArg = LangOption.zh,
) -> None:
    """One row per organisation and scope with the levels of its latest assessment of each part, domain by domain."""
    from assessors.history import portfolio as build_portfolio
    from reports import compare_render as render

    paths, snapshots = _load_all(paths, output)
    found = build_portfolio(snapshots)
    if fmt is PortfolioFormat.json:
        _emit(render.portfolio_json(found), output, paths)
        return
    view = render.portfolio_view(found, render.names_of(s.framework for s in snapshots), lang.lang)
    if fmt is PortfolioFormat.markdown:
        _emit(render.portfolio_markdown(view), output, paths)
    elif fmt is PortfolioFormat.html:
        _emit(render.portfolio_html(view, lang.lang), output, paths)
    elif output is None:
        from rich.console import Console

        render.print_rows(Console(), view.title, view.columns, view.rows)
    else:
        _emit(
            _console_text(lambda console: render.print_rows(console, view.title, view.columns, view.rows)),
            output,
            paths,
        )

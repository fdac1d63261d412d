"""`report`: the gap-analysis report of one or more assessment files as PDF, HTML, Markdown, JSON or CSV."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.options import LangArg, LangOption, fail, refuse_overwriting_inputs, refuse_writing_into_bundle, say


class ReportFormatOption(StrEnum):
    """Mirrors reports.build.ReportFormat (not imported here so that `--help` stays fast), plus the checks CSV."""

    pdf = "pdf"
    html = "html"
    md = "md"
    json = "json"
    csv = "csv"
    checks_csv = "checks-csv"  # one row per automated check: probe, expected, actual, target, record and hash


def report(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="ASSESSMENT...",
            help="Assessment file(s); several parts (e.g. Part 1 and Part 2) make one combined report.",
        ),
    ],
    fmt: Annotated[ReportFormatOption, typer.Option("--format", "-f", help="Output format.")] = ReportFormatOption.pdf,
    lang: LangArg = LangOption.zh,
    target: Annotated[
        int | None, typer.Option("--target", min=1, max=5, help="Target level (default: each file's).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (required for pdf; else default stdout).")
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option("--evidence", "-e", help="Evidence bundle from `collect` (default: the one each file names)."),
    ] = None,
    audit: Annotated[bool, typer.Option("--audit", help="Count a manual 'met' only when it cites evidence.")] = False,
    report_date: Annotated[
        dt.datetime | None, typer.Option("--date", formats=["%Y-%m-%d"], help="Report date (default: today).")
    ] = None,
) -> None:
    """Write the assessment report: cover, summary with charts, results by domain, roadmap, methodology, evidence."""
    if fmt is ReportFormatOption.pdf and output is None:
        fail("--format pdf needs --output FILE")
    refuse_overwriting_inputs(output, files, "assessment file")
    from assessors.workflow import BundleError
    from capability_model.catalog import UnknownFrameworkError
    from capability_model.sourcefile import SourceError
    from reports.build import ReportFormat, render_checks_csv, render_report, score_parts, write_report

    try:
        parts = score_parts(files, target, evidence, audit)
    except SourceError as exc:
        fail([str(i) for i in exc.issues])
    except (BundleError, UnknownFrameworkError, OSError, ValueError) as exc:
        fail(str(exc))
    refuse_writing_into_bundle(output, [p.bundle.path for p in parts if p.bundle is not None])
    if fmt is ReportFormatOption.checks_csv:
        data = render_checks_csv(parts, lang.lang)
    else:
        data = render_report(parts, ReportFormat(fmt.value), lang.lang, report_date.date() if report_date else None)
    if output is None:
        typer.echo(data.decode("utf-8-sig"), nl=False)
    else:
        write_report(output, data)
        say(f"wrote {output}", err=True)

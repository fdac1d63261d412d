"""`report`: the gap-analysis report of one or more assessment files as PDF, HTML, Markdown, JSON, CSV or OSCAL."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.options import (
    LangArg,
    LangOption,
    PreviousArg,
    fail,
    refuse_overwriting_inputs,
    refuse_writing_into_bundle,
    say,
)


class ReportFormatOption(StrEnum):
    """Mirrors reports.build.ReportFormat (not imported here so that `--help` stays fast), plus the checks CSV."""

    pdf = "pdf"
    html = "html"
    md = "md"
    json = "json"
    csv = "csv"
    checks_csv = "checks-csv"  # one row per automated check: probe, expected, actual, target, record and hash
    oscal_ar = "oscal-ar"  # OSCAL assessment results: observations, findings per item, risks for the gap
    oscal_poam = "oscal-poam"  # OSCAL plan of action and milestones: the roadmap


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
    sign: Annotated[
        Path | None,
        typer.Option(
            "--sign",
            help="Sign the PDF (PAdES) with the key and certificate of this PKCS#12 file; its passphrase is read "
            "from the environment variable named by --sign-passphrase-env.",
        ),
    ] = None,
    passphrase_env: Annotated[
        str, typer.Option("--sign-passphrase-env", help="Environment variable holding the PKCS#12 passphrase.")
    ] = "MLOPS_MATURITY_SIGN_PASSPHRASE",
    previous: PreviousArg = None,
) -> None:
    """Write the assessment report: cover, summary with charts, results by domain, roadmap, methodology, evidence.

    The PDF is PDF/A-3b and carries the result JSON and evidence manifest; `mlops-maturity report verify FILE.pdf`
    checks a signed one.
    """
    if fmt is ReportFormatOption.pdf and output is None:
        fail("--format pdf needs --output FILE")
    if sign is not None and fmt is not ReportFormatOption.pdf:
        fail("--sign applies to --format pdf only")
    if previous and fmt.value not in _SHOWS_PREVIOUS:
        fail(f"--previous applies to --format {', '.join(_SHOWS_PREVIOUS)}")
    refuse_overwriting_inputs(output, [*files, *(previous or [])], "assessment file")
    from assessors.workflow import BundleError
    from capability_model.catalog import UnknownFrameworkError
    from capability_model.sourcefile import SourceError
    from reports.build import ReportFormat, render_checks_csv, render_report, score_parts, with_previous, write_report

    day = report_date.date() if report_date else dt.date.today()
    try:
        parts = score_parts(files, target, evidence, audit)
        if previous:
            parts = with_previous(parts, previous, day, audit)
    except SourceError as exc:
        fail([str(i) for i in exc.issues])
    except (BundleError, UnknownFrameworkError, OSError, ValueError) as exc:
        fail(str(exc))
    refuse_writing_into_bundle(output, [p.bundle.path for p in parts if p.bundle is not None])
    if fmt is ReportFormatOption.checks_csv:
        data = render_checks_csv(parts, lang.lang)
    elif fmt in (ReportFormatOption.oscal_ar, ReportFormatOption.oscal_poam):
        from reports.oscal.render import render_oscal

        data = render_oscal(parts, fmt.value, lang.lang, report_date.date() if report_date else None)
    else:
        data = render_report(parts, ReportFormat(fmt.value), lang.lang, report_date.date() if report_date else None)
    if sign is not None:
        data = _signed(data, sign, passphrase_env)
    if output is None:
        typer.echo(data.decode("utf-8-sig"), nl=False)
    else:
        write_report(output, data)
        say(f"wrote {output}", err=True)


_SHOWS_PREVIOUS = ("pdf", "html", "md", "json")  # the formats with a comparison section (or object)


def _signed(pdf: bytes, key: Path, passphrase_env: str) -> bytes:
    import os

    from reports.signing import SigningError, sign_pdf

    secret = os.environ.get(passphrase_env)
    try:
        return sign_pdf(pdf, key, secret.encode() if secret else None, reason="Assessment report")
    except SigningError as exc:
        fail(str(exc))


def verify(
    files: Annotated[list[Path], typer.Argument(metavar="REPORT.pdf...", help="Signed PDF report(s) to check.")],
    trust: Annotated[
        list[Path] | None,
        typer.Option("--trust", help="Certificate (PEM or DER) the signer must chain to; repeatable."),
    ] = None,
) -> None:
    """Check a signed report: its signature, that nothing changed after signing, and its embedded result data.

    Exit 0 when every file verifies, 1 when one does not (altered, unsigned, untrusted signer, embedded data not the
    one printed), 2 when a file cannot be read.
    """
    from reports.signing import SigningError, verify_report

    failed = False
    for path in files:
        if not path.is_file():
            fail(f"{path}: no such file")
        try:
            result = verify_report(path, trust or [])
        except (SigningError, OSError) as exc:
            fail(f"{path}: {exc}")
        for sig in result.signatures:
            trusted = {None: "signer not checked against a trusted certificate (give --trust)", True: "trusted"}
            say(
                f"{path}: signed by {sig.signer} at {sig.signed_at} · certificate SHA-256 {sig.fingerprint} · "
                + trusted.get(sig.trusted, "NOT trusted")
            )
        if result.embedded_sha256:
            say(f"{path}: embedded result SHA-256 {result.embedded_sha256}")
        for problem in result.problems:
            say(f"{path}: FAILED: {problem}", err=True)
        if result.ok:
            say(f"{path}: verified")
        failed = failed or not result.ok
    if failed:
        raise typer.Exit(1)

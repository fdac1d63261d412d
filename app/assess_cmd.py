"""`init`, `assess` and `migrate`: questionnaires in, levels, gaps and roadmap out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from assessors.assessment import Assessment
    from assessors.results import AssessmentResult
    from assessors.workflow import EvidenceBundle, OpenAssessment
    from capability_model.schema import Framework, Lang
    from reports.viewmodel import PreviousPart, ScoredPart


_SURROGATE = re.compile("[\ud800-\udfff]")


class AssessFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"  # SARIF 2.1.0 for code-scanning gates: one result per requirement in the gap


def _open(path: Path, framework_ref: str | None) -> OpenAssessment:
    from assessors.workflow import open_assessment
    from capability_model.catalog import UnknownFrameworkError
    from capability_model.sourcefile import SourceError

    try:
        return open_assessment(path, framework_ref)
    except SourceError as exc:
        fail([str(i) for i in exc.issues])
    except UnknownFrameworkError as exc:
        fail(f"{path}: {exc}")


def _save(assessment: Assessment, path: Path, framework: Framework, lang: Lang) -> None:
    """Write a questionnaire; a value no assessment file can carry is bad input, and nothing is written."""
    from assessors.storage import UnwritableAssessmentError, save_assessment

    try:
        save_assessment(assessment, path, framework, lang)
    except UnwritableAssessmentError as exc:
        fail(f"{path}: {exc}")


def init(
    framework: Annotated[str, typer.Argument(help="ID, ID@VERSION or framework file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Questionnaire file to write (.yaml or .json).")],
    organisation: Annotated[str, typer.Option(help="Organisation assessed.")] = "TODO: organisation",
    scope: Annotated[str, typer.Option(help="Project or product line assessed.")] = "TODO: scope",
    assessor: Annotated[str, typer.Option(help="Who leads the assessment.")] = "TODO: assessor",
    target: Annotated[int, typer.Option("--target", min=1, max=5, help="Target level.")] = 3,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    lang: LangArg = LangOption.zh,
) -> None:
    """Write a blank questionnaire listing every requirement of a framework, its text as a comment."""
    from assessors.assessment import Answer, Assessment
    from capability_model.catalog import UnknownFrameworkError, resolve
    from capability_model.sourcefile import SourceError

    refuse_overwriting_inputs(output, [Path(framework)], "framework file")
    if output.exists() and not force:
        fail(f"{output} exists; it may hold answers. Use --force to overwrite it.")
    try:
        loaded = resolve(framework)
    except (UnknownFrameworkError, SourceError) as exc:
        fail(str(exc))
    options = {"organisation": organisation, "scope": scope, "assessor": assessor}
    for name, value in options.items():
        if not value.strip():
            fail(f"--{name} is empty; name the {name} (it appears on the report's cover)")
        if _SURROGATE.search(value):  # bytes the locale could not decode as text
            fail(f"--{name} is not valid text (it holds bytes that are not UTF-8): {value!a}")
    assessment = Assessment(
        organisation=organisation,
        scope=scope,
        assessor=assessor,
        started=dt.date.today(),
        framework=loaded.ref,
        target_level=target,
        answers={r.id: Answer() for _, r in loaded.framework.requirements()},
    )
    _save(assessment, output, loaded.framework, lang.lang)
    say(f"wrote {output}: {len(assessment.answers)} requirements of {loaded.ref}")


def assess(
    file: Annotated[Path, typer.Argument(help="Assessment file (YAML or JSON).")],
    fmt: Annotated[AssessFormat, typer.Option("--format", "-f")] = AssessFormat.table,
    lang: LangArg = LangOption.zh,
    target: Annotated[
        int | None, typer.Option("--target", min=1, max=5, help="Target level (default: the file's).")
    ] = None,
    fail_under: Annotated[
        int | None, typer.Option("--fail-under", min=0, max=5, help="Exit 1 when the overall level is below this.")
    ] = None,
    framework: Annotated[
        str | None, typer.Option("--framework", help="Score against another version: ID@VERSION.")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.")] = None,
    evidence: Annotated[Path | None, typer.Option("--evidence", "-e", help="Evidence bundle from `collect`.")] = None,
    audit: Annotated[bool, typer.Option("--audit", help="Count a manual 'met' only when it cites evidence.")] = False,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help="Write the evidence's verdicts into the questionnaire as proposals where nobody has answered "
            "(in place, or to --output); people confirm or override them with `answer`.",
        ),
    ] = False,
    readiness: Annotated[
        bool,
        typer.Option("--readiness", help="Warn about notes that have no translation into --lang (report readiness)."),
    ] = False,
    sign: Annotated[
        Path | None,
        typer.Option("--sign", metavar="KEY", help="Sign the --output file with this Ed25519 key (FILE.dsse.json)."),
    ] = None,
    previous: PreviousArg = None,
) -> None:
    """Score an assessment: level 0-5 per item, subdomain, domain and part, blocking requirements, gap and roadmap."""
    if previous and (draft or fmt is AssessFormat.sarif):
        fail("--previous applies to --format table, json and markdown, without --draft")
    if not draft:
        refuse_overwriting_inputs(output, [file, *(previous or [])], "assessment file")
    in_place = not draft or _refuse_drafting_over(output, file)
    from app.keys_cmd import sign_result, signer_for

    signing_key = signer_for(sign, output)  # opened before any work: a wrong passphrase costs nothing
    opened = _open(file, framework)
    if readiness:
        from reports.answer_view import missing_translations, readiness_lines

        for line in readiness_lines(missing_translations([opened.assessment], lang.lang), lang.lang):
            typer.echo(f"warning: {line}", err=True)
    bundle = None
    evidence = opened.evidence_path(evidence)
    if evidence is not None:
        from assessors.workflow import BundleError, open_bundle

        try:
            bundle = open_bundle(evidence)
        except BundleError as exc:
            fail(str(exc))
        refuse_writing_into_bundle(output, [evidence])
    if draft:
        if framework:
            fail("--draft writes into the file's own framework version: leave out --framework (or `migrate` first)")
        if bundle is None:
            fail("--draft drafts answers from evidence: give --evidence BUNDLE (or name evidence_bundle in the file)")
        if output is not None and not in_place:  # a new file: the input is only read
            _draft(opened, bundle, output, lang.lang, lambda: None)
            return
        from assessors.storage import locked_for_update

        with locked_for_update(file) as update:  # in place: draft into what is there once it is ours
            _draft(_open(file, None), bundle, file, lang.lang, update.check_unchanged)
        return
    result = opened.score(target, evidence=bundle, audit=audit)
    fw = opened.framework.framework
    if opened.migration.is_migration or opened.migration.orphaned:
        from rich.console import Console

        from app.terminal import print_migration

        print_migration(Console(stderr=True), opened.migration)
    # a report part (the file read again and hashed, the report modules imported) only where it is used
    part = (
        _compared(opened, result, file, bundle, previous or [], audit) if previous or fmt is AssessFormat.json else None
    )
    earlier = part.previous if part is not None else None
    if fmt is AssessFormat.table and output is None:
        from rich.console import Console

        from app.terminal import print_result

        print_result(Console(), result, fw, lang.lang, opened.assessment.organisation)
        _print_previous(Console(), earlier, lang.lang)
    else:
        if fmt is AssessFormat.json:
            from reports.view import report_json

            assert part is not None
            text = report_json([part])  # what `report --format json` writes
        elif fmt is AssessFormat.sarif:
            from reports.sarif import result_sarif

            text = result_sarif(result, fw, lang.lang, file)
        elif fmt is AssessFormat.markdown:
            from reports.markdown import render_result_markdown

            text = render_result_markdown(
                result, fw, lang.lang, opened.assessment.organisation, opened.assessment.scope, earlier
            )
        else:
            from io import StringIO

            from rich.console import Console

            from app.terminal import print_result

            buffer = StringIO()
            console = Console(file=buffer, width=160, no_color=True)
            print_result(console, result, fw, lang.lang, opened.assessment.organisation)
            _print_previous(console, earlier, lang.lang)
            text = buffer.getvalue()
        if output is None:
            typer.echo(text, nl=False)
        else:
            from capability_model.atomicfile import write_atomic

            write_atomic(output, text)
            sign_result(signing_key, output, bundle.manifest_sha256 if bundle else None)
    to_stderr = not (fmt is AssessFormat.table and output is None)
    say(provenance_line(result), err=to_stderr)
    for line in unverified_lines(result):
        say(line, err=to_stderr)
    level = result.overall.level
    if fail_under is not None and (level or 0) < fail_under:
        typer.echo(f"overall level {level} is below --fail-under {fail_under}", err=True)
        raise typer.Exit(1)


def _compared(
    opened: OpenAssessment,
    result: AssessmentResult,
    file: Path,
    bundle: EvidenceBundle | None,
    previous: list[Path],
    audit: bool,
) -> ScoredPart:
    """The scored file as a report part, compared with its earlier assessment when one is given (bad input: exit 2)."""
    import hashlib

    from reports.viewmodel import ScoredPart

    part = ScoredPart(opened, result, file, hashlib.sha256(file.read_bytes()).hexdigest(), bundle)
    if not previous:
        return part
    from assessors.workflow import BundleError
    from capability_model.catalog import UnknownFrameworkError
    from capability_model.sourcefile import SourceError
    from reports.build import with_previous

    try:
        return with_previous([part], previous, dt.date.today(), audit)[0]
    except SourceError as exc:
        fail([str(i) for i in exc.issues])
    except (BundleError, UnknownFrameworkError, OSError, ValueError) as exc:
        fail(str(exc))


def _print_previous(console: Console, earlier: PreviousPart | None, lang: Lang) -> None:
    """The comparison with the earlier assessment, as `compare` prints it."""
    if earlier is None:
        return
    from reports.compare_render import compare_view, print_comparison

    print_comparison(console, compare_view(earlier.comparison, earlier.names, lang))


def provenance_line(result: AssessmentResult) -> str:
    """Who or what decided the requirements, in one line."""
    counts = result.provenance
    return (
        f"decided by evidence {counts.get('evidence', 0)}, confirmed {counts.get('confirmed', 0)}, "
        f"proposed {counts.get('proposed', 0)} (not yet confirmed), answered {counts.get('answered', 0)}, "
        f"overridden {counts.get('overridden', 0)}, unanswered {counts.get('unanswered', 0)}"
    )


def unverified_lines(result: AssessmentResult) -> list[str]:
    """Drafted answers the evidence at hand does not bear out: one line each, or one count when there was no bundle
    to check them against."""
    unchecked = [u for u in result.unverified if u.problem == "no_bundle"]
    lines = []
    if unchecked:
        lines.append(
            f"{len(unchecked)} proposals could not be verified (no evidence bundle): "
            "they count as drafted; give --evidence BUNDLE to check them"
        )
    for u in result.unverified:
        if u.problem != "no_bundle":
            who = f"confirmed by {u.confirmed_by}; counts as their answer" if u.confirmed_by else "not confirmed"
            lines.append(f"unverified proposal {u.requirement}: {u.proposed} ({who}) — {u.detail}")
    return lines


def file_language(path: Path, default: Lang = "zh") -> Lang:
    """The language of a questionnaire's comments, so that rewriting the file keeps it."""
    from assessors.questionnaire import written_language

    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return default
    return written_language(text) or default


def _refuse_drafting_over(output: Path | None, file: Path) -> bool:
    """Whether drafting writes in place (no --output, or one naming the input); exit 2 for an existing other file.

    `--draft -o OTHER` writes a whole questionnaire: an existing OTHER (say, the drafted copy of an earlier run, with
    the confirmations made in it since) would be replaced by the input's answers. Draft into it in place instead."""
    import os

    if output is None:
        return True
    if output.is_dir():
        fail(f"{output} is a directory; --output names the questionnaire file to write")
    if not output.exists() and not output.is_symlink():
        return False
    try:
        same = os.path.samefile(output, file)
    except OSError:
        same = False
    if not same:
        fail(
            f"{output} exists and is not {file}; it may hold confirmations and overrides that drafting from {file} "
            f"would lose. Draft into it in place (`assess {output} --evidence BUNDLE --draft`) or remove it first"
        )
    return True


def _rebased(assessment: Assessment, source: Path, path: Path) -> Assessment:
    """The assessment as written to `path`: the bundle it names (relative to the file) still found from there."""
    import os

    named = assessment.evidence_bundle
    if not named or os.path.isabs(named):
        return assessment
    bundle = os.path.abspath(os.path.join(source.parent, named))
    try:
        moved = os.path.relpath(bundle, os.path.abspath(path.parent))
    except ValueError:  # another drive: only an absolute path reaches it
        moved = bundle
    return assessment if moved == named else assessment.model_copy(update={"evidence_bundle": moved})


def _draft(
    opened: OpenAssessment, bundle: EvidenceBundle, path: Path, lang: Lang, before_write: Callable[[], None]
) -> None:
    """Write proposals into the questionnaire and say what was drafted, kept and contradicted."""
    drafted = opened.draft(bundle)
    before_write()
    _save(
        _rebased(drafted.assessment, opened.path, path),
        path,
        opened.framework.framework,
        file_language(opened.path, lang),
    )
    by_class = drafted.proposed_by_class()
    say(
        f"wrote {path}: proposed {len(drafted.proposed)} (automated {by_class['automated']}, "
        f"assisted {by_class['assisted']}; {len(drafted.replaced)} of them replace earlier proposals), "
        f"unchanged {len(drafted.unchanged)}, withdrawn {len(drafted.withdrawn)}, "
        f"answers kept {len(drafted.kept)}, disagreements {len(drafted.disagreements)}"
    )
    for d in drafted.disagreements:
        say(
            f"  {d.requirement}: {d.provenance} {d.answer} ≠ evidence {d.evidence} ({d.verification}; "
            f"{', '.join(d.records)}) — {d.reason.get(lang)}"
        )
    if any(d.provenance != "overridden" for d in drafted.disagreements):
        say(
            "  the evidence decides automated requirements; keep an answer against it with "
            "`answer override FILE REQ --status S --reason TEXT --by NAME`"
        )
    rescored = dataclasses.replace(opened, assessment=drafted.assessment).score(evidence=bundle)
    say(provenance_line(rescored))
    for line in unverified_lines(rescored):
        say(f"  {line}")


def migrate(
    file: Annotated[Path, typer.Argument(help="Assessment file to carry over.")],
    to: Annotated[str, typer.Option("--to", help="Framework version to move to: ID@VERSION (default: latest).")] = "",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write (default: in place).")] = None,
    lang: LangArg = LangOption.zh,
) -> None:
    """Move answers to another framework version; answers with no requirement there are kept as orphaned."""
    from app.terminal import print_migration
    from capability_model.schema import split_ref

    if not to:
        from assessors.storage import load_assessment
        from capability_model.sourcefile import SourceError

        try:
            to = split_ref(load_assessment(file).framework)[0]
        except SourceError as exc:
            fail([str(i) for i in exc.issues])
    opened = _open(file, to)
    from rich.console import Console

    print_migration(Console(stderr=True), opened.migration)
    _save(opened.assessment, output or file, opened.framework.framework, lang.lang)
    say(f"wrote {output or file} ({opened.framework.ref})")

"""`collect` and `mlops-maturity evidence ...`: probe running systems, keep the evidence, check it later."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.options import fail, say

if TYPE_CHECKING:
    from rich.text import Text

    from evidence_collectors.records import EvidenceRecord
    from evidence_collectors.runner import StopRequest
    from evidence_collectors.targets import Target

evidence_app = typer.Typer(
    help="Inspect and verify evidence bundles; list the installed collectors' probes.", no_args_is_help=True
)


class Format(StrEnum):
    table = "table"
    json = "json"


def _plain(text: str) -> Text:
    """Text from a targets file or a bundle, for rich: never read as markup, its control characters shown."""
    from rich.text import Text

    from capability_model.visible import visible

    return Text(visible(text))


EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2  # one meaning each; an interrupted collect exits 128 + signal


def collect(
    targets: Annotated[Path, typer.Argument(help="Targets file (YAML): which systems to probe.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Bundle directory to create (must be new or empty).")],
    workers: Annotated[int, typer.Option(min=1, max=32, help="Targets probed at once.")] = 4,
    deadline: Annotated[
        float,
        typer.Option(
            min=0,
            help="Overall bound in seconds (0: none). Targets not finished by then are recorded as unavailable.",
        ),
    ] = 1800.0,
) -> None:
    """Probe every target and write an evidence bundle: records, raw responses and a SHA-256 manifest.

    Each target's evidence is written as soon as it finishes. Exit 0 when the bundle is complete, 2 on bad input,
    130 (SIGINT) or 143 (SIGTERM) when interrupted: the bundle then keeps the finished targets and is marked incomplete.
    """
    from capability_model.sourcefile import SourceError
    from evidence_collectors.registry import installed_collectors, load_errors
    from evidence_collectors.targets import load_targets

    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        fail(f"{output} is not an empty directory; evidence bundles are never overwritten", EXIT_BAD_INPUT)
    try:
        loaded = load_targets(targets, installed_collectors())
    except SourceError as exc:
        fail([str(i) for i in exc.issues])
    for problem in load_errors():  # collectors are imported when a target names them: their failures are known now
        say(f"warning: {problem}", err=True)
    code, stuck = _collect_into(loaded, output, workers, deadline or None)
    if stuck:  # worker threads stuck in a read must not hold the process: everything is on disk and flushed
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise typer.Exit(code)


@dataclass
class _Caught:
    signum: int | None = None


@contextmanager
def _stop_on_signals(stop: StopRequest) -> Iterator[_Caught]:
    """SIGINT or SIGTERM asks the collection to stop and seal what is done; a second one stops the process at once
    (every file on disk is whole, so the bundle stays readable, as after a kill)."""
    caught = _Caught()

    def handler(signum: int, frame: object) -> None:
        if caught.signum is not None:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        caught.signum = signum
        stop.request(signal.Signals(signum).name)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield caught
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _print_not_ok(records: list[EvidenceRecord]) -> None:
    """One line per target and reason: a target that is down fails every probe for the same reason."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for r in records:
        if r.status.value != "ok":
            grouped.setdefault((r.status.value, r.target, r.reason), []).append(r.probe)
    for (status, target, reason), probes in grouped.items():
        which = probes[0] if len(probes) == 1 else f"{len(probes)} probes"
        say(f"  {status}: {target} {which}: {reason}", err=True)


def _collect_into(loaded: list[Target], output: Path, workers: int, deadline_s: float | None) -> tuple[int, int]:
    """Run the collection into `output` with a progress display; return (exit code, worker threads still stuck)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from evidence_collectors.bundle import collect_bundle
    from evidence_collectors.runner import StopRequest, TargetResult

    stop = StopRequest()
    with (
        _stop_on_signals(stop) as caught,
        Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
        ) as progress,
    ):
        task = progress.add_task("collecting", total=len(loaded))

        def done(result: TargetResult) -> None:
            bad = sum(1 for r in result.records if r.status.value != "ok")
            progress.console.print(
                _plain(
                    f"  {result.name} ({result.target.collector.name}): {len(result.records)} records"
                    + (f", {bad} not ok" if bad else "")
                    + (" (deadline reached)" if result.deadline else "")
                )
            )
            progress.advance(task)

        try:
            collection, fingerprint = collect_bundle(
                output, loaded, workers=workers, deadline_s=deadline_s, stop=stop, on_result=done
            )
        except OSError as exc:
            fail(f"cannot write the bundle in {output}: {exc}", EXIT_BAD_INPUT)
    _print_not_ok(collection.records)
    if collection.deadline_reached:
        say(
            f"deadline of {deadline_s:g} s reached: {', '.join(collection.deadline_reached)} recorded as unavailable",
            err=True,
        )
    if collection.stopped:
        missing = ", ".join(t.config.name for t in collection.not_collected)
        say(
            f"interrupted by {collection.stopped}: {output} keeps the evidence of {len(collection.results)} of "
            f"{len(loaded)} targets and is marked incomplete (manifest sha256 {fingerprint}); not collected: {missing}",
            err=True,
        )
        return 128 + (caught.signum or 0), collection.unfinished_workers
    say(
        f"wrote {output}: {len(collection.records)} records, {len(collection.raw)} raw responses, "
        f"manifest sha256 {fingerprint}"
    )
    return EXIT_OK, collection.unfinished_workers


@evidence_app.command("verify")
def verify(bundle: Annotated[Path, typer.Argument(help="Evidence bundle directory.")]) -> None:
    """Check a bundle: against its manifest (any file altered, added or missing), and its contents against each other
    (raw responses hash to their names, records cite raw responses that are there, counts agree). Exit 1 on any
    problem, an unreadable file or an incomplete collection; 2 when the directory does not exist."""
    from evidence_collectors.bundle import verify_bundle

    if not bundle.is_dir():
        fail(f"{bundle}: no such directory")
    report = verify_bundle(bundle)
    for line in report.problems():
        say(line, err=True)
    if not report.ok:
        say(f"{bundle}: verification failed", err=True)
        raise typer.Exit(EXIT_FAILED)
    say(f"ok {bundle} (manifest sha256 {report.manifest_sha256})")


@evidence_app.command("show")
def show(
    bundle: Annotated[Path, typer.Argument(help="Evidence bundle directory.")],
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """List the evidence records of a bundle. An incomplete bundle's records are shown with a warning naming the
    targets it lacks; an unreadable file exits 2 naming the file and line."""
    from evidence_collectors.bundle import BundleReadError, read_info, read_records

    if not (bundle / "records.jsonl").is_file():
        fail(f"{bundle}: not an evidence bundle (no records.jsonl)")
    try:
        records = read_records(bundle)
        info = read_info(bundle)
    except BundleReadError as exc:
        fail(str(exc))
    if info is not None and (not info.complete or info.not_collected()):
        done = {t.name for t in info.collection if t.state in ("collected", "deadline")}
        records = [r for r in records if r.target in done]  # bundle.json is written last for each target
        missing = ", ".join(t.name for t in info.not_collected()) or "unknown"
        why = f"was interrupted by {info.interrupted}" if info.interrupted else "did not finish"
        say(f"warning: {bundle} is incomplete (the collection {why}); not collected: {missing}", err=True)
    if fmt is Format.json:
        from assessors.storage import json_text

        typer.echo(json_text([r.model_dump(mode="json") for r in records]), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for column in ("target", "probe", "status", "value", "summary"):
        table.add_column(column)
    for r in records:
        table.add_row(
            _plain(r.target),
            _plain(r.probe),
            _plain(r.status.value),
            _plain(json.dumps(r.value, ensure_ascii=False)[:40]),
            _plain(r.summary if r.status.value == "ok" else r.reason),
        )
    Console().print(table)


@evidence_app.command("probes")
def probes(fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table) -> None:
    """The probe catalogue of every installed collector (ids usable in framework expectations)."""
    from evidence_collectors.registry import installed_collectors, load_errors

    rows = [(cls.name, p) for cls in installed_collectors().values() for p in cls.probes]
    if fmt is Format.json:
        typer.echo(json.dumps([{"collector": c, **p.model_dump()} for c, p in rows], ensure_ascii=False, indent=2))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(header_style="bold")
        for column in ("collector", "probe", "type", "what it measures"):
            table.add_column(column)
        for collector, p in rows:
            table.add_row(collector, p.id, p.value_type + (f" ({p.unit})" if p.unit else ""), p.short)
        Console().print(table)
    for problem in load_errors():
        say(f"warning: {problem}", err=True)

"""`collect` and `mlops-maturity evidence ...`: probe running systems, keep the evidence, check it later."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.options import fail

evidence_app = typer.Typer(
    help="Inspect and verify evidence bundles; list the installed collectors' probes.", no_args_is_help=True
)


class Format(StrEnum):
    table = "table"
    json = "json"


def collect(
    targets: Annotated[Path, typer.Argument(help="Targets file (YAML): which systems to probe.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Bundle directory to create (must be new or empty).")],
    workers: Annotated[int, typer.Option(min=1, max=32, help="Targets probed at once.")] = 4,
) -> None:
    """Probe every target and write an evidence bundle: records, raw responses and a SHA-256 manifest."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from capability_model.sourcefile import SourceError
    from evidence_collectors.bundle import write_bundle
    from evidence_collectors.registry import installed_collectors, load_errors
    from evidence_collectors.runner import collect as run_collect
    from evidence_collectors.targets import load_targets

    for problem in load_errors():
        typer.echo(f"warning: {problem}", err=True)
    if output.exists() and any(output.iterdir()):
        fail(f"{output} is not empty; evidence bundles are never overwritten")
    try:
        loaded = load_targets(targets, installed_collectors())
    except SourceError as exc:
        fail([str(i) for i in exc.issues])
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
    ) as progress:
        task = progress.add_task("collecting", total=len(loaded))

        def done(target, records):  # type: ignore[no-untyped-def]
            bad = sum(1 for r in records if r.status.value != "ok")
            progress.console.print(
                f"  {target.config.name} ({target.collector.name}): {len(records)} records"
                + (f", {bad} not ok" if bad else "")
            )
            progress.advance(task)

        collection = run_collect(loaded, workers=workers, on_done=done)
    fingerprint = write_bundle(output, collection)
    not_ok = [r for r in collection.records if r.status.value != "ok"]
    typer.echo(
        f"wrote {output}: {len(collection.records)} records, {len(collection.raw)} raw responses, "
        f"manifest sha256 {fingerprint}"
    )
    for record in not_ok:
        typer.echo(f"  {record.status.value}: {record.target} {record.probe}: {record.reason}", err=True)


@evidence_app.command("verify")
def verify(bundle: Annotated[Path, typer.Argument(help="Evidence bundle directory.")]) -> None:
    """Check a bundle against its manifest: any file altered, added or missing fails (exit 1)."""
    from evidence_collectors.bundle import verify_bundle

    if not bundle.is_dir():
        fail(f"{bundle}: no such directory")
    report = verify_bundle(bundle)
    for kind in ("altered", "added", "missing"):
        for name in getattr(report, kind):
            typer.echo(f"{kind}: {name}", err=True)
    if not report.ok:
        raise typer.Exit(1)
    typer.echo(f"ok {bundle} (manifest sha256 {report.manifest_sha256})")


@evidence_app.command("show")
def show(
    bundle: Annotated[Path, typer.Argument(help="Evidence bundle directory.")],
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """List the evidence records of a bundle."""
    from evidence_collectors.bundle import read_records

    if not (bundle / "records.jsonl").is_file():
        fail(f"{bundle}: not an evidence bundle (no records.jsonl)")
    records = read_records(bundle)
    if fmt is Format.json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in records], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for column in ("target", "probe", "status", "value", "summary"):
        table.add_column(column)
    for r in records:
        table.add_row(
            r.target,
            r.probe,
            r.status.value,
            json.dumps(r.value, ensure_ascii=False)[:40],
            r.summary if r.status.value == "ok" else r.reason,
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
        typer.echo(f"warning: {problem}", err=True)

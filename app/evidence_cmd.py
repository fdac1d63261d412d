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

from app.keys_cmd import PassphraseEnv, open_signing_key
from app.options import fail, say

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from rich.text import Text

    from evidence_collectors.records import EvidenceRecord
    from evidence_collectors.runner import StopRequest
    from evidence_collectors.targets import Target

evidence_app = typer.Typer(
    help="Inspect, sign and verify evidence bundles; import other tools' results; list the installed collectors' "
    "probes.",
    no_args_is_help=True,
)
import_app = typer.Typer(help="Import another tool's results as an evidence bundle.", no_args_is_help=True)
evidence_app.add_typer(import_app, name="import")
SignOption = Annotated[
    Path | None,
    typer.Option(
        "--sign",
        metavar="KEY",
        help="Sign the finished bundle with this Ed25519 private key (PEM, from `keys generate`): a DSSE envelope "
        "in the bundle, checked by `evidence verify --key PUB`.",
    ),
]


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
    sign: SignOption = None,
    passphrase_env: PassphraseEnv = None,
) -> None:
    """Probe every target and write an evidence bundle: records, raw responses and a SHA-256 manifest.

    Each target's evidence is written as soon as it finishes. With --sign, a complete bundle is then signed; an
    interrupted one is left unsigned. Exit 0 when the bundle is complete, 2 on bad input,
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
    key = open_signing_key(sign, passphrase_env) if sign else None  # a wrong passphrase fails before any probing
    for problem in load_errors():  # collectors are imported when a target names them: their failures are known now
        say(f"warning: {problem}", err=True)
    code, stuck = _collect_into(loaded, output, workers, deadline or None)
    if key is not None:
        code = _sign_collected(output, key, code)
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


def _sign_collected(output: Path, key: Ed25519PrivateKey, code: int) -> int:
    """Sign the bundle `collect` just wrote when it is complete; the exit code to end with."""
    from evidence_collectors.signing import SigningError, sign_bundle

    if code != EXIT_OK:
        say(f"{output} is not complete: not signed", err=True)
        return code
    try:
        envelope = sign_bundle(output, key)
    except (SigningError, OSError) as exc:
        say(f"cannot sign {output}: {exc}", err=True)
        return EXIT_FAILED
    say(f"signed {output}: {envelope.name}")
    return code


@evidence_app.command("verify")
def verify(
    bundle: Annotated[Path, typer.Argument(help="Evidence bundle directory.")],
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            metavar="PUB",
            help="Public key (PEM) of the signer: the bundle must carry a signature by the matching private key over "
            "the manifest it has now.",
        ),
    ] = None,
) -> None:
    """Check a bundle: against its manifest (any file altered, added or missing), and its contents against each other
    (raw responses hash to their names, records cite raw responses that are there, counts agree). The manifest alone
    proves nothing against someone who rewrote the bundle and recomputed it: with --key, the bundle's signature must
    verify and cover the manifest. Exit 1 on any problem (a missing or invalid signature included), an unreadable file
    or an incomplete collection; 2 when the directory or the key cannot be used."""
    from evidence_collectors.bundle import verify_bundle
    from evidence_collectors.bundle_verify import ATTESTATION

    if not bundle.is_dir():
        fail(f"{bundle}: no such directory")
    public = None
    if key is not None:
        from evidence_collectors.signing import SigningError, load_public_key

        try:
            public = load_public_key(key)
        except SigningError as exc:
            fail(str(exc))
    report = verify_bundle(bundle, public)
    for line in report.problems():
        say(line, err=True)
    if not report.ok:
        say(f"{bundle}: verification failed", err=True)
        raise typer.Exit(EXIT_FAILED)
    if report.signature_checked:
        signed = "signature verified"
    else:
        signed = "signed, signature not checked: give --key PUB" if (bundle / ATTESTATION).exists() else "not signed"
    say(f"ok {bundle} (manifest sha256 {report.manifest_sha256}; {signed})")


@evidence_app.command("sign")
def sign_command(
    bundle: Annotated[Path, typer.Argument(help="Evidence bundle directory (complete, verifying, not yet signed).")],
    key: Annotated[Path, typer.Option("--key", metavar="KEY", help="Ed25519 private key (PEM) to sign with.")],
    passphrase_env: PassphraseEnv = None,
) -> None:
    """Sign a bundle: a DSSE envelope holding an in-toto statement whose subject is the bundle's manifest (name and
    SHA-256) and whose predicate records the collectors, the targets (credentials removed) and the times. Written in
    the bundle as attestation.dsse.json; checked by `evidence verify --key PUB`."""
    from evidence_collectors.signing import SigningError, sign_bundle

    if not bundle.is_dir():
        fail(f"{bundle}: no such directory")
    private = open_signing_key(key, passphrase_env)
    try:
        envelope = sign_bundle(bundle, private)
    except SigningError as exc:
        fail(str(exc))
    say(f"signed {bundle}: {envelope}")


@import_app.command("scorecard")
def import_scorecard(
    result: Annotated[Path, typer.Argument(help="OpenSSF Scorecard result, JSON v2 (`scorecard --format json`).")],
    bundle: Annotated[Path, typer.Option("--bundle", help="Bundle directory to create (must be new or empty).")],
    name: Annotated[
        str | None, typer.Option("--name", help="Target name for the records (default: from the repository name).")
    ] = None,
    sign: SignOption = None,
    passphrase_env: PassphraseEnv = None,
) -> None:
    """Write a Scorecard result as an evidence bundle: one record per check of the `scorecard` probe catalogue, dated
    with the Scorecard run. To put Scorecard records beside other evidence, list the file in the targets file instead
    (`collector: scorecard`, `path: RESULT.json`). A file that is not a Scorecard v2 result is refused (exit 2) and
    nothing is written."""
    from pydantic import ValidationError

    from evidence_collectors.bundle import collect_bundle
    from evidence_collectors.scorecard.collector import ScorecardCollector
    from evidence_collectors.scorecard.config import ScorecardConfig
    from evidence_collectors.scorecard.result import ScorecardError, read_result
    from evidence_collectors.targets import Target

    if bundle.exists() and (not bundle.is_dir() or any(bundle.iterdir())):
        fail(f"{bundle} is not an empty directory; evidence bundles are never overwritten", EXIT_BAD_INPUT)
    try:
        parsed = read_result(result)
    except OSError as exc:
        fail(f"{result}: cannot read ({exc.strerror or exc})")
    except ScorecardError as exc:
        fail(str(exc))
    key = open_signing_key(sign, passphrase_env) if sign else None
    try:
        config = ScorecardConfig(
            collector="scorecard", name=name or _target_name(parsed.repo.name), path=result.resolve()
        )
    except ValidationError as exc:
        fail(f"--name: {exc.errors()[0]['msg']}")
    try:
        collection, fingerprint = collect_bundle(bundle, [Target(config=config, collector=ScorecardCollector)])
    except OSError as exc:
        fail(f"cannot write the bundle in {bundle}: {exc}", EXIT_BAD_INPUT)
    counts = {s: sum(1 for r in collection.records if r.status.value == s) for s in ("ok", "unavailable", "error")}
    say(
        f"wrote {bundle}: {len(collection.records)} records from {result} ({counts['ok']} ok, "
        f"{counts['unavailable']} unavailable), manifest sha256 {fingerprint}"
    )
    if key is not None:
        raise typer.Exit(_sign_collected(bundle, key, EXIT_OK))


def _target_name(repository: str) -> str:
    """A target name from a repository name (`github.com/org/name` -> `name`), as the targets file allows them."""
    import re

    tail = repository.rstrip("/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", tail).lstrip("._-")[:100]
    return cleaned or "scorecard"


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

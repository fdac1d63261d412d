"""The `mlops-maturity` command line. Commands are thin: they parse options, call the library, format results.

Heavy or slow imports happen inside commands so that `--help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from app import answer_cmd, assess_cmd, compare_cmd, evidence_cmd, keys_cmd, map_cmd, report_cmd, workshop_cmd
from app.model_cmd import model_app

app = typer.Typer(
    name="mlops-maturity",
    help="Assess MLOps maturity against the CAICT Model/MLOps Capability Maturity Model (AIIA/P series): "
    "levels 1-5 per capability item, domain and part, with the gaps and a roadmap to a target level.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(wanted: bool) -> None:
    if wanted:
        from reports.identity import tool_name_and_version

        typer.echo(tool_name_and_version())
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the tool's version and exit."),
    ] = False,
) -> None:
    """Options that apply before any command."""


app.add_typer(model_app, name="model")
app.add_typer(evidence_cmd.evidence_app, name="evidence")
app.add_typer(answer_cmd.answer_app, name="answer")
app.add_typer(keys_cmd.keys_app, name="keys")
app.command("init")(assess_cmd.init)
app.command("assess")(assess_cmd.assess)
app.command("migrate")(assess_cmd.migrate)
app.command("collect")(evidence_cmd.collect)
app.command("report")(report_cmd.report)
app.command("report-verify", hidden=True)(report_cmd.verify)  # reached as `report verify` (see main)
app.add_typer(workshop_cmd.app, name="workshop")
app.command("compare")(compare_cmd.compare)
app.command("history")(compare_cmd.history)
app.command("portfolio")(compare_cmd.portfolio)
app.command("map")(map_cmd.map_assessment)


def main() -> None:
    """Run the CLI so that every failure ends in one clear line and an exit code with one meaning.

    0 ok; 1 a check failed (below `--fail-under`, a bundle that does not verify); 2 bad input (unreadable or
    invalid files, options, a path that cannot be written); 3 an internal error, whose traceback is printed only with
    MLOPS_MATURITY_DEBUG=1; 141 (128 + SIGPIPE) when the reader of the output closed the pipe early. Commands report
    their own input errors; this catches what slips past them.
    """
    import io
    import os
    import sys

    from app.options import say

    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets an escape, not a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    stdout = _identity(1)
    if sys.argv[1:3] == ["report", "verify"]:  # `report` takes files, so its `verify` is a command of its own
        sys.argv[1:3] = ["report-verify"]
    try:
        app()
    except SystemExit as exc:
        # click and rich answer a reader that went away (`| head`) with exit 1, which here means a failed check:
        # click by wrapping sys.stdout (in its PacifyFlushWrapper), rich by pointing file descriptor 1 at /dev/null.
        # Exit as a process stopped by SIGPIPE does instead.
        pacified = type(sys.stdout).__name__.endswith("PacifyFlushWrapper")
        if exc.code == 1 and (pacified or _identity(1) != stdout):
            sys.exit(128 + 13)
        raise
    except KeyboardInterrupt:  # Ctrl+C before a command installed its own handling: no traceback
        sys.exit(128 + 2)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        say(f"error: {where}{exc.strerror or exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # a bug: say so in one line, keep the trace for whoever debugs it
        if os.environ.get("MLOPS_MATURITY_DEBUG"):
            raise
        say(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "(set MLOPS_MATURITY_DEBUG=1 to see the traceback, and please report it)",
            err=True,
        )
        sys.exit(3)


def _identity(fd: int) -> tuple[int, int] | None:
    """Which file a descriptor refers to (device, inode), or None when it is closed."""
    import os

    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return st.st_dev, st.st_ino


if __name__ == "__main__":  # pragma: no cover
    main()

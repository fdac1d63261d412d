"""Shared CLI option types and error reporting."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:  # importing the schema pulls in pydantic, which `--help` must not pay for
    from capability_model.schema import Lang


class LangOption(StrEnum):
    zh = "zh"
    en = "en"

    @property
    def lang(self) -> Lang:
        return "zh" if self is LangOption.zh else "en"


LangArg = Annotated[
    LangOption, typer.Option("--lang", "-l", help="Language of the standard's text: zh (the standard's own) or en.")
]

PreviousArg = Annotated[
    list[Path] | None,
    typer.Option(
        "--previous",
        metavar="ASSESSMENT",
        help="An earlier assessment of a part assessed here (same framework, scored with the bundle it names): adds "
        "what changed since, levels up or down and requirements newly met or lost. Repeatable, one per part.",
    ),
]


def say(text: str, err: bool = False, nl: bool = True) -> None:
    """Print a line quoting user text (a path, a target name, file content) with its control characters shown."""
    from capability_model.visible import visible

    typer.echo(visible(text), err=err, nl=nl)


def fail(messages: list[str] | str, code: int = 2) -> NoReturn:
    """Print every message to stderr and exit; 2 = bad input, 1 = a check that failed."""
    from capability_model.visible import visible  # a message quotes user text: show its control characters

    for line in [messages] if isinstance(messages, str) else messages:
        typer.echo(visible(line), err=True)
    raise typer.Exit(code)


def refuse_overwriting_inputs(output: Path | None, inputs: Iterable[Path], what: str = "input") -> None:
    """Exit 2 when `output` is one of the files the command reads: writing a result over the assessment it was made
    from would lose the answers (links and other spellings of the same file included)."""
    import os

    if output is None or not output.exists():
        return
    for path in inputs:
        try:
            same = os.path.samefile(output, path)
        except OSError:  # an input that does not exist is reported by the command itself
            continue
        if same:
            fail(f"{output} is the {what} {path}; write the output to another file")


def refuse_writing_into_bundle(output: Path | None, bundles: Iterable[Path]) -> None:
    """Exit 2 when `output` lies inside an evidence bundle: one file more and the bundle no longer verifies."""
    import os

    if output is None:
        return
    where = Path(os.path.realpath(output))  # not Path.resolve, which raises RuntimeError on a link loop
    for bundle in bundles:
        if where.is_relative_to(os.path.realpath(bundle)):
            fail(f"{output} is inside the evidence bundle {bundle}; a bundle must stay as collected")

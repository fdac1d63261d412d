"""Shared CLI option types and error reporting."""

from __future__ import annotations

from enum import StrEnum
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


def fail(messages: list[str] | str, code: int = 2) -> NoReturn:
    """Print every message to stderr and exit; 2 = bad input, 1 = a check that failed."""
    from capability_model.visible import visible  # a message quotes user text: show its control characters

    for line in [messages] if isinstance(messages, str) else messages:
        typer.echo(visible(line), err=True)
    raise typer.Exit(code)

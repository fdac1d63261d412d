"""`answer confirm` and `answer override`: a person's word on answers drafted from evidence, recorded with who and
when, written back into the questionnaire in place (atomically, through the same writer as every other command).

Each command holds the file's lock from reading it to writing it back: two commands on one file take turns, and a
file another program rewrote meanwhile is refused with nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.options import LangOption, fail, say

if TYPE_CHECKING:
    from assessors.assessment import Assessment
    from assessors.storage import Update
    from assessors.workflow import OpenAssessment

answer_app = typer.Typer(
    help="Confirm answers drafted from evidence (`assess --evidence B --draft`), or override them with a reason.",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="Assessment file (YAML or JSON); rewritten in place.")]
KeepLangArg = Annotated[
    LangOption | None,
    typer.Option("--lang", "-l", help="Language of the questionnaire's comments (default: the file's own)."),
]
ByOption = Annotated[str, typer.Option("--by", help="Who confirms or overrides (recorded with the answer).")]


def _open(file: Path) -> OpenAssessment:
    from app.assess_cmd import _open as open_file

    return open_file(file, None)


def _write(opened: OpenAssessment, assessment: Assessment, lang: LangOption | None, update: Update) -> None:
    """Rewrite the file in place, its comments in the language it was written in unless --lang says otherwise."""
    from app.assess_cmd import _save, file_language

    update.check_unchanged()
    _save(assessment, opened.path, opened.framework.framework, lang.lang if lang else file_language(opened.path))


@answer_app.command("confirm")
def confirm(
    file: FileArg,
    requirements: Annotated[list[str] | None, typer.Argument(help="Requirement ids to confirm.")] = None,
    by: ByOption = "",
    all_proposed: Annotated[
        bool, typer.Option("--all-proposed", help="Confirm every proposal nobody has confirmed yet.")
    ] = False,
    lang: KeepLangArg = None,
) -> None:
    """Confirm proposals drafted from evidence: they then count as a person's answer."""
    import datetime as dt

    from assessors import answering
    from assessors.assessment import clean_name
    from assessors.storage import locked_for_update

    with locked_for_update(file) as update:
        opened = _open(file)
        wanted = list(requirements or [])
        if all_proposed:
            wanted += answering.proposed(opened.assessment)
            if not wanted:
                say(f"{file}: no proposals waiting for confirmation; nothing changed")
                return
        try:
            done = answering.confirm(opened.assessment, wanted, by, dt.datetime.now(dt.UTC))
        except answering.AnswerRefusedError as exc:
            fail(f"{file}: {exc}; nothing changed")
        if done.confirmed:
            _write(opened, done.assessment, lang, update)
    say(
        f"{file}: confirmed {len(done.confirmed)} proposals by {clean_name(by)}"
        + (f"; already confirmed: {', '.join(done.already)}" if done.already else "")
    )


@answer_app.command("override")
def override(
    file: FileArg,
    requirement: Annotated[str, typer.Argument(help="Requirement id.")],
    status: Annotated[str, typer.Option("--status", help="met | partial | not_met | not_applicable")],
    reason: Annotated[str, typer.Option("--reason", help="Why the evidence is wrong here (required).")] = "",
    by: ByOption = "",
    lang: KeepLangArg = None,
) -> None:
    """Answer against the evidence, saying why: the answer stands and reports show it as overridden."""
    import datetime as dt

    from assessors import answering
    from assessors.assessment import Status

    try:
        verdict = Status(status)
    except ValueError:
        fail(f"--status {status!r}: use one of {', '.join(s.value for s in Status)}")
    from assessors.storage import locked_for_update

    with locked_for_update(file) as update:
        opened = _open(file)
        try:
            changed = answering.override(opened.assessment, requirement, verdict, reason, by, dt.datetime.now(dt.UTC))
        except answering.AnswerRefusedError as exc:
            fail(f"{file}: {exc}; nothing changed")
        _write(opened, changed, lang, update)
    say(f"{file}: {requirement} overridden to {verdict.value} by {changed.answers[requirement].answered_by}")

"""Helpers shared by the report tests: scored example parts, edited copies of the example questionnaires, and the
visible text of an HTML report."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from assessors.assessment import Answer
from assessors.frame import AssessmentFrame
from reports.build import score_parts
from reports.view import ScoredPart
from tests.reports.conftest import PART1, PART2


def example_parts(*paths: Path) -> list[ScoredPart]:
    return score_parts(list(paths or (PART1, PART2)))


def without_user_text(parts: list[ScoredPart]) -> list[ScoredPart]:
    """The same scored parts with every user-entered text (names, notes, evidence references) blanked to '—', also
    where the scored result carries it (who answered or confirmed, an override's reason)."""
    out = []
    for part in parts:
        a = part.opened.assessment
        blank = a.model_copy(
            update={
                "organisation": "—",
                "scope": "—",
                "assessor": "—",
                "reviewer": "—",
                "participants": [],
                "frame": AssessmentFrame(),
                "answers": {rid: Answer(status=ans.status) for rid, ans in a.answers.items()},
            }
        )
        outcomes = [o.model_copy(update={"by": None, "override_reason": ""}) for o in part.result.requirements]
        result = part.result.model_copy(update={"requirements": outcomes})
        out.append(dataclasses.replace(part, opened=dataclasses.replace(part.opened, assessment=blank), result=result))
    return out


def edited_copy(source: Path, target: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of an example questionnaire with `edit` applied to its data (comments are not kept)."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    edit(data)
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


class _Visible(HTMLParser):
    """Text a reader sees: text nodes outside <style>/<script>, and image labels (aria-label)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.hidden = 0
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("style", "script"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "data", "poster", "action"):
                self.urls.append((tag, name, value or ""))
            if name == "aria-label" and value:
                self.chunks.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(data)


def parse_html(html: str) -> _Visible:
    parser = _Visible()
    parser.feed(html)
    return parser


def visible_text(html: str) -> str:
    return " ".join(parse_html(html).chunks)


def requirement_block(text: str, rid: str, lang: str, span: int = 4000) -> str:
    """The requirement's own lines in a PDF's text: from its short id to the next requirement (or `span` characters)."""
    short = rid.rsplit(".", 1)[-1]
    item = rid.rsplit(".", 1)[0]
    heading = "Results by domain" if lang == "en" else "分域评估结果"
    start = text.index(item, text.index(heading, text.index(heading) + 1))  # past the contents and the summary
    at = text.index(short, start)
    rest = text[at + 3 :]
    # the next requirement: a row continued on the next page repeats its own id, which does not end it
    follows = next((m for m in re.finditer(r"\n\s*(?:L\d|\d级)\s+(R\d\d)\s", rest) if m.group(1) != short), None)
    return text[at : at + 3 + (follows.start() if follows else span)]

"""Read YAML/JSON files keeping the line and column of every value, so errors can point at them.

Used for framework, assessment and targets files alike (the workshop's uploads too): a user who mistypes a level in a
4,000-line file must be told `part1.yaml:412:7 domains[1].subdomains[2].items[0].requirements[3].level: must be 1..5`,
not just "invalid". Whatever the bytes, reading ends in data or in a SourceError, never in a traceback, and within the
limits of ReadLimits (size, nesting, values, alias expansions), so a hostile file costs milliseconds, not gigabytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
import yaml.reader
from pydantic import BaseModel, ValidationError

from capability_model.sourcetext import TextProblem, byte_position, char_position, normalise, read_source
from capability_model.visible import visible
from capability_model.yamlcompose import (
    LIBYAML,
    LIMITS,
    ReadLimits,
    Refusal,
    compose,
    position,
)
from capability_model.yamlcompose import PathKey as PathKey
from capability_model.yamlconstruct import ConstructFailure, Loader

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class SourceIssue:
    """One problem in one file, located as precisely as the file allows."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"
        return visible(text)  # file text in a message must not drive the terminal


class SourceError(Exception):
    """A file could not be read or does not match its schema; carries every issue found, not just the first."""

    def __init__(self, issues: Sequence[SourceIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass
class Positioned:
    """Parsed data plus the 1-based (line, column) of every value, keyed by its path."""

    file: str
    data: Any
    positions: dict[PathKey, tuple[int, int]]
    sha256: str = ""

    def locate(self, path: Iterable[str | int]) -> tuple[int, int]:
        """Position of the deepest existing node on `path` (a missing field points at its parent)."""
        key: PathKey = ()
        best = self.positions.get((), (1, 1))
        for part in path:
            key = (*key, part)
            if key not in self.positions:
                break
            best = self.positions[key]
        return best

    def issue(self, path: Sequence[str | int], message: str) -> SourceIssue:
        line, column = self.locate(path)
        return SourceIssue(self.file, line, column, format_path(path), message)


_PLAIN_KEY = re.compile(r"[^\s\[\]'\"\\]+")


def format_path(path: Iterable[str | int]) -> str:
    """`domains[1].items[0].level`; a key with spaces, brackets, quotes or invisible characters is quoted: `['a b']`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(part) or visible(part) != part:
            out += f"['{visible(part)}']"
        else:
            out += f".{part}" if out else part
    return out


def load_positioned(path: Path | str, display_name: str | None = None, limits: ReadLimits = LIMITS) -> Positioned:
    """Parse a YAML or JSON file; raise SourceError with line/column on unreadable, malformed, ambiguous or oversized
    input (see ReadLimits for the size, depth and alias limits)."""
    name = display_name or str(path)
    try:
        source = read_source(path, limits.max_bytes)
    except TextProblem as exc:
        raise SourceError([SourceIssue(name, *exc.position, "", exc.message)]) from None
    doc = parse_positioned(source.text, name, limits)
    doc.sha256 = hashlib.sha256(source.data).hexdigest()
    return doc


def parse_positioned(text: str, name: str, limits: ReadLimits = LIMITS) -> Positioned:
    """Parse YAML or JSON text (as read from a file named `name`) into data with the position of every value."""
    try:
        text = normalise(text)
    except TextProblem as exc:
        raise SourceError([SourceIssue(name, *exc.position, "", exc.message)]) from None
    if len(text) > limits.max_bytes:
        raise SourceError([SourceIssue(name, 1, 1, "", f"text is longer than {limits.max_bytes} characters")])
    loader = Loader(text)
    try:
        composed = compose(loader, limits)
        if composed.problems:
            raise SourceError(capped([_issue(name, p.position, p.path, p.message) for p in composed.problems]))
        data = loader.construct_object(composed.root, deep=True) if composed.root is not None else None
    except Refusal as exc:
        raise SourceError([_issue(name, exc.position, exc.path, exc.message)]) from None
    except ConstructFailure as exc:
        path = composed.path_of(exc.node)
        raise SourceError([_issue(name, position(exc.mark), path, exc.message)]) from None
    except yaml.reader.ReaderError as exc:  # normalise() refuses what the reader would; this is a safety net
        where = _reader_position(text, exc)
        raise SourceError([SourceIssue(name, *where, "", f"invalid YAML: {exc.reason}")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise SourceError([SourceIssue(name, *position(mark), "", f"invalid YAML: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise SourceError([SourceIssue(name, 1, 1, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:  # the pure-Python parser recurses per nesting level; libyaml stops at 1000 levels
        message = f"nested deeper than {limits.max_depth} levels"
        raise SourceError([SourceIssue(name, 1, 1, "", message)]) from None
    finally:
        loader.dispose()
    return Positioned(name, data, composed.positions)


def _issue(name: str, where: tuple[int, int], path: PathKey, message: str) -> SourceIssue:
    return SourceIssue(name, where[0], where[1], format_path(path), message)


def _reader_position(text: str, exc: yaml.reader.ReaderError) -> tuple[int, int]:
    """libyaml counts the offset in UTF-8 bytes, PyYAML's own reader in characters."""
    if not LIBYAML:
        return char_position(text, exc.position)
    return byte_position(text.encode("utf-8", "surrogatepass"), exc.position)


MAX_REPORTED = 100  # issues listed per file; a file wrong everywhere gets a count of the rest, not 100,000 lines


def capped(issues: list[SourceIssue]) -> list[SourceIssue]:
    """At most MAX_REPORTED issues, the last one saying how many more there were."""
    if len(issues) <= MAX_REPORTED:
        return issues
    nxt = issues[MAX_REPORTED]
    more = SourceIssue(nxt.file, nxt.line, nxt.column, "", f"... and {len(issues) - MAX_REPORTED} more problems")
    return [*issues[:MAX_REPORTED], more]


_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


def validation_issues(doc: Positioned, error: ValidationError) -> list[SourceIssue]:
    """Turn pydantic's errors into located issues, one per problem, with paths into the file's own data."""
    issues: list[SourceIssue] = []
    for err in error.errors():
        loc = data_path(doc.data, [p for p in err["loc"] if isinstance(p, int | str)])
        message = _FRIENDLY.get(err["type"], err["msg"])
        issue = doc.issue(loc, message.removeprefix("Value error, "))
        if issue not in issues[-3:]:  # the members of a union often repeat one message at one place
            issues.append(issue)
    return capped(issues)


def data_path(data: Any, loc: Sequence[str | int]) -> list[str | int]:
    """`loc` without the names pydantic gives the members of a union (`AnyOf`, `function-after[...]`), which are
    not keys of the file: a name is kept when it is a key of the data there, or the last part (a missing field)."""
    out: list[str | int] = []
    node = data
    for n, part in enumerate(loc):
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            node = node[part]
        elif isinstance(node, dict) and n == len(loc) - 1:
            node = None
        else:
            continue
        out.append(part)
    return out


def validate_as(doc: Positioned, model: type[M]) -> M:
    """Validate parsed data against a model; raise SourceError naming file, line, column and field path."""
    if not isinstance(doc.data, dict):
        raise SourceError([doc.issue([], "expected a mapping at the top of the file")])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise SourceError(validation_issues(doc, exc)) from None

"""Read YAML/JSON files keeping the line and column of every value, so errors can point at them.

Used for framework files and assessment files alike: a user who mistypes a level in a 4,000-line file must be told
`part1.yaml:412:7 domains[1].subdomains[2].items[0].requirements[3].level: must be 1..5`, not just "invalid".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

try:  # libyaml is several times faster on the 600-requirement files
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]
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
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"


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


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _index_positions(
    node: yaml.Node, path: PathKey, out: dict[PathKey, tuple[int, int]], dupes: list[tuple[PathKey, str]]
) -> None:
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                dupes.append(((*path, key), key))
            seen.add(key)
            _index_positions(value_node, (*path, key), out, dupes)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _index_positions(child, (*path, i), out, dupes)


def load_positioned(path: Path | str, display_name: str | None = None) -> Positioned:
    """Parse a YAML or JSON file; raise SourceError with line/column on unreadable, malformed or ambiguous input."""
    name = display_name or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError([SourceIssue(name, 0, 0, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise SourceError([SourceIssue(name, 0, 0, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise SourceError([SourceIssue(name, 0, 0, "", f"cannot read: {exc.strerror}")]) from None
    return parse_positioned(text, name)


def parse_positioned(text: str, name: str) -> Positioned:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise SourceError([SourceIssue(name, line, col, "", f"invalid YAML: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise SourceError([SourceIssue(name, 0, 0, "", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    positions: dict[PathKey, tuple[int, int]] = {}
    dupes: list[tuple[PathKey, str]] = []
    if node is not None:
        _index_positions(node, (), positions, dupes)
    doc = Positioned(name, data, positions)
    if dupes:
        raise SourceError(
            [
                doc.issue(p, f"duplicate key '{k}' (a later value would silently replace the earlier one)")
                for p, k in dupes
            ]
        )
    return doc


_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


def validation_issues(doc: Positioned, error: ValidationError) -> list[SourceIssue]:
    """Turn pydantic's errors into located issues, one per problem."""
    issues = []
    for err in error.errors():
        loc = [p for p in err["loc"] if isinstance(p, int | str)]
        message = _FRIENDLY.get(err["type"], err["msg"])
        message = message.removeprefix("Value error, ")
        issues.append(doc.issue(loc, message))
    return issues


def validate_as(doc: Positioned, model: type[M]) -> M:
    """Validate parsed data against a model; raise SourceError naming file, line, column and field path."""
    if not isinstance(doc.data, dict):
        raise SourceError([doc.issue([], "expected a mapping at the top of the file")])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise SourceError(validation_issues(doc, exc)) from None

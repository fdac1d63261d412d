"""Load and validate framework files, reporting every problem with file, line, column and field path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capability_model.schema import Framework
from capability_model.sourcefile import (
    PathKey,
    Positioned,
    SourceError,
    SourceIssue,
    capped,
    load_positioned,
    validate_as,
)


@dataclass(frozen=True)
class LoadedFramework:
    """A validated framework with where it came from and the SHA-256 of the exact bytes it was read from."""

    framework: Framework
    path: Path
    sha256: str

    @property
    def ref(self) -> str:
        return self.framework.ref


def _id_paths(data: Any) -> Iterator[tuple[str, PathKey]]:
    """Every `id` in the domain tree with the path of its node (raw data, before schema validation)."""
    levels = ("domains", "subdomains", "items", "requirements")

    def walk(node: Any, path: PathKey, depth: int) -> Iterator[tuple[str, PathKey]]:
        children = node.get(levels[depth]) if isinstance(node, dict) else None
        if not isinstance(children, list):
            return
        for i, child in enumerate(children):
            child_path = (*path, levels[depth], i)
            if isinstance(child, dict) and isinstance(child.get("id"), str):
                yield child["id"], (*child_path, "id")
            if depth + 1 < len(levels):
                yield from walk(child, child_path, depth + 1)

    yield from walk(data, (), 0)


def duplicate_id_issues(doc: Positioned) -> list[SourceIssue]:
    first: dict[str, PathKey] = {}
    issues = []
    for node_id, path in _id_paths(doc.data):
        if node_id in first:
            line, _ = doc.locate(first[node_id])
            issues.append(doc.issue(path, f"duplicate id '{node_id}' (first used at line {line})"))
        else:
            first[node_id] = path
    return issues


def unknown_probe_issues(doc: Positioned, known_probes: set[str]) -> list[SourceIssue]:
    """Expectations naming a probe that no installed collector offers (malformed ones are left to the schema)."""
    issues = []
    for _, path in _id_paths(doc.data):
        if "requirements" not in path:
            continue
        node: Any = doc.data
        for part in path[:-1]:
            node = node[part]
        expectations = node.get("expectations")
        for n, exp in enumerate(expectations if isinstance(expectations, list) else []):
            for at, probe in _probes(exp, [*path[:-1], "expectations", n]):
                if probe not in known_probes:
                    issues.append(doc.issue(at, f"unknown probe '{probe}'"))
    return issues


def _probes(exp: Any, where: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    """The probe names of one expectation (or of each member of an any_of group), with their paths."""
    if not isinstance(exp, dict):
        return
    if "any_of" not in exp:
        if isinstance(exp.get("probe"), str):
            yield [*where, "probe"], exp["probe"]
        return
    members = exp["any_of"]
    for m, member in enumerate(members if isinstance(members, list) else []):
        if isinstance(member, dict) and isinstance(member.get("probe"), str):
            yield [*where, "any_of", m, "probe"], member["probe"]


def load_framework(path: Path | str, known_probes: set[str] | None = None) -> LoadedFramework:
    """Parse and validate one framework file; raise SourceError listing every issue found.

    With `known_probes` (the installed collectors' catalogue), an expectation naming any other probe is an error.
    """
    path = Path(path)
    doc = load_positioned(path)
    dupes = duplicate_id_issues(doc)
    if known_probes is not None:
        dupes += unknown_probe_issues(doc, known_probes)
    try:
        framework = validate_as(doc, Framework)
    except SourceError as exc:
        # The schema's own duplicate check cannot say where; the located issues above replace it.
        rest = [i for i in exc.issues if not (dupes and "duplicate id" in i.message and i.path == "")]
        raise SourceError(capped(dupes + rest)) from None
    if dupes:
        raise SourceError(capped(dupes))
    return LoadedFramework(framework, path, doc.sha256)

"""Load and validate framework files, reporting every problem with file, line, column and field path."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capability_model.schema import Framework
from capability_model.sourcefile import PathKey, Positioned, SourceError, SourceIssue, load_positioned, validate_as


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
    """Expectations naming a probe that no installed collector offers."""
    issues = []
    for _, path in _id_paths(doc.data):
        if "requirements" not in path:
            continue
        node: Any = doc.data
        for part in path[:-1]:
            node = node[part]
        for n, exp in enumerate(node.get("expectations") or []):
            where: list[str | int] = [*path[:-1], "expectations", n]
            members = exp.get("any_of") if isinstance(exp, dict) and "any_of" in exp else [exp]
            for m, member in enumerate(members if isinstance(members, list) else []):
                probe = member.get("probe") if isinstance(member, dict) else None
                at = [*where, "any_of", m, "probe"] if "any_of" in exp else [*where, "probe"]
                if isinstance(probe, str) and probe not in known_probes:
                    issues.append(doc.issue(at, f"unknown probe '{probe}'"))
    return issues


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
        raise SourceError(dupes + rest) from None
    if dupes:
        raise SourceError(dupes)
    return LoadedFramework(framework, path, hashlib.sha256(path.read_bytes()).hexdigest())

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


def _item_nodes(data: Any) -> Iterator[tuple[str, PathKey, Any]]:
    """Every capability item's id, path and raw node."""
    for node_id, path in _id_paths(data):
        if path[-3] == "items":
            node: Any = data
            for part in path[:-1]:
                node = node[part]
            yield node_id, path[:-1], node


def dependency_issues(doc: Positioned, known_items: set[str] | None = None) -> list[SourceIssue]:
    """`depends_on` entries naming no item, the item itself, or closing a cycle.

    An id of this file's own part (same first segment, e.g. `P1`) must be an item of this file; an id of another
    part must be in `known_items` (the other bundled parts' items) when that is given, and is left alone otherwise.
    """
    nodes = list(_item_nodes(doc.data))
    own = {node_id: path for node_id, path, _ in nodes}
    prefixes = {node_id.split(".", 1)[0] for node_id in own}
    graph: dict[str, list[str]] = {}
    issues = []
    for node_id, path, node in nodes:
        deps = node.get("depends_on") if isinstance(node, dict) else None
        graph[node_id] = []
        for n, dep in enumerate(deps if isinstance(deps, list) else []):
            if not isinstance(dep, str):
                continue  # the schema reports it
            at = (*path, "depends_on", n)
            if dep == node_id:
                issues.append(doc.issue(at, f"item '{node_id}' depends on itself"))
            elif dep in own:
                graph[node_id].append(dep)
            elif known_items is not None and dep in known_items:
                continue
            elif known_items is not None or dep.split(".", 1)[0] in prefixes:
                issues.append(doc.issue(at, f"depends_on names unknown capability item '{dep}'"))
    cycle = find_cycle(graph)
    if cycle:
        issues.append(doc.issue((*own[cycle[0]], "depends_on"), "dependency cycle: " + " -> ".join(cycle)))
    return issues


def find_cycle(graph: dict[str, list[str]]) -> list[str]:
    """One cycle of `graph` as [a, b, ..., a], or [] when it has none (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for root in graph:
        if state.get(root):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(graph.get(root, [])))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                path = [n for n, _ in stack]
                return [*path[path.index(child) :], child]
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(graph.get(child, []))))
    return []


def load_framework(
    path: Path | str, known_probes: set[str] | None = None, known_items: set[str] | None = None
) -> LoadedFramework:
    """Parse and validate one framework file; raise SourceError listing every issue found.

    With `known_probes` (the installed collectors' catalogue), an expectation naming any other probe is an error;
    with `known_items` (the other parts' capability items), so is a `depends_on` naming an item no part has.
    """
    path = Path(path)
    doc = load_positioned(path)
    dupes = duplicate_id_issues(doc)
    if known_probes is not None:
        dupes += unknown_probe_issues(doc, known_probes)
    dupes += dependency_issues(doc, known_items)
    try:
        framework = validate_as(doc, Framework)
    except SourceError as exc:
        # The schema's own duplicate check cannot say where; the located issues above replace it.
        rest = [i for i in exc.issues if not (dupes and "duplicate id" in i.message and i.path == "")]
        raise SourceError(capped(dupes + rest)) from None
    if dupes:
        raise SourceError(capped(dupes))
    return LoadedFramework(framework, path, doc.sha256)

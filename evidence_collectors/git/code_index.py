"""Imports and source text of the Python files and notebooks at the ref, read once for every code-based probe."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from evidence_collectors.git.snapshot import Snapshot

_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.MULTILINE)
_FROM = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w., \t*]+)", re.MULTILINE)


@dataclass(frozen=True)
class SourceFile:
    path: str
    oid: str
    text: str
    imports: frozenset[str]  # dotted names, e.g. "mlflow", "ray.tune", "sklearn.model_selection.GridSearchCV"


def _notebook_code(raw: str) -> str:
    try:
        cells = json.loads(raw).get("cells", [])
    except (json.JSONDecodeError, AttributeError):
        return raw
    parts = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            parts.append("".join(source) if isinstance(source, list) else str(source))
    return "\n".join(parts)


def parse_imports(text: str) -> frozenset[str]:
    if "import" not in text:  # both patterns need the word: most files without it are data or generated code
        return frozenset()
    names: set[str] = set()
    for match in _IMPORT.finditer(text):
        for part in match.group(1).split(","):
            words = part.split()
            if words:
                names.add(words[0])
    for match in _FROM.finditer(text):
        module = match.group(1)
        names.add(module)
        for part in match.group(2).split(","):
            words = part.split()
            if words and words[0] != "*":
                names.add(f"{module}.{words[0]}")
    return frozenset(names)


@dataclass
class CodeIndex:
    files: list[SourceFile] = field(default_factory=list)
    _by_module: dict[str, list[SourceFile]] = field(default_factory=dict)  # "ray", "ray.tune" -> importing files

    def add(self, source: SourceFile) -> None:
        self.files.append(source)
        prefixes = {name.rsplit(".", n)[0] for name in source.imports for n in range(name.count(".") + 1)}
        for prefix in prefixes:
            self._by_module.setdefault(prefix, []).append(source)

    @classmethod
    def build(cls, snap: Snapshot) -> CodeIndex:
        index = cls()
        for entry in snap.entries:
            if entry.path not in snap.contents or not entry.lower.endswith((".py", ".ipynb")):
                continue
            text = snap.text(entry.path)
            if entry.lower.endswith(".ipynb"):
                text = _notebook_code(text)
            index.add(SourceFile(entry.path, entry.oid, text, parse_imports(text)))
        return index

    def importing(self, prefixes: tuple[str, ...]) -> list[SourceFile]:
        """Files importing any of the modules (or a submodule of one), in path order."""
        found = {f.path: f for p in prefixes for f in self._by_module.get(p, [])}
        return [found[path] for path in sorted(found)]

"""Imports and source text of the Python files and notebooks at the ref, read once for every code-based probe."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from evidence_collectors.git.scope import Scope, addresses_learner, path_scope, teaching_series
from evidence_collectors.git.snapshot import Snapshot

_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.MULTILINE)
_FROM = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w., \t*]+)", re.MULTILINE)


@dataclass(frozen=True)
class SourceFile:
    path: str
    oid: str
    text: str
    imports: frozenset[str]  # dotted names, e.g. "mlflow", "ray.tune", "sklearn.model_selection.GridSearchCV"
    scope: Scope = "own"


CELL_BREAK = "\n# <notebook cell>\n"  # a comment line: the joined cells stay valid Python when each cell is


def notebook_parts(raw: str) -> tuple[str, str]:
    """(code, prose) of a notebook: code cells joined, and the markdown that says what the notebook is for."""
    try:
        cells = json.loads(raw).get("cells", [])
    except (json.JSONDecodeError, AttributeError):
        return raw, ""
    code: list[str] = []
    prose: list[str] = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") in {"code", "markdown"}:
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            (code if cell["cell_type"] == "code" else prose).append(text)
    return CELL_BREAK.join(code), "\n".join(prose)


def lines_holding(text: str, word: str) -> Iterator[int]:
    """Start of every line (lines end at "\\n") that holds `word`, in order."""
    found = text.find(word)
    while found >= 0:
        yield text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        if end < 0:
            return
        found = text.find(word, end + 1)


def parse_imports(text: str) -> frozenset[str]:
    """Modules and names a file imports. Both patterns match within one line, from its start, and need the word
    `import`: they are tried only at the starts of the lines holding it, not at every position of the file."""
    names: set[str] = set()
    for start in lines_holding(text, "import"):
        match = _IMPORT.match(text, start)
        if match:
            for part in match.group(1).split(","):
                words = part.split()
                if words:
                    names.add(words[0])
        match = _FROM.match(text, start)
        if match:
            module = match.group(1)
            names.add(module)
            for part in match.group(2).split(","):
                words = part.split()
                if words and words[0] != "*":
                    names.add(f"{module}.{words[0]}")
    return frozenset(names)


@dataclass
class CodeIndex:
    """The project's own code (`files`); tests, teaching material, templates and a published tool's own sources are
    kept in `apart`, so probes can name them without counting them."""

    files: list[SourceFile] = field(default_factory=list)
    _by_module: dict[str, list[SourceFile]] = field(default_factory=dict)  # "ray", "ray.tune" -> importing files
    apart: CodeIndex | None = None

    def add(self, source: SourceFile) -> None:
        self.files.append(source)
        prefixes = {name.rsplit(".", n)[0] for name in source.imports for n in range(name.count(".") + 1)}
        for prefix in prefixes:
            self._by_module.setdefault(prefix, []).append(source)

    @classmethod
    def build(cls, snap: Snapshot, library: set[str] | frozenset[str] = frozenset()) -> CodeIndex:
        """`library`: folders (with a trailing slash) of a tool's own sources published by the repository."""
        index, apart = cls(), cls()
        index.apart = apart
        texts: dict[str, tuple[str, str]] = {}
        learners: dict[str, bool] = {}
        for entry in snap.entries:
            if entry.path not in snap.contents or not entry.lower.endswith((".py", ".ipynb")):
                continue
            text = snap.text(entry.path)
            if entry.lower.endswith(".ipynb"):
                text, prose = notebook_parts(text)
                learners[entry.path] = addresses_learner(prose)
            texts[entry.path] = (entry.oid, text)
        teaching = teaching_series(learners)
        for path, (oid, text) in texts.items():
            scope = path_scope(path)
            if scope == "own" and path in teaching:
                scope = "teaching"
            elif scope == "own" and any(path.startswith(root) for root in library):
                scope = "library"
            source = SourceFile(path, oid, text, parse_imports(text), scope)
            (index if scope == "own" else apart).add(source)
        return index

    def including(self, scope: Scope) -> CodeIndex:
        """The project's own code plus the kept-apart files of one scope (data tests are data validation)."""
        wider = CodeIndex()
        for source in self.everything():
            if source.scope in {"own", scope}:
                wider.add(source)
        return wider

    def everything(self) -> list[SourceFile]:
        """Every indexed file, the project's own and the ones kept apart, in path order."""
        rest = self.apart.files if self.apart else []
        return sorted([*self.files, *rest], key=lambda f: f.path)

    def importing(self, prefixes: tuple[str, ...]) -> list[SourceFile]:
        """Files importing any of the modules (or a submodule of one), in path order."""
        found = {f.path: f for p in prefixes for f in self._by_module.get(p, [])}
        return [found[path] for path in sorted(found)]

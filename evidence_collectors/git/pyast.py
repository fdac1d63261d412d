"""Calls a Python file makes, read with Python's own parser: which API each call reaches, its keyword arguments and
its line, so a probe rests on `mlflow.register_model(...)` being called, not on the words appearing in a comment.

Names are resolved through the file's imports (`from azureml.core import Model as AMLModel` makes `AMLModel.register`
`azureml.core.Model.register`) and through simple assignments of call results (`client = MlflowClient()` makes
`client.create_model_version` `mlflow.MlflowClient().create_model_version`). A file is parsed only after a cheap scan
shows one of the words a rule needs, and at most once.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cached_property

from evidence_collectors.git.code_index import CELL_BREAK, CodeIndex, SourceFile

_MAGIC = re.compile(r"^[ \t]*[!%].*$", re.MULTILINE)  # notebook shell and magic lines are not Python


@dataclass(frozen=True)
class Call:
    name: str  # resolved dotted name ("mlflow.register_model") or the written chain when the root is unknown
    line: int
    keywords: dict[str, object]  # keyword -> constant value (None when not a constant)
    args: tuple[object, ...] = ()  # positional constants (None when not a constant)


@dataclass(frozen=True)
class Rule:
    """A call that shows a fact: `name` is searched in the resolved call name; `imports`: the file must import one of
    these modules (for calls on variables whose type the parser cannot know); `keyword`: the call must pass it
    (`keyword=value` also checks its constant value, compared in lower case)."""

    tool: str
    name: str
    imports: tuple[str, ...] = ()
    keyword: str = ""
    words: tuple[str, ...] = ()  # cheap-scan words; the last name part by default

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.name)

    @cached_property
    def modules(self) -> tuple[str, ...]:
        """Modules a file must import (one of, or a submodule) for the rule to apply: those of `imports`, else the
        literal dotted prefix of the resolved name (`google.cloud.aiplatform` for `^google\\.cloud\\.aiplatform...`)."""
        if self.imports:
            return self.imports
        head = re.match(r"\^([a-z_][a-z0-9_]*(?:\\\.[a-z_][a-z0-9_]*)*)", self.name)
        return (head.group(1).replace("\\.", "."),) if head else ()

    @cached_property
    def module_roots(self) -> frozenset[str]:
        return frozenset(m.split(".", 1)[0] for m in self.modules)

    def applies(self, imports: frozenset[str], roots: frozenset[str] | None = None) -> bool:
        """The file imports one of the modules, a submodule of one, or a package above one (`import tensorflow as
        tf` for `tensorflow.summary...`). `roots`: the first parts of `imports`, when the caller knows them."""
        if not self.modules:
            return True
        if roots is None:
            roots = import_roots(imports)
        if roots.isdisjoint(self.module_roots):  # most files fail here, cheaply
            return False
        wanted = [m for m in self.modules if m.split(".", 1)[0] in roots]
        return any(i.startswith(m) or m.startswith(i + ".") for i in imports for m in wanted)

    def scan_words(self) -> tuple[str, ...]:
        return self._scan_words

    @cached_property
    def _scan_words(self) -> tuple[str, ...]:
        last = self.name.rsplit("\\.", 1)[-1]
        return self.words or tuple(w.lstrip("_") for w in re.findall(r"[A-Za-z_]\w{2,}", last)) or (self.name,)

    def matches(self, call: Call, imports: frozenset[str]) -> bool:
        if not self.pattern.search(call.name):
            return False
        if self.imports and not any(i == m or i.startswith(m + ".") for i in imports for m in self.imports):
            return False
        if self.keyword:
            key, _, wanted = self.keyword.partition("=")
            if key not in call.keywords:
                return False
            if wanted and str(call.keywords[key]).lower() != wanted:
                return False
        return True


def import_roots(imports: frozenset[str]) -> frozenset[str]:
    """Top-level packages of a file's imports."""
    return frozenset(i.split(".", 1)[0] for i in imports)


@dataclass
class Hit:
    tool: str
    path: str
    line: int
    call: str

    def where(self) -> str:
        if self.path.endswith(".ipynb"):  # lines of the joined code cells, not of the notebook's JSON
            return f"{self.path} code line {self.line} ({self.call})"
        return f"{self.path}:{self.line} ({self.call})"


def _dotted(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    if isinstance(node, ast.Call):  # Client().method -> "<resolved Client>().method"
        inner = _dotted(node.func)
        if inner is None:
            return None
        return [*inner[:-1], inner[-1] + "()", *reversed(parts)]
    return None


def _constant(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else None


DATA_READS = {"read_csv", "read_parquet", "read_json", "read_sql", "read_table", "read_excel", "load_dataset"}
_DATA_CHECKS = {"isnan", "isnull", "isna", "notna", "notnull", "dtypes", "columns", "duplicated", "nunique", "between"}


def _checks_data(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A test or check function that reads a data file and asserts on its schema, missing values or values."""
    if not node.name.startswith(("test", "check", "validate")):
        return False
    names: set[str] = set()
    asserts = False
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute):
            names.add(child.attr)
        elif isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Assert):
            asserts = True
    return asserts and bool(names & DATA_READS) and bool(names & _DATA_CHECKS)


class _Visitor(ast.NodeVisitor):
    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.calls: list[Call] = []
        self.functions: set[str] = set()
        self.data_checks: list[tuple[str, int]] = []  # (function, line) of hand-written data checks
        self.bases: list[tuple[str, int]] = []  # (resolved base class, line) of every class definition
        self.keys: list[tuple[str, int]] = []  # (string, line) used as a dict key or a subscript index

    def _resolve(self, parts: list[str]) -> str:
        head = parts[0]
        root = head.removesuffix("()")
        if root in self.aliases:
            head = self.aliases[root] + head[len(root) :]
        return ".".join([head, *parts[1:]])

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                self.aliases.setdefault(alias.name.split(".")[0], alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            if alias.name != "*":
                self.aliases[alias.asname or alias.name] = f"{module}.{alias.name}" if module else alias.name

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.add(node.name)
        if _checks_data(node):
            self.data_checks.append((node.name, node.lineno))
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.functions.add(node.name)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            parts = _dotted(base)
            if parts is not None:
                self.bases.append((self._resolve(parts), node.lineno))
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                self.keys.append((key.value, key.lineno))
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            self.keys.append((node.slice.value, node.lineno))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        if isinstance(node.value, ast.Call) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            parts = _dotted(node.value.func)
            if parts is not None:
                self.aliases[node.targets[0].id] = self._resolve(parts) + "()"

    def visit_Call(self, node: ast.Call) -> None:
        parts = _dotted(node.func)
        if parts is not None:
            keywords = {k.arg: _constant(k.value) for k in node.keywords if k.arg}
            args = tuple(_constant(a) for a in node.args)
            self.calls.append(Call(self._resolve(parts), node.lineno, keywords, args))
        self.generic_visit(node)


@dataclass
class PyFacts:
    calls: list[Call] = field(default_factory=list)
    functions: set[str] = field(default_factory=set)
    data_checks: list[tuple[str, int]] = field(default_factory=list)
    bases: list[tuple[str, int]] = field(default_factory=list)  # (resolved base class, line)
    keys: list[tuple[str, int]] = field(default_factory=list)  # (string dict key or subscript index, line)


def _trees(text: str) -> list[ast.Module]:
    """The file as one tree; a notebook whose cells do not all parse (cell magics, shell cells) cell by cell, with
    the line numbers of the joined text."""
    clean = _MAGIC.sub("", text)
    try:
        return [ast.parse(clean)]
    except (SyntaxError, ValueError, RecursionError):
        if CELL_BREAK not in clean:
            return []
    trees: list[ast.Module] = []
    offset = 0
    for cell in clean.split(CELL_BREAK):
        try:
            tree = ast.parse(cell)
        except (SyntaxError, ValueError, RecursionError):
            tree = None
        if tree is not None:
            trees.append(ast.increment_lineno(tree, offset))
        offset += cell.count("\n") + CELL_BREAK.count("\n")
    return trees


def parse(text: str) -> PyFacts:
    """Calls and function names of one Python file or notebook's code (nothing when it does not parse)."""
    visitor = _Visitor()
    for tree in _trees(text):
        try:
            visitor.visit(tree)
        except RecursionError:
            continue
    return PyFacts(visitor.calls, visitor.functions, visitor.data_checks, visitor.bases, visitor.keys)


class CallIndex:
    """Parses the indexed files on demand, once each."""

    def __init__(self, index: CodeIndex) -> None:
        self.index = index
        self._parsed: dict[str, PyFacts] = {}
        self._roots: dict[frozenset[str], frozenset[str]] = {}  # many files share one set of imports

    def facts(self, source: SourceFile) -> PyFacts:
        found = self._parsed.get(source.path)
        if found is None:
            found = self._parsed[source.path] = parse(source.text)
        return found

    def find(self, rules: list[Rule], files: list[SourceFile] | None = None) -> list[Hit]:
        """Every call matching a rule in the project's own files (or in `files`), in path and line order."""
        hits: list[Hit] = []
        for source in self.index.files if files is None else files:
            roots = self._roots.get(source.imports)
            if roots is None:
                roots = self._roots[source.imports] = import_roots(source.imports)
            usable = [r for r in rules if r.applies(source.imports, roots)]  # an SDK the file never imports: no match
            if not usable or not any(w in source.text for r in usable for w in r.scan_words()):
                continue
            for call in self.facts(source).calls:
                for rule in usable:
                    if rule.matches(call, source.imports):
                        hits.append(Hit(rule.tool, source.path, call.line, call.name))
                        break
        return hits

    def apart(self, rules: list[Rule]) -> list[Hit]:
        """The same search over tests, teaching material, templates and a published tool's own sources."""
        return self.find(rules, self.index.apart.files) if self.index.apart else []


def by_tool(hits: list[Hit]) -> dict[str, list[Hit]]:
    grouped: dict[str, list[Hit]] = {}
    for hit in hits:
        grouped.setdefault(hit.tool, []).append(hit)
    return grouped


def evidence(hits: list[Hit], limit: int = 10) -> str:
    """`path:line (call)` for the first hits, with a count of the rest: a bounded list an auditor can check."""
    shown = [h.where() for h in hits[:limit]]
    more = f" (+{len(hits) - limit} more)" if len(hits) > limit else ""
    return ", ".join(shown) + more

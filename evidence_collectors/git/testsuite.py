"""Automated tests in the tree: test files, test cases (functions) and the layers they cover."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from evidence_collectors.git.code_index import lines_holding
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.snapshot import Snapshot, TreeEntry

_PY_CASE = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+test\w*[ \t]*\(", re.MULTILINE)
_TEST_CASE_CLASS = re.compile(r"^[ \t]*class[ \t]+\w+[ \t]*\([^)]*TestCase[^)]*\)", re.MULTILINE)
_CASES = {
    ".py": _PY_CASE,
    ".go": re.compile(r"^func\s+(Test|Benchmark|Fuzz)\w*\(", re.MULTILINE),
    ".js": re.compile(r"\b(it|test)(\.each\(.*?\))?\s*\(\s*['\"`]"),
    ".java": re.compile(r"@(Test|ParameterizedTest)\b"),
    ".r": re.compile(r"\btest_that\s*\("),
}
_CASES.update(
    {
        ".ts": _CASES[".js"],
        ".jsx": _CASES[".js"],
        ".tsx": _CASES[".js"],
        ".kt": _CASES[".java"],
        ".scala": re.compile(r"\btest\s*\(\s*\"|\bit\s+should\b|\"[^\"]+\"\s+in\s*\{"),
    }
)
_TEST_DIRS = {"test", "tests", "testing", "__tests__", "spec", "specs", "testthat"}
_LAYERS = [
    ("integration", r"integration|(^|/)it(/|$)|component|api[_-]?tests?"),
    ("e2e", r"e2e|end[_-]?to[_-]?end|system|acceptance|functional"),
    ("performance", r"perf|performance|load|stress|benchmark|locust|k6"),
    ("contract", r"contract|pact"),
    ("smoke", r"smoke|sanity"),
    ("regression", r"regression|golden|snapshot"),
    ("model_behaviour", r"behavio|invarian|directional|fairness|robust|bias|model[_-]?(tests?|quality|eval)"),
    ("data", r"data[_-]?(tests?|validation|quality)|schema"),
    ("security", r"security|adversar|fuzz|injection"),
    ("unit", r"unit"),
]
_CONTENT_LAYERS = [
    ("property_based", re.compile(r"^\s*(from|import)\s+hypothesis\b", re.MULTILINE)),
    ("performance", re.compile(r"^\s*(from|import)\s+locust\b|from ['\"]k6", re.MULTILINE)),
    ("contract", re.compile(r"^\s*(from|import)\s+pact\b", re.MULTILINE)),
    ("data", re.compile(r"^\s*(from|import)\s+(great_expectations|pandera|deepchecks)\b", re.MULTILINE)),
    ("fuzz", re.compile(r"^\s*(from|import)\s+atheris\b|func Fuzz", re.MULTILINE)),
]

# A word each pattern above cannot match without: a file that holds none is not searched line by line.
_CONTENT_WORDS = [("hypothesis",), ("locust", "k6"), ("pact",), ("great_expectations", "pandera", "deepchecks")]
_CONTENT_WORDS += [("atheris", "func Fuzz")]


@dataclass
class TestSuite:
    files: list[str] = field(default_factory=list)
    cases: int = 0
    layers: dict[str, set[str]] = field(default_factory=dict)
    case_lines: dict[str, list[int]] = field(default_factory=dict)  # file -> line of each test case counted


def case_lines(pattern: re.Pattern[str], text: str) -> list[int]:
    """Line number (from 1) where each match of the pattern starts."""
    if pattern is _PY_CASE:
        return _py_case_lines(text)
    found: list[int] = []
    line, at = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        found.append(line)
    return found


def _py_case_lines(text: str) -> list[int]:
    """`case_lines` for `_PY_CASE`: a match lies within one line, from its start, and holds `def`, so the pattern is
    tried only at the starts of the lines holding it."""
    found: list[int] = []
    line, at = 1, 0
    for start in lines_holding(text, "def"):
        if _PY_CASE.match(text, start):
            line += text.count("\n", at, start)
            at = start
            found.append(line)
    return found


def _suffix(entry: TreeEntry) -> str:
    return posixpath.splitext(entry.lower)[1]


def is_test_file(entry: TreeEntry, text: str) -> bool:
    name, suffix = entry.name.lower(), _suffix(entry)
    parts = set(entry.lower.split("/")[:-1])
    if suffix == ".py":
        if name in {"__init__.py", "conftest.py"}:
            return False
        # `tests.py`: the test module of a package (Django's convention, also used by small packages)
        named = name.startswith("test_") or name.endswith("_test.py") or name == "tests.py" or bool(parts & _TEST_DIRS)
        # a script named test_*.py that defines no test is not a test for any runner; a file whose content was not
        # read (beyond max_files_read) is known by its name only
        if not text:
            return name.startswith("test_") or name.endswith("_test.py")
        return named and bool(_PY_CASE.search(text) or _TEST_CASE_CLASS.search(text))
    if suffix == ".go":
        return name.endswith("_test.go")
    if suffix in {".js", ".ts", ".jsx", ".tsx"}:
        return bool(re.search(r"\.(test|spec)\.[jt]sx?$", name)) or "__tests__" in parts
    if suffix in {".java", ".kt", ".scala"}:
        return "test" in parts and bool(re.search(r"(test|tests|spec|it)\.(java|kt|scala)$", name))
    if suffix == ".r":
        return "testthat" in parts and name.startswith("test")
    return False


def scan(snap: Snapshot) -> TestSuite:
    suite = TestSuite()
    # the test files of other languages are known by name: read together before their cases are counted
    snap.prefetch(e.path for e in snap.entries if _suffix(e) in _CASES and _suffix(e) != ".py" and is_test_file(e, ""))
    for entry in snap.entries:
        suffix = _suffix(entry)
        # only a Python file's test status depends on its content: other sources are decoded once known as tests
        text = snap.text(entry.path) if suffix == ".py" or entry.name.lower() == "setup.cfg" else ""
        if suffix not in _CASES or not is_test_file(entry, text):
            if entry.name.lower() in {"locustfile.py", ".mutmut-cache", "mutmut_config.py"} or (
                entry.name.lower() == "setup.cfg" and "[mutmut]" in text
            ):
                layer = "performance" if entry.name.lower() == "locustfile.py" else "mutation"
                suite.layers.setdefault(layer, set()).add(entry.path)
            continue
        text = text or snap.text(entry.path)
        suite.files.append(entry.path)
        lines = case_lines(_CASES[suffix], text)
        suite.cases += len(lines)
        suite.case_lines[entry.path] = lines
        named = [layer for layer, pattern in _LAYERS if re.search(pattern, entry.lower)]
        named += [
            layer
            for (layer, regex), words in zip(_CONTENT_LAYERS, _CONTENT_WORDS, strict=True)
            if any(w in text for w in words) and regex.search(text)
        ]
        for layer in named or ["unit"]:
            suite.layers.setdefault(layer, set()).add(entry.path)
    return suite


def test_findings(snap: Snapshot, suite: TestSuite) -> Findings:
    raw = snap.raws(set(suite.files), lines=suite.case_lines)
    unread = sum(1 for p in suite.files if p not in snap.contents)
    layers = sorted(suite.layers)
    return {
        "git.test_files": Finding(
            value=len(suite.files),
            raw=raw,
            summary=f"{len(suite.files)} test file(s)" + (f", e.g. {sample(suite.files, 3)}" if suite.files else ""),
        ),
        "git.test_cases": Finding(
            value=suite.cases,
            raw=raw,
            summary=f"{suite.cases} test case(s) (test functions; parametrised cases counted once) in "
            f"{len(suite.files)} file(s)" + (f"; {unread} test file(s) too large to read" if unread else ""),
        ),
        "git.test_layers": Finding(
            value=layers,
            raw=raw,
            summary=(
                "test layers: "
                + "; ".join(f"{layer} ({len(suite.layers[layer])} file(s))" for layer in layers)
                + " (test files outside a named layer count as unit)"
            )
            if layers
            else "no automated tests",
        ),
    }

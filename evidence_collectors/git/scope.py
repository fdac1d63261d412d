"""Whose practice a file shows: the project's own code, its tests, teaching material or a template.

Tutorial, documentation and example folders, notebooks that address a learner and parametrised template folders
describe how someone else could work; they are reported apart and never make a practice probe true on their own.
Tests make the test probes true but not the others (a test that starts an MLflow run is not experiment tracking).
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from typing import Literal

Scope = Literal["own", "test", "teaching", "template", "library"]

_TEACHING_DIRS = {
    "doc",
    "docs",
    "documentation",
    "tutorial",
    "tutorials",
    "example",
    "examples",
    "sample",
    "samples",
    "demo-notebooks",
}
_TEST_DIRS = {"test", "tests", "testing", "test_data", "testdata", "__tests__", "fixtures"}
# Words with which a notebook's prose addresses a learner ("in this lab you will ...").
_LEARNER = re.compile(
    r"\b(in this (lab|workshop|tutorial|exercise|module|lesson|course)\b|this (lab|workshop|tutorial|lesson|exercise)\b"
    r"|you will (learn|prepare|build|train|create|deploy|use|see|explore)\b|you'll (learn|build|see)\b"
    r"|we will (learn|walk)\b|learn how to\b|notebook overview\b|learning objectives\b"
    r"|before proceeding with this notebook|homework\b)",
    re.IGNORECASE,
)
# A notebook titled as a lesson: its first headings name a workshop, lab, tutorial, course, lesson or numbered module.
_LESSON_TITLE = re.compile(
    r"^#{1,3}[^\n]*\b(workshop|tutorial|lesson|course|hands-on lab|lab\s*\d+|module\s*\d+)\b",
    re.IGNORECASE | re.MULTILINE,
)


@lru_cache(maxsize=1 << 16)
def path_scope(path: str) -> Scope:
    """Scope by path alone: templates first (`{{ cookiecutter.x }}` folders), then tests, then teaching folders."""
    parts = path.lower().split("/")
    if any("{{" in p or "{%" in p for p in parts[:-1]):
        return "template"
    name = parts[-1]
    if (
        any(p in _TEST_DIRS for p in parts[:-1])
        or (name.startswith("test_") and name.endswith(".py"))
        or name.endswith(("_test.py", "_tests.py"))
        or name == "tests.py"
        or name == "conftest.py"
    ):
        return "test"
    if any(p in _TEACHING_DIRS for p in parts[:-1]):
        return "teaching"
    return "own"


def addresses_learner(prose: str) -> bool:
    """True when a notebook's markdown presents it as a lesson."""
    return bool(_LEARNER.search(prose[:8000]) or _LESSON_TITLE.search(_headings(prose[:2000])))


def _headings(prose: str) -> str:
    """The first two markdown headings of a notebook's prose (its title and first section)."""
    return "\n".join([line for line in prose.splitlines() if line.startswith("#")][:2])


def teaching_series(notebooks: dict[str, bool]) -> set[str]:
    """Notebook paths that teach: those whose prose addresses a learner. Siblings are judged on their own prose: the
    numbered notebooks of a project often sit beside one written as a walk-through."""
    return {p for p, teaches in notebooks.items() if teaches}


_PROJECT_NAME = re.compile(r"""^\s*name\s*=\s*["']([A-Za-z0-9_.\-]+)["']""", re.MULTILINE)
_SETUP_NAME = re.compile(r"""\bname\s*=\s*["']([A-Za-z0-9_.\-]+)["']""")


def distribution_names(files: dict[str, str]) -> set[str]:
    """Names of the Python distributions the repository root declares (pyproject.toml, setup.py, setup.cfg)."""
    names: set[str] = set()
    for path, text in files.items():
        if path == "pyproject.toml":
            try:
                doc = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                continue
            project, poetry = doc.get("project"), doc.get("tool", {}).get("poetry")
            for table in (project, poetry):
                if isinstance(table, dict) and isinstance(table.get("name"), str):
                    names.add(table["name"])
        elif path == "setup.cfg":
            names |= {m.group(1) for m in _PROJECT_NAME.finditer(text)}
        elif path == "setup.py":
            names |= {m.group(1) for m in _SETUP_NAME.finditer(text)}
    return {n.lower().replace("-", "_").replace(".", "_") for n in names}


def library_roots(files: dict[str, str], tool_packages: set[str]) -> set[str]:
    """Folders holding the sources of a tool the repository itself publishes (`src/` and `bentoml/` in BentoML): that
    code implements the capability for the tool's users; it is not the project's own use of it."""
    tools = {p.lower().replace("-", "_") for p in tool_packages}
    own = distribution_names(files) & tools
    return {f"{name}/" for name in own} | ({"src/"} if own else set())


def practice(scope: Scope) -> bool:
    return scope == "own"

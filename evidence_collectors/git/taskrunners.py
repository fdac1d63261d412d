"""Task runners a CI step calls instead of `make`: `mise run T` (mise.toml `[tasks.T]`), `just T` (justfile recipes),
`task T` (go-task's Taskfile.yml) and `poe T` (`[tool.poe.tasks]` in pyproject.toml). The task's commands, with those
of the tasks it depends on, replace the call, as a Makefile target's recipe does."""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Callable
from typing import Any

from evidence_collectors.git import yamldocs
from evidence_collectors.git.commands import command_words
from evidence_collectors.git.snapshot import Snapshot

Tasks = dict[str, tuple[list[str], list[str]]]  # task -> (tasks it depends on, command lines)

_MISE_FILES = ("mise.toml", ".mise.toml", "mise/config.toml", ".config/mise.toml", ".mise/config.toml")
_TASKFILES = ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")
_JUST_RECIPE = re.compile(r"^@?([A-Za-z_][\w-]*)((?:\s+[^:=\s]+)*)\s*:(?!=)\s*(.*)$")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _mise(text: str) -> Tasks:
    tasks: Tasks = {}
    with contextlib.suppress(tomllib.TOMLDecodeError):
        table = tomllib.loads(text).get("tasks")
        for name, spec in table.items() if isinstance(table, dict) else []:
            if isinstance(spec, dict):
                tasks[str(name)] = (_strings(spec.get("depends")), _strings(spec.get("run")))
            else:
                tasks[str(name)] = ([], _strings(spec))
    return tasks


def _poe(text: str) -> Tasks:
    tasks: Tasks = {}
    with contextlib.suppress(tomllib.TOMLDecodeError):
        table = tomllib.loads(text).get("tool", {}).get("poe", {}).get("tasks")
        for name, spec in table.items() if isinstance(table, dict) else []:
            if isinstance(spec, dict):
                commands = _strings(spec.get("cmd")) + _strings(spec.get("shell"))
                depends = _strings(spec.get("ref")) + _strings(spec.get("deps")) + _strings(spec.get("sequence"))
                tasks[str(name)] = (depends, commands)
            elif isinstance(spec, list):
                tasks[str(name)] = ([s for s in spec if isinstance(s, str)], [])
            else:
                tasks[str(name)] = ([], _strings(spec))
    return tasks


def _taskfile(text: str) -> Tasks:
    tasks: Tasks = {}
    doc = None
    with contextlib.suppress(yamldocs.YAMLError):
        doc = yamldocs.load(text)
    table = doc.get("tasks") if isinstance(doc, dict) else None
    for name, spec in table.items() if isinstance(table, dict) else []:
        if not isinstance(spec, dict):
            tasks[str(name)] = ([], _strings(spec))
            continue
        depends: list[str] = []
        commands: list[str] = []
        for item in spec.get("deps") or []:
            depends += _strings(item.get("task") if isinstance(item, dict) else item)
        for item in spec.get("cmds") or []:
            if isinstance(item, dict):
                depends += _strings(item.get("task"))
                commands += _strings(item.get("cmd"))
            else:
                commands += _strings(item)
        tasks[str(name)] = (depends, commands)
    return tasks


def _justfile(text: str) -> Tasks:
    tasks: Tasks = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line[:1] in {" ", "\t"}:
            if current is not None and line.strip() and not line.strip().startswith("#"):
                current.append(line.strip().lstrip("@-"))
            continue
        current = None
        match = _JUST_RECIPE.match(line)
        if match and not line.startswith(("set ", "export ", "alias ", "import ", "mod ")):
            depends = [d for d in match.group(3).split() if re.fullmatch(r"[A-Za-z_][\w-]*", d)]
            current = []
            tasks[match.group(1)] = (depends, current)
    return tasks


_READERS: dict[str, tuple[tuple[str, ...], Callable[[str], Tasks]]] = {
    "mise": (_MISE_FILES, _mise),
    "just": (("justfile", "Justfile", ".justfile"), _justfile),
    "task": (_TASKFILES, _taskfile),
    "poe": (("pyproject.toml",), _poe),
}


def task_call(line: str) -> tuple[str, list[str]] | None:
    """(runner, task names) when the line calls a task runner, else None."""
    words = command_words(line)
    if not words or words[0] not in _READERS:
        return None
    runner, rest = words[0], words[1:]
    if runner == "mise":
        if not rest or rest[0] not in {"run", "r"}:
            return None
        rest = rest[1:]
    names = [w for w in rest if not w.startswith("-") and "=" not in w]
    if runner in {"mise", "poe"}:
        names = names[:1]  # further words are the task's arguments
    return (runner, names) if names else None


def task_commands(snap: Snapshot, runner: str, names: list[str], used: set[str]) -> str | None:
    """The command lines the named tasks run (with the tasks they depend on), or None when no task file defines them."""
    files, reader = _READERS[runner]
    tasks: Tasks = {}
    for path in files:
        if path in snap.contents:
            used.add(path)
            tasks = {**reader(snap.text(path)), **tasks}
    if not tasks:
        return None
    commands: list[str] = []
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop(0)
        if name in seen or name not in tasks:
            continue
        seen.add(name)
        depends, lines = tasks[name]
        pending += depends
        commands += lines
    return "\n".join(commands) if seen else None

"""Work a CI step hands to another runner: a job-spec file submitted to a platform, whose entrypoint or command is
what really runs (`anyscale jobs submit job.yaml`, `az ml job create -f job.yml`, `gcloud builds submit --config
build.yaml`, `gcloud ai custom-jobs create --config`, `sky launch task.yaml`), or a command after `--`
(`ray job submit -- python train.py`).

Only the spec is read here; the commands it names are expanded by the caller like any other CI line (scripts,
Makefile targets, further hand-offs), so a script's activity is credited only when a call reaches it.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import shlex
from typing import Any

from evidence_collectors.git import yamldocs
from evidence_collectors.git.snapshot import Snapshot

# (command words, option naming the spec file or "" for the first YAML argument)
_SUBMITTERS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("anyscale", "job", "submit"), ("--config-file", "-f", "")),
    (("anyscale", "jobs", "submit"), ("--config-file", "-f", "")),
    (("anyscale", "service", "rollout"), ("--service-config-file", "-f", "")),
    (("az", "ml", "job", "create"), ("--file", "-f")),
    (("gcloud", "builds", "submit"), ("--config",)),
    (("gcloud", "ai", "custom-jobs", "create"), ("--config",)),
    (("gcloud", "beta", "ai", "custom-jobs", "create"), ("--config",)),
    (("sky", "launch"), ("",)),
    (("sky", "jobs", "launch"), ("",)),
]
_HEADS = {p[0] for p, _ in _SUBMITTERS} | {"ray", "sky", "accelerate", "torchrun", "deepspeed"}
_COMMAND_KEYS = {"entrypoint", "command", "script", "args", "run"}
_RUNNER_HEADS = {"ray", "sky", "accelerate", "torchrun", "deepspeed"}


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line, comments=True)
    except ValueError:
        return line.split()


def _spec_path(words: list[str], options: tuple[str, ...]) -> str | None:
    for n, word in enumerate(words):
        for option in options:
            if option and word == option and n + 1 < len(words):
                return words[n + 1]
            if option and word.startswith(option + "="):
                return word.split("=", 1)[1]
    if "" in options:
        return next((w for w in words if w.endswith((".yaml", ".yml")) and not w.startswith("-")), None)
    return None


def _commands(node: Any, depth: int = 0) -> list[str]:
    """Command strings a job spec runs: entrypoint/command/script/run values, args joined when they form a shell
    call (`["bash", "-c", "..."]`), Cloud Build steps' entrypoint plus args."""
    found: list[str] = []
    if depth > 8:
        return found
    if isinstance(node, dict):
        entry = node.get("entrypoint")
        args = node.get("args")
        if isinstance(entry, str) and isinstance(args, list) and all(isinstance(a, str | int) for a in args):
            parts = [str(a) for a in args]
            found.append(parts[-1] if entry in {"bash", "sh"} and "-c" in parts else " ".join([entry, *parts]))
        elif isinstance(entry, str):
            found.append(entry)
        for key, value in node.items():
            if key in _COMMAND_KEYS and key != "entrypoint" and not (key == "args" and isinstance(entry, str)):
                if isinstance(value, str):
                    found.append(value)
                elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                    found.append(" ".join(shlex.quote(v) for v in value) if key != "script" else "\n".join(value))
            elif isinstance(value, dict | list):
                found += _commands(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            found += _commands(item, depth + 1)
    return found


def handed_off(snap: Snapshot, line: str, base: str = "") -> tuple[str, list[str]] | None:
    """(what was followed, command lines it runs) when the line submits work elsewhere, else None. `base`: the
    folder the line runs in."""
    head = line.lstrip().split(" ", 1)[0]
    if head not in _HEADS:  # most lines submit nothing: no tokenising for them
        return None
    words = _words(line)
    if "--" in words and words and words[0] in _RUNNER_HEADS:
        rest = words[words.index("--") + 1 :]
        return ("command after --", [shlex.join(rest)]) if rest else None
    for prefix, options in _SUBMITTERS:
        if tuple(words[: len(prefix)]) != prefix:
            continue
        spec = _spec_path(words[len(prefix) :], options)
        if spec is None:
            return None
        path = posixpath.normpath(posixpath.join(base, spec))
        if path not in snap.contents:
            return None
        doc: Any = None
        with contextlib.suppress(yamldocs.YAMLError):
            doc = yamldocs.load(snap.text(path))
        return path, _commands(doc)
    return None


def strategy_of(text: str) -> str | None:
    """A platform rollout mode chosen explicitly in a service spec (Anyscale `rollout_strategy: ROLLOUT`)."""
    match = re.search(r"^rollout_strategy\s*:\s*['\"]?(\w+)", text, re.MULTILINE)
    return "gradual_rollout" if match and match.group(1).upper() == "ROLLOUT" else None

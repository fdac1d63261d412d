"""Jobs, triggers and shared templates from each CI system's configuration format.

Each parser turns one file into `CiFile`: jobs with the shell lines and actions they run. Parsing is tolerant: a file
that is not valid YAML is reported with the error and no jobs rather than failing the collection.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field

from evidence_collectors.git import yamldocs


class CiJob(BaseModel):
    name: str
    commands: list[str] = Field(default_factory=list)  # shell text as written (may span lines)
    actions: list[str] = Field(default_factory=list)  # reusable steps (GitHub `uses:`, Azure `task:`)
    delegated: list[str] = Field(default_factory=list)  # work handed to another pipeline (reusable workflow, trigger)
    environment: bool = False  # declares a deployment environment


# Environments that receive a documentation site, not a model or service.
_SITE_ENVIRONMENT = re.compile(r"^(github-pages|gh-pages|pages|docs?|documentation)$", re.IGNORECASE)


def deploys_to(environment: Any) -> bool:
    """True when a job's `environment:` names a deployment target (a documentation site is published, not deployed)."""
    name = environment.get("name") if isinstance(environment, dict) else environment
    if not environment:
        return False
    return not (isinstance(name, str) and _SITE_ENVIRONMENT.match(name.strip()))


class CiFile(BaseModel):
    system: str
    path: str
    jobs: list[CiJob] = Field(default_factory=list)
    triggers: set[str] = Field(default_factory=set)
    templates: list[str] = Field(default_factory=list)  # shared, centrally maintained definitions it references
    error: str = ""


def _load(text: str) -> Any:
    return yamldocs.load(text)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


# --- GitHub Actions ------------------------------------------------------------------------------------------------

_GH_TRIGGERS = {
    "pull_request_target": "pull_request",
    "workflow_dispatch": "manual",
    "repository_dispatch": "api",
    "merge_group": "merge_queue",
}


def parse_github(path: str, text: str) -> CiFile:
    doc = _load(text)
    result = CiFile(system="github_actions", path=path)
    if not isinstance(doc, dict):
        result.error = "not a workflow mapping"
        return result
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as true
    names = [on] if isinstance(on, str) else list(on) if isinstance(on, list | dict) else []
    for name in names:
        result.triggers.add(_GH_TRIGGERS.get(str(name), str(name)))
    if isinstance(on, dict) and isinstance(on.get("push"), dict) and "tags" in on["push"]:
        result.triggers.add("tag")
    jobs = doc.get("jobs")
    for job_id, job in jobs.items() if isinstance(jobs, dict) else []:
        if not isinstance(job, dict):
            continue
        ci_job = CiJob(name=str(job_id), environment=deploys_to(job.get("environment")))
        uses = job.get("uses")
        if isinstance(uses, str):
            ci_job.delegated.append(uses)
            if not uses.startswith("./"):
                result.templates.append(uses)
        for step in job.get("steps") or []:
            if not isinstance(step, dict):
                continue
            if isinstance(step.get("run"), str):
                ci_job.commands.append(step["run"])
            if isinstance(step.get("uses"), str):
                action = step["uses"]
                with_: dict[str, Any] = step["with"] if isinstance(step.get("with"), dict) else {}
                if "build-push-action" in action and str(with_.get("push", "")).lower() == "true":
                    action += " --push"
                ci_job.actions.append(action)
        result.jobs.append(ci_job)
    return result


# --- GitLab CI -----------------------------------------------------------------------------------------------------

_GITLAB_RESERVED = {
    "image",
    "services",
    "stages",
    "types",
    "before_script",
    "after_script",
    "variables",
    "cache",
    "include",
    "workflow",
    "default",
    "spec",
}
_GITLAB_SOURCES = {
    "merge_request_event": "merge_request",
    "schedule": "schedule",
    "web": "manual",
    "api": "api",
    "trigger": "api",
    "push": "push",
    "pipeline": "parent_pipeline",
}
_GITLAB_ONLY = {
    "tags": "tag",
    "merge_requests": "merge_request",
    "schedules": "schedule",
    "web": "manual",
    "api": "api",
    "triggers": "api",
    "pushes": "push",
    "branches": "push",
}


def gitlab_includes(doc: Any) -> tuple[list[str], list[str]]:
    """(local files, shared templates) named under `include:`."""
    include = doc.get("include") if isinstance(doc, dict) else None
    items = include if isinstance(include, list) else [include] if include else []
    local: list[str] = []
    shared: list[str] = []
    for item in items:
        if isinstance(item, str):
            (shared if "://" in item else local).append(item)
        elif isinstance(item, dict):
            if "local" in item:
                local.append(str(item["local"]))
            for key in ("project", "remote", "template", "component"):
                if key in item:
                    shared.append(
                        f"{key}:{item[key]}" + (f"/{item['file']}" if key == "project" and "file" in item else "")
                    )
    return [p.lstrip("/") for p in local], shared


def _gitlab_rule_triggers(spec: Any) -> set[str]:
    found: set[str] = set()
    text = str(spec)
    for source, trigger in _GITLAB_SOURCES.items():
        if re.search(rf"CI_PIPELINE_SOURCE\s*==\s*['\"]{source}['\"]", text):
            found.add(trigger)
    if "CI_COMMIT_TAG" in text:
        found.add("tag")
    if "CI_MERGE_REQUEST" in text:
        found.add("merge_request")
    return found


def parse_gitlab(path: str, docs: list[tuple[str, Any]]) -> CiFile:
    """`docs`: the root .gitlab-ci.yml followed by the local files it includes, each already loaded."""
    result = CiFile(system="gitlab_ci", path=path, triggers={"push"})
    merged: dict[str, Any] = {}
    for _, doc in docs:
        if isinstance(doc, dict):
            merged.update(doc)
    _, result.templates = gitlab_includes(docs[0][1] if docs else {})
    default: dict[str, Any] = merged["default"] if isinstance(merged.get("default"), dict) else {}
    result.triggers |= _gitlab_rule_triggers(merged.get("workflow", ""))

    def resolved(job: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        parents = job.get("extends")
        base: dict[str, Any] = {}
        for parent in ([parents] if isinstance(parents, str) else parents or []) if depth < 5 else []:
            if isinstance(merged.get(parent), dict):
                base.update(resolved(merged[parent], depth + 1))
        return {**base, **job}

    for name, body in merged.items():
        if name in _GITLAB_RESERVED or str(name).startswith(".") or not isinstance(body, dict):
            continue
        job = resolved(body)
        ci_job = CiJob(name=str(name), environment=deploys_to(job.get("environment")))
        for key in ("before_script", "script", "after_script"):
            lines = job.get(key, default.get(key, merged.get(key) if key != "script" else None))
            ci_job.commands += _strings(lines)
        if job.get("trigger"):
            ci_job.delegated.append(str(job["trigger"]))
        result.triggers |= _gitlab_rule_triggers(job.get("rules", ""))
        for only in _strings(job.get("only")):
            result.triggers.add(_GITLAB_ONLY.get(only, "push"))
        if job.get("when") == "manual":
            result.triggers.add("manual")
        result.jobs.append(ci_job)
    for template in result.templates:
        result.jobs.append(CiJob(name=f"include {template}", delegated=[template]))
    return result


# --- Jenkins -------------------------------------------------------------------------------------------------------

_STAGE = re.compile(r"""\bstage\s*\(\s*(?:name\s*:\s*)?['"]([^'"]+)['"]""")
_SHELL = re.compile(r"""\b(?:sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?('''|\"\"\"|'|")(.*?)\1""", re.DOTALL)
_BUILD_JOB = re.compile(r"""\bbuild\s*\(?\s*(?:job\s*:\s*)?['"]([^'"]+)['"]""")
_LIBRARY = re.compile(r"""@Library\s*\(\s*\[?\s*['"]([^'"]+)['"]""")


def parse_jenkins(path: str, text: str) -> CiFile:
    result = CiFile(system="jenkins", path=path, triggers={"push"})
    code = re.sub(r"(?m)^\s*//.*$", "", text)
    result.templates = _LIBRARY.findall(code)
    if re.search(r"\bcron\s*\(|\bparameterizedCron\b", code):
        result.triggers.add("schedule")
    if re.search(r"\bbuildingTag\s*\(|\btag\s+['\"]", code):
        result.triggers.add("tag")
    if re.search(r"\bchangeRequest\s*\(", code):
        result.triggers.add("pull_request")
    starts = [(m.start(), m.group(1)) for m in _STAGE.finditer(code)]
    blocks = [
        (name, code[pos : starts[n + 1][0] if n + 1 < len(starts) else len(code)])
        for n, (pos, name) in enumerate(starts)
    ] or [("pipeline", code)]
    for name, block in blocks:
        job = CiJob(
            name=name, commands=[m.group(2) for m in _SHELL.finditer(block)], delegated=_BUILD_JOB.findall(block)
        )
        result.jobs.append(job)
    return result


# --- other YAML-based systems ----------------------------------------------------------------------------------------

_COMMAND_KEYS = {
    "run",
    "script",
    "scripts",
    "command",
    "commands",
    "inlineScript",
    "bash",
    "powershell",
    "pwsh",
    "before_script",
    "after_script",
    "install",
    "build",
    "test",
    "deploy",
    "args",
    "entrypoint",
}
_GENERIC_TRIGGERS = {
    "trigger": "push",
    "pr": "pull_request",
    "schedules": "schedule",
    "pull-requests": "pull_request",
    "tags": "tag",
    "custom": "manual",
    "branches": "push",
    "default": "push",
    "cron": "schedule",
}


def _command_holders(node: Any, trail: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping that directly carries shell commands, with a readable name built from its position."""
    if isinstance(node, dict):
        if any(k in node and _strings(node[k]) for k in _COMMAND_KEYS):
            yield (str(node.get("name") or node.get("displayName") or node.get("label") or trail or "job"), node)
        for key, value in node.items():
            if key not in _COMMAND_KEYS or isinstance(value, dict):  # CircleCI: run: {name: ..., command: ...}
                yield from _command_holders(value, f"{trail}.{key}".strip(".") if not isinstance(key, int) else trail)
    elif isinstance(node, list):
        for n, item in enumerate(node):
            yield from _command_holders(item, f"{trail}[{n}]")


def _templates(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"template", "orbs", "uses", "import", "plugins"}:
                yield from (f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else _strings(value)
            else:
                yield from _templates(value)
    elif isinstance(node, list):
        for item in node:
            yield from _templates(item)


def _keys(node: Any, depth: int = 0) -> Iterator[str]:
    if isinstance(node, dict) and depth < 4:
        for key, value in node.items():
            yield str(key)
            yield from _keys(value, depth + 1)
    elif isinstance(node, list) and depth < 4:
        for item in node:
            yield from _keys(item, depth + 1)


def make_generic(system: str) -> Callable[[str, str], CiFile]:
    def parse(path: str, text: str) -> CiFile:
        result = CiFile(system=system, path=path)
        docs = yamldocs.load_all(text)
        for doc in docs:
            for name, holder in _command_holders(doc):
                commands = [s for k in _COMMAND_KEYS & holder.keys() for s in _strings(holder[k])]
                if "args" in holder and "script" not in holder:  # Cloud Build / Tekton: one command as a list
                    commands = [" ".join(_strings(holder.get("entrypoint")) + _strings(holder["args"]))]
                result.jobs.append(
                    CiJob(
                        name=name,
                        commands=commands,
                        environment=deploys_to(holder.get("environment")) or bool(holder.get("deployment")),
                    )
                )
            result.templates += [t for t in _templates(doc) if t]
            result.triggers |= {_GENERIC_TRIGGERS[k] for k in _keys(doc) if k in _GENERIC_TRIGGERS}
        result.triggers = result.triggers or {"push"}
        return result

    return parse


# --- which file is which system --------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def ci_system(path: str) -> str | None:
    """The CI system a repository path configures, if any (remembered: several probes ask for every path)."""
    lower = path.lower()
    name = posixpath.basename(lower)
    directory = posixpath.dirname(lower)
    is_yaml = name.endswith((".yml", ".yaml"))
    checks: list[tuple[bool, str]] = [
        ((directory == ".github/workflows" or directory.endswith("/.github/workflows")) and is_yaml, "github_actions"),
        (lower == ".gitlab-ci.yml", "gitlab_ci"),
        (name.startswith("jenkinsfile") or name.endswith(".jenkinsfile"), "jenkins"),
        (
            (name.startswith("azure-pipelines") and is_yaml)
            or (directory in {".azure-pipelines", "azure-pipelines", ".azuredevops"} and is_yaml),
            "azure_pipelines",
        ),
        (lower == ".circleci/config.yml", "circleci"),
        (lower == "bitbucket-pipelines.yml", "bitbucket_pipelines"),
        (lower == ".travis.yml", "travis"),
        (lower in {".drone.yml", ".drone.yaml"}, "drone"),
        (lower in {".woodpecker.yml", ".woodpecker.yaml"} or (directory == ".woodpecker" and is_yaml), "woodpecker"),
        (directory == ".buildkite" and is_yaml, "buildkite"),
        (name in {"cloudbuild.yaml", "cloudbuild.yml"}, "google_cloud_build"),
        (name in {"buildspec.yml", "buildspec.yaml"}, "aws_codebuild"),
        (directory == ".tekton" and is_yaml, "tekton"),
        (lower in {"appveyor.yml", ".appveyor.yml"}, "appveyor"),
    ]
    return next((system for matched, system in checks if matched), None)


def parse_file(system: str, path: str, text: str) -> CiFile:
    """One CI file (GitLab's root file is parsed with its includes by the caller)."""
    parsers: dict[str, Callable[[str, str], CiFile]] = {"github_actions": parse_github, "jenkins": parse_jenkins}
    try:
        return parsers.get(system, make_generic(system))(path, text)
    except yamldocs.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return CiFile(system=system, path=path, error=f"invalid YAML{where}")
    except (TypeError, AttributeError, ValueError, KeyError) as exc:  # valid YAML of an unexpected shape
        return CiFile(system=system, path=path, error=f"unexpected structure ({type(exc).__name__})")

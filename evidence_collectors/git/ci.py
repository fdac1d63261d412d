"""CI configuration in the tree: which systems, which jobs, and what those jobs actually run.

Commands are followed one level into the repository: `make T` is replaced by target T's recipe, and a script the job
runs (`./deploy.sh`, `python register.py`) is read, so `make test` whose recipe only echoes is still a placeholder.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from pydantic import BaseModel, Field

from evidence_collectors.git import commands as cmd
from evidence_collectors.git import yamldocs
from evidence_collectors.git.ci_discovery import discover
from evidence_collectors.git.ci_parse import CiFile, CiJob, gitlab_includes, parse_gitlab
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.handoff import handed_off
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot
from evidence_collectors.git.taskrunners import task_call, task_commands
from evidence_collectors.outcome import of

_SETUP_ACTION = re.compile(
    r"/[^@]*(setup|configure|login|checkout|cache|upload-artifact|download-artifact|install)", re.IGNORECASE
)
_MAKE_RULE = re.compile(r"^([A-Za-z0-9_./%-][^:=#\t]*?)\s*::?(?!=)\s*([^;#]*)")
MAX_DEPTH = 3  # scripts, Makefile targets and job specs followed this many levels deep
# A shared CI definition of another repository named as a test step (`test-deployment.yml@templates`).
_TEMPLATE_TEST = re.compile(
    r"(^|/)(tests?|run[-_]tests?|smoke[-_]?tests?|test[-_](deployment|endpoint|model|pipeline|api)s?)\.ya?ml(@|$)",
    re.IGNORECASE,
)
# A stage named as a test of the deployed model or service (Jenkins, CodePipeline): its commands run the test.
_STAGE_TEST = re.compile(r"smoke[ _-]?test|endpoint[ _-]?test|full[ _-]?test|integration[ _-]?test", re.IGNORECASE)
# A throw-away cluster made by the job itself: by command, or by a set-up action (kind-action, setup-minikube, a
# local create-cluster action).
_EPHEMERAL_CLUSTER = re.compile(
    r"\bkind create cluster\b|\bminikube start\b|\bk3d cluster create\b|\bctlptl create cluster\b", re.IGNORECASE
)
_EPHEMERAL_ACTION = re.compile(r"kind|minikube|k3d|k3s|microk8s|create-cluster", re.IGNORECASE)
KEY_ACTIVITIES = {
    "test": "git.ci_runs_tests",
    "train": "git.ci_runs_training",
    "register_model": "git.ci_registers_models",
    "deploy": "git.ci_deploys",
    "data_validation": "git.ci_runs_data_validation",
}
AUTO_DEVOPS = {"build_image", "test", "security_scan", "deploy"}


class JobResult(BaseModel):
    system: str
    file: str
    name: str
    effective: bool = False
    activities: dict[str, str] = Field(default_factory=dict)  # activity -> the line that shows it
    delegated: list[str] = Field(default_factory=list)

    @property
    def label(self) -> str:
        what = ", ".join(sorted(self.activities)) if self.activities else "runs commands"
        return f"{self.system} {self.file}#{self.name}: {what if self.effective else 'runs nothing'}"


def _makefile(text: str) -> dict[str, tuple[list[str], list[str]]]:
    """target -> (prerequisites, recipe lines); '<default>' is the first ordinary target."""
    rules: dict[str, tuple[list[str], list[str]]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("\t"):
            for target in current:
                rules[target][1].append(line.strip().lstrip("@-+"))
            continue
        match = _MAKE_RULE.match(line)
        if match and not line.lstrip().startswith(("export", "define", "ifeq", "ifneq", "include")):
            current = [t for t in match.group(1).split() if t != ".PHONY"]
            for target in current:
                rules.setdefault(target, ([], []))[0].extend(match.group(2).split())
            if current and "<default>" not in rules and not current[0].startswith("."):
                rules["<default>"] = ([current[0]], [])
        elif line.strip() and not line.startswith((" ", "#")):
            current = []
    return rules


class _Expander:
    """Turns a job's commands into (effective, activity -> evidence line), reading Makefiles and scripts it runs."""

    def __init__(self, snap: Snapshot, used: set[str]) -> None:
        self.snap = snap
        self.used = used  # repository files read to classify jobs (raw evidence)
        self.paths = {e.path for e in snap.entries}
        self.bases: list[str] = []  # folders of the CI file being expanded, for relative script paths
        # the same scripts and Makefile targets are run by many jobs: each (text, depth, bases) is expanded once (the
        # files its expansion read are in `used` from the first time on)
        self._done: dict[tuple[str, int, tuple[str, ...]], tuple[bool, dict[str, str]]] = {}

    def lines(self, text: str, depth: int = 0) -> tuple[bool, dict[str, str]]:
        key = (text, depth, tuple(self.bases))
        done = self._done.get(key)
        if done is None:
            done = self._done[key] = self._lines(text, depth)
        return done[0], dict(done[1])

    def _lines(self, text: str, depth: int) -> tuple[bool, dict[str, str]]:
        effective, found = False, dict[str, str]()
        for line in cmd.logical_lines(text):
            if not cmd.is_effective(line):
                continue
            sub = self._follow(line, depth)
            if sub is not None:
                sub_effective, sub_found = sub
                effective |= sub_effective
                found = {**sub_found, **found}
                continue
            effective = True
            found = {**{a: line for a in cmd.activities_of(line)}, **found}
        return effective, found

    def _follow(self, line: str, depth: int) -> tuple[bool, dict[str, str]] | None:
        if depth >= MAX_DEPTH:
            return None
        handed = handed_off(self.snap, line)
        if handed is not None:
            spec, commands = handed
            if spec in self.snap.contents:
                self.used.add(spec)
            _, found = self.lines("\n".join(commands), depth + 1)
            own = {a: line for a in cmd.activities_of(line)}
            return True, {**own, **{a: f"{line} -> {spec}: {ev}" for a, ev in found.items()}}
        make = cmd.make_targets(line)
        if make is not None:
            directory, targets = make
            makefile = posixpath.join(directory, "Makefile") if directory else "Makefile"
            if makefile not in self.snap.contents:
                return None
            self.used.add(makefile)
            rules = _makefile(self.snap.text(makefile))
            recipe: list[str] = []
            seen: set[str] = set()
            pending = list(targets)
            while pending:
                target = pending.pop(0)
                if target in seen or target not in rules:
                    continue
                seen.add(target)
                prerequisites, body = rules[target]
                pending += [p for p in prerequisites if p in rules]
                recipe += body
            if not seen:
                return None
            return self.lines("\n".join(recipe).replace("$(MAKE)", "make"), depth + 1)
        called = task_call(line)
        if called is not None:
            task_lines = task_commands(self.snap, *called, self.used)
            if task_lines is not None:
                return self.lines(task_lines, depth + 1)
        for script in cmd.invoked_scripts(line):
            path = self._locate(script)
            if path is None:
                continue
            if path not in self.snap.contents:
                return True, {a: line for a in cmd.activities_of(line)}
            self.used.add(path)
            if path.endswith(".sh"):
                effective, found = self.lines(self.snap.text(path), depth + 1)
                if path_scope(path) == "test":  # a test script's name ("deploy-..._test.sh") says what it tests
                    return effective, {**found, "test": f"{line} (runs the test script {path})"}
                return effective, {**{a: line for a in cmd.activities_of(line)}, **found}
            found = {a: line for a in cmd.activities_of(line)}
            found = {**{a: f"{line} ({path} calls {a})" for a in cmd.python_activities(self.snap.text(path))}, **found}
            if path_scope(path) == "test" or posixpath.basename(path).startswith("test"):
                found.setdefault("test", f"{line} (runs the test script {path})")
            return True, found
        return None

    def _locate(self, script: str) -> str | None:
        """A script path as the CI system resolves it: from the repository root, else from the CI file's folder or
        one above it (CodeBuild and Cloud Build run from the source folder the spec sits in)."""
        for base in ("", *self.bases):
            path = posixpath.normpath(posixpath.join(base, script))
            if path in self.paths:
                return path
        return None

    def job(self, ci_file: CiFile, job: CiJob) -> JobResult:
        folder = posixpath.dirname(ci_file.path)
        self.bases = [folder, posixpath.dirname(folder)] if folder else []
        result = JobResult(system=ci_file.system, file=ci_file.path, name=job.name, delegated=job.delegated)
        for text in job.commands:
            effective, found = self.lines(text)
            result.effective |= effective
            result.activities = {**found, **result.activities}
        for action in job.actions:
            if not _SETUP_ACTION.search("/" + action.split("@")[0]):
                result.effective = True
                result.activities = {**{a: f"uses {action}" for a in cmd.activities_of(action)}, **result.activities}
        for target in job.delegated:
            result.effective = True
            result.activities = {
                **{a: f"delegates to {target}" for a in cmd.activities_of(target)},
                **result.activities,
            }
            if _TEMPLATE_TEST.search(target):
                result.activities.setdefault("test", f"delegates to {target} (a shared test step)")
            if "auto-devops" in target.lower():
                result.activities = {**{a: f"includes {target}" for a in AUTO_DEVOPS}, **result.activities}
        if job.environment and result.effective:
            result.activities.setdefault("deploy", "job declares a deployment environment")
        if _STAGE_TEST.search(job.name) and result.effective:
            result.activities.setdefault("test", f"stage {job.name!r} (a smoke or endpoint test stage)")
        ephemeral = any(_EPHEMERAL_CLUSTER.search(t) for t in job.commands) or any(
            _EPHEMERAL_ACTION.search(a.split("@")[0]) for a in job.actions
        )
        if "deploy" in result.activities and ephemeral:  # a cluster the job creates is a test set-up
            result.activities.pop("deploy")
        return result


def _gitlab_docs(snap: Snapshot, used: set[str]) -> list[tuple[str, Any]]:
    """The root .gitlab-ci.yml and the local files it includes (one level of nesting)."""
    docs: list[tuple[str, Any]] = []
    pending = [".gitlab-ci.yml"]
    while pending and len(docs) < 50:
        path = pending.pop(0)
        if path in (p for p, _ in docs) or path not in snap.contents:
            continue
        used.add(path)
        doc = yamldocs.load(snap.text(path))
        docs.append((path, doc))
        local, _ = gitlab_includes(doc)
        for item in local:
            if "*" in item:
                pattern = re.compile(re.escape(item).replace(r"\*\*", ".*").replace(r"\*", "[^/]*") + "$")
                pending += sorted(p for p in snap.contents if pattern.match(p))
            else:
                pending.append(item)
    return docs


def ci_findings(snap: Snapshot, pipelines_train: bool) -> Findings:
    """Every git.ci_* probe. `pipelines_train`: the repository's pipeline definitions contain a training step."""
    used: set[str] = set()
    files = discover(snap, used)
    if ".gitlab-ci.yml" in {e.path for e in snap.entries}:
        try:
            files.append(parse_gitlab(".gitlab-ci.yml", _gitlab_docs(snap, used)))
        except yamldocs.YAMLError:
            files.append(CiFile(system="gitlab_ci", path=".gitlab-ci.yml", error="invalid YAML"))
        except (TypeError, AttributeError, ValueError, KeyError) as exc:
            files.append(CiFile(system="gitlab_ci", path=".gitlab-ci.yml", error=f"unexpected structure ({exc!r})"))
    expander = _Expander(snap, used)
    results = [expander.job(f, j) for f in files for j in f.jobs]
    by_file = {f.path: [r for r in results if r.file == f.path] for f in files}
    for result in results:  # a local reusable workflow does what the jobs of the workflow it calls do
        for target in result.delegated:
            for called in by_file.get(target.removeprefix("./").split("@")[0], []):
                result.activities = {
                    **{a: f"via {called.file}#{called.name}" for a in called.activities},
                    **result.activities,
                }
    for result in results:
        if "run_pipeline" in result.activities and pipelines_train:
            result.activities.setdefault("train", result.activities["run_pipeline"] + " (pipeline has a training step)")
    return _summarise(files, results, snap.raws(used))


def _summarise(files: list[CiFile], results: list[JobResult], raw: list[str]) -> Findings:
    effective = [r for r in results if r.effective]
    systems = sorted({f.system for f in files})
    errors = [f"{f.path}: {f.error}" for f in files if f.error]
    where = "; ".join(f"{s}: {sample([f.path for f in files if f.system == s], 3)}" for s in systems)
    problems = f"; unreadable: {'; '.join(errors)}" if errors else ""
    found: Findings = {
        "git.ci_config_present": Finding(
            value=bool(files),
            raw=raw,
            summary=(
                f"{len(files)} CI configuration file(s) ({where}){problems}"
                if files
                else "no CI configuration file (GitHub Actions, GitLab CI, Jenkinsfile, ...) at this ref"
            ),
        ),
        "git.ci_systems": Finding(
            value=systems, raw=raw, summary=f"CI systems configured: {', '.join(systems) or 'none'}"
        ),
        "git.ci_jobs": Finding(
            value=sorted(r.label for r in results),
            raw=raw,
            summary=f"{len(results)} CI job(s) defined, {len(effective)} run something",
        ),
        "git.ci_effective_jobs": Finding(
            value=len(effective),
            raw=raw,
            summary=(
                f"{len(effective)} of {len(results)} CI job(s) run real commands"
                + (
                    f"; placeholders only: {sample([r.label.split(':')[0] for r in results if not r.effective])}"
                    if len(effective) < len(results)
                    else ""
                )
            ),
        ),
    }
    activities = sorted({a for r in effective for a in r.activities})
    found["git.ci_activities"] = Finding(
        value=activities, raw=raw, summary=f"CI jobs run: {', '.join(activities) or 'nothing'}"
    )
    for activity, probe in KEY_ACTIVITIES.items():
        doing = [r for r in effective if activity in r.activities]
        example = f"; e.g. {doing[0].file}#{doing[0].name}: {doing[0].activities[activity][:120]}" if doing else ""
        found[probe] = Finding(
            value=bool(doing),
            raw=raw,
            summary=f"{of(len(doing), len(effective))} CI jobs that run commands do '{activity}'{example}",
        )
    live = {r.file for r in effective}
    triggers = sorted({t for f in files if f.path in live for t in f.triggers})
    found["git.ci_triggers"] = Finding(
        value=triggers,
        raw=raw,
        summary=f"CI jobs that run commands start on: {', '.join(triggers) or 'nothing (no such jobs)'}",
    )
    templates = sorted({t for f in files for t in f.templates})
    found["git.ci_shared_templates"] = Finding(
        value=templates,
        raw=raw,
        summary=f"{len(templates)} shared CI template(s) referenced" + (f": {sample(templates)}" if templates else ""),
    )
    return found

"""CI configuration recognised by content, wherever it lives, and Azure Pipelines templates followed into their users.

Azure Pipelines and Cloud Build files may have any name (`.pipelines/pr.yml`, `build/model-deployment.yaml`), so a
fixed list of paths misses them. Every YAML file not already known by its path gets a cheap byte and line scan;
only files whose top-level keys and step keys look like one of these systems are parsed. Kubernetes objects
(`apiVersion`/`kind`) and Compose files are never taken for CI.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from evidence_collectors.git import yamldocs
from evidence_collectors.git.ci_parse import CiFile, CiJob, ci_system, parse_file
from evidence_collectors.git.snapshot import Snapshot

_HINTS = (b"steps:", b"jobs:", b"stages:")  # one of them must appear before a file is decoded
_TOP = re.compile(r"^(trigger|pr|stages|jobs|steps|extends|parameters|schedules)\s*:", re.MULTILINE)
_AZURE_STEP = re.compile(
    r"^\s*-\s*(script|task|template|bash|pwsh|powershell|checkout|job|stage|deployment)\s*:|^\s*vmImage\s*:",
    re.MULTILINE,
)
_NOT_CI = re.compile(r"^(apiVersion|kind|services|version)\s*:", re.MULTILINE)
# a step naming its builder image: Google's builders, Artifact Registry, python, or any `owner/image` path (a step list
# indented under `steps:` as well as flush with it)
_CLOUD_BUILD_STEP = re.compile(
    r"^\s*-\s*name\s*:\s*['\"]?(?:[\w.-]*gcr\.io/|[\w-]+-docker\.pkg\.dev/|(?:docker\.io/)?(?:library/)?python[:'\"\s]"
    r"|google/cloud-sdk|\$_?\{?\w*IMAGE|[\w.-]+/[\w./-]+(?::[\w.-]+)?['\"]?\s*$)",
    re.MULTILINE | re.IGNORECASE,
)
_CLOUD_BUILD_ARGS = re.compile(r"^\s+(args|entrypoint|script)\s*:", re.MULTILINE)
MAX_TEMPLATE_DEPTH = 5


def _excluded(path: str) -> bool:
    """Project templates (cookiecutter `{{ ... }}` folders) are not the repository's own CI."""
    return "{{" in path or "{%" in path


def content_system(path: str, data: bytes) -> str | None:
    """'azure_pipelines' or 'google_cloud_build' when the file's keys say so; None otherwise (cheap checks first)."""
    if not path.lower().endswith((".yml", ".yaml")) or _excluded(path) or not any(h in data for h in _HINTS):
        return None
    text = data.decode("utf-8", "replace")
    if _NOT_CI.search(text):
        return None
    tops = set(_TOP.findall(text))
    if "steps" in tops and _CLOUD_BUILD_STEP.search(text) and _CLOUD_BUILD_ARGS.search(text):
        return "google_cloud_build"
    if tops & {"trigger", "pr", "stages", "jobs", "steps", "extends"} and _AZURE_STEP.search(text):
        return "azure_pipelines"
    return None


def _template_refs(node: Any) -> list[str]:
    """Every file named by a `template:` key, as written."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "template" and isinstance(value, str):
                found.append(value)
            else:
                found += _template_refs(value)
    elif isinstance(node, list):
        for item in node:
            found += _template_refs(item)
    return found


def _local_templates(node: Any) -> list[str]:
    """Paths named by `template:` keys that live in this repository (not `file@other-repo`, not expressions)."""
    return [t for t in _template_refs(node) if "@" not in t and "$" not in t]


def _remote_templates(node: Any) -> list[str]:
    """`template:` references to a file of another repository (`steps/test.yml@templates`)."""
    return [t for t in _template_refs(node) if "@" in t]


def _resolve(includer: str, template: str) -> str:
    """Azure resolves a leading `/` from the repository root, anything else from the including file's folder."""
    if template.startswith("/"):
        return posixpath.normpath(template.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(includer), template))


class AzureTemplates:
    """Reads an Azure pipeline's local `template:` files (nested, cycles guarded) so their steps count for it."""

    def __init__(self, snap: Snapshot, used: set[str]) -> None:
        self.snap = snap
        self.used = used
        self.reached: dict[str, set[str]] = {}  # pipeline -> the template files it pulls in

    def _refs(self, path: str, remote: list[str] | None = None) -> list[str]:
        """Local templates the file includes; `remote` collects its templates of other repositories."""
        try:
            docs = yamldocs.load_all(self.snap.text(path))
        except yamldocs.YAMLError:
            return []
        if remote is not None:
            remote += [t for doc in docs for t in _remote_templates(doc)]
        refs = [_resolve(path, t) for doc in docs for t in _local_templates(doc)]
        return [r for r in refs if r in self.snap.contents]

    def expand(self, ci_file: CiFile) -> CiFile:
        """`ci_file` with the jobs of every template it reaches (depth-first, at most MAX_TEMPLATE_DEPTH deep)."""
        seen = {ci_file.path}
        remote: list[str] = []
        pending = [(ref, 1) for ref in self._refs(ci_file.path, remote)]
        while pending:
            path, depth = pending.pop(0)
            if path in seen or depth > MAX_TEMPLATE_DEPTH:
                continue
            seen.add(path)
            self.used.add(path)
            part = parse_file("azure_pipelines", path, self.snap.text(path))
            ci_file.jobs += [
                CiJob(
                    name=f"{job.name} (template {path})",
                    commands=job.commands,
                    actions=job.actions,
                    delegated=job.delegated,
                    environment=job.environment,
                )
                for job in part.jobs
            ]
            pending += [(ref, depth + 1) for ref in self._refs(path, remote)]
        if remote:  # steps kept in another repository: what they do is known only by their file names
            ci_file.jobs.append(CiJob(name="templates of other repositories", delegated=sorted(set(remote))))
        self.reached[ci_file.path] = seen - {ci_file.path}
        return ci_file

    def folded(self) -> set[str]:
        """Templates reached from a pipeline that no other pipeline includes (two files including each other stay)."""
        included = {p for reach in self.reached.values() for p in reach}
        return {p for top, reach in self.reached.items() if top not in included for p in reach}


def discover(snap: Snapshot, used: set[str]) -> list[CiFile]:
    """Every CI file except GitLab's root file: known paths first, then YAML recognised by content.

    Azure files pulled in by another pipeline as templates are folded into that pipeline instead of standing alone.
    """
    found: list[tuple[str, str]] = []
    for entry in snap.entries:
        system = ci_system(entry.path)
        if system is None and entry.lower.endswith((".yml", ".yaml")) and entry.path in snap.contents:
            system = content_system(entry.path, snap.contents[entry.path])
        if system is not None and system != "gitlab_ci":
            found.append((system, entry.path))
    templates = AzureTemplates(snap, used)
    files: list[CiFile] = []
    for system, path in found:
        ci_file = parse_file(system, path, snap.text(path))
        files.append(templates.expand(ci_file) if system == "azure_pipelines" and not ci_file.error else ci_file)
    folded = templates.folded()
    files = [f for f in files if not (f.system == "azure_pipelines" and f.path in folded)]
    used.update(f.path for f in files)
    return files

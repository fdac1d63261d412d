"""Every dependency a pyproject.toml declares counts for pinning: extras, dependency groups and poetry groups, not only
the main list; a lock file beside the manifest still covers them all."""

from __future__ import annotations

from pathlib import Path

from evidence_collectors.git.deps import _pyproject
from tests.collectors.git_support import RepoBuilder
from tests.collectors.test_git_code_facts import collect, ok

PYPROJECT = """\
[project]
name = "components"
dependencies = ["kfp == 1.8.21"]

[project.optional-dependencies]
tests = ["google-cloud-aiplatform == 1.24.1", "pytest >= 7.3.1,<8.0.0", "pre-commit >= 2.14.1,<3.0.0"]

[dependency-groups]
dev = ["ruff==0.6.0", {include-group = "lint"}]

[tool.poetry.group.docs.dependencies]
mkdocs = "^1.5"
"""


def test_extras_and_groups_are_declared_dependencies() -> None:
    assert _pyproject(PYPROJECT) == (6, 3)  # kfp, aiplatform, ruff pinned; pytest, pre-commit, mkdocs are ranges


def test_ranges_in_extras_lower_the_ratio_unless_locked(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "extras")
    repo.commit("components with test extras", {"components/pyproject.toml": PYPROJECT})
    assert ok(collect(repo.path), "python_dependencies_pinned_ratio").value == 0.5
    repo.commit("lock them", {"components/uv.lock": "version = 1\n"})
    assert ok(collect(repo.path), "python_dependencies_pinned_ratio").value == 1.0

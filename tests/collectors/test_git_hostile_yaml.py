"""Repository YAML written to exhaust a reader: an alias bomb or a recursive alias in a workflow or manifest is
refused for that file alone; the repository's other CI files are still read and collection ends at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_collectors import yamlio
from evidence_collectors.base import CollectContext
from evidence_collectors.git.collector import GitCollector
from evidence_collectors.git.config import GitTargetConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.collectors.git_support import RepoBuilder

HOSTILE = Path(__file__).resolve().parent.parent / "hostile_inputs"
LAUGHS = (HOSTILE / "billion_laughs.yaml").read_text(encoding="utf-8")
RECURSIVE = "on: push\njobs: &jobs\n  test:\n    runs-on: ubuntu-latest\n    steps: [*jobs]\n"
GOOD = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest -q tests\n"


@pytest.mark.parametrize(
    ("text", "reason"),
    [(LAUGHS, "more than"), (RECURSIVE, "refers to the block that contains it"), ("a: &a [*a]\n", "refers")],
)
def test_hostile_documents_are_refused_as_yaml_errors(text: str, reason: str) -> None:
    with pytest.raises(yamlio.YAMLError, match=reason):
        yamlio.load(text)
    with pytest.raises(yamlio.YAMLError, match=reason):
        yamlio.load_all("---\nkind: ok\n---\n" + text)


def test_ordinary_anchors_still_load() -> None:
    text = "defaults: &d {image: python:3.11, retry: 2}\ntest: {<<: *d, script: [pytest]}\nlint: {<<: *d}\n"
    data = yamlio.load(text)
    assert data["test"]["image"] == "python:3.11" and data["lint"]["retry"] == 2


def test_a_repository_with_hostile_yaml_is_still_read(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "repo")
    repo.commit(
        "ci",
        {
            ".github/workflows/bomb.yml": LAUGHS,
            ".github/workflows/loop.yml": RECURSIVE,
            ".github/workflows/test.yml": GOOD,
            ".gitlab-ci.yml": LAUGHS,
            "deploy/k8s.yaml": LAUGHS,
            "src/model.py": "print('train')\n",
        },
    )
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(repo.path)})
    records = {r.probe: r for r in GitCollector().collect(config, CollectContext(RawStore(), Redactor()))}
    assert records["git.ci_config_present"].value is True
    assert records["git.ci_runs_tests"].status is EvidenceStatus.ok
    assert records["git.ci_runs_tests"].value is True, records["git.ci_runs_tests"].summary

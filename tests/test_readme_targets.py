"""The targets file shown in the README is one the tool accepts, for every collector it names."""

from __future__ import annotations

from pathlib import Path

from evidence_collectors.registry import installed_collectors
from evidence_collectors.targets import load_targets
from tests.conftest import ROOT


def test_readme_targets_example_loads(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("```yaml\ntargets:") + len("```yaml\n")
    example = tmp_path / "targets.yaml"
    example.write_text(text[start : text.index("```", start)], encoding="utf-8")
    loaded = load_targets(example, installed_collectors())
    named = {t.config.collector for t in loaded}
    assert {"git", "mlflow", "jira", "kubernetes", "airflow", "kubeflow", "feast", "modelarts"} <= named

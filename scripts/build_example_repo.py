"""Build the example organisation's model repository (a real git repository with history) for the demo.

    python scripts/build_example_repo.py examples/out/repos/reco-service

The files come from examples/retail-bank/reco-service/; the history (dated commits, a feature branch merged through a
merge request, a release tag) is written here so the git collector has something real to read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "examples" / "retail-bank" / "reco-service"
DAY = 86400

# (days ago, branch, message, files to add from SOURCE; "*" = all remaining)
HISTORY: list[tuple[int, str, str, list[str]]] = [
    (120, "main", "RECO-101 Project skeleton and README", ["README.md", "requirements.txt", "CODEOWNERS"]),
    (
        82,
        "feature/RECO-103-eda",
        "RECO-103 Exploratory analysis of app interactions",
        ["notebooks/eda_interactions.ipynb", "docs/data_card.md"],
    ),
    (
        80,
        "feature/RECO-104-features",
        "RECO-104 Feature transformations with unit tests",
        ["src/reco/__init__.py", "src/reco/features.py", "tests/test_features.py", "tests/test_interactions_schema.py"],
    ),
    (
        71,
        "feature/RECO-112-dvc",
        "RECO-112 Version interaction data with DVC",
        [".dvc/config", "data/raw/interactions.parquet.dvc"],
    ),
    (
        63,
        "feature/RECO-118-optuna",
        "RECO-118 Optuna search tracked in MLflow",
        ["src/reco/train.py", "params.yaml", "dvc.yaml"],
    ),
    (
        55,
        "feature/RECO-121-ci",
        "RECO-121 GitLab CI: tests, lint, data validation, scheduled training",
        [".gitlab-ci.yml", "great_expectations/expectations/interactions_suite.json"],
    ),
    (
        48,
        "feature/RECO-126-evaluation",
        "RECO-126 Acceptance evaluation against the agreed thresholds, ONNX export",
        ["src/reco/evaluate.py", "src/reco/export.py"],
    ),
    (
        41,
        "feature/RECO-130-feast",
        "RECO-130 Feast feature views for customer activity",
        ["feature_repo/feature_store.yaml", "feature_repo/features.py"],
    ),
    (
        27,
        "feature/RECO-137-serving",
        "RECO-137 Serving image, KServe canary, rate-limited ingress, integration and smoke tests",
        [
            "Dockerfile",
            "deploy/inferenceservice.yaml",
            "deploy/ingress.yaml",
            "tests/integration/test_serving_api.py",
            "tests/smoke/test_smoke_deployed.py",
        ],
    ),
    (19, "feature/RECO-142-gitops", "RECO-142 Argo CD application, environment configuration and model card", ["*"]),
]


def git(repo: Path, *args: str, days_ago: int | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "HOME": env.get("HOME", "/tmp")}
    if days_ago is not None:
        stamp = f"@{int(time.time()) - days_ago * DAY} +0800"
        env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def build(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    git(target, "init", "-q", "-b", "main")
    for key, value in (("user.name", "Sun Hao"), ("user.email", "sun.hao@huaxin.example"), ("commit.gpgsign", "false")):
        git(target, "config", key, value)
    added: set[str] = set()
    everything = sorted(str(p.relative_to(SOURCE)) for p in SOURCE.rglob("*") if p.is_file())
    for days_ago, branch, message, files in HISTORY:
        if branch != "main":
            git(target, "checkout", "-q", "-b", branch)
        for rel in everything if files == ["*"] else files:
            if rel in added:
                continue
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(SOURCE / rel, target / rel)
            added.add(rel)
        git(target, "add", "-A")
        git(target, "commit", "-q", "-m", message, days_ago=days_ago)
        if branch != "main":
            git(target, "checkout", "-q", "main")
            git(
                target,
                "merge",
                "-q",
                "--no-ff",
                "-m",
                f"Merge branch '{branch}' into 'main' (!{days_ago})",
                branch,
                days_ago=days_ago - 1,
            )
    git(target, "tag", "-a", "v1.4.0", "-m", "release v1.4.0", days_ago=18)


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "examples/out/repos/reco-service"))

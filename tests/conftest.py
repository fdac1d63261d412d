"""Shared fixtures: the bundled frameworks, a runner for the installed console script, scratch files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from capability_model.catalog import FRAMEWORKS_DIR, resolve
from capability_model.loader import LoadedFramework
from tests.support.hostile import HostileServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def cli_path() -> str:
    """The installed console script: next to the running interpreter (a venv), else on PATH."""
    beside = Path(sys.executable).parent / "mlops-maturity"
    found = str(beside) if beside.exists() else shutil.which("mlops-maturity")
    if not found:
        raise RuntimeError("the mlops-maturity console script is not installed (pip install -e .)")
    return found


RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def run_cli() -> RunCli:
    exe = cli_path()

    def run(
        *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", **(env or {})}
        return subprocess.run(
            [exe, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=300
        )

    return run


@pytest.fixture(scope="session")
def part1() -> LoadedFramework:
    return resolve("caict-mlops-p1")


@pytest.fixture(scope="session")
def part2() -> LoadedFramework:
    return resolve("caict-mlops-p2")


@pytest.fixture(scope="session")
def framework_files() -> list[Path]:
    return sorted(FRAMEWORKS_DIR.rglob("*.yaml"))


@pytest.fixture
def home() -> Iterator[HostileServer]:
    """A hostile HTTP server standing for the target's own origin."""
    with HostileServer() as server:
        yield server


@pytest.fixture
def elsewhere() -> Iterator[HostileServer]:
    """A hostile HTTP server on another origin, where a redirect may lead."""
    with HostileServer() as server:
        yield server

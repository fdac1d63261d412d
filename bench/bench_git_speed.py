"""Git collector speed on a big repository, against the floor of reading it with git alone.

Timed side by side in one run, alternating, median of `BENCH_GIT_REPEATS` (default 3):
  (a) `mlops-maturity collect` with one git target on the repository (a fresh process, bundle written),
  (b) the floor: `git grep -I -c '' HEAD` (every tracked text file read once) then `git log --oneline`.
Target: a/b <= 5. A second figure is the CPU time (user + system of the child) of `collect` on a 10-file repository
the benchmark builds itself: a small repository's collection should cost little more than starting the program.

The big repository is `MLOPS_BENCH_BIG_REPO` (a working tree or a bare clone of ~4,400 files such as
kubeflow/pipelines); by default the kubeflow/pipelines mirror under /work/.mirror when present, else the figure is
skipped with a message. Run on its own: `python -m bench git_speed`.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.timing import Figure

TARGET_RATIO = 5.0
SMALL_TARGET_CPU_MS = 1500.0  # the whole process: interpreter, the git collector (others are not imported), git, bundle
DEFAULT_BIG_REPO = Path("/work/.mirror/kubeflow+pipelines/repo")
_GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _cli() -> str:
    beside = Path(sys.executable).parent / "mlops-maturity"
    return str(beside) if beside.exists() else (shutil.which("mlops-maturity") or "mlops-maturity")


def _env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, **_GIT_ENV}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=_env())


def _targets(work: Path, repo: Path) -> Path:
    path = work / f"targets-{repo.name}.yaml"
    path.write_text(f"targets:\n  - collector: git\n    name: bench\n    path: {repo}\n", encoding="utf-8")
    return path


def _collect(targets: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([_cli(), "collect", str(targets), "-o", str(out)], check=True, capture_output=True)


def _floor(repo: Path) -> None:
    # grep exits 1 when no line matches (an empty repository); every other status is a failure
    grep = subprocess.run(["git", "-C", str(repo), "grep", "-I", "-c", "", "HEAD"], capture_output=True, env=_env())
    if grep.returncode not in (0, 1):
        raise RuntimeError(f"git grep failed: {grep.stderr.decode(errors='replace')[:200]}")
    _git(repo, "log", "--oneline")


def _timed(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _child_cpu_ms(fn: Callable[[], None]) -> float:
    """User + system CPU of the children `fn` starts (they have exited when it returns)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    fn()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000


def _small_repo(path: Path) -> None:
    path.mkdir()
    _git(path, "init", "-q", "-b", "main")
    files = {
        "README.md": "# churn model\n",
        "requirements.txt": "pandas==2.2.2\nscikit-learn==1.5.0\nmlflow==2.14.1\n",
        "Dockerfile": 'FROM python:3.11-slim\nCOPY . /app\nCMD ["python", "serve.py"]\n',
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: pytest -q\n",
        "train.py": "import mlflow\n\n\ndef train() -> None:\n    mlflow.log_metric('auc', 0.9)\n",
        "serve.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "tests/test_train.py": "def test_train() -> None:\n    assert True\n",
        "params.yaml": "train:\n  lr: 0.01\n",
        "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    deps: [train.py]\n    outs: [model.pkl]\n",
        ".gitignore": "model.pkl\n",
    }
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    _git(path, "add", "-A")
    _git(path, "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "commit", "-q", "-m", "Initial model")


def _big_repo() -> Path | None:
    configured = os.environ.get("MLOPS_BENCH_BIG_REPO")
    if configured:
        return Path(configured)
    return DEFAULT_BIG_REPO if DEFAULT_BIG_REPO.exists() else None


def _big(work: Path, repeats: int) -> list[Figure]:
    repo = _big_repo()
    if repo is None:
        print(
            f"git_speed: no big repository (set MLOPS_BENCH_BIG_REPO; {DEFAULT_BIG_REPO} is absent): ratio skipped",
            file=sys.stderr,
        )
        return []
    targets, out = _targets(work, repo), work / "big-out"
    files = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD"], check=True, capture_output=True, env=_env()
    ).stdout.count(b"\n")
    _floor(repo)  # warm the page cache for both sides
    _collect(targets, out)
    floor: list[tuple[float, float]] = []
    collect: list[tuple[float, float]] = []
    for _ in range(repeats):  # alternating, so that a slower spell of the machine weighs on both sides
        floor.append(_timed_with_cpu(lambda: _floor(repo)))
        collect.append(_timed_with_cpu(lambda: _collect(targets, out)))
    a, b = statistics.median(w for w, _ in collect), statistics.median(w for w, _ in floor)
    a_cpu, b_cpu = statistics.median(c for _, c in collect), statistics.median(c for _, c in floor)
    return [
        Figure(
            f"git collect, {files} files, vs {TARGET_RATIO:g} x floor",
            a,
            TARGET_RATIO * b,
            f"{repo}; collect {a / 1000:.2f} s, floor (git grep + git log) {b / 1000:.2f} s, ratio {a / b:.1f}"
            f" (target <= {TARGET_RATIO:g}); CPU {a_cpu / 1000:.2f} s vs {b_cpu / 1000:.2f} s, ratio"
            f" {a_cpu / b_cpu:.1f}; {repeats} alternating runs",
        )
    ]


def _timed_with_cpu(fn: Callable[[], None]) -> tuple[float, float]:
    """Wall time and child CPU (user + system) of `fn`, in milliseconds."""
    cpu: list[float] = []
    wall = _timed(lambda: cpu.append(_child_cpu_ms(fn)))
    return wall, cpu[0]


def _in_process_cpu_ms(repo: Path) -> float:
    """CPU of the git collector's own work on `repo` (its git commands excluded), in this process."""
    from evidence_collectors.base import CollectContext
    from evidence_collectors.git.collector import GitCollector
    from evidence_collectors.git.config import GitTargetConfig
    from evidence_collectors.raw import RawStore
    from evidence_collectors.secrets import Redactor

    config = GitTargetConfig.model_validate({"collector": "git", "name": "bench", "path": str(repo)})
    start = time.process_time()
    GitCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
    return (time.process_time() - start) * 1000


def _small(work: Path, repeats: int) -> list[Figure]:
    repo = work / "small-repo"
    _small_repo(repo)
    targets, out = _targets(work, repo), work / "small-out"
    _collect(targets, out)
    cpu = [_child_cpu_ms(lambda: _collect(targets, out)) for _ in range(repeats)]
    wall = [_timed(lambda: _collect(targets, out)) for _ in range(repeats)]
    start_up = [_child_cpu_ms(lambda: _help()) for _ in range(repeats)]
    own = [_in_process_cpu_ms(repo) for _ in range(repeats + 1)][1:]  # the first pays for imports
    return [
        Figure(
            "git collect, 10-file repository, CPU (user+sys)",
            statistics.median(cpu),
            SMALL_TARGET_CPU_MS,
            f"wall {statistics.median(wall):.0f} ms; the collector's own work {statistics.median(own):.0f} ms CPU"
            f" (git commands apart); `mlops-maturity --help` alone {statistics.median(start_up):.0f} ms CPU;"
            f" {repeats} runs",
        )
    ]


def _help() -> None:
    subprocess.run([_cli(), "--help"], check=True, capture_output=True)


def run(repeats: int | None = None) -> list[Figure]:
    repeats = repeats or int(os.environ.get("BENCH_GIT_REPEATS", "3"))
    with tempfile.TemporaryDirectory(prefix="bench-git-speed-") as tmp:
        work = Path(tmp)
        return _big(work, repeats) + _small(work, repeats)


if __name__ == "__main__":
    for figure in run():
        print(f"{figure.name}: {figure.median_ms:.0f} ms (target {figure.target_ms:.0f} ms) {figure.detail}")

"""Run the benchmarks and print their figures; exit 1 when a target is missed.

python -m bench                 # every benchmark
python -m bench scoring cli     # only bench_scoring and bench_cli_startup (names match by prefix)
python -m bench git_holdout     # the git collector on the held-out label file (bench/git_corpus/holdout.yaml)
python -m bench git_holdout2    # the same on the second held-out round (bench/git_corpus/holdout2.yaml)
python -m bench git_holdout3    # and on the third (bench/git_corpus/holdout3.yaml)
python -m bench git_holdout4    # and on the fourth (bench/git_corpus/holdout4.yaml)
python -m bench workshop_browser  # the workshop in headless Chromium: click -> page settled (bench_workshop_browser)
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path

from bench.timing import Figure

# Benchmarks that are a second entry point of a bench_* module rather than a module of their own:
# name -> (module, function). They are selected by name prefix like the modules.
EXTRA: dict[str, tuple[str, str]] = {
    "git_holdout": ("bench_git_corpus", "run_holdout"),
    "git_holdout2": ("bench_git_corpus", "run_holdout2"),
    "git_holdout3": ("bench_git_corpus", "run_holdout3"),
    "git_holdout4": ("bench_git_corpus", "run_holdout4"),
}


def _modules(selected: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    if not selected:
        return names
    short = [n.removeprefix("bench_") for n in names]
    # a name that is a benchmark's whole name selects that one only (`workshop` is not also `workshop_browser`)
    wanted = [s for s in selected if s not in short]
    return [n for n, m in zip(names, short, strict=True) if m in selected or any(m.startswith(s) for s in wanted)]


def _benchmarks(selected: list[str]) -> list[tuple[str, Callable[[], list[Figure]]]]:
    """(name, run function) of the selected benchmarks: bench_* modules' `run`, then the EXTRA entry points."""
    chosen: list[tuple[str, Callable[[], list[Figure]]]] = []
    for name in _modules(selected):
        chosen.append((name, importlib.import_module(f"bench.{name}").run))
    # as for modules, a selected name that is an entry point's whole name selects that one only
    wanted = [s for s in selected if s not in EXTRA]
    for name, (module, function) in EXTRA.items():
        if not selected or name in selected or any(name.startswith(s) for s in wanted):
            chosen.append((name, getattr(importlib.import_module(f"bench.{module}"), function)))
    return chosen


def main(argv: list[str]) -> int:
    results: list[Figure] = []
    for name, run in _benchmarks(argv):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results += run()
    if not results:
        print("no benchmark selected", file=sys.stderr)
        return 2
    width = max(len(r.name) for r in results)
    print(f"{'benchmark':<{width}}  {'median':>10}  {'target':>10}  result")
    for r in results:
        line = f"{r.name:<{width}}  {r.median_ms:>8.2f}ms  {r.target_ms:>8.0f}ms  {'ok' if r.ok else 'MISSED'}"
        print(line + (f"  ({r.detail})" if r.detail else ""))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

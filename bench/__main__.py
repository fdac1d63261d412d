"""Run the benchmarks and print their figures; exit 1 when a target is missed.

python -m bench                 # every benchmark
python -m bench scoring cli     # only bench_scoring and bench_cli_startup (names match by prefix)
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.timing import Figure


def _modules(selected: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    if not selected:
        return names
    return [n for n in names if any(n.removeprefix("bench_").startswith(s) for s in selected)]


def main(argv: list[str]) -> int:
    results: list[Figure] = []
    for name in _modules(argv):
        module = importlib.import_module(f"bench.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results += module.run()
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

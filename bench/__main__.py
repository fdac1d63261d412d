"""Run every benchmark and print its figures; exit 1 when a target is missed."""

from __future__ import annotations

import sys

from bench import bench_cli_startup, bench_scoring


def main() -> int:
    results = [*bench_scoring.run(), *bench_cli_startup.run()]
    width = max(len(r.name) for r in results)
    print(f"{'benchmark':<{width}}  {'median':>10}  {'target':>10}  result")
    for r in results:
        print(
            f"{r.name:<{width}}  {r.median_ms:>8.2f}ms  {r.target_ms:>8.0f}ms  {'ok' if r.ok else 'MISSED'}"
            + (f"  ({r.detail})" if r.detail else "")
        )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Hostile inputs to the file readers: time and peak memory of the worst cases found, against the 2 s bound.

The alias bomb ("billion laughs") once took 34 s and 3 GB; these figures show it and its relatives are now refused in
milliseconds, and what the largest file within the limits costs to read.
"""

from __future__ import annotations

import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from assessors.storage import load_assessment
from bench.timing import Figure, median_ms
from capability_model.catalog import resolve
from capability_model.loader import load_framework
from capability_model.sourcefile import SourceError, load_positioned
from capability_model.yamlcompose import LIMITS

TARGET_MS = 2000.0  # the bound every input must stay under (with 500 MB of traced memory)
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "hostile_inputs"


def _quietly(read: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        try:
            return read()
        except SourceError as exc:
            return exc

    return run


def _peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _cases(scratch: Path) -> list[tuple[str, Path, Callable[[Path], object], int]]:
    wide = scratch / "wide.yaml"
    wide.write_text("targets: [" + "1, " * (LIMITS.max_values - 4) + "1]\n", encoding="utf-8")  # +3: map, key, list
    over = scratch / "over.yaml"
    over.write_text("targets: [" + "1, " * LIMITS.max_values + "1]\n", encoding="utf-8")
    aliased = scratch / "aliased.yaml"
    first = f"  R0: {{status: met, evidence: &ev [{', '.join(f'doc-{i}' for i in range(10))}]}}\n"
    answers = first + "".join(f"  R{i}: {{status: met, evidence: *ev}}\n" for i in range(1, 1801))
    aliased.write_text(
        "organisation: A\nscope: B\nassessor: C\nstarted: 2026-01-01\nframework: caict-mlops-p1@2022.10.3\n"
        f"answers:\n{answers}",
        encoding="utf-8",
    )
    big = scratch / "big.yaml"
    big.write_bytes(b"a: '" + b"x" * LIMITS.max_bytes + b"'\n")
    long = scratch / "long.yaml"
    long.write_bytes(b"a: '" + "华".encode() * ((LIMITS.max_bytes - 6) // 3) + b"'\n")
    return [
        ("alias bomb (billion laughs)", CORPUS / "billion_laughs.yaml", load_positioned, 20),
        ("merge-key bomb", CORPUS / "merge_key_bomb.yaml", load_positioned, 20),
        ("aliases nested 60 deep", CORPUS / "deep_alias_nesting.yaml", load_positioned, 20),
        ("flow nesting 3000 deep", CORPUS / "deep_flow_nesting.yaml", load_positioned, 20),
        ("5000-digit integers", CORPUS / "huge_integer.yaml", load_positioned, 20),
        (f"{LIMITS.max_values} values (the limit)", wide, load_positioned, 3),
        ("assessment, 19,800 values copied by aliases", aliased, load_assessment, 3),
        (f"{LIMITS.max_values + 1} values (over the limit)", over, load_positioned, 3),
        ("10 MB + 1 byte file", big, load_positioned, 5),
        ("10 MB file (one long text value)", long, load_positioned, 3),
        ("bundled framework (reference)", resolve("caict-mlops-p2").path, load_framework, 5),
    ]


def run() -> list[Figure]:
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        for name, path, reader, runs in _cases(Path(tmp)):
            fn = _quietly(lambda reader=reader, path=path: reader(path))
            outcome = fn()
            med, _, hi = median_ms(fn, runs, warmup=1)
            peak = _peak_mb(fn)
            verdict = "refused" if isinstance(outcome, SourceError) else "read"
            detail = f"{verdict}, peak {peak:.1f} MB traced, {path.stat().st_size:,} bytes, max {hi:.1f} ms"
            figures.append(Figure(f"hostile: {name}", med, TARGET_MS, detail))
    return figures

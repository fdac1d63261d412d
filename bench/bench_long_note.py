"""The Part 1 PDF report with and without one 100,000-character note that has no break opportunity at all.

WeasyPrint's line breaking is super-linear in the length of an unbreakable run; the report inserts zero-width spaces
into long runs (reports/textsafety.py), which keeps the render linear in the text's length. Both reports are made
through the command line in fresh processes, alternating so that machine load hits both alike.
Target: the report with the note within 2 x the report without it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.timing import Figure

RATIO = 2.0
RUNS = 3
NOTE_LENGTH = 100_000
ROOT = Path(__file__).resolve().parent.parent
PART1 = ROOT / "examples" / "retail-bank" / "part1-development.yaml"


def _cli() -> str:
    beside = Path(sys.executable).parent / "mlops-maturity"
    return str(beside) if beside.exists() else "mlops-maturity"


def long_note() -> str:
    """Letters and digits only: no space, hyphen or CJK character where a line could break."""
    return "".join(f"{n:05d}abcdefghijk" for n in range(NOTE_LENGTH // 16)).ljust(NOTE_LENGTH, "z")


def _with_note(target: Path) -> Path:
    data = yaml.safe_load(PART1.read_text(encoding="utf-8"))
    data["answers"]["P1.RM.RA.01.R01"]["note"] = long_note()
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return (time.perf_counter() - start) * 1000


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-long-note-") as tmp:
        noted = _with_note(Path(tmp) / "part1-long-note.yaml")
        report = [_cli(), "report", "--format", "pdf", "--lang", "en", "--date", "2026-11-20"]
        plain, long = [], []
        for _ in range(RUNS):
            plain.append(_timed([*report, str(PART1), "-o", str(Path(tmp) / "plain.pdf")]))
            long.append(_timed([*report, str(noted), "-o", str(Path(tmp) / "long.pdf")]))
    med_plain, med_long = statistics.median(plain), statistics.median(long)
    ratio = med_long / med_plain
    return [
        Figure(
            f"report pdf P1 en, without the note ({RUNS} runs)",
            med_plain,
            med_plain,
            f"min {min(plain):.0f} max {max(plain):.0f} ms",
        ),
        Figure(
            f"report pdf P1 en with a {NOTE_LENGTH:,}-character note vs {RATIO} x without",
            med_long,
            RATIO * med_plain,
            f"ratio {ratio:.2f}; min {min(long):.0f} max {max(long):.0f} ms",
        ),
    ]


if __name__ == "__main__":
    for figure in run():
        status = "ok" if figure.ok else "MISSED"
        print(
            f"{figure.name}: {figure.median_ms:.0f} ms (target {figure.target_ms:.0f} ms) {status}  [{figure.detail}]"
        )

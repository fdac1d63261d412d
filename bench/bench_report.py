"""The full Part 1 + Part 2 PDF report, end to end, against WeasyPrint alone on the identical HTML.

Both are timed as a user meets them, in fresh processes: `mlops-maturity report … --format pdf` (start-up, loading
and scoring both questionnaires, charts, templates, WeasyPrint) and `python -c "weasyprint.HTML(…).write_pdf(…)"` on
the HTML that the same command writes with `--format html`. Runs alternate so that machine load hits both alike.
Targets: the pipeline within 1.2 × WeasyPrint alone, and under 10 s for both parts. The pipeline can come out faster
than WeasyPrint alone: it pauses Python's cyclic garbage collector while WeasyPrint lays out (reports/pdf.py).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import Figure

TARGET_MS = 10_000.0
RATIO = 1.2
RUNS = 3
ROOT = Path(__file__).resolve().parent.parent
PARTS = [
    ROOT / "examples" / "retail-bank" / "part1-development.yaml",
    ROOT / "examples" / "retail-bank" / "part2-delivery.yaml",
]
WEASYPRINT_ALONE = "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"


def _cli() -> str:
    beside = Path(sys.executable).parent / "mlops-maturity"
    return str(beside) if beside.exists() else "mlops-maturity"


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return (time.perf_counter() - start) * 1000


def _pages(pdf: Path) -> str:
    """The page count as pdfinfo reads it (poppler-utils, installed by scripts/install-system-deps.sh)."""
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "?"
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return match.group(1) if match else "?"


def _measure(lang: str, tmp: Path) -> list[Figure]:
    report = [_cli(), "report", *map(str, PARTS), "--lang", lang, "--date", "2026-11-20"]
    html, pdf, alone_pdf = tmp / f"report-{lang}.html", tmp / f"report-{lang}.pdf", tmp / f"alone-{lang}.pdf"
    subprocess.run([*report, "--format", "html", "-o", str(html)], check=True, capture_output=True)
    pipeline, alone = [], []
    for _ in range(RUNS):
        pipeline.append(_timed([*report, "--format", "pdf", "-o", str(pdf)]))
        alone.append(_timed([sys.executable, "-c", WEASYPRINT_ALONE, str(html), str(alone_pdf)]))
    med, med_alone = statistics.median(pipeline), statistics.median(alone)
    spread = f"min {min(pipeline):.0f} max {max(pipeline):.0f} ms"
    detail = f"{_pages(pdf)} pages, {pdf.stat().st_size / 1e6:.2f} MB, {RUNS} runs, {spread}"
    return [
        Figure(f"report pdf P1+P2 {lang}, end to end", med, TARGET_MS, detail),
        Figure(
            f"report pdf P1+P2 {lang} vs {RATIO} x WeasyPrint alone",
            med,
            RATIO * med_alone,
            f"ratio {med / med_alone:.2f}; WeasyPrint alone {med_alone:.0f} ms on the identical HTML "
            f"({_pages(alone_pdf)} pages)",
        ),
    ]


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        return [f for lang in ("zh", "en") for f in _measure(lang, Path(tmp))]


if __name__ == "__main__":
    for figure in run():
        status = "ok" if figure.ok else "MISSED"
        print(
            f"{figure.name}: {figure.median_ms:.0f} ms (target {figure.target_ms:.0f} ms) {status}  [{figure.detail}]"
        )

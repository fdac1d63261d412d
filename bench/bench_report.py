"""The full Part 1 + Part 2 PDF report as the demo produces it, end to end, against WeasyPrint alone on the same HTML.

The inputs are made the way `make demo` makes them, in a temporary directory and without network: the example model
repository (scripts/build_example_repo.py), an evidence bundle collected from it and from the demo stack's local
MLflow, Prometheus and recorded Jira (scripts/demo_stack, 127.0.0.1 only, stopped afterwards), both questionnaires
drafted from that bundle and their proposals confirmed. The report then carries what a real one carries: a check
table under each checked requirement, the limitations, the provenance of every verdict and the bundle's records.

Both figures are timed as a user meets them, in fresh processes: `mlops-maturity report … --evidence … --format pdf`
(start-up, loading and scoring both questionnaires with the bundle, charts, templates, WeasyPrint) and
`python -c "weasyprint.HTML(…).write_pdf(…)"` on the HTML that the same command writes with `--format html`. Runs
alternate so that machine load hits both alike. Targets: under 10 s for both parts, and within 1.2 × WeasyPrint alone.
The pipeline can come out faster than WeasyPrint alone: it pauses Python's cyclic garbage collector while WeasyPrint
lays out (reports/pdf.py).
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
QUESTIONNAIRES = [
    ROOT / "examples" / "retail-bank" / "part1-development.yaml",
    ROOT / "examples" / "retail-bank" / "part2-delivery.yaml",
]
ASSESSOR = "Chen Jing (consultant)"  # who confirms the proposals in `make demo`
REPORT_DATE = "2026-11-20"
WEASYPRINT_ALONE = (
    "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_variant='pdf/a-3b')"
)
BASE_TARGETS = """\
# The example organisation's own target, as in examples/retail-bank/targets.yaml, with the repository built here.
targets:
  - collector: git
    name: reco-service
    path: repos/reco-service
"""


def _cli() -> str:
    beside = Path(sys.executable).parent / "mlops-maturity"
    return str(beside) if beside.exists() else "mlops-maturity"


def _run(args: list[str]) -> None:
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} … failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _demo_inputs(tmp: Path) -> tuple[list[Path], Path]:
    """The demo's drafted and confirmed questionnaires and its evidence bundle, made under `tmp` (about a minute)."""
    cli, python = _cli(), sys.executable
    _run([python, "scripts/build_example_repo.py", str(tmp / "repos" / "reco-service")])
    base = tmp / "base-targets.yaml"
    base.write_text(BASE_TARGETS, encoding="utf-8")
    evidence = tmp / "evidence"
    stack = [python, "-m", "scripts.demo_stack", "run", "--out", str(tmp), "--targets", str(base)]
    _run([*stack, "--", cli, "collect", str(tmp / "targets.yaml"), "-o", str(evidence)])
    drafted = []
    for questionnaire in QUESTIONNAIRES:
        out = tmp / questionnaire.name.replace(".yaml", "-drafted.yaml")
        _run([cli, "assess", str(questionnaire), "--evidence", str(evidence), "--draft", "-o", str(out)])
        _run([cli, "answer", "confirm", str(out), "--all-proposed", "--by", ASSESSOR])
        drafted.append(out)
    return drafted, evidence


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


def _measure(lang: str, parts: list[Path], evidence: Path, tmp: Path) -> list[Figure]:
    report = [_cli(), "report", *map(str, parts), "--evidence", str(evidence), "--lang", lang, "--date", REPORT_DATE]
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
        Figure(f"report pdf P1+P2 with evidence {lang}, end to end", med, TARGET_MS, detail),
        Figure(
            f"report pdf P1+P2 with evidence {lang} vs {RATIO} x WeasyPrint alone",
            med,
            RATIO * med_alone,
            f"ratio {med / med_alone:.2f}; WeasyPrint alone {med_alone:.0f} ms on the identical HTML "
            f"({_pages(alone_pdf)} pages)",
        ),
    ]


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        parts, evidence = _demo_inputs(Path(tmp))
        return [f for lang in ("zh", "en") for f in _measure(lang, parts, evidence, Path(tmp))]


if __name__ == "__main__":
    for figure in run():
        status = "ok" if figure.ok else "MISSED"
        print(
            f"{figure.name}: {figure.median_ms:.0f} ms (target {figure.target_ms:.0f} ms) {status}  [{figure.detail}]"
        )

"""Fixtures for the report tests: the example organisation's reports rendered once per session, an evidence bundle,
and the poppler tools that read PDFs back the way a reader's viewer would."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from evidence_collectors.bundle import write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from tests.conftest import EXAMPLES, ROOT, RunCli
from tests.support.servers import require_binary

PART1 = EXAMPLES / "retail-bank" / "interview" / "part1-development.yaml"  # every requirement answered by hand
PART2 = EXAMPLES / "retail-bank" / "interview" / "part2-delivery.yaml"
ARTIFACTS = ROOT / "tests" / "artifacts"
ARTIFACTS.mkdir(parents=True, exist_ok=True)  # kept out of git: a clean clone has no such folder
REPORT_DATE = "2026-11-20"


def require_tool(name: str) -> str:
    """A poppler tool (package poppler-utils): skipped locally when missing, a failure under CI."""
    return require_binary(name)


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """The text in reading layout (pdftotext -layout): a table row or a heading line stays on one line."""
    args = [require_tool("pdftotext"), "-layout", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run([require_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match, info
    return int(match.group(1))


def pdf_fonts(pdf: Path) -> list[str]:
    out = subprocess.run([require_tool("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def to_png(pdf: Path, page: int, out_stem: Path, dpi: int = 80) -> Path:
    """Render one page with pdftoppm; the PNG is kept under tests/artifacts/ for a person to look at."""
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            require_tool("pdftoppm"),
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(out_stem),
        ],
        check=True,
    )
    return out_stem.with_suffix(".png")


def squash(text: str) -> str:
    """Text without any whitespace: line breaks inside wrapped Chinese or English sentences no longer matter."""
    return re.sub(r"\s+", "", text)


RECORDS = [
    ("git.default_branch_protected", "reco-service", True, "main is protected: 2 approvals, status checks required"),
    ("mlflow.registered_models", "tracking", 14, "14 registered models, 9 with a Production version"),
    ("prometheus.model_metrics_present", "monitoring", None, "connection refused after 3 attempts"),
]


@pytest.fixture(scope="session")
def evidence_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small collected bundle (records of three probes, one unavailable) and its manifest hash."""
    raw = RawStore()
    records = []
    for n, (probe, target, value, summary) in enumerate(RECORDS):
        ok = value is not None
        sha = raw.add(f'{{"probe": "{probe}", "value": {value!r}}}'.encode(), url=f"http://127.0.0.1:9/{probe}")
        records.append(
            EvidenceRecord(
                probe=probe,
                target=target,
                value=value,
                status=EvidenceStatus.ok if ok else EvidenceStatus.unavailable,
                reason="" if ok else summary,
                source=EvidenceSource(system=probe.split(".")[0], url=f"http://127.0.0.1:9/{target}"),
                collected_at=dt.datetime(2026, 11, 5, 10, n, tzinfo=dt.UTC),
                collector=CollectorInfo(name=probe.split(".")[0], version="1.0"),
                raw_sha256=[sha] if ok else [],
                summary=summary if ok else "",
            )
        )
    root = tmp_path_factory.mktemp("evidence") / "bundle"
    manifest = write_bundle(root, Collection(records=records, raw=raw, redactor=Redactor()))
    return root, manifest


@dataclass(frozen=True)
class RenderedPdf:
    lang: str
    path: Path
    text: str
    pages: int


@pytest.fixture(scope="session")
def example_pdfs(run_cli: RunCli, evidence_bundle: tuple[Path, str]) -> dict[str, RenderedPdf]:
    """The example organisation's combined Part 1 + Part 2 report in both languages, through the CLI."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bundle, _ = evidence_bundle
    rendered = {}
    for lang in ("zh", "en"):
        out = ARTIFACTS / f"report-{lang}.pdf"
        done = run_cli(
            "report",
            PART1,
            PART2,
            "--evidence",
            bundle,
            "--format",
            "pdf",
            "--lang",
            lang,
            "--date",
            REPORT_DATE,
            "-o",
            out,
        )
        assert done.returncode == 0, done.stderr
        rendered[lang] = RenderedPdf(lang, out, pdf_text(out), pdf_pages(out))
    return rendered

"""Every output shows the automated checks and what could not be checked.

The evidence is collected for real: the example organisation's model repository (scripts/build_example_repo.py) read
by the git collector, and an MLflow target given with a token but pointing at a closed port, so its checks cannot run
for a reason the report must name (without the token). Part 2 of the example is reported from that bundle.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]
import pytest

from assessors.check_results import CheckReport, CheckRow
from capability_model.schema import Methodology, Verification
from reports.build import ReportFormat, render_checks_csv, render_report, score_parts
from reports.checks_view import probe_text
from reports.view import ScoredPart
from tests.conftest import ROOT, RunCli
from tests.reports.conftest import ARTIFACTS, PART2, REPORT_DATE, pdf_text, squash, to_png

SECRET = "checks-shown-secret-7c2e9a"
KNOWN = ("P2.MT.TE.03.R01", "git.ci_runs_tests")  # decided met by the example repository's CI file


@dataclass(frozen=True)
class Collected:
    bundle: Path
    parts: list[ScoredPart]
    report: CheckReport
    port: int


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory, run_cli: RunCli) -> Collected:
    root = tmp_path_factory.mktemp("checks")
    repo = root / "repos" / "reco-service"
    subprocess.run([sys.executable, ROOT / "scripts" / "build_example_repo.py", repo], check=True, capture_output=True)
    port = _closed_port()
    (root / "targets.yaml").write_text(
        "targets:\n"
        "  - {collector: git, name: reco-service, path: repos/reco-service}\n"
        f"  - {{collector: mlflow, name: tracking, url: 'http://127.0.0.1:{port}', token_env: CHECKS_SHOWN_TOKEN,"
        " timeout_s: 1, retries: 0}\n",
        encoding="utf-8",
    )
    done = run_cli("collect", root / "targets.yaml", "-o", root / "bundle", env={"CHECKS_SHOWN_TOKEN": SECRET})
    assert done.returncode == 0, done.stderr
    parts = score_parts([PART2], evidence=root / "bundle")
    assert parts[0].result.checks is not None
    return Collected(root / "bundle", parts, parts[0].result.checks, port)


def _row(report: CheckReport, requirement: str, probe: str) -> CheckRow:
    return next(c for req, c in report.rows() if req.requirement == requirement and c.probe == probe)


def _unavailable(report: CheckReport) -> CheckRow:
    return next(c for _, c in report.rows() if c.collector == "mlflow" and c.target == "tracking")


@pytest.mark.parametrize(
    ("lang", "expected", "holds", "not_collected", "no_target", "given"),
    [
        (
            "en",
            "= true",
            "holds",
            "not collected",
            "{n} checks could not run: no ",
            "the MLflow target was given but its evidence was unavailable or in error — tracking: unavailable",
        ),
        (
            "zh",
            "= 是",
            "通过",
            "未采集",
            "{n} 项检查无法运行：未提供",
            "已提供 MLflow 采集对象，但其证据不可用或出错——tracking：不可用",
        ),
    ],
)
def test_pdf_shows_check_rows_and_limitations(
    collected: Collected, lang: str, expected: str, holds: str, not_collected: str, no_target: str, given: str
) -> None:
    pdf = ARTIFACTS / f"report-checks-{lang}.pdf"
    pdf.write_bytes(render_report(collected.parts, ReportFormat.pdf, lang, dt.date.fromisoformat(REPORT_DATE)))  # type: ignore[arg-type]
    text = pdf_text(pdf)
    known = _row(collected.report, *KNOWN)
    assert known.outcome == "holds" and known.actual is True and known.record and known.record_sha256
    # one table line: probe, expected, actual, target, collection date, record id, outcome
    actual = expected.split(" ", 1)[1]
    sign = r"\s*".join(re.escape(w) for w in expected.split(" "))  # pdftotext may drop the space before CJK
    line = (
        rf"{re.escape(known.probe)}\s+{sign}\s+{re.escape(actual)}\s+reco-service\s+"
        rf"\d{{4}}-\d{{2}}-\d{{2}}\s+{known.record}\s+{holds}\b"
    )
    assert re.search(line, text), line
    assert known.record_sha256[:12] in text and known.record_sha256 not in text  # shortened in the PDF
    assert squash(probe_text(known.probe, lang)) in squash(text)  # type: ignore[arg-type]
    # the unavailable MLflow target: not collected, with the target and its reason
    down = _unavailable(collected.report)
    # a long probe id wraps in its column: its first 30 characters stand on the row's line
    assert re.search(rf"{re.escape(down.probe[:30])}.*tracking.*\s{not_collected}", text)
    assert squash(f"127.0.0.1:{collected.port}") in squash(text) and "cannotconnect" in squash(text)
    absent = sum(lim.checks for lim in collected.report.limitations if lim.gap == "no_target")
    assert absent > 0
    assert squash(no_target.format(n=absent)) in squash(text)
    assert squash(given) in squash(text)
    assert squash("Verification coverage" if lang == "en" else "验证方式覆盖情况") in squash(text)
    assert SECRET not in text
    if lang == "en":  # a page with a check that could not run, kept for a person to look at
        page = _page_with(pdf, down.record or "")
        png = to_png(pdf, page, ARTIFACTS / "report-en-checks", dpi=90)
        assert png.stat().st_size > 20_000


def _page_with(pdf: Path, needle: str) -> int:
    pages = pdf_text(pdf).split("\f")
    return next(n for n, page in enumerate(pages, start=1) if needle in page)


def test_markdown_csv_and_json_carry_the_same_rows(collected: Collected) -> None:
    report = collected.report
    total = len(report.rows())
    assert total == sum(report.counts.values()) > 50
    md = render_report(collected.parts, ReportFormat.md, "en").decode()
    md_rows = [line for line in md.splitlines() if re.match(r"^\| `P2\.[A-Z0-9.]+` \| ", line)]
    assert len(md_rows) == total
    known = _row(report, *KNOWN)
    assert any(
        f"`{known.probe}`" in line and "| = true | true | reco-service |" in line and line.endswith("| holds |")
        for line in md_rows
    )
    # the limitation line names every collector whose checks could not run for want of a target (the test gives
    # the git repository and an unreachable MLflow only)
    missing = {lim.collector for lim in report.limitations if lim.gap == "no_target"}
    assert {"github", "kubernetes", "airflow", "feast", "modelarts", "zentao"} <= missing
    line = next(line for line in md.splitlines() if "could not run: no " in line and "target was given" in line)
    named = line.split("could not run: no ", 1)[1].split(" target was given", 1)[0].lower()
    assert all(collector in named for collector in missing), (missing, named)

    data = json.loads(render_report(collected.parts, ReportFormat.json, "en"))
    assert CheckReport.model_validate(data["checks"]) == report
    assert data["overall"]["level"] == collected.parts[0].result.overall.level  # the assessment result is all there

    for lang, outcome, reason in (("en", "not collected", "unavailable: "), ("zh", "未采集", "不可用：")):
        frame = pd.read_csv(
            io.BytesIO(render_checks_csv(collected.parts, lang)),  # type: ignore[arg-type]
            encoding="utf-8-sig",
            dtype=str,
            keep_default_na=False,
        )
        assert len(frame) == total
        down = _unavailable(report)
        row = frame[(frame.iloc[:, 3] == down.probe) & (frame.iloc[:, 8] == "tracking")].iloc[0]
        assert row.iloc[12] == outcome and row.iloc[13].startswith(reason) and "cannot connect" in row.iloc[13]
        assert row.iloc[11] == down.record_sha256  # full hash in the CSV
    for text in (md, json.dumps(data)):
        assert SECRET not in text


def test_every_record_hash_is_a_line_of_the_bundle(collected: Collected, run_cli: RunCli, tmp_path: Path) -> None:
    lines = [line for line in (collected.bundle / "records.jsonl").read_bytes().split(b"\n") if line]
    by_id = {json.loads(line)["id"]: hashlib.sha256(line).hexdigest() for line in lines}
    out = tmp_path / "checks.csv"
    done = run_cli("report", PART2, "-e", collected.bundle, "-f", "checks-csv", "--lang", "en", "-o", out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == render_checks_csv(collected.parts, "en")  # the CLI writes what the reports build
    frame = pd.read_csv(io.BytesIO(out.read_bytes()), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    with_record = frame[frame.iloc[:, 10] != ""]
    assert len(with_record) > 40
    for record, sha in zip(with_record.iloc[:, 10], with_record.iloc[:, 11], strict=True):
        assert by_id[record] == sha


def test_html_has_a_check_table_per_checked_requirement_and_the_rule_when_stated(collected: Collected) -> None:
    html = render_report(collected.parts, ReportFormat.html, "en").decode()
    assert html.count('<table class="checks">') == len(collected.report.requirements)
    assert 'id="sec-limitations"' in html and 'href="#sec-limitations"' in html
    assert collected.parts[0].opened.framework.framework.methodology is not None
    assert "How the verification class is chosen" in html  # the rule the framework file states
    text = {"zh": "说明", "en": "text"}
    methodology = Methodology.model_validate(
        {
            "verification_classes": [{"id": v.value, "name": text, "description": text} for v in Verification],
            "verification_rule": {"zh": "能由证据判定的要求设为自动判定。", "en": "Evidence decides whenever it can."},
        }
    )
    part = collected.parts[0]
    loaded = part.opened.framework
    fw = loaded.framework.model_copy(update={"methodology": methodology})
    stated = dataclasses.replace(
        part, opened=dataclasses.replace(part.opened, framework=dataclasses.replace(loaded, framework=fw))
    )
    for fmt in (ReportFormat.html, ReportFormat.md):
        out = render_report([stated], fmt, "en").decode()
        assert "How the verification class is chosen" in out and "Evidence decides whenever it can." in out

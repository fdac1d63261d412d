"""CSV (one row per requirement, via pandas) and the report view's helpers."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from capability_model.atomicfile import TargetIsDirectoryError
from reports.build import ReportFormat, render_report, write_report
from reports.exports import CSV_COLUMNS
from reports.view import css_string, page_counter_css
from tests.conftest import RunCli
from tests.reports.conftest import PART1
from tests.reports.support import example_parts


def test_csv_has_one_row_per_requirement() -> None:
    parts = example_parts()
    total = sum(sum(1 for _ in p.opened.framework.framework.requirements()) for p in parts)
    assert total == 350 + 402
    for lang, status, columns in (
        ("en", "partially met", ["Framework", "Domain id", "Domain"]),
        ("zh", "部分满足", ["标准框架", "能力域编号", "能力域"]),
    ):
        data = render_report(parts, ReportFormat.csv, lang)  # type: ignore[arg-type]
        assert data.startswith(b"\xef\xbb\xbf")  # spreadsheet programs then read Chinese correctly
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
        assert len(frame) == total
        assert list(frame.columns[:3]) == columns and len(frame.columns) == len(CSV_COLUMNS)
        assert status in set(frame.iloc[:, 11])
    row = frame[frame.iloc[:, 9] == "P1.MD.MT.02.R11"].iloc[0]
    assert row.iloc[7] == 4 and row.iloc[8] == 5  # item level 4, requirement level 5
    assert row.iloc[10].startswith("平台自动识别异常实验")


def test_css_strings_cannot_break_out() -> None:
    assert css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c /style\\3e "'
    assert str(page_counter_css("en")) == '"Page " counter(page) " of " counter(pages)'
    assert str(page_counter_css("zh")) == '"第 " counter(page) " 页，共 " counter(pages) " 页"'


def test_writing_a_report_onto_a_directory_is_a_clear_error(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "report.md"
    target.mkdir()
    with pytest.raises(TargetIsDirectoryError, match=f"cannot write {target}: it is a directory"):
        write_report(target, b"# report\n")
    assert list(tmp_path.iterdir()) == [target] and not any(target.iterdir())
    done = run_cli("report", PART1, "--format", "md", "-o", target)
    assert done.returncode == 2 and "it is a directory" in done.stderr and "Traceback" not in done.stderr

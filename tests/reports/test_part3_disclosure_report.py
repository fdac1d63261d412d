"""A report that uses the provisional Part 3 says so: its disclosure, in the report's language, in the PDF and in the
JSON result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from capability_model.catalog import resolve
from capability_model.schema import Lang
from reports.build import ReportFormat, render_report, score_parts
from tests.conftest import EXAMPLES
from tests.reports.conftest import REPORT_DATE, pdf_text, squash

PART3 = EXAMPLES / "retail-bank" / "interview" / "part3-operation.yaml"


def test_json_result_carries_the_disclosure_in_both_languages() -> None:
    disclosure = resolve("caict-mlops-p3").framework.disclosure
    assert disclosure is not None and "自行设计" in disclosure.zh and "own design" in disclosure.en
    data = json.loads(render_report(score_parts([PART3]), ReportFormat.json, "en"))
    framework = data["frame"]["framework"]
    assert framework["status"] == "provisional"
    assert framework["disclosure"] == disclosure.model_dump(mode="json")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_shows_the_disclosure_in_its_language(tmp_path: Path, lang: Lang) -> None:
    import datetime as dt

    disclosure = resolve("caict-mlops-p3").framework.disclosure
    assert disclosure is not None
    pdf = tmp_path / f"part3-{lang}.pdf"
    pdf.write_bytes(render_report(score_parts([PART3]), ReportFormat.pdf, lang, dt.date.fromisoformat(REPORT_DATE)))
    text = squash(pdf_text(pdf))
    assert squash(disclosure.get(lang))[:100] in text
    other: Lang = "en" if lang == "zh" else "zh"
    assert squash(disclosure.get(other))[:40] not in text

"""The engagement's working sessions and who attended them, on the report's frame pages: one table per session in
HTML, Markdown and PDF, in both languages, carried whole in the JSON, and one line saying so when none was recorded.

The reports are made from a copy of the example organisation's Part 1 interview answers. For speed, the HTML, JSON
and PDF renderings bind the answers to a trimmed copy of the framework file (its first subdomain, 36 requirements):
the report code runs unchanged on it, and a PDF takes about 3 s instead of 12.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessors.frame import AssessmentFrame
from assessors.workflow import open_assessment
from capability_model.catalog import resolve
from capability_model.schema import Lang
from reports.build import ReportFormat, render_report
from reports.frame_view import fw, merged_frame
from reports.labels import word
from reports.viewmodel import ScoredPart
from tests.reports.conftest import PART1, pdf_text, squash
from tests.reports.support import visible_text

REPORT_DATE = dt.date(2026, 11, 20)

# Out of date order on purpose: the report lists them oldest first. The last one names neither topic nor attendees.
SESSIONS: dict[Lang, list[dict[str, Any]]] = {
    "en": [
        {
            "date": "2026-11-04",
            "topic": "Data engineering evidence review",
            "attendees": [
                {"name": "Chen Jing", "role": "lead assessor", "organisation": "Assessment body"},
                {"name": "Zhou Qing", "role": "data engineer", "organisation": "Huaxin Bank"},
            ],
            "note": "Lineage of the ranking dataset shown in the DVC remote.",
        },
        {
            "date": "2026-11-02",
            "topic": "Opening workshop",
            "attendees": [{"name": "Liu Yang", "role": "product owner", "organisation": "Huaxin Bank"}],
            "note": "",
        },
        {"date": "2026-11-06", "topic": "", "attendees": [], "note": "Closing call, minutes to follow."},
    ],
    "zh": [
        {
            "date": "2026-11-04",
            "topic": "数据工程证据审阅",
            "attendees": [
                {"name": "陈静", "role": "主评估人", "organisation": "评估机构"},
                {"name": "周青", "role": "数据工程师", "organisation": "华信银行"},
            ],
            "note": "现场演示排序数据集在 DVC 远端的血缘。",
        },
        {
            "date": "2026-11-02",
            "topic": "启动会",
            "attendees": [{"name": "刘洋", "role": "产品负责人", "organisation": "华信银行"}],
            "note": "",
        },
        {"date": "2026-11-06", "topic": "", "attendees": [], "note": "结项会议，纪要待发。"},
    ],
}


def write_trimmed_framework(path: Path) -> Path:
    """The Part 1 framework file cut to its first subdomain (same id and version, so the answers bind as they are)."""
    source = resolve("caict-mlops-p1@2022.10.4").path
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    domain = data["domains"][0]
    domain["subdomains"] = domain["subdomains"][:1]
    data["domains"] = [domain]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trimmed_framework(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_trimmed_framework(tmp_path_factory.mktemp("framework") / "part1-trimmed.yaml")


def assessment_copy(
    target: Path,
    framework: Path | None,
    sessions: list[dict[str, Any]] | None,
    answers: dict[str, str] | None = None,
    dates: tuple[str, str] | None = None,
) -> Path:
    """The Part 1 interview answers (only the framework's requirements when a trimmed framework is given), with the
    given sessions in the frame, `answers` (requirement id -> status) changed and other (start, completion) dates."""
    data = yaml.safe_load(PART1.read_text(encoding="utf-8"))
    if dates is not None:
        data["started"], data["completed"] = dates
    if framework is not None:
        known = set(resolve(str(framework)).framework.requirement_index())
        data["answers"] = {rid: a for rid, a in data["answers"].items() if rid in known}
    frame = data.get("frame") or {}
    frame.pop("sessions", None)
    if sessions is not None:
        frame["sessions"] = sessions
    data["frame"] = frame
    for rid, status in (answers or {}).items():
        data["answers"][rid]["status"] = status
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def trimmed_part(path: Path, framework: Path) -> ScoredPart:
    """One scored part bound to the trimmed framework, as reports/build.py score_parts makes it."""
    opened = open_assessment(path, str(framework))
    assert not opened.migration.orphaned
    return ScoredPart(opened, opened.score(), path, hashlib.sha256(path.read_bytes()).hexdigest())


def _frame_section(text: str, lang: Lang) -> str:
    """The frame pages' text: from the frame's title to the frameworks' disclosures that follow the sessions."""
    end = text.rindex(fw("frameworks", lang))
    return text[text.rindex(fw("frame_title", lang), 0, end) : end]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_session_is_a_table_of_attendees_oldest_first(tmp_path: Path, trimmed_framework: Path, lang: Lang) -> None:
    sessions = SESSIONS[lang]
    path = assessment_copy(tmp_path / "part1.yaml", trimmed_framework, sessions)
    parts = [trimmed_part(path, trimmed_framework)]
    html = render_report(parts, ReportFormat.html, lang, REPORT_DATE).decode()
    md = render_report(parts, ReportFormat.md, lang, REPORT_DATE).decode()
    oldest_first = sorted(sessions, key=lambda s: str(s["date"]))
    headings = [
        word("session_heading", lang, date=s["date"], topic=s["topic"] or word("session_no_topic", lang))
        for s in oldest_first
    ]
    people = sum(len(s["attendees"]) for s in sessions)
    for text in (visible_text(html), md):
        frame = _frame_section(text, lang)
        assert word("sessions_title", lang) in frame
        assert word("sessions_count", lang, n=3, people=people) in frame  # the summary row of the frame page
        at = [frame.index(h) for h in headings]
        assert at == sorted(at), "sessions oldest first"
        assert frame.count(word("session_no_attendees", lang)) == 1  # the closing session names nobody
        for key in ("attendee_name", "attendee_role", "attendee_organisation"):
            assert word(key, lang) in frame
        for s in sessions:
            if s["note"]:
                assert squash(s["note"]) in squash(frame)
        assert word("no_sessions", lang) not in text
    for s in sessions:  # every attendee on one row with their role and organisation, in the table of their session
        for a in s["attendees"]:
            cells = (a["name"], a["role"], a["organisation"])
            assert "".join(f'<td class="user">{c}</td>' for c in cells) in html
            assert "| " + " | ".join(cells) + " |" in md.splitlines()
    liu = SESSIONS[lang][1]["attendees"][0]["name"]  # at the opening workshop only
    opening, review = (md.index(f"#### {h}") for h in headings[:2])
    assert opening < md.index(f"| {liu} |", opening) < review


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_session_recorded_is_said_in_one_line(tmp_path: Path, trimmed_framework: Path, lang: Lang) -> None:
    path = assessment_copy(tmp_path / "part1.yaml", trimmed_framework, None)
    parts = [trimmed_part(path, trimmed_framework)]
    assert parts[0].opened.assessment.frame.sessions == []
    html = visible_text(render_report(parts, ReportFormat.html, lang, REPORT_DATE).decode())
    md = render_report(parts, ReportFormat.md, lang, REPORT_DATE).decode()
    for text in (html, md):
        frame = _frame_section(text, lang)
        assert text.count(word("no_sessions", lang)) == 1
        assert word("attendee_role", lang) not in frame  # no empty table
        flat = squash(frame).replace("*", "").replace(":", "")  # the Markdown row: - **label**: value
        assert squash(word("sessions_title", lang) + fw("not_stated", lang)) in flat


def test_a_combined_report_lists_a_session_of_several_parts_once() -> None:
    shared = SESSIONS["en"][0]
    first = AssessmentFrame.model_validate({"sessions": [shared, SESSIONS["en"][2]]})
    second = AssessmentFrame.model_validate({"sessions": [SESSIONS["en"][1], shared]})
    merged = merged_frame([first, second])
    assert [s.date.isoformat() for s in merged.sessions] == ["2026-11-02", "2026-11-04", "2026-11-06"]
    assert merged.sessions[1] == first.sessions[0]


def test_json_carries_the_sessions_as_typed(tmp_path: Path, trimmed_framework: Path) -> None:
    path = assessment_copy(tmp_path / "part1.yaml", trimmed_framework, SESSIONS["zh"])
    parts = [trimmed_part(path, trimmed_framework)]
    data = json.loads(render_report(parts, ReportFormat.json, "en", REPORT_DATE))
    assert data["frame"]["typed"]["sessions"] == SESSIONS["zh"]
    assert "comparison" not in data


def test_pdf_shows_each_attendee_with_role_and_organisation(tmp_path: Path, trimmed_framework: Path) -> None:
    lang: Lang = "zh"
    sessions = SESSIONS[lang]
    path = assessment_copy(tmp_path / "part1.yaml", trimmed_framework, sessions)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_report([trimmed_part(path, trimmed_framework)], ReportFormat.pdf, lang, REPORT_DATE))
    text = pdf_text(pdf)
    frame = _frame_section(text, lang)
    lines = frame.splitlines()
    for s in sessions:
        heading = word("session_heading", lang, date=s["date"], topic=s["topic"] or word("session_no_topic", lang))
        assert heading in frame
        for a in s["attendees"]:
            pattern = r"\s+".join(re.escape(c) for c in (a["name"], a["role"], a["organisation"]))
            assert any(re.search(pattern, line) for line in lines), a
    assert squash(sessions[0]["note"]) in squash(frame)
    assert word("sessions_count", lang, n=3, people=3) in frame

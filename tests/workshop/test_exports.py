"""Exports from the UI: the report command's files with the same bytes, assessment files, audit trail, dashboard."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.workshop.service import assessment_file, read_assessment_file
from assessors.assessment import Answer, Status
from assessors.sqlite_store import SqliteStore
from assessors.workflow import open_assessment
from reports.build import ReportFormat, render_report, score_parts
from tests.conftest import EXAMPLES
from tests.workshop.apptest import rerun, start

PARTS = [EXAMPLES / "retail-bank" / "interview" / f"{name}.yaml" for name in ("part1-development", "part2-delivery")]


@pytest.fixture
def example_db(tmp_path: Path) -> tuple[Path, int]:
    """The example bank's Part 1 and Part 2 answers in one workshop."""
    db = tmp_path / "w.sqlite"
    workshop_id = SqliteStore(db).create([open_assessment(p).assessment for p in PARTS], "import")
    return db, workshop_id


def _exported_files(db: Path, workshop_id: int, tmp_path: Path) -> list[Path]:
    """The workshop's assessment files as the start page exports them."""
    from app.workshop.service import score_workshop
    from assessors.evidence import decide
    from capability_model.catalog import resolve

    scores = score_workshop(
        SqliteStore(db).load(workshop_id), resolve, None, lambda lf: decide(lf.framework, []), db.parent
    )
    paths = []
    for part in scores.parts:
        name, text = assessment_file(part, "yaml", "zh")
        (tmp_path / "files").mkdir(exist_ok=True)
        (tmp_path / "files" / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / "files" / name)
    return paths


def _until_made(at: AppTest, timeout_s: float = 300.0) -> None:
    """Rerun the page (as its progress bar does) until the report is offered."""
    deadline = time.monotonic() + timeout_s
    while not at.download_button:
        assert time.monotonic() < deadline, "the report was not made"
        time.sleep(0.5)
        rerun(at)


def test_export_buttons_produce_the_report_commands_files(
    example_db: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, workshop_id = example_db
    at = start(db, monkeypatch, w=str(workshop_id), page="export", lang="en")
    cli_parts = score_parts(_exported_files(db, workshop_id, tmp_path))
    for fmt, lang in (("json", "en"), ("csv", "zh"), ("md", "en"), ("html", "zh"), ("pdf", "en")):
        at.radio(key="export:format").set_value(fmt)
        at.segmented_control(key="export:lang").set_value(lang)
        rerun(at)
        assert not at.download_button  # offered only once the report is made for this format and language
        at.button(key="export:go").click()
        rerun(at)
        if fmt == "pdf":  # made in the worker process: the page shows progress and stays usable meanwhile
            assert at.get("progress") and not at.download_button
            _until_made(at)
        button = at.download_button(key="export:download")
        _, _, _, name, data = at.session_state["export:file"]
        assert name == f"mlops-maturity-report-{lang}.{fmt}" and name in button.label
        if fmt == "pdf":
            assert data.startswith(b"%PDF") and len(data) > 50_000
        else:  # byte for byte what `mlops-maturity report` makes of the exported assessment files
            assert data == render_report(cli_parts, ReportFormat(fmt), lang), fmt
    result = json.loads(render_report(cli_parts, ReportFormat.json, "en"))
    assert [r["overall"]["level"] for r in result] == [2, 2]


def test_assessment_files_round_trip(example_db: tuple[Path, int], tmp_path: Path) -> None:
    db, workshop_id = example_db
    exported = _exported_files(db, workshop_id, tmp_path)
    for path, original in zip(exported, PARTS, strict=True):
        again = read_assessment_file(path.read_bytes(), path.name).assessment
        source = open_assessment(original).assessment
        assert {k: a for k, a in again.answers.items() if not a.is_blank} == {
            k: a for k, a in source.answers.items() if not a.is_blank
        }


def test_import_on_the_start_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "w.sqlite"
    at = start(db, monkeypatch, lang="en")
    at.get("file_uploader")[0].set_value(  # type: ignore[attr-defined]
        [(PARTS[0].name, PARTS[0].read_bytes(), "application/yaml")]
    )
    at.button(key="import:new").click()
    rerun(at)
    assert at.success and "caict-mlops-p1@" in at.success[0].value
    workshop_id = at.session_state["workshop"]
    store = SqliteStore(db)
    stored = store.load(workshop_id).part("caict-mlops-p1").answers
    source = open_assessment(PARTS[0]).assessment.answers
    assert {k: a.status for k, a in stored.items()} == {k: a.status for k, a in source.items() if not a.is_blank}
    # importing Part 2 into the open workshop adds the part; a broken file is refused with its location
    at.radio(key="page").set_value("start")
    rerun(at)
    at.get("file_uploader")[0].set_value([(PARTS[1].name, PARTS[1].read_bytes(), "application/yaml")])  # type: ignore[attr-defined]
    at.button(key="import:into").click()
    rerun(at)
    assert store.load(workshop_id).framework_ids == ("caict-mlops-p1", "caict-mlops-p2")
    at.get("file_uploader")[0].set_value([("bad.yaml", b"organisation: x\nanswers: 3\n", "application/yaml")])  # type: ignore[attr-defined]
    at.button(key="import:into").click()
    rerun(at)
    assert at.error and "answers" in at.error[0].value
    keys = {b.key for b in at.download_button}  # the start page offers each part's file, keyed by its name
    assert {"file:caict-mlops-p1.yaml", "file:caict-mlops-p1.json", "file:caict-mlops-p2.yaml"} <= keys


def test_audit_trail_page(example_db: tuple[Path, int], monkeypatch: pytest.MonkeyPatch) -> None:
    db, workshop_id = example_db
    store = SqliteStore(db)
    store.save_answer(workshop_id, "caict-mlops-p1", "P1.RM.RA.01.R01", Answer(status=Status.partial), "Zhang")
    at = start(db, monkeypatch, w=str(workshop_id), page="audit", lang="en")
    frame = at.dataframe[0].value
    assert frame.iloc[0]["change"] == "met → partially met" and frame.iloc[0]["who"] == "Zhang"
    assert len(frame) == len(store.history(workshop_id))
    at.text_input(key="audit:filter").input("p1.rm.ra.01.r01")
    rerun(at)
    assert len(at.dataframe[0].value) == 2
    assert {b.key for b in at.download_button} == {"audit:csv", "audit:json"}


def test_dashboard_shows_the_reports_numbers(example_db: tuple[Path, int], monkeypatch: pytest.MonkeyPatch) -> None:
    db, workshop_id = example_db
    at = start(db, monkeypatch, w=str(workshop_id), page="dashboard", lang="en")
    charts = at.get("plotly_chart")
    assert len(charts) == 3  # the radar and one heatmap per part
    radar = json.loads(charts[0].proto.spec)  # type: ignore[attr-defined]
    levels = next(t for t in radar["data"] if t["name"] == "Level")["r"]
    results = [open_assessment(p).score() for p in PARTS]
    expected = [d.level for r in results for d in r.domains]
    assert levels[:-1] == expected  # closed polygon: the first value repeats at the end
    frame = at.dataframe[0].value
    assert len(frame) == sum(len(ph.requirements) for r in results for ph in r.roadmap)
    at.multiselect(key="gap:status").set_value(["partially met"])
    rerun(at)
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) < len(frame) and set(filtered["status"]) == {"partially met"}

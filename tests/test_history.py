"""`history DIR`: a scope's assessments in date order, with the overall and per-domain levels of each.

The assessments are built so that their levels follow from how they were answered: every requirement up to level k of
a domain met and the rest not met gives every item of that domain level k (each item has requirements at every level),
so the domain is at k and the part at the lowest k.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from rich.console import Console

from assessors.assessment import Answer, Assessment, Status
from assessors.history import Trend
from assessors.storage import save_assessment
from capability_model.catalog import resolve
from reports.compare_render import history_markdown, names_of, print_rows, trend_views
from tests.conftest import RunCli

ITEMS_PER_DOMAIN = {"P1.RM": 8, "P1.DE": 9, "P1.MD": 11}  # Part 1's capability items per domain (README table)


def write_assessment(
    path: Path,
    levels: dict[str, int],
    *,
    framework: str = "caict-mlops-p1",
    organisation: str = "Acme",
    scope: str = "Recommendation",
    started: dt.date = dt.date(2026, 1, 5),
    completed: dt.date | None = None,
    answered_at: dt.datetime | None = None,
    evidence_bundle: str | None = None,
    statuses: dict[str, Status | None] | None = None,
) -> Path:
    """An assessment whose domain D is answered met up to level levels[D] and not met above it; `statuses` overrides
    single requirements (None: unanswered)."""
    loaded = resolve(framework)
    at = answered_at or dt.datetime.combine(started, dt.time(10, 0), dt.UTC)
    answers = {}
    for domain, _, item in loaded.framework.items():
        for req in item.requirements:
            status = Status.met if req.level <= levels.get(domain.id, 0) else Status.not_met
            answers[req.id] = Answer(status=status, answered_by="Li Wei", answered_at=at)
    for rid, status in (statuses or {}).items():
        answers[rid] = Answer(status=status, answered_by="Li Wei", answered_at=at) if status else Answer()
    assessment = Assessment(
        organisation=organisation,
        scope=scope,
        assessor="Chen Jing",
        started=started,
        completed=completed,
        framework=loaded.ref,
        answers=answers,
        evidence_bundle=evidence_bundle,
    )
    save_assessment(assessment, path, loaded.framework, "en")
    return path


def test_history_orders_by_date_not_by_file_name(tmp_path: Path, run_cli: RunCli) -> None:
    write_assessment(
        tmp_path / "a-late.yaml",
        {"P1.RM": 3, "P1.DE": 3, "P1.MD": 3},
        started=dt.date(2026, 9, 7),
        completed=dt.date(2026, 9, 10),
    )
    write_assessment(
        tmp_path / "b-early.yaml",
        {"P1.RM": 1, "P1.DE": 1, "P1.MD": 1},
        started=dt.date(2026, 1, 5),
        completed=dt.date(2026, 1, 9),
    )
    # no completion date: placed by its start
    write_assessment(tmp_path / "c-mid.yaml", {"P1.RM": 2, "P1.DE": 1, "P1.MD": 2}, started=dt.date(2026, 5, 4))
    (tmp_path / "targets.yaml").write_text("targets:\n  - {collector: git, name: x, path: .}\n", encoding="utf-8")

    out = run_cli("history", tmp_path, "--format", "json")
    assert out.returncode == 0, out.stderr
    (trend,) = json.loads(out.stdout)
    assert (trend["organisation"], trend["scope"], trend["framework"]) == ("Acme", "Recommendation", "caict-mlops-p1")
    points = trend["points"]
    assert [p["label"] for p in points] == ["b-early.yaml", "c-mid.yaml", "a-late.yaml"]
    assert [p["date"] for p in points] == ["2026-01-09", "2026-05-04", "2026-09-10"]
    assert [p["level"] for p in points] == [1, 1, 3]
    assert points[1]["domains"] == {"P1.RM": 2, "P1.DE": 1, "P1.MD": 2}
    # c-mid's mean item level: (2*8 + 1*9 + 2*11) / 28 = 47/28 = 1.68
    assert points[1]["score"] == 1.7
    assert trend["domains"] == ["P1.RM", "P1.DE", "P1.MD"]

    # the table and Markdown lay out the same trend (rendered here in-process: each CLI run reads every file again)
    (view,) = trend_views([Trend.model_validate(trend)], names_of([resolve("caict-mlops-p1").framework]), "en")
    buffer = io.StringIO()
    print_rows(Console(file=buffer, width=200, no_color=True), view.title, view.columns, view.rows)
    rows = [line for line in buffer.getvalue().splitlines() if "2026-" in line]
    assert [r.split("│")[1].strip() for r in rows] == ["2026-01-09", "2026-05-04", "2026-09-10"]
    lines = [line for line in history_markdown([view], "en").splitlines() if line.startswith("| 2026-")]
    assert lines[1].startswith("| 2026-05-04 | c-mid.yaml | 2022.10.4 | 1 (1.7) | 2 | 1 | 2 |")


def test_history_of_the_example_organisation(run_cli: RunCli) -> None:
    """The follow-up lost P1.MD.MT.01.R07, so Model development went from 3 to 2 (see test_compare.py)."""
    from tests.conftest import EXAMPLES

    out = run_cli("history", EXAMPLES / "retail-bank" / "history", "--format", "json")
    assert out.returncode == 0, out.stderr
    (trend,) = json.loads(out.stdout)
    assert [(p["date"], p["level"], p["domains"]) for p in trend["points"]] == [
        ("2026-11-06", 2, {"P1.RM": 2, "P1.DE": 2, "P1.MD": 3}),
        ("2026-11-27", 2, {"P1.RM": 2, "P1.DE": 2, "P1.MD": 2}),
    ]


def test_history_without_assessments_is_bad_input(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    out = run_cli("history", tmp_path)
    assert out.returncode == 2
    assert "no assessment files" in out.stderr
    missing = run_cli("history", tmp_path / "nowhere")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_a_broken_assessment_in_the_folder_is_named(tmp_path: Path, run_cli: RunCli) -> None:
    write_assessment(tmp_path / "good.yaml", {"P1.RM": 1})
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (tmp_path / "good.yaml").read_text(encoding="utf-8").replace("started: 2026-01-05", "started: 2026-02-31"),
        encoding="utf-8",
    )
    out = run_cli("history", tmp_path)
    assert out.returncode == 2
    assert "bad.yaml" in out.stderr and "Traceback" not in out.stderr

"""The roadmap on the report: owners and due dates from the actions recorded in the assessment's frame, effort and
prerequisites per requirement, and a what-if line per phase that names the level the rescoring found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from capability_model.schema import Lang
from reports.build import ReportFormat, render_report, score_parts
from reports.roadmap_view import headers, rw
from reports.view import build_view
from tests.reports.conftest import PART1, PART2, squash
from tests.reports.support import edited_copy, visible_text

ACTIONS = [
    {"ref": "P1.RM.RA.01.R08", "owner": "Liu Yang", "due": "2026-12-31", "note": "workflow gate"},
    {"ref": "P1.RM.RA.02", "owner": "Zhao Min", "due": "2027-02-28", "status": "in_progress"},
]


def _with_actions(tmp_path: Path) -> list[Path]:
    def edit(data: dict[str, Any]) -> None:
        data["frame"] = {"actions": ACTIONS}

    return [edited_copy(PART1, tmp_path / PART1.name, edit), PART2]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plan_carries_owner_due_effort_and_what_if(tmp_path: Path, lang: Lang) -> None:
    parts = score_parts(_with_actions(tmp_path))
    view = build_view(parts, lang, dt.date(2026, 11, 20))
    part1 = view.parts[0]
    result = parts[0].result
    phases = [p for p in result.roadmap if p.requirements]
    assert len(part1.phases) == len(phases) > 0
    for shown, phase in zip(part1.phases, phases, strict=True):
        assert [s.id for s in shown.plan] == [s.id for s in phase.requirements]
        assert str(phase.lifts_to) in shown.whatif and str(len(phase.requirements)) in shown.whatif
        assert all(s.effort in ("S", "M", "L") for s in shown.plan)
    plan = {s.id: s for p in part1.phases for s in p.plan}
    assert plan["P1.RM.RA.01.R08"].owner == "Liu Yang" and plan["P1.RM.RA.01.R08"].due == "2026-12-31"
    by_item = [s for s in plan.values() if s.id.startswith("P1.RM.RA.02.")]
    assert by_item and all(s.owner == "Zhao Min" and s.due == "2027-02-28" for s in by_item)  # an item-wide action
    assert rw("action_status_in_progress", lang) in by_item[0].action
    others = [s for s in plan.values() if not s.id.startswith(("P1.RM.RA.02.", "P1.RM.RA.01.R08"))]
    assert others and all(s.owner == rw("unassigned", lang) and not s.due for s in others)
    # a prerequisite item still below the phase's level is named
    assert any("P1.RM.RA.01" in s.after for s in by_item)


def test_html_and_markdown_show_the_plan(tmp_path: Path) -> None:
    parts = score_parts(_with_actions(tmp_path))
    html = visible_text(render_report(parts, ReportFormat.html, "en", dt.date(2026, 11, 20)).decode())
    md = render_report(parts, ReportFormat.md, "en", dt.date(2026, 11, 20)).decode()
    phase = next(p for p in parts[0].result.roadmap if p.requirements)
    line = rw("whatif_first", "en", n=len(phase.requirements), part="Part 1", level=phase.lifts_to)
    for text in (html, md):
        assert squash(line) in squash(text)
        assert "Liu Yang" in text and "2026-12-31" in text
        assert all(h in text for h in headers("en"))

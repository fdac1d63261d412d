"""`compare` across framework versions: only the requirements both versions have are compared, on the newer version.

caict-mlops-p1@2022.10.1 has one requirement per level in each of its 28 items (140); 2022.10.4 keeps those ids and
adds 210 (350 in all), removing none. The earlier assessment answers 2022.10.1 met up to level 2 and not met above:
every item at 2. The later one answers the same 140 ids met up to level 3 and every other requirement not met, so on
its own version every item is at 0 (each item's added level-1 requirement is not met), while on the shared
requirements every item is at 3. The comparison must say 2 -> 3 everywhere, with the 28 shared level-3 requirements
newly met and nothing about the 210 requirements the earlier version did not have.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assessors.assessment import Status
from assessors.compare import compare
from assessors.history import load_snapshot
from capability_model.catalog import resolve
from reports.compare_render import compare_view, comparison_html, comparison_markdown, names_of
from tests.test_history import write_assessment


def test_versions_compare_only_what_both_have(tmp_path: Path) -> None:
    old_fw = resolve("caict-mlops-p1@2022.10.1").framework
    shared = old_fw.requirement_index()
    level3 = sorted(rid for rid, (_, req) in shared.items() if req.level == 3)
    assert len(shared) == 140 and len(level3) == 28  # one requirement per level per item

    old = write_assessment(
        tmp_path / "old.yaml",
        {"P1.RM": 2, "P1.DE": 2, "P1.MD": 2},
        framework="caict-mlops-p1@2022.10.1",
        started=dt.date(2025, 11, 3),
        completed=dt.date(2025, 11, 7),
    )
    new_fw = resolve("caict-mlops-p1@2022.10.4").framework
    later = {rid: (Status.met if shared[rid][1].level <= 3 else Status.not_met) for rid in shared}
    new = write_assessment(
        tmp_path / "new.yaml",
        {},
        framework="caict-mlops-p1@2022.10.4",
        started=dt.date(2026, 11, 2),
        completed=dt.date(2026, 11, 6),
        statuses=dict(later),
    )
    before, after = load_snapshot(old), load_snapshot(new)
    assert before.result.overall.level == 2 and after.result.overall.level == 0  # each on its own version

    c = compare(before, after)
    assert c.basis == "caict-mlops-p1@2022.10.4"
    assert c.versions is not None
    assert (c.versions.old, c.versions.new) == ("caict-mlops-p1@2022.10.1", "caict-mlops-p1@2022.10.4")
    assert c.versions.shared == 140 and c.versions.requirements_removed == []
    assert set(c.versions.requirements_added) == set(new_fw.requirement_index()) - set(shared)
    assert len(c.versions.requirements_added) == 210
    assert (c.overall.old, c.overall.new, c.overall.direction) == (2, 3, "up")
    assert (c.old.level, c.new.level) == (2, 0)  # as assessed, for the record
    assert {d.id: (d.old, d.new) for d in c.domains} == {"P1.RM": (2, 3), "P1.DE": (2, 3), "P1.MD": (2, 3)}
    assert len(c.items) == 28 and all((i.old, i.new, i.direction) == (2, 3, "up") for i in c.items)
    assert sorted(d.id for d in c.newly_met) == level3
    assert c.lost == [] and c.newly_answered == []
    assert {d.id for d in c.changed} == set(level3)  # "P1.RM.RA.01.R02" (added, not met) is not among them

    view = compare_view(c, names_of([old_fw, new_fw]), "en")
    md = comparison_markdown(view)
    assert "counting only the 140 requirements both versions have" in md
    assert "- Requirements added by the newer version (not compared): 210 (" in md
    assert "- Requirements removed by the newer version (not compared): 0\n" in md
    html = comparison_html(view)
    assert "<p>Requirements added by the newer version (not compared): 210</p>" in html
    assert '<tr class="up"><td><code>P1.MD</code></td><td>Model development</td>' in html

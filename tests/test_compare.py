"""`compare OLD NEW` on the example organisation, checked against figures worked out by hand from its two files.

examples/retail-bank/history/part1-2026-11-06.yaml is the interview assessment (examples/retail-bank/interview/
part1-development.yaml, 2026-11-02..06); part1-2026-11-27.yaml is the follow-up of 2026-11-23..27, which changed five
answers and kept the other 345 (and their answered_at) as they were:

    P1.RM.RA.01.R08 (L3)  not_met -> met      RA.01 stays 2 (R06 still partial)
    P1.RM.TC.01.R06 (L3)  partial -> met      TC.01 stays 2 (R08 still not met)
    P1.DE.DX.02.R08 (L3)  partial -> met      DX.02 stays 2 (R07 still not met)
    P1.MD.MT.01.R07 (L3)  met -> not_met      MT.01 3 -> 2, so subdomain MD.MT and domain MD 3 -> 2
    P1.DE.DC.02.R10 (L4)  unknown -> not_met  DC.02 stays 3 (R09, R11 still not met)

Item levels before (tests/test_example.py): RM 2,2,2,2,2,3,2,2 (17/8 = 2.1); DE 3,3,3,2,3,2,3,3,2 (24/9 = 2.7);
MD 3,3,3,3,4,3,3,3,3,3,3 (34/11 = 3.1); overall min 2, 75/28 = 2.7.
After: RM and DE unchanged; MD 3,3,3,2,4,3,3,3,3,3,3 (33/11 = 3.0, min 2); overall min 2, 74/28 = 2.6.
Answers with a status: 347 before (3 unknown), 348 after (2 unknown); met 204 before, 204 + 3 - 1 = 206 after.
Stale after 14 days, counted back from the follow-up's completion 2026-11-27: the 348 answered minus the 5 changed
(dated 2026-11-24/25) = 343 answers of the workshop days, by answered_at: 2026-11-02 96 lines less the 2 unknown
(RM.RA.02.R10, RM.PP.03.R10) = 94 at 25 days, 2026-11-03 110 at 24 days, 2026-11-04 139 at 23 days; with the default
180 days, none.
"""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from rich.console import Console

from assessors.compare import Comparison, ComparisonError, Snapshot, compare
from assessors.history import load_snapshot
from assessors.storage import load_assessment
from capability_model.catalog import resolve
from reports.compare_render import (
    compare_view,
    comparison_html,
    comparison_json,
    comparison_markdown,
    names_of,
    print_comparison,
)
from tests.conftest import EXAMPLES, RunCli

HISTORY = EXAMPLES / "retail-bank" / "history"
BEFORE = HISTORY / "part1-2026-11-06.yaml"
AFTER = HISTORY / "part1-2026-11-27.yaml"


@pytest.fixture(scope="module")
def comparison(run_cli: RunCli) -> dict:  # type: ignore[type-arg]
    out = run_cli("compare", BEFORE, AFTER, "--format", "json", "--stale-after", "14")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_the_baseline_is_the_interview_assessment() -> None:
    interview = load_assessment(EXAMPLES / "retail-bank" / "interview" / "part1-development.yaml")
    assert load_assessment(BEFORE) == interview


def test_levels_by_hand(comparison: dict) -> None:  # type: ignore[type-arg]
    c = comparison
    assert c["versions"] is None and c["basis"] == "caict-mlops-p1@2022.10.4"
    assert (c["old"]["completed"], c["new"]["completed"]) == ("2026-11-06", "2026-11-27")
    o = c["overall"]
    assert (o["old"], o["new"], o["old_score"], o["new_score"], o["direction"]) == (2, 2, 2.7, 2.6, "same")
    # one version on both sides: the comparison's basis is each file's own scoring
    assert (c["old"]["level"], c["old"]["score"], c["new"]["level"], c["new"]["score"]) == (2, 2.7, 2, 2.6)
    assert {d["id"]: (d["old"], d["new"], d["old_score"], d["new_score"], d["direction"]) for d in c["domains"]} == {
        "P1.RM": (2, 2, 2.1, 2.1, "same"),
        "P1.DE": (2, 2, 2.7, 2.7, "same"),
        "P1.MD": (3, 2, 3.1, 3.0, "down"),
    }
    moved = {i["id"]: (i["old"], i["new"], i["direction"]) for i in c["items"] if i["direction"] != "same"}
    assert moved == {"P1.MD.MT.01": (3, 2, "down")}
    assert len(c["items"]) == 28
    sub = {s["id"]: (s["old"], s["new"]) for s in c["subdomains"] if s["old"] != s["new"]}
    assert sub == {"P1.MD.MT": (3, 2)}


def test_requirements_by_hand(comparison: dict) -> None:  # type: ignore[type-arg]
    c = comparison

    def ids(key: str) -> list[tuple[str, str, str]]:
        return [(d["id"], d["old"], d["new"]) for d in c[key]]

    assert ids("newly_met") == [
        ("P1.RM.RA.01.R08", "not_met", "met"),
        ("P1.RM.TC.01.R06", "partial", "met"),
        ("P1.DE.DX.02.R08", "partial", "met"),
    ]
    assert ids("lost") == [("P1.MD.MT.01.R07", "met", "not_met")]
    assert ids("newly_answered") == [("P1.DE.DC.02.R10", "unknown", "not_met")]
    assert len(c["changed"]) == 5
    assert {d["id"]: d["level"] for d in c["changed"]}["P1.DE.DC.02.R10"] == 4


def test_stale_answers_by_hand(comparison: dict, snapshots: tuple[Snapshot, Snapshot]) -> None:  # type: ignore[type-arg]
    c = comparison
    assert c["reference_date"] == "2026-11-27" and c["stale_after_days"] == 14
    assert len(c["stale_answers"]) == 343 and c["stale_records"] == []
    ages = Counter(a["age_days"] for a in c["stale_answers"])
    assert ages == {25: 94, 24: 110, 23: 139}
    changed = {"P1.RM.RA.01.R08", "P1.RM.TC.01.R06", "P1.DE.DX.02.R08", "P1.MD.MT.01.R07", "P1.DE.DC.02.R10"}
    assert not changed & {a["id"] for a in c["stale_answers"]}
    default = compare(*snapshots)
    assert default.stale_after_days == 180 and default.stale_answers == []


@pytest.fixture(scope="module")
def snapshots() -> tuple[Snapshot, Snapshot]:
    """Both files opened and scored in this process, for what needs no CLI run (each run takes seconds)."""
    return load_snapshot(BEFORE), load_snapshot(AFTER)


@pytest.fixture(scope="module")
def in_process(snapshots: tuple[Snapshot, Snapshot]) -> Comparison:
    return compare(*snapshots, stale_after_days=14)


@pytest.mark.parametrize("fmt", ["markdown", "html", "table"])
def test_every_format_shows_the_changes(in_process: Comparison, comparison: dict, fmt: str) -> None:  # type: ignore[type-arg]
    assert json.loads(comparison_json(in_process)) == comparison
    fw = resolve("caict-mlops-p1@2022.10.4").framework
    view = compare_view(in_process, names_of([fw]), "en")
    if fmt == "markdown":
        text = comparison_markdown(view)
    elif fmt == "html":
        text = comparison_html(view)
    else:
        buffer = io.StringIO()
        print_comparison(Console(file=buffer, width=200, no_color=True), view)
        text = buffer.getvalue()
    for rid in ("P1.RM.RA.01.R08", "P1.RM.TC.01.R06", "P1.DE.DX.02.R08", "P1.MD.MT.01.R07", "P1.DE.DC.02.R10"):
        assert rid in text
    assert "Requirements newly met (3)" in text or "Requirements newly met: 3" in text
    assert "Requirements no longer met (1)" in text or "Requirements no longer met: 1" in text
    if fmt == "markdown":
        assert "| `P1.MD` | Model development | 3 | 2 | ↓ down | 3.1 | 3.0 |" in text
        assert "| `P1.MD.MT.01` | Pipeline construction | 3 | 2 | ↓ down |" in text
        assert "Answers 343" in text and "and 323 more" in text  # 20 listed
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and '<tr class="down"><td><code>P1.MD</code></td>' in text


def test_chinese_markdown(in_process: Comparison) -> None:
    fw = resolve("caict-mlops-p1@2022.10.4").framework
    text = comparison_markdown(compare_view(in_process, names_of([fw]), "zh"))
    assert "## 新满足的要求 (3)" in text and "## 不再满足的要求 (1)" in text
    assert "| `P1.MD` | 模型开发 | 3 | 2 | ↓ 下降 | 3.1 | 3.0 |" in text


def test_output_over_an_input_is_refused(run_cli: RunCli) -> None:
    before = AFTER.read_bytes()
    refused = run_cli("compare", BEFORE, AFTER, "--format", "markdown", "-o", AFTER)
    assert refused.returncode == 2 and "is the assessment file" in refused.stderr
    assert AFTER.read_bytes() == before


def test_other_frameworks_are_refused(snapshots: tuple[Snapshot, Snapshot]) -> None:
    part2 = load_snapshot(EXAMPLES / "retail-bank" / "interview" / "part2-delivery.yaml")
    with pytest.raises(ComparisonError, match=r"caict-mlops-p1.*caict-mlops-p2"):
        compare(snapshots[0], part2)

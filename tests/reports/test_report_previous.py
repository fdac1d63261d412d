"""`report --previous`: a section comparing each part with its earlier assessment, in HTML, PDF, Markdown and JSON.

The inputs are made here from the example organisation's Part 1 interview answers (the current assessment, completed
2026-11-06) and a copy dated May 2026 that differs in three answers:

    P1.RM.RA.03.R01 (level 1)  not met before, met now      -> newly met; RA.03 was at 0 (a level-1 requirement unmet)
    P1.RM.TC.01.R06 (level 3)  met before, partial now      -> lost
    P1.RM.TC.01.R08 (level 3)  met before, not met now      -> lost; with R06, all TC.01 lacks for level 3 (was 3)

The expected item and overall levels are worked out in the test from those answers with the README's scoring rule
(an item's level is the highest L whose applicable requirements of levels 1..L are all met; a part's level is the
minimum of its items'), not read from the tool.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from capability_model.catalog import resolve
from capability_model.schema import Framework, Lang
from reports.build import ReportFormat, compared_parts, render_report, score_parts, with_previous
from reports.compare_render import word as cword
from reports.exports import result_json
from reports.frame_view import frame_record, fw
from reports.identity import report_id
from reports.labels import level_text, word
from tests.conftest import RunCli
from tests.reports.conftest import PART2, pdf_text, squash
from tests.reports.support import visible_text
from tests.reports.test_engagement_sessions import assessment_copy, trimmed_part, write_trimmed_framework

REPORT_DATE = dt.date(2026, 11, 20)
BASIS = "caict-mlops-p1@2022.10.4"
NEWLY_MET = "P1.RM.RA.03.R01"
LOST = {"P1.RM.TC.01.R06": "partial", "P1.RM.TC.01.R08": "not_met"}  # their status now; both were met
EARLIER = ("2026-05-04", "2026-05-08")


def hand_levels(framework: Framework, statuses: dict[str, str | None]) -> dict[str, int | None]:
    """Item levels by the README's rule (not_applicable left out; unknown and partial are not met)."""
    levels: dict[str, int | None] = {}
    for _, _, item in framework.items():
        applicable = [r for r in item.requirements if statuses.get(r.id) != "not_applicable"]
        unmet = [r.level for r in applicable if statuses.get(r.id) != "met"]
        levels[item.id] = None if not applicable else (min(unmet) - 1 if unmet else 5)
    return levels


def statuses_of(path: Path) -> dict[str, str | None]:
    answers = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
    return {rid: (a or {}).get("status") for rid, a in answers.items()}


class Expected:
    """What the comparison must say, worked out from the two files by hand."""

    def __init__(self, framework: Framework, old: Path, new: Path) -> None:
        before, after = hand_levels(framework, statuses_of(old)), hand_levels(framework, statuses_of(new))
        self.moved = {i: (before[i], after[i]) for i in after if before[i] != after[i]}
        self.overall = (
            min(v for v in before.values() if v is not None),
            min(v for v in after.values() if v is not None),
        )
        self.names = {i.id: i.name for _, _, i in framework.items()}

    def direction(self, old: int | None, new: int | None) -> str:
        return "same" if old == new else ("up" if (new or 0) > (old or 0) else "down")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """(the earlier assessment, the current one), both of the full Part 1 framework."""
    current = assessment_copy(tmp_path / "part1-2026-11.yaml", None, None)
    earlier = assessment_copy(
        tmp_path / "part1-2026-05.yaml", None, None, {NEWLY_MET: "not_met"} | dict.fromkeys(LOST, "met"), dates=EARLIER
    )
    return earlier, current


def _expected(earlier: Path, current: Path) -> Expected:
    expected = Expected(resolve(BASIS).framework, earlier, current)
    # the inputs do what the module docstring says: RA.03 from 0 up, TC.01 from 3 down to 2, nothing else
    assert set(expected.moved) == {"P1.RM.RA.03", "P1.RM.TC.01"}
    assert expected.moved["P1.RM.RA.03"][0] == 0 and expected.overall[0] == 0
    assert expected.moved["P1.RM.TC.01"] == (3, 2)
    assert statuses_of(current)[NEWLY_MET] == "met" and all(statuses_of(current)[r] == s for r, s in LOST.items())
    return expected


def _flat(text: str) -> str:
    """Text without whitespace and without the Markdown table and code marks."""
    return squash(re.sub(r"[|`*]", "", text))


def _section(text: str, lang: Lang, end_marker: str) -> str:
    """From the section's heading (its last title before `end_marker`: the contents list it first) to `end_marker`."""
    title = word("previous_title", lang)
    start = text.index(title, text.index(title) + 1) if text.count(title) > 1 else text.index(title)
    return text[start : text.index(end_marker, start)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_and_markdown_show_what_changed_since_the_previous_assessment(
    files: tuple[Path, Path], lang: Lang
) -> None:
    earlier, current = files
    expected = _expected(earlier, current)
    parts = with_previous(score_parts([current]), [earlier], REPORT_DATE)
    html = visible_text(render_report(parts, ReportFormat.html, lang, REPORT_DATE).decode())
    md = render_report(parts, ReportFormat.md, lang, REPORT_DATE).decode()
    old_all, new_all = expected.overall
    for text, end in ((html, fw("frame_title", lang)), (md, f"## {word('results_by_domain', lang)}")):
        section = _flat(_section(text, lang, end))
        intro = word("previous_intro", lang, file=earlier.name, date=EARLIER[1], basis=BASIS)
        assert _flat(intro) in section
        change = cword(expected.direction(old_all, new_all), lang)
        overall = word("previous_overall", lang, old=old_all, new=new_all, change=change)
        assert _flat(overall) in section
        for item, (old, new) in expected.moved.items():
            row = f"{item}{expected.names[item].get(lang)}{level_text(old, lang)}{level_text(new, lang)}"
            assert _flat(row + cword(expected.direction(old, new), lang)) in section, item
        assert "P1.RM.RA.02" not in section  # answers unchanged: not listed
        met, not_met = cword("met", lang), cword("not_met", lang)
        assert _flat(f"{cword('newly_met', lang)} (1)") in section
        assert _flat(f"{NEWLY_MET}1{not_met}{met}") in section
        assert _flat(f"{cword('lost', lang)} (2)") in section
        for rid, now in LOST.items():
            assert _flat(f"{rid}3{met}{cword(now, lang)}") in section
    assert html.count(word("previous_title", lang)) == 2  # the contents and the section


def test_json_gains_the_comparison_only_with_previous(files: tuple[Path, Path]) -> None:
    earlier, current = files
    expected = _expected(earlier, current)
    alone = score_parts([current])
    plain = render_report(alone, ReportFormat.json, "en", REPORT_DATE)
    assert plain.decode() == result_json([alone[0].result], frames=[frame_record(alone[0])])  # unchanged
    assert "comparison" not in json.loads(plain)
    data = json.loads(render_report(with_previous(alone, [earlier], REPORT_DATE), ReportFormat.json, "en"))
    c = data["comparison"]
    assert (c["old"]["label"], c["new"]["label"], c["basis"]) == (earlier.name, current.name, BASIS)
    assert [d["id"] for d in c["newly_met"]] == [NEWLY_MET]
    assert [d["id"] for d in c["lost"]] == list(LOST)
    assert (c["overall"]["old"], c["overall"]["new"]) == expected.overall
    moved = {i["id"]: (i["old"], i["new"]) for i in c["items"] if i["direction"] != "same"}
    assert moved == expected.moved
    assert {k: v for k, v in data.items() if k != "comparison"} == json.loads(plain)


def test_pdf_shows_the_comparison(tmp_path: Path) -> None:
    """On the framework trimmed to its first subdomain (a 3 s PDF): RA.03 up from 0, RA.01 down from 3 to 2."""
    framework = write_trimmed_framework(tmp_path / "part1-trimmed.yaml")
    lost = ("P1.RM.RA.01.R06", "P1.RM.RA.01.R08")  # the two requirements RA.01 lacks for level 3, met before
    current = assessment_copy(tmp_path / "part1-2026-11.yaml", framework, None)
    changes = {NEWLY_MET: "not_met"} | dict.fromkeys(lost, "met")
    earlier = assessment_copy(tmp_path / "part1-2026-05.yaml", framework, None, changes, dates=EARLIER)
    expected = Expected(resolve(str(framework)).framework, earlier, current)
    assert expected.moved == {"P1.RM.RA.03": (0, expected.moved["P1.RM.RA.03"][1]), "P1.RM.RA.01": (3, 2)}
    now, before = trimmed_part(current, framework), trimmed_part(earlier, framework)
    parts = compared_parts([now], [before], dt.date(2026, 11, 20))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_report(parts, ReportFormat.pdf, "en", REPORT_DATE))
    whole = pdf_text(pdf)
    data = render_report(parts, ReportFormat.json, "en", REPORT_DATE)  # what the PDF embeds, and prints the hash of
    assert "comparison" in json.loads(data) and hashlib.sha256(data).hexdigest() in squash(whole)
    # the earlier file is an input too: it enters the report id, after the part itself
    assert report_id([now, before], REPORT_DATE) in whole and report_id([now], REPORT_DATE) not in whole
    text = _section(whole, "en", fw("frame_title", "en"))
    old_all, new_all = expected.overall
    assert word("previous_overall", "en", old=old_all, new=new_all, change=cword("up", "en")) in text
    lines = text.splitlines()
    for item, (old, new) in expected.moved.items():
        arrow = re.escape(cword(expected.direction(old, new), "en"))
        assert any(re.search(rf"{re.escape(item)}\s.*\s{old}\s+{new}\s+{arrow}", ln) for ln in lines), item
    assert any(re.search(rf"{re.escape(NEWLY_MET)}\s+1\s+not met\s+met\b", ln) for ln in lines)
    now = statuses_of(current)
    assert [now[rid] for rid in lost] == ["partial", "not_met"]
    for rid in lost:
        after = re.escape(cword(str(now[rid]), "en"))
        assert any(re.search(rf"{re.escape(rid)}\s+3\s+met\s+{after}", ln) for ln in lines), rid
    assert f"{cword('lost', 'en')} (2)" in text


def test_cli_report_previous(run_cli: RunCli, files: tuple[Path, Path]) -> None:
    earlier, current = files
    done = run_cli("report", current, "--previous", earlier, "--format", "md", "--lang", "en", "--date", "2026-11-20")
    assert done.returncode == 0, done.stderr
    section = _section(done.stdout, "en", f"## {word('results_by_domain', 'en')}")
    assert f"`{NEWLY_MET}`" in section and all(f"`{rid}`" in section for rid in LOST)


def test_cli_refuses_a_previous_file_of_another_framework(
    run_cli: RunCli, files: tuple[Path, Path], tmp_path: Path
) -> None:
    earlier, current = files
    out = tmp_path / "report.md"
    done = run_cli("report", current, "--previous", PART2, "--format", "md", "-o", out)
    assert done.returncode == 2  # README "Exit codes": bad input
    assert "--previous" in done.stderr and "caict-mlops-p2" in done.stderr and "caict-mlops-p1" in done.stderr
    assert not out.exists()
    twice = run_cli("report", current, "--previous", earlier, "--previous", current, "--format", "json")
    assert twice.returncode == 2 and "both assess caict-mlops-p1" in twice.stderr and not twice.stdout
    csv = run_cli("report", current, "--previous", earlier, "--format", "csv")
    assert csv.returncode == 2 and "--previous applies to" in csv.stderr


def test_cli_assess_previous_writes_the_comparison(run_cli: RunCli, files: tuple[Path, Path]) -> None:
    earlier, current = files
    done = run_cli("assess", current, "--previous", earlier, "--format", "json")
    assert done.returncode == 0, done.stderr
    c = json.loads(done.stdout)["comparison"]
    assert [d["id"] for d in c["newly_met"]] == [NEWLY_MET] and [d["id"] for d in c["lost"]] == list(LOST)
    wrong = run_cli("assess", current, "--previous", PART2, "--format", "json")
    assert wrong.returncode == 2 and "caict-mlops-p2" in wrong.stderr

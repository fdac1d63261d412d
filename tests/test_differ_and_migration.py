"""Framework versions: what changed between two, and answers carried across without loss."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from assessors.assessment import Answer, Assessment, Status
from assessors.binding import bind
from capability_model.differ import diff_frameworks
from capability_model.loader import LoadedFramework, load_framework
from tests.conftest import RunCli


def _next_version(part1: LoadedFramework, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A successor version: one requirement reworded, two re-levelled, one removed, one moved, new ones added.

    Every item keeps a requirement at every level (replacements get fresh ids), so the file stays valid.
    """
    data = yaml.safe_load(part1.path.read_text(encoding="utf-8"))
    data["version"] = "2099.1"
    items = [i for d in data["domains"] for s in d["subdomains"] for i in s["items"]]

    def replacement(item: dict, like: dict, suffix: str) -> dict:
        return dict(like, id=f"{item['id']}.R{suffix}", text={"zh": f"替代要求{suffix}", "en": f"Replacement {suffix}"})

    reworded = items[0]["requirements"][0]
    reworded["text"]["en"] += " (revised)"
    l4 = next(r for r in items[1]["requirements"] if r["level"] == 4)
    l5 = next(r for r in items[1]["requirements"] if r["level"] == 5)
    l4["level"], l5["level"] = 5, 4
    removed = items[2]["requirements"].pop(1)
    items[2]["requirements"].append(replacement(items[2], removed, "98"))
    moved = items[3]["requirements"].pop(0)
    items[3]["requirements"].append(replacement(items[3], moved, "97"))
    items[4]["requirements"].insert(0, moved)
    added = replacement(items[5], items[5]["requirements"][0], "99")
    items[5]["requirements"].append(added)
    path = tmp_path / "next.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ids = {
        "reworded": reworded["id"],
        "relevel": l4["id"],
        "relevel2": l5["id"],
        "removed": removed["id"],
        "moved": moved["id"],
        "added": added["id"],
        "added2": items[2]["id"] + ".R98",
        "added3": items[3]["id"] + ".R97",
    }
    return path, ids


def test_diff_names_each_kind_of_change(part1: LoadedFramework, tmp_path: Path, run_cli: RunCli) -> None:
    path, ids = _next_version(part1, tmp_path)
    diff = diff_frameworks(part1.framework, load_framework(path).framework, "en")
    kinds = {(c.kind, c.id) for c in diff.requirements}
    assert kinds == {
        ("reworded", ids["reworded"]),
        ("level_changed", ids["relevel"]),
        ("level_changed", ids["relevel2"]),
        ("removed", ids["removed"]),
        ("moved", ids["moved"]),
        ("added", ids["added"]),
        ("added", ids["added2"]),
        ("added", ids["added3"]),
    }
    assert diff_frameworks(part1.framework, part1.framework).is_empty

    out = run_cli("model", "diff", part1.path, path, "--format", "json")
    assert out.returncode == 0, out.stderr
    assert '"kind": "moved"' in out.stdout and ids["moved"] in out.stdout


def test_answers_carry_over_and_orphans_are_kept(part1: LoadedFramework, tmp_path: Path) -> None:
    path, ids = _next_version(part1, tmp_path)
    new = load_framework(path).framework
    answered = ("reworded", "relevel", "removed", "moved")
    answers = {ids[k]: Answer(status=Status.met, note=f"note {ids[k]}") for k in answered}
    assessment = Assessment(
        organisation="o", scope="s", assessor="a", started=dt.date(2026, 1, 1), framework=part1.ref, answers=answers
    )
    bound, report = bind(assessment, new, part1.framework)
    assert report.orphaned == [ids["removed"]]
    assert bound.orphaned[ids["removed"]].note == f"note {ids['removed']}"
    assert set(report.carried) == {ids["reworded"], ids["relevel"], ids["moved"]}
    assert {c.id: c.changes for c in report.changed} == {
        ids["reworded"]: ["reworded"],
        ids["relevel"]: ["level_changed"],
        ids["moved"]: ["moved"],
    }
    assert sorted(report.unanswered_new) == sorted([ids["added"], ids["added2"], ids["added3"]])
    assert len(bound.answers) + len(bound.orphaned) == len(answers)

    # Going back restores the orphan: nothing is ever dropped.
    back, back_report = bind(bound, part1.framework, new)
    assert back_report.restored == [ids["removed"]]
    assert back.orphaned == {}
    assert back.answers == answers

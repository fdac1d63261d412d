"""Presentation mode and the evidence page's conflicts in Streamlit's AppTest: the item's blocking list comes from
the scoring engine, the on-screen Next moves across items, a status sent from a stale screen is refused and resolved
exactly as on the interview page (the same edit path), the words follow the language, and a conflict with the
evidence names its requirement and opens it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessors.assessment import Answer, Assessment, Status
from assessors.sqlite_store import SqliteStore
from assessors.store import FieldEdit
from tests.workshop.apptest import markdown, rerun, start, status_of, texts
from tests.workshop.test_evidence import CHECKED, ITEM, _bundle, _workshop


def test_the_blocking_list_and_next_follow_the_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    item = "P1.RM.RA.01"
    met = {f"{item}.R01": Answer(status=Status.met, answered_by="Zhang")}
    workshop_id = SqliteStore(db).create([parts[0].model_copy(update={"answers": met}), parts[1]], "seed")
    at = start(db, monkeypatch, w=str(workshop_id), page="present", item=item, lang="en")
    shown = markdown(at)
    assert "Still needed for level 1:" in shown and f"{item}.R02" in shown
    assert f"`{item}.R01`" not in shown.split("Still needed for level 1:")[1].split("Requirement 1 of")[0]
    assert at.session_state["focus"] == f"{item}.R01"
    for _ in range(12):  # past the item's last requirement, into the next item
        at.button(key="present:next").click()
        rerun(at)
    assert at.session_state["item"] != item and at.session_state["focus"].startswith(at.session_state["item"])
    at.button(key="present:prev").click()
    rerun(at)
    assert (at.session_state["item"], at.session_state["focus"]) == (item, f"{item}.R12")


def test_a_conflict_is_named_and_opens_its_requirement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])  # answered met by hand
    _bundle(tmp_path / "w.sqlite.data" / "bundles" / "b1", [])  # the evidence finds no data versioning tool
    SqliteStore(db).set_evidence_bundle(workshop_id, "w.sqlite.data/bundles/b1")
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
    link = at.button(key=f"ev:conflict:{CHECKED}")
    assert link.label == CHECKED
    assert "The manual answer 'met' contradicts the collected evidence" in markdown(at)
    link.click()
    rerun(at)
    assert (at.session_state["page"], at.session_state["item"], at.session_state["focus"]) == (
        "interview", ITEM, CHECKED,
    )  # fmt: skip


def test_a_status_from_a_stale_presentation_screen_is_refused_and_resolved_as_in_the_interview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    store = SqliteStore(db)
    workshop_id = store.create(parts, "seed")
    rid = "P1.RM.RA.01.R02"
    at = start(db, monkeypatch, "Li Wei", w=str(workshop_id), page="present", item="P1.RM.RA.01", lang="en")
    saved = store.save_field(workshop_id, "caict-mlops-p1", rid, FieldEdit("status", Status.met, None, 0), "Wang Fang")
    assert saved.outcome == "saved"  # Wang Fang answers from another screen; this one still shows it unanswered
    entries = len(store.history(workshop_id))
    status_of(at, rid).set_value(Status.not_met)
    rerun(at)
    assert store.load(workshop_id).part("caict-mlops-p1").answers[rid].status is Status.met
    assert len(store.history(workshop_id)) == entries  # refused: nothing written
    assert "Status changed by Wang Fang " in texts(at) and status_of(at, rid).value is Status.met
    at.button(key=f"mine:status:{rid}:{workshop_id}").click()
    rerun(at)
    answer = store.load(workshop_id).part("caict-mlops-p1").answers[rid]
    assert (answer.status, answer.answered_by) == (Status.not_met, "Li Wei")
    assert store.history(workshop_id, rid)[-1].who == "Li Wei"
    assert at.session_state["page"] == "present"


def test_presentation_words_are_chinese_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = SqliteStore(db).create(parts, "seed")
    at = start(db, monkeypatch, w=str(workshop_id), page="present", item="P1.RM.RA.01", lang="zh")
    shown = markdown(at)
    assert "达到 1 级还需满足：" in shown and "第 1 / " in shown and "键盘：" in shown
    assert "Still needed" not in shown and "Requirement 1 of" not in shown

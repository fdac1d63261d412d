"""The interview page in Streamlit's AppTest, when its page is stale: someone else saved after it was drawn.

Issue 14's cases, each as a person meets it: a note typed on a page that did not show B's status keeps that status;
a status clicked on a page that did not show B's note and references keeps them; the same field changed by both is
refused and both answers are shown with "keep theirs" / "keep mine"; clicking the chosen status keeps it (Clear
clears); a browser that sends a status widget's old value after the page redrew it writes nothing anywhere.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assessors.assessment import Answer, Assessment, Status
from assessors.sqlite_store import SqliteStore
from assessors.store import FieldEdit
from tests.workshop.apptest import rerun, start, status_of, text_box, texts, type_into

P1 = "caict-mlops-p1"
ITEM = "P1.RM.RA.01"
R, OTHER, THIRD = f"{ITEM}.R02", f"{ITEM}.R03", f"{ITEM}.R04"
A, B = "Li Wei", "Wang Fang"


@pytest.fixture
def opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]) -> tuple:
    db = tmp_path / "w.sqlite"
    store = SqliteStore(db)
    workshop_id = store.create(parts, "seed")
    at = start(db, monkeypatch, A, w=str(workshop_id), page="interview", item=ITEM, lang="en")
    return at, store, workshop_id


def _answer(store: SqliteStore, workshop_id: int, rid: str = R) -> Answer:
    return store.load(workshop_id).part(P1).answers.get(rid) or Answer()


def _by_b(store: SqliteStore, workshop_id: int, edit: FieldEdit, rid: str = R) -> None:
    """B saves from another page (that page showed the answer as it is stored)."""
    assert store.save_field(workshop_id, P1, rid, edit, B).outcome in ("saved", "merged")


def test_a_note_typed_on_a_stale_page_keeps_the_status_b_saved(opened: tuple) -> None:
    at, store, workshop_id = opened
    _by_b(store, workshop_id, FieldEdit("status", Status.met, None, 0))
    type_into(at, f"note:{R}:", "recorded for two of four projects")  # A's page still shows R unanswered
    answer = _answer(store, workshop_id)
    assert (answer.status, answer.note) == (Status.met, "recorded for two of four projects")
    assert [(c.who, c.new_status, c.note) for c in store.history(workshop_id, R)] == [
        (B, "met", ""),
        (A, "met", "recorded for two of four projects"),
    ]
    assert status_of(at, R).value == Status.met  # the page now shows B's status beside A's note
    assert text_box(at, f"note:{R}:")["text"] == "recorded for two of four projects"
    assert "changed by" not in texts(at)


def test_a_status_clicked_on_a_stale_page_keeps_the_note_and_references_b_saved(opened: tuple) -> None:
    at, store, workshop_id = opened
    _by_b(store, workshop_id, FieldEdit("note", "minutes of 3 Nov", "", 0))
    _by_b(store, workshop_id, FieldEdit("evidence", ("wiki/req-42",), (), 0))
    status_of(at, R).set_value(Status.partial)
    rerun(at)
    answer = _answer(store, workshop_id)
    assert (answer.status, answer.note, answer.evidence) == (Status.partial, "minutes of 3 Nov", ["wiki/req-42"])
    assert store.history(workshop_id, R)[-1].who == A
    assert text_box(at, f"ev:{R}:")["text"] == "wiki/req-42"


def test_the_same_status_changed_by_both_is_refused_and_shown(opened: tuple) -> None:
    at, store, workshop_id = opened
    _by_b(store, workshop_id, FieldEdit("status", Status.met, None, 0))
    entries = len(store.history(workshop_id))
    status_of(at, R).set_value(Status.not_met)
    rerun(at)
    assert _answer(store, workshop_id).status is Status.met and len(store.history(workshop_id)) == entries
    shown = texts(at)
    assert f"Status changed by {B} " in shown and "s ago to: met (yours, not saved: not met)" in shown
    assert status_of(at, R).value == Status.met  # the widget shows what is saved: B's
    at.button(key=f"mine:status:{R}:{workshop_id}").click()
    rerun(at)
    answer = _answer(store, workshop_id)
    assert (answer.status, answer.answered_by) == (Status.not_met, A)
    assert status_of(at, R).value == Status.not_met and "changed by" not in texts(at)


def test_the_same_note_changed_by_both_is_refused_and_theirs_can_be_kept(opened: tuple) -> None:
    at, store, workshop_id = opened
    _by_b(store, workshop_id, FieldEdit("note", "B's account", "", 0))
    type_into(at, f"note:{R}:", "A's account")
    assert _answer(store, workshop_id).note == "B's account"
    assert f"Note changed by {B} " in texts(at) and "(yours, not saved: A's account)" in texts(at)
    box = text_box(at, f"note:{R}:")
    assert box["conflict"] is True and box["ack"]["seq"] == 1  # the box stops sending and says so
    at.button(key=f"theirs:note:{R}:{workshop_id}").click()
    rerun(at)
    box = text_box(at, f"note:{R}:")
    assert (box["conflict"], box["text"], box["reset"]) == (False, "B's account", 1)  # the box takes theirs
    assert _answer(store, workshop_id).note == "B's account" and store.history(workshop_id, R)[-1].who == B


def test_an_edit_sent_twice_is_written_once(opened: tuple) -> None:
    at, store, workshop_id = opened
    type_into(at, f"note:{R}:", "first words")
    type_into(at, f"note:{R}:", "first words", base="", seq=1)  # the same edit again (its acknowledgement was late)
    assert [c.note for c in store.history(workshop_id, R)] == ["first words"]
    assert text_box(at, f"note:{R}:")["ack"] == {"mount": "apptest", "seq": 1, "text": "first words", "rev": 2}


def test_clear_clears_only_the_status(opened: tuple) -> None:
    at, store, workshop_id = opened
    status_of(at, R).set_value(Status.met)
    rerun(at)
    type_into(at, f"note:{R}:", "kept")
    status_of(at, R).set_value(Status.met)  # the chosen status again: the buttons send nothing
    rerun(at)
    assert len(store.history(workshop_id, R)) == 2
    status_of(at, R).set_value(None)  # Clear
    rerun(at)
    answer = _answer(store, workshop_id)
    assert (answer.status, answer.note, answer.answered_by) == (None, "kept", A)
    assert (store.history(workshop_id, R)[-1].old_status, store.history(workshop_id, R)[-1].new_status) == ("met", None)
    assert status_of(at, R).value is None


def test_a_rerun_from_an_old_page_writes_nothing(opened: tuple) -> None:
    """A browser's rerun carries every widget's state; a status is no longer one of them, so a message sent from a
    page that still showed R's old status cannot write that status back (before, it did, in this person's name)."""
    at, store, workshop_id = opened
    status_of(at, R).set_value(Status.partial)
    rerun(at)  # A's page shows R partial
    old_page = at._tree.get_widget_states()
    _by_b(store, workshop_id, FieldEdit("status", Status.met, Status.partial, 0))  # B changes R
    status_of(at, OTHER).set_value(Status.met)
    status_of(at, THIRD).set_value(Status.not_met)
    rerun(at)  # A clicks OTHER and THIRD
    at._run(old_page)  # ... and a message from the page as it was before arrives late
    assert not at.exception
    answers = store.load(workshop_id).part(P1).answers
    assert (answers[R].status, answers[R].answered_by) == (Status.met, B)
    assert (answers[OTHER].status, answers[THIRD].status) == (Status.met, Status.not_met)
    assert [(c.requirement, c.who) for c in store.history(workshop_id)][-3:] == [(R, B), (OTHER, A), (THIRD, A)]
    assert status_of(at, R).value == Status.met


def test_changed_by_says_how_long_ago(opened: tuple) -> None:
    at, store, workshop_id = opened
    _by_b(store, workshop_id, FieldEdit("evidence", ("b-doc",), (), 0))
    ago = dt.datetime.now(dt.UTC) - (_answer(store, workshop_id).answered_at or dt.datetime.now(dt.UTC))
    type_into(at, f"ev:{R}:", "a-doc")
    assert f"Evidence references changed by {B} {int(ago.total_seconds())} s ago to: b-doc" in texts(at)

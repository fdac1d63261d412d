"""The workshop app in Streamlit's AppTest: create, answer, live levels, language, tabs sharing one store."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.workshop.words import t
from assessors.assessment import Answer, Assessment, Status
from assessors.sqlite_store import SqliteStore
from capability_model.catalog import resolve
from capability_model.loader import LoadedFramework
from tests.workshop.apptest import has_chinese, labels, rerun, start, status_of, texts, type_into

P1 = "caict-mlops-p1"


def _level_one_but(part1: LoadedFramework, blank: Assessment) -> tuple[Assessment, str, str]:
    """Part 1 with every level-1 requirement met except one: the overall level is 0 until that one is met."""
    reqs = [(item.id, r.id) for item, r in part1.framework.requirements() if r.level == 1]
    item_id, left_open = reqs[-1]
    answers = {rid: Answer(status=Status.met, answered_by="seed") for _, rid in reqs if rid != left_open}
    return blank.model_copy(update={"answers": answers}), item_id, left_open


def test_create_an_assessment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "w.sqlite"
    at = start(db, monkeypatch)
    assert str(db) in texts(at)  # the database file is shown
    at.button(key="new:go").click()  # nothing filled in: refused with the fields to fix
    rerun(at)
    assert at.error and t("field_organisation", "zh") in at.error[0].value  # the page's language: Chinese
    assert SqliteStore(db).summaries() == []

    at.text_input(key="new:organisation").input("示例银行")
    at.text_input(key="new:scope").input("推荐系统")
    at.text_input(key="new:assessor").input("Li Wei")
    at.text_area(key="new:participants").input("Zhang\nWang\n")
    at.number_input(key="new:target_level").set_value(4)
    at.multiselect(key="new:parts").set_value([P1])
    rerun(at)
    assert at.selectbox(key=f"new:version:{P1}").value == resolve(P1).framework.version  # the latest unless chosen
    at.selectbox(key=f"new:version:{P1}").set_value("2022.10.2")
    at.button(key="new:go").click()
    rerun(at)
    assert not at.error, [e.value for e in at.error]
    [summary] = SqliteStore(db).summaries()
    assert summary.frameworks == (f"{P1}@2022.10.2",) and summary.organisation == "示例银行"
    workshop = SqliteStore(db).load(summary.id)
    assert (workshop.header.participants, workshop.header.target_level) == (["Zhang", "Wang"], 4)
    assert at.session_state["page"] == "interview"
    assert at.query_params["w"] == [str(summary.id)] or at.query_params["w"] == str(summary.id)
    assert status_of(at, "P1.RM.RA.01.R01").value is None  # the interview opens on the first item


def test_answering_saves_at_once_and_moves_the_live_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part1: LoadedFramework, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    seeded, item_id, left_open = _level_one_but(part1, parts[0])
    store = SqliteStore(db)
    workshop_id = store.create([seeded], "seed")
    at = start(db, monkeypatch, w=str(workshop_id), page="interview", item=item_id, lang="en")
    assert "Overall level <b>0</b>" in texts(at)
    status_of(at, left_open).set_value(Status.met)
    rerun(at)
    assert "Overall level <b>1</b>" in texts(at)  # the last level-1 requirement lifts the whole part to level 1
    saved = store.load(workshop_id).part(P1).answers[left_open]
    assert saved.status is Status.met and saved.answered_by == "Li Wei"  # the name given at the gate
    assert status_of(at, left_open).value == Status.met  # redrawn from the store after the save

    at.selectbox(key="who").set_value("Zhang")
    rerun(at)
    status_of(at, left_open).set_value(Status.not_met)
    rerun(at)
    type_into(at, f"note:{left_open}:", "only two teams")
    type_into(at, f"ev:{left_open}:", "wiki/a, jira-1；jira-2")
    assert "Overall level <b>0</b>" in texts(at)
    saved = store.load(workshop_id).part(P1).answers[left_open]
    assert (saved.status, saved.note, saved.evidence, saved.answered_by) == (
        Status.not_met, "only two teams", ["wiki/a", "jira-1", "jira-2"], "Zhang",
    )  # fmt: skip
    history = store.history(workshop_id, left_open)
    # one entry per edited field: the status, then the note, then the references, each in Zhang's name
    assert [(c.old_status, c.new_status, c.who, c.note, c.evidence) for c in history][-3:] == [
        ("met", "not_met", "Zhang", "", ()),
        ("not_met", "not_met", "Zhang", "only two teams", ()),
        ("not_met", "not_met", "Zhang", "only two teams", ("wiki/a", "jira-1", "jira-2")),
    ]
    assert "answered by Zhang" in texts(at)


def test_next_unanswered_and_the_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part1: LoadedFramework, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    first = [r.id for _, r in part1.framework.requirements()]
    answers = {rid: Answer(status=Status.met) for rid in first[:3]}
    workshop_id = SqliteStore(db).create([parts[0].model_copy(update={"answers": answers})], "seed")
    at = start(db, monkeypatch, w=str(workshop_id), page="interview", lang="en")
    assert at.button(key="nav:P1.RM.RA.01").label.endswith("· L1 · 9 open")
    at.button(key="next_open").click()
    rerun(at)
    assert at.session_state["focus"] == first[3] and "👉 next unanswered" in texts(at)
    status_of(at, first[3]).set_value(Status.partial)
    rerun(at)
    at.button(key="next_open").click()
    rerun(at)
    assert at.session_state["focus"] == first[4]
    at.button(key="nav:P1.DE.DC.01").click()  # the tree jumps to any item
    rerun(at)
    assert status_of(at, "P1.DE.DC.01.R01") is not None
    assert at.button(key="nav:P1.RM.RA.01").label.endswith("· L1 · 8 open")


def test_language_toggle_switches_the_whole_ui(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    english = [p.model_copy(update={"organisation": "Acme", "scope": "Reco"}) for p in parts]
    workshop_id = SqliteStore(db).create(english, "seed")
    at = start(db, monkeypatch, w=str(workshop_id), page="interview")
    zh = texts(at)
    assert "实时结果" in zh and "需求确认" in zh and "Live results" not in zh
    assert at.radio(key="page").options[0] == "开始"
    at.segmented_control(key="lang").set_value("en")
    rerun(at)
    en = texts(at)
    assert "Live results" in en and "Requirement confirmation" in en and "实时结果" not in en
    assert at.radio(key="page").options[0] == "Start"
    assert at.button(key="next_open").label == "Next unanswered ⏭"
    assert at.query_params["lang"] in ("en", ["en"])
    for lang in ("en", "zh"):  # every page draws in both languages, and the English one has no Chinese word
        at.segmented_control(key="lang").set_value(lang)
        for page in ("interview", "start", "dashboard", "evidence", "export", "audit"):
            at.radio(key="page").set_value(page)
            rerun(at)
            assert has_chinese(texts(at) + labels(at)) is (lang == "zh"), (lang, page)


def test_a_second_tab_sees_the_first_tabs_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = SqliteStore(db).create(parts, "seed")
    query = {"w": str(workshop_id), "page": "interview", "item": "P1.RM.RA.01"}
    one, two = start(db, monkeypatch, **query), start(db, monkeypatch, **query)
    status_of(one, "P1.RM.RA.01.R01").set_value(Status.met)
    rerun(one)
    rerun(two)  # the other tab's next interaction shows the saved answer, not its stale widget value
    assert status_of(two, "P1.RM.RA.01.R01").value == Status.met
    status_of(two, "P1.RM.RA.01.R02").set_value(Status.partial)  # a different requirement: nothing is overwritten
    rerun(two)
    rerun(one)
    assert status_of(one, "P1.RM.RA.01.R01").value == Status.met
    assert status_of(one, "P1.RM.RA.01.R02").value == Status.partial


def test_header_details_are_edited_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    store = SqliteStore(db)
    workshop_id = store.create(parts, "seed")
    at = start(db, monkeypatch, w=str(workshop_id), page="start", lang="en")
    field = next(t for t in at.text_area if str(t.key).endswith(":participants"))
    field.input("Zhang\nWang\nZhao")
    rerun(at)
    assert store.load(workshop_id).header.participants == ["Zhang", "Wang", "Zhao"]
    assert "Zhao" in at.selectbox(key="who").options
    field = next(t for t in at.text_input if str(t.key).endswith(":organisation"))
    field.input("")
    rerun(at)
    assert at.error and store.load(workshop_id).header.organisation == "示例银行"
    field = next(t for t in at.text_input if str(t.key).endswith(":organisation"))
    assert field.value == "示例银行"  # the refused value is not left in the box

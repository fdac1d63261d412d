"""The Sessions & actions page in Streamlit's AppTest: sessions and action items are written to the workshop's
shared header without erasing what another tab wrote meanwhile, a viewer changes nothing, the comparison with a
previous assessment shows what moved, and the sidebar shows how much is answered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]
import pytest
from streamlit.testing.v1 import AppTest

from app.workshop.config import DATA_ENV
from app.workshop.progress import progress
from app.workshop.views.engagement import tokens, with_added, with_edited, without
from app.workshop.words import t
from assessors.accounts import Role, hash_password
from assessors.assessment import Answer, Assessment, Status
from assessors.frame import ActionItem, AssessmentFrame, Attendee, EngagementSession
from assessors.sql_open import open_store
from assessors.sqlite_store import SqliteStore
from capability_model.loader import LoadedFramework
from tests.support.postgres import postgres_cluster, postgres_url  # noqa: F401  (fixtures)
from tests.workshop.apptest import DB_ENV, gated, has_chinese, labels, rerun, start, texts

PASSWORD = "correct horse battery"


def _one_part(db: Path | str, part: Assessment) -> int:
    return open_store(db).create([part], "seed")


def _frame(db: Path | str, workshop_id: int) -> AssessmentFrame:
    return open_store(db).load(workshop_id).header.frame


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The workshop's database: the embedded SQLite file, or a real PostgreSQL server (tests/support/postgres.py)
    with its data folder."""
    if request.param == "sqlite":
        return str(tmp_path / "w.sqlite")
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    return str(request.getfixturevalue("postgres_url"))


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The page's table with `column` (AppTest keeps no key of a data frame)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _add_session(at: AppTest, topic: str, when: dt.date, names: list[str]) -> AppTest:
    at.date_input(key="eng:s:new:date").set_value(when)
    at.text_input(key="eng:s:new:topic").set_value(topic)
    at.multiselect(key="eng:s:new:who").set_value(names)
    return rerun(at)


def test_a_session_and_an_action_item_are_saved_in_the_header(
    target: str, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = target
    workshop_id = _one_part(db, parts[0])
    at = start(db, monkeypatch, w=str(workshop_id), lang="en", page="engagement")
    assert "No session is recorded yet." in texts(at)

    _add_session(at, "Data and features", dt.date(2026, 11, 3), ["Zhang", "Chen Jie"])
    assert at.text_input(key="eng:s:new:org:Zhang").value == "示例银行"  # a participant: the assessed organisation
    at.text_input(key="eng:s:new:role:Chen Jie").set_value("data engineer")
    at.text_input(key="eng:s:new:org:Chen Jie").set_value("示例银行")
    at.text_area(key="eng:s:new:note").set_value("walked through the feature pipeline")
    at.button(key="eng:s:add").click()
    rerun(at)
    assert not at.error, [e.value for e in at.error]
    assert _frame(db, workshop_id).sessions == [
        EngagementSession(
            date=dt.date(2026, 11, 3),
            topic="Data and features",
            attendees=[
                Attendee(name="Zhang", organisation="示例银行"),
                Attendee(name="Chen Jie", role="data engineer", organisation="示例银行"),
            ],
            note="walked through the feature pipeline",
        )
    ]
    assert at.text_input(key="eng:s:new:topic").value == ""  # the form is empty again for the next session

    ref_box = at.selectbox(key="eng:a:new:ref")
    assert str(ref_box.options[0]).startswith("Gap · L1 · ")  # the gaps to the target come first
    gap = ref_box.options[0].split(" · ")[2].split(" ")[0]
    ref_box.set_value(gap)
    at.selectbox(key="eng:a:new:owner").set_value("Wang")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    at.date_input(key="eng:a:new:due").set_value(yesterday)
    at.text_input(key="eng:a:new:note").set_value("write the targets down")
    at.button(key="eng:a:add").click()
    rerun(at)
    action = ActionItem(ref=gap, owner="Wang", due=yesterday, status="open", note="write the targets down")
    assert _frame(db, workshop_id).actions == [action]
    assert _frame(db, workshop_id).sessions  # the session written before is still there
    table = _table(at, "overdue")
    assert list(table["ref"]) == [gap] and list(table["overdue"]) == ["⚠ overdue"]
    assert "Action items: 1; overdue: 1" in texts(at)

    [token] = tokens([action])
    at.selectbox(key=f"eng:a:{token}:status:en").set_value("done")
    rerun(at)
    assert _frame(db, workshop_id).actions == [action.model_copy(update={"status": "done"})]
    assert list(_table(at, "overdue")["overdue"]) == [""]  # done: no longer overdue
    [token] = tokens(_frame(db, workshop_id).actions)
    at.button(key=f"eng:a:{token}:remove").click()
    rerun(at)
    assert _frame(db, workshop_id).actions == [] and len(_frame(db, workshop_id).sessions) == 1


def test_two_tabs_adding_sessions_keep_both(
    target: str, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = target
    workshop_id = _one_part(db, parts[0])
    first = start(db, monkeypatch, w=str(workshop_id), lang="en", page="engagement")
    second = start(db, monkeypatch, who="Zhang", w=str(workshop_id), lang="en", page="engagement")
    _add_session(first, "Kick-off", dt.date(2026, 11, 2), ["Li Wei"])
    _add_session(second, "Model delivery", dt.date(2026, 11, 4), ["Zhang"])
    first.button(key="eng:s:add").click()
    rerun(first)
    second.button(key="eng:s:add").click()  # drawn before the first tab's session existed
    rerun(second)
    assert [s.topic for s in _frame(db, workshop_id).sessions] == ["Kick-off", "Model delivery"]

    # the first tab changes the kick-off's note while the second (drawn before) changes its topic: both land
    kickoff = _frame(db, workshop_id).sessions[0]
    [token_first] = tokens([kickoff])
    rerun(first)
    rerun(second)
    second.text_input(key=f"eng:s:{token_first}:topic").set_value("Kick-off and scope")
    rerun(second)
    rerun(second)  # the entry's new widgets are drawn open and filled from the store, without warnings
    assert not second.warning and not second.exception
    [token_now] = tokens([_frame(db, workshop_id).sessions[0]])
    assert second.text_input(key=f"eng:s:{token_now}:topic").value == "Kick-off and scope"
    first.text_area(key=f"eng:s:{token_first}:note").set_value("scope agreed")
    rerun(first)
    assert "your change is merged with theirs" in texts(first)
    sessions = _frame(db, workshop_id).sessions
    assert [(s.topic, s.note) for s in sessions] == [("Kick-off and scope", "scope agreed"), ("Model delivery", "")]


def test_merging_keeps_every_entry() -> None:
    a = ActionItem(ref="P1.X.R01", owner="Wang")
    b = ActionItem(ref="P1.X.R02", owner="Zhang")
    assert with_added([a], b) == [a, b] and with_added([a, b], b) == [a, b]
    assert with_edited([a, b], a, a.model_copy(update={"owner": "Li"}), "ref") == (
        [ActionItem(ref="P1.X.R01", owner="Li"), b],
        "applied",
    )
    theirs = a.model_copy(update={"note": "theirs"})  # someone else changed the note meanwhile
    merged, how = with_edited([theirs, b], a, a.model_copy(update={"status": "done"}), "ref")
    assert how == "merged" and merged == [a.model_copy(update={"note": "theirs", "status": "done"}), b]
    clash = a.model_copy(update={"owner": "Zhao"})  # someone else changed the same field: both are kept
    kept, how = with_edited([clash], a, a.model_copy(update={"owner": "Li"}), "ref")
    assert how == "kept_both" and kept == [clash, a.model_copy(update={"owner": "Li"})]
    assert without([theirs, b], a) is None and without([a, b], a) == [b]


@pytest.fixture
def accounts_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]) -> Path:
    path = tmp_path / "w.sqlite"
    store = SqliteStore(path)
    store.create([parts[0]], "seed")
    people: dict[str, Role] = {
        "Li Wei": "facilitator",
        "Zhang Min": "participant",
        "Wang Fang": "auditor",
        "Ann": "viewer",
    }
    for name, role in people.items():
        store.add_account(name, role, hash_password(PASSWORD, rounds=4))
    monkeypatch.setenv(DB_ENV, str(path))
    monkeypatch.setenv("MLOPS_MATURITY_WORKSHOP_ACCESS", "accounts")
    monkeypatch.setenv("MLOPS_MATURITY_WORKSHOP_SESSION_S", "3600")
    return path


def _log_in(name: str) -> AppTest:
    at = gated(w="1", lang="en", page="engagement")
    at.text_input(key="gate:name").input(name)
    at.text_input(key="gate:password").input(PASSWORD)
    at.button(key="gate:enter").click()
    rerun(at)
    assert "gate:password" not in [w.key for w in at.text_input]
    return at


def _buttons(at: AppTest) -> set[str]:
    return {str(b.key) for b in at.button if b.key and str(b.key).startswith("eng:")}


def test_a_viewer_changes_nothing_and_a_participant_only_adds_actions(accounts_db: Path) -> None:
    SqliteStore(accounts_db).update_header(
        1, {"frame": {"sessions": [{"date": "2026-11-02", "topic": "Kick-off"}], "actions": [{"ref": "P1.RM.RA.01"}]}}
    )
    viewer = _log_in("Ann")
    assert _buttons(viewer) == set() and "2026-11-02 · Kick\\-off" in labels(viewer)  # Markdown-escaped
    assert "Your role can read the sessions and action items but not change them." in texts(viewer)
    assert list(_table(viewer, "overdue")["ref"]) == ["P1.RM.RA.01"]  # viewers see everything

    assert {"eng:s:add", "eng:a:add"} <= _buttons(_log_in("Wang Fang"))  # the auditor records too

    participant = _log_in("Zhang Min")
    assert _buttons(participant) == {"eng:a:add"}  # no session to add, no action to edit or remove
    participant.selectbox(key="eng:a:new:ref").set_value("P1.RM.RA.01.R01")
    participant.button(key="eng:a:add").click()
    rerun(participant)
    assert [a.ref for a in _frame(accounts_db, 1).actions] == ["P1.RM.RA.01", "P1.RM.RA.01.R01"]

    SqliteStore(accounts_db).set_account_role("Zhang Min", "viewer")  # the page drawn before still has its button
    participant.selectbox(key="eng:a:new:ref").set_value("P1.RM.RA.01.R02")
    participant.button(key="eng:a:add").click()
    rerun(participant)
    assert "Your role may not add action items; nothing was changed." in texts(participant)
    assert len(_frame(accounts_db, 1).actions) == 2


def test_the_comparison_shows_what_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part1: LoadedFramework, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    level_one = [(item.id, r.id) for item, r in part1.framework.requirements() if r.level == 1]
    met = {rid: Answer(status=Status.met) for _, rid in level_one}
    store = SqliteStore(db)
    before = store.create([parts[0]], "seed")  # nothing met: level 0
    store.create([parts[0].model_copy(update={"scope": "Fraud models"})], "seed")  # another scope: not offered
    now = store.create([parts[0].model_copy(update={"answers": met})], "seed")  # every level-1 requirement met
    at = start(db, monkeypatch, w=str(now), lang="en", page="engagement")
    [offered] = at.selectbox(key="eng:cmp:with").options  # the same organisation and scope only
    assert str(offered).startswith(f"#{before} · caict-mlops-p1@")
    at.selectbox(key="eng:cmp:with").set_value(before)
    rerun(at)
    shown = texts(at)
    assert "Overall level: 0 → 1 (up)" in shown
    assert all(f"`{rid}`" in shown for _, rid in level_one)  # each newly met
    items = _table(at, "direction")
    assert set(items["item"].str.split(" ").str[0]) == {iid for iid, _ in level_one}
    assert set(items["change"]) == {"0 → 1"} and set(items["direction"]) == {"up"}


def test_progress_counts_answered_requirements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part1: LoadedFramework, parts: list[Assessment]
) -> None:
    done = progress(["met", "unknown", "not_applicable", "not_met", "unknown"])
    assert (done.answered, done.total, done.fraction) == (3, 5, 0.6)
    assert progress([]).fraction == 1.0
    db = tmp_path / "w.sqlite"
    total = sum(1 for _ in part1.framework.requirements())
    first = [r.id for _, r in part1.framework.requirements()][:4]
    answers = {rid: Answer(status=Status.not_applicable if n else Status.met) for n, rid in enumerate(first)}
    workshop_id = _one_part(db, parts[0].model_copy(update={"answers": answers}))
    at = start(db, monkeypatch, w=str(workshop_id), lang="en", page="engagement")
    [bar] = at.get("progress")
    assert bar.proto.text == f"4/{total} answered" and bar.proto.value == int(100 * 4 / total)


def test_the_page_speaks_one_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]) -> None:
    db = tmp_path / "w.sqlite"
    english = parts[0].model_copy(
        update={
            "organisation": "Acme",
            "scope": "Reco",
            "frame": AssessmentFrame(
                sessions=[EngagementSession(date=dt.date(2026, 11, 2), topic="Kick-off")],
                actions=[ActionItem(ref="P1.RM.RA.01.R01", owner="Wang", due=dt.date(2026, 1, 1))],
            ),
        }
    )
    workshop_id = _one_part(db, english)
    at = start(db, monkeypatch, w=str(workshop_id), lang="en", page="engagement")
    assert not has_chinese(texts(at) + labels(at))
    assert "Sessions & actions" in texts(at)
    at.segmented_control(key="lang").set_value("zh")
    rerun(at)
    zh = texts(at) + labels(at)
    assert t("page_engagement", "zh") in zh and t("eng_overdue_mark", "zh") in zh
    english_words = [t(k, "en") for k in ("eng_sessions", "eng_actions", "eng_add_action", "eng_compare", "eng_due")]
    assert not [w for w in english_words if w in zh]

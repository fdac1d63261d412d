"""Accounts in the workshop app itself (Streamlit's AppTest running the real script): people log in by account and
password; what a role may not do is not offered, and is refused by the server when it is sent anyway (a page drawn
before a role changed, or an event crafted by hand); a login expires; the audit trail names the account."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.workshop import throttle
from assessors.accounts import Role, hash_password
from assessors.assessment import Status
from assessors.sqlite_store import SqliteStore
from capability_model.catalog import resolve
from tests.workshop.apptest import DB_ENV, gated, rerun, status_of, text_box, texts
from tests.workshop.conftest import blank
from tests.workshop.test_proposals import ANSWERED, FEATURES, P1, PINNED, VERSIONING, seeded

PASSWORD = "correct horse battery"
ACCESS_ENV, SESSION_ENV = "MLOPS_MATURITY_WORKSHOP_ACCESS", "MLOPS_MATURITY_WORKSHOP_SESSION_S"
PEOPLE: dict[str, Role] = {"Li Wei": "facilitator", "Zhang Min": "participant", "Wang Fang": "auditor", "Ann": "viewer"}
ACCEPT = f"acc:{FEATURES}.R05:1"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workshop of Part 1 with a bundle loaded and one account per role, served with accounts."""
    path = tmp_path / "w.sqlite"
    assert seeded(path, blank(resolve(PINNED))) == 1
    store = SqliteStore(path)
    for name, role in PEOPLE.items():
        store.add_account(name, role, hash_password(PASSWORD, rounds=4))
    monkeypatch.setenv(DB_ENV, str(path))
    monkeypatch.setenv(ACCESS_ENV, "accounts")
    monkeypatch.setenv(SESSION_ENV, "3600")
    return path


def log_in(name: str, password: str = PASSWORD, **query: str) -> AppTest:
    at = gated(**query)
    at.text_input(key="gate:name").input(name)
    at.text_input(key="gate:password").input(password)
    at.button(key="gate:enter").click()
    return rerun(at)


def _in(at: AppTest) -> bool:
    return "gate:password" not in [w.key for w in at.text_input]


def _interview(name: str, item: str) -> AppTest:
    at = log_in(name, w="1", page="interview", item=item, lang="en")
    assert _in(at)
    return at


def _answer(db: Path, requirement: str) -> tuple[Status | None, str | None, str | None]:
    answer = SqliteStore(db).load(1).part(P1).answers[requirement]
    return answer.status, answer.source, answer.confirmed_by


def _draft(db: Path) -> None:
    """The facilitator drafts answers from the loaded bundle (the evidence page's button)."""
    at = log_in("Li Wei", w="1", page="evidence", lang="en")
    at.button(key="ev:draft").click()
    rerun(at)
    assert _answer(db, f"{FEATURES}.R05")[1] == "evidence"


def test_a_wrong_password_or_a_disabled_account_is_refused(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throttle, "SERVER", throttle.Throttle(first_delay_s=30))  # slower than any test machine
    at = log_in("Ann", "not the password", lang="en")
    assert not _in(at) and "Wrong account or password" in texts(at)
    at = log_in("Ann", lang="en")  # at once after a wrong one: even the right password waits
    assert not _in(at) and "Too many attempts" in texts(at)
    for name, password in (("Nobody", PASSWORD), ("Ann", ""), ("ann", PASSWORD)):
        monkeypatch.setattr(throttle, "SERVER", throttle.Throttle())
        at = log_in(name, password, w="1", page="interview", item=VERSIONING, lang="en")
        assert not _in(at) and "Wrong account or password" in texts(at)
        assert "Status of" not in texts(at) and "示例银行" not in texts(at)  # nothing of the assessment is shown
    monkeypatch.setattr(throttle, "SERVER", throttle.Throttle())
    SqliteStore(db).set_account_disabled("Zhang Min", True)
    at = log_in("Zhang Min", lang="en")
    assert not _in(at) and "Wrong account or password" in texts(at)
    monkeypatch.setattr(throttle, "SERVER", throttle.Throttle())
    at = log_in("Ann", lang="en")
    assert _in(at) and "Logged in as Ann (viewer)" in texts(at)


def test_a_viewer_cannot_change_an_answer(db: Path) -> None:
    at = _interview("Ann", VERSIONING)
    control = status_of(at, ANSWERED)
    assert control.value == Status.met and control.disabled  # not offered...
    assert text_box(at, f"note:{ANSWERED}:")["disabled"] and text_box(at, f"ev:{ANSWERED}:")["disabled"]
    before = SqliteStore(db).history(1)
    control.set_value(Status.not_met)  # ...and refused when the click is sent anyway
    rerun(at)
    assert "Your role may not change answers; nothing was changed." in texts(at)
    assert _answer(db, ANSWERED)[0] == Status.met and SqliteStore(db).history(1) == before
    assert status_of(at, ANSWERED).value == Status.met


def test_a_participant_answers_in_the_accounts_name_but_cannot_sign(db: Path) -> None:
    _draft(db)
    at = _interview("Zhang Min", VERSIONING)
    assert not status_of(at, ANSWERED).disabled
    status_of(at, ANSWERED).set_value(Status.partial)
    rerun(at)
    assert _answer(db, ANSWERED)[0] == Status.partial
    assert SqliteStore(db).history(1, ANSWERED)[-1].who == "Zhang Min"  # the audit trail names the account
    assert "who" not in [w.key for w in at.selectbox]  # nobody answers in another name

    at = _interview("Zhang Min", FEATURES)
    assert "Proposed by evidence" in texts(at)
    keys = [b.key for b in at.button]
    assert ACCEPT not in keys and not any(str(k).startswith("ovr:") for k in keys)  # no Accept, no Override


def test_the_server_refuses_signing_to_a_role_that_may_not(db: Path) -> None:
    """A page drawn while the account could sign: once its role is participant, its Accept is refused."""
    _draft(db)
    at = _interview("Li Wei", FEATURES)
    assert ACCEPT in [b.key for b in at.button]
    SqliteStore(db).set_account_role("Li Wei", "participant")
    at.button(key=ACCEPT).click()
    rerun(at)
    assert "Your role may not confirm or override proposals; nothing was changed." in texts(at)
    assert _answer(db, f"{FEATURES}.R05") == (Status.met, "evidence", None)
    assert ACCEPT not in [b.key for b in at.button]  # the redrawn page no longer offers it

    at = _interview("Wang Fang", FEATURES)  # the auditor signs
    assert status_of(at, f"{FEATURES}.R06").disabled
    at.button(key=ACCEPT).click()
    rerun(at)
    assert _answer(db, f"{FEATURES}.R05") == (Status.met, "evidence", "Wang Fang")
    assert "confirmed by Wang Fang" in texts(at)


def test_an_auditor_cannot_answer(db: Path) -> None:
    at = _interview("Wang Fang", VERSIONING)
    assert status_of(at, ANSWERED).disabled
    status_of(at, ANSWERED).set_value(Status.not_met)
    rerun(at)
    assert _answer(db, ANSWERED)[0] == Status.met


def test_a_viewer_cannot_manage_the_assessment(db: Path) -> None:
    at = log_in("Ann", w="1", page="start", lang="en")
    keys = [b.key for b in at.button]
    assert "new:go" not in keys and "import:new" not in keys  # no creating or importing
    assert at.text_input(key="edit:1:organisation").disabled
    at = log_in("Ann", w="1", page="evidence", lang="en")
    assert "ev:draft" not in [b.key for b in at.button] and "ev:load" not in [b.key for b in at.button]


def test_an_expired_login_asks_to_log_in_again(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SESSION_ENV, "1")
    at = _interview("Zhang Min", VERSIONING)
    time.sleep(1.2)
    status_of(at, ANSWERED).set_value(Status.not_met)  # sent after the login expired: refused
    rerun(at)
    assert not _in(at) and "Your session has expired: please log in again." in texts(at)
    assert _answer(db, ANSWERED)[0] == Status.met
    at.text_input(key="gate:name").input("Zhang Min")
    at.text_input(key="gate:password").input(PASSWORD)
    at.button(key="gate:enter").click()
    rerun(at)
    assert _in(at) and "Logged in as Zhang Min (participant)" in texts(at)
    assert status_of(at, ANSWERED).value == Status.met


def test_without_accounts_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The local default: a name at the gate, every action offered."""
    db = tmp_path / "w.sqlite"
    seeded(db, blank(resolve(PINNED)))
    monkeypatch.setenv(DB_ENV, str(db))
    monkeypatch.setenv(ACCESS_ENV, "open")
    at = gated(w="1", page="interview", item=VERSIONING, lang="en")
    assert "gate:password" not in [w.key for w in at.text_input]
    at.text_input(key="gate:name").input("Li Wei")
    at.button(key="gate:enter").click()
    rerun(at)
    assert not status_of(at, ANSWERED).disabled
    status_of(at, ANSWERED).set_value(Status.partial)
    rerun(at)
    assert _answer(db, ANSWERED)[0] == Status.partial

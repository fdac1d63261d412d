"""The way in: no data without the access code, slowed-down guessing, identity from the gate and never from the URL,
and no service at all without the workshop command's configuration."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.workshop import access
from app.workshop.config import NotConfiguredError, from_environment
from app.workshop.throttle import Attempts, Throttle
from assessors.assessment import Assessment, Status
from assessors.sqlite_store import SqliteStore
from tests.workshop.apptest import APP, configure, enter, gated, labels, rerun, status_of, texts

CODE = "plum-tiger-47-river"


def _seeded(tmp_path: Path, parts: list[Assessment]) -> tuple[Path, int]:
    db = tmp_path / "w.sqlite"
    return db, SqliteStore(db).create(parts, "seed")


def _shows_no_data(at: AppTest) -> None:
    shown = texts(at) + labels(at)
    assert "示例银行" not in shown and "推荐系统" not in shown and "P1.RM" not in shown
    assert not at.radio and not at.sidebar.children  # only the gate: no pages, no sidebar
    assert [w.key for w in at.text_input] == ["gate:name", "gate:code"]


def test_without_the_code_no_data_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db, workshop_id = _seeded(tmp_path, parts)
    configure(monkeypatch, db, access=access.hash_code(CODE, iterations=1000))
    at = gated(w=str(workshop_id), page="interview", item="P1.RM.RA.01", lang="en")
    _shows_no_data(at)
    enter(at, "Mallory", "not-the-code")
    assert at.error[0].value.startswith("That access code is not right")
    _shows_no_data(at)
    enter(at, "Mallory", CODE)  # at once again: the session must wait first, even with the right code
    assert "Too many attempts" in at.error[0].value
    _shows_no_data(at)
    time.sleep(1.1)
    enter(at, "Zhang", CODE)
    assert not at.error and "P1.RM.RA.01" in texts(at) and at.session_state["who"] == "Zhang"
    assert status_of(at, "P1.RM.RA.01.R01") is not None  # the page the URL asked for


def test_a_name_is_needed_and_the_open_mode_asks_no_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, tmp_path / "w.sqlite")
    at = gated(lang="en")
    assert [w.key for w in at.text_input] == ["gate:name"]  # open (loopback) server: a name, no code
    at.button(key="gate:enter").click()
    rerun(at)
    assert at.error[0].value == "Please enter your name." and at.text_input(key="gate:name")
    enter(at, "Li Wei")
    assert at.radio(key="page").value == "start"


def test_the_url_sets_no_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]) -> None:
    db, workshop_id = _seeded(tmp_path, parts)
    query = {"w": str(workshop_id), "page": "interview", "item": "P1.RM.RA.01", "who": "Mallory"}
    configure(monkeypatch, db)
    at = enter(gated(**query), "Li Wei")
    status_of(at, "P1.RM.RA.01.R01").set_value(Status.met)
    rerun(at)
    store = SqliteStore(db)
    answer = store.load(workshop_id).part("caict-mlops-p1").answers["P1.RM.RA.01.R01"]
    assert answer.answered_by == "Li Wei"
    assert all(c.who in ("seed", "Li Wei") for c in store.history(workshop_id))
    assert "Mallory" not in texts(at) + labels(at) and "who" not in at.query_params


def test_without_the_commands_configuration_nothing_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db, workshop_id = _seeded(tmp_path, parts)
    monkeypatch.setenv("MLOPS_MATURITY_WORKSHOP_DB", str(db))
    monkeypatch.delenv("MLOPS_MATURITY_WORKSHOP_ACCESS", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"w": str(workshop_id), "page": "interview"})
    at.run()
    assert not at.exception
    assert "mlops-maturity workshop" in at.error[0].value and not at.text_input and not at.radio
    assert "示例银行" not in texts(at)


def test_access_codes_are_hashed_and_compared_whole() -> None:
    code = access.new_code()
    assert len(code) == 24 and code.count("-") == 4
    hashed = access.hash_code(code, iterations=1000)
    assert code not in hashed and access.verify(code, hashed)
    assert not access.verify(code[:-1], hashed) and not access.verify(code, "pbkdf2_sha256$x$y$z")
    assert hashed != access.hash_code(code, iterations=1000)  # salted
    assert [access.is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "localhost", "[::1]")] == [True] * 5
    assert not any(access.is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.5", "example.org", ""))


def test_failed_attempts_wait_longer_and_longer() -> None:
    now = [100.0]
    throttle = Throttle(first_delay_s=1.0, max_delay_s=8.0, server_failures_per_minute=6, clock=lambda: now[0])
    mine = Attempts()
    waits = []
    for _ in range(5):
        throttle.failed(mine)
        waits.append(throttle.wait_s(mine))
        now[0] += waits[-1]
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert throttle.wait_s(Attempts()) == 0  # another session is not slowed by this one's five failures
    throttle.failed(Attempts())  # the sixth failure within a minute: every session, new ones too, waits now
    assert throttle.wait_s(Attempts()) > 0
    now[0] += 61
    assert throttle.wait_s(Attempts()) == 0


def test_open_access_is_refused_on_a_network_address(tmp_path: Path) -> None:
    env = {"MLOPS_MATURITY_WORKSHOP_DB": str(tmp_path / "w.sqlite"), "MLOPS_MATURITY_WORKSHOP_ACCESS": "open"}
    assert from_environment(env, address="127.0.0.1").open_access
    with pytest.raises(NotConfiguredError, match="loopback"):
        from_environment(env, address="0.0.0.0")
    hashed = {**env, "MLOPS_MATURITY_WORKSHOP_ACCESS": access.hash_code(CODE, iterations=1000)}
    assert not from_environment(hashed, address="0.0.0.0").open_access
    with pytest.raises(NotConfiguredError):
        from_environment({"MLOPS_MATURITY_WORKSHOP_DB": str(tmp_path / "w.sqlite")})

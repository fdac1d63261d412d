"""The way in: no data without the access code, slowed-down guessing, identity from the gate and never from the URL,
and no service at all without the workshop command's configuration."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app.workshop import access, remember
from app.workshop.config import NotConfiguredError, from_environment
from app.workshop.gate import MAX_NAME, clean_name
from app.workshop.throttle import Throttle
from app.workshop.words import plain
from assessors.assessment import Assessment, Status
from assessors.sqlite_store import SqliteStore
from tests.workshop.apptest import APP, configure, enter, gated, labels, markdown, rerun, status_of, texts

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


def test_failed_attempts_wait_longer_and_longer_per_address() -> None:
    now = [100.0]
    throttle = Throttle(first_delay_s=1.0, max_delay_s=8.0, server_failures_per_minute=6, clock=lambda: now[0])
    waits = []
    for _ in range(5):
        assert throttle.start("10.0.0.9") == 0
        throttle.failed("10.0.0.9")
        waits.append(throttle.wait_s("10.0.0.9"))
        now[0] += waits[-1]
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert throttle.start("10.0.0.9") == 0 and throttle.start("10.0.0.9") > 0  # one attempt at a time
    throttle.succeeded("10.0.0.9")
    assert throttle.wait_s("10.0.0.7") == 0  # another address is not slowed by this one's failures


def test_the_server_cap_holds_back_guessers_not_the_team() -> None:
    now = [100.0]
    throttle = Throttle(first_delay_s=1.0, max_delay_s=60.0, server_failures_per_minute=6, clock=lambda: now[0])
    for n in range(6):  # six addresses, one wrong code each: the server's cap is reached
        assert throttle.start(f"10.0.0.{n}") == 0
        throttle.failed(f"10.0.0.{n}")
        now[0] += 1.5
    assert throttle.wait_s("10.0.0.0") > 0 and throttle.start("10.0.0.99") == 0  # a new guesser gets one try...
    throttle.failed("10.0.0.99")
    now[0] += 1.5
    assert throttle.wait_s("10.0.0.99") > 40  # ...then waits for the cap, not just its own second
    assert throttle.start("192.168.1.20") == 0  # someone who typed no wrong code goes in at once
    now[0] += 61
    assert throttle.wait_s("10.0.0.99") == 0


def test_clearing_state_and_caches_does_not_reset_the_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    """Any client can ask Streamlit to clear every cache and its own session state; the wait stays."""
    db, _ = _seeded(tmp_path, parts)
    configure(monkeypatch, db, access=access.hash_code(CODE, iterations=1000))
    at = enter(gated(lang="en"), "Mallory", "not-the-code")
    assert at.error[0].value.startswith("That access code is not right")
    st.cache_resource.clear()
    st.cache_data.clear()
    fresh = enter(gated(lang="en"), "Mallory", CODE)  # a new session, caches cleared: still the same address
    assert "Too many attempts" in fresh.error[0].value
    _shows_no_data(fresh)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Li\tWei \n ", "Li Wei"),
        ("Ali\u202ece\u200b\x07", "Alice"),  # right-to-left override, zero-width space, bell
        ("x" * 10_000, "x" * MAX_NAME),
        ("\u202e\u200b \n", ""),
    ],
)
def test_names_are_cleaned(typed: str, kept: str) -> None:
    assert clean_name(typed) == kept


def test_a_name_cannot_add_markdown_to_other_peoples_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db, workshop_id = _seeded(tmp_path, parts)
    configure(monkeypatch, db)
    evil = "**Boss** ![t](http://10.9.9.9/t.png) [ok](http://10.9.9.9) $x$ :red[!]\u202e"
    query = {"w": str(workshop_id), "page": "interview", "item": "P1.RM.RA.01", "lang": "en"}
    at = enter(gated(**query), evil)
    status_of(at, "P1.RM.RA.01.R01").set_value(Status.met)
    rerun(at)
    stored = SqliteStore(db).load(workshop_id).part("caict-mlops-p1").answers["P1.RM.RA.01.R01"].answered_by
    assert stored == evil[:-1]  # recorded as typed, without the invisible override
    shown = markdown(at)
    assert "answered by \\*\\*Boss\\*\\* \\!\\[t\\]\\(http\\:\\/\\/10\\.9" in shown
    assert "![t](" not in shown and "[ok](" not in shown and "**Boss**" not in shown and "\u202e" not in shown
    assert f"answered by {evil[:-1]}" in texts(at)  # what the reader sees: the name, as plain text
    assert plain("a\nb `c`") == "a b \\`c\\`"


def test_only_accounts_are_served_on_a_network_address(tmp_path: Path) -> None:
    env = {"MLOPS_MATURITY_WORKSHOP_DB": str(tmp_path / "w.sqlite"), "MLOPS_MATURITY_WORKSHOP_ACCESS": "open"}
    assert from_environment(env, address="127.0.0.1").open_access
    with pytest.raises(NotConfiguredError, match="loopback"):
        from_environment(env, address="0.0.0.0")
    hashed = {**env, "MLOPS_MATURITY_WORKSHOP_ACCESS": access.hash_code(CODE, iterations=1000)}
    assert not from_environment(hashed, address="127.0.0.1").open_access
    with pytest.raises(NotConfiguredError, match="without accounts"):
        from_environment(hashed, address="0.0.0.0")
    accounts = {**env, "MLOPS_MATURITY_WORKSHOP_ACCESS": "accounts"}
    assert from_environment(accounts, address="0.0.0.0").accounts
    with pytest.raises(NotConfiguredError):
        from_environment({"MLOPS_MATURITY_WORKSHOP_DB": str(tmp_path / "w.sqlite")})


def test_the_remembering_cookie_is_signed_expires_and_can_be_revoked() -> None:
    key, other = b"k" * 32, b"o" * 32
    value = remember.token("Li Wei", now=1000.0, key=key)
    assert remember.name_of(value, now=1001.0, key=key) == "Li Wei"
    assert remember.name_of(value, now=1000.0 + remember.REMEMBER_S, key=key) is None  # expired
    assert remember.name_of(value, now=1001.0, key=other) is None  # another server (or a restarted one)
    payload, signature = value.split(".")
    forged = remember.token("Boss", now=1000.0, key=other).split(".")[0]
    assert remember.name_of(f"{forged}.{signature}", now=1001.0, key=key) is None  # another name, same signature
    for junk in (None, 42, "", "a.b", "x" * 5000, f"{payload}.{signature}.x", f"{payload[:-2]}.{signature}"):
        assert remember.name_of(junk, now=1001.0, key=key) is None
    copy = str(value)
    remember.revoke(value, key=key)  # the person left: a copy of the cookie lets nobody in either
    assert remember.name_of(copy, now=1001.0, key=key) is None
    ticket = remember.ticket("Zhang")
    assert remember.redeem(ticket) == "Zhang" and remember.redeem(ticket) is None  # single use


def test_only_a_flood_from_very_many_addresses_holds_back_everyone() -> None:
    now = [100.0]
    throttle = Throttle(first_delay_s=1.0, max_delay_s=60.0, server_failures_per_minute=3, clock=lambda: now[0])
    for n in range(29):
        throttle.failed(f"fd00::{n}")  # one address each, as someone could make up on their own network
    assert throttle.start("192.168.1.20") == 0  # below the ceiling (30): the team goes in
    throttle.failed("fd00::99")
    assert throttle.wait_s("192.168.1.21") > 0  # at the ceiling: everyone waits...
    now[0] += 61
    assert throttle.wait_s("192.168.1.21") == 0  # ...for at most a minute after the flood


@pytest.mark.parametrize("w", ["9" * 30, "²", "-1", "1e3", "０"])
def test_a_mangled_link_opens_no_workshop_and_no_error(w: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, tmp_path / "w.sqlite")
    at = enter(gated(w=w, page="export", lang="en"), "Li Wei")
    assert not at.exception and not at.error and at.session_state["workshop"] is None

"""Accounts in the assessment database, the same on the SQLite file and on a real PostgreSQL server: created once
per name, listed, disabled, given another role; passwords kept only as bcrypt hashes; what each role may do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from assessors.accounts import (
    ROLES,
    AccountProblem,
    check_name,
    check_password,
    hash_password,
    may,
)
from assessors.sql_open import open_store
from assessors.sql_store import SqlStore
from tests.support.postgres import postgres_cluster, postgres_url  # noqa: F401  (fixtures)

PASSWORD = "correct horse battery"
FAST = 4  # bcrypt's lowest cost: the tests check behaviour, not the cost


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "workshop.sqlite")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(target: str) -> SqlStore:
    return open_store(target)


def test_accounts_are_stored_listed_and_found_with_their_hash(store: SqlStore, target: str) -> None:
    assert store.accounts() == [] and not store.has_accounts()
    hashed = hash_password(PASSWORD, rounds=FAST)
    added = store.add_account("王芳", "auditor", hashed)
    store.add_account("Ann Lee", "viewer", hash_password("another password", rounds=FAST))
    assert [(a.name, a.role, a.disabled) for a in store.accounts()] == [
        ("Ann Lee", "viewer", False),
        ("王芳", "auditor", False),
    ]
    found = store.account("王芳")
    assert found is not None and found[0] == added and found[1] == hashed
    assert check_password(PASSWORD, found[1]) and not check_password("correct horse", found[1])
    assert store.account("nobody") is None and store.has_accounts()
    assert open_store(target).accounts() == store.accounts()  # opened again: the accounts are still there
    if target.startswith("postgresql://"):
        with psycopg.connect(target) as conn:
            stored = [str(r[0]) for r in conn.execute("SELECT password_hash FROM accounts")]
    else:
        with sqlite3.connect(target) as conn:
            stored = [str(r[0]) for r in conn.execute("SELECT password_hash FROM accounts")]
    assert all(h.startswith("$2b$04$") and PASSWORD not in h for h in stored)  # only bcrypt hashes are kept


def test_a_name_is_taken_once_and_changes_need_an_existing_account(store: SqlStore) -> None:
    hashed = hash_password(PASSWORD, rounds=FAST)
    store.add_account("Li Wei", "facilitator", hashed)
    with pytest.raises(AccountProblem, match="exists already"):
        store.add_account("Li Wei", "viewer", hashed)
    with pytest.raises(AccountProblem, match="unknown role"):
        store.add_account("Zhang", "admin", hashed)
    with pytest.raises(AccountProblem, match="no account named"):
        store.set_account_disabled("nobody", True)
    with pytest.raises(AccountProblem, match="no account named"):
        store.set_account_role("nobody", "viewer")
    with pytest.raises(AccountProblem, match="no account named"):
        store.set_account_password("nobody", hashed)
    assert [a.role for a in store.accounts()] == ["facilitator"]


def test_disabling_role_and_password_changes(store: SqlStore) -> None:
    store.add_account("Zhang", "participant", hash_password(PASSWORD, rounds=FAST))
    store.set_account_disabled("Zhang", True)
    found = store.account("Zhang")
    assert found is not None and found[0].disabled and not store.has_accounts()  # no enabled account left
    store.set_account_disabled("Zhang", False)
    store.set_account_role("Zhang", "auditor")
    store.set_account_password("Zhang", hash_password("a new password", rounds=FAST))
    found = store.account("Zhang")
    assert found is not None and (found[0].role, found[0].disabled) == ("auditor", False)
    assert check_password("a new password", found[1]) and not check_password(PASSWORD, found[1])
    with pytest.raises(AccountProblem):
        store.set_account_role("Zhang", "root")


@pytest.mark.parametrize(
    ("password", "says"),
    [("short", "at least"), ("x" * 73, "at most 72 bytes"), ("密" * 25, "at most 72 bytes")],
)
def test_passwords_bcrypt_cannot_keep_whole_are_refused(password: str, says: str) -> None:
    with pytest.raises(AccountProblem, match=says):
        hash_password(password, rounds=FAST)


def test_a_password_check_never_matches_without_an_account_or_a_sound_hash() -> None:
    assert not check_password(PASSWORD, None)  # an unknown name (checked against a dummy hash)
    assert not check_password(PASSWORD, "not a hash")
    assert not check_password("x" * 100, hash_password(PASSWORD, rounds=FAST))


@pytest.mark.parametrize("name", ["", " Li", "Li  Wei", "Li\u202eWei", "a\nb", "x" * 81])
def test_account_names_are_plain_text(name: str) -> None:
    with pytest.raises(AccountProblem):
        check_name(name)


def test_what_each_role_may_do() -> None:
    allowed = {role: {a for a in ("read", "answer", "sign", "manage") if may(role, a)} for role in ROLES}
    assert allowed == {
        "facilitator": {"read", "answer", "sign", "manage"},
        "participant": {"read", "answer"},
        "auditor": {"read", "sign"},
        "viewer": {"read"},
    }
    assert not may(None, "read")

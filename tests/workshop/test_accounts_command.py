"""`workshop accounts ...` manages the accounts of a shared server (passwords from a prompt or an environment
variable, never an argument), and `workshop` serves another than a loopback address only with accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.workshop.config import from_environment
from app.workshop_cmd import app
from assessors.accounts import check_password
from assessors.sqlite_store import SqliteStore

PASSWORD = "correct horse battery"


def _run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env, input=input)
    return result.exit_code, result.stdout, result.stderr


def _add(db: Path, name: str, role: str) -> None:
    code, out, err = _run(
        "accounts", "add", name, "--role", role, "--db", str(db), "--password-env", "PW", env={"PW": PASSWORD}
    )
    assert code == 0, err
    assert f"account {name} ({role}) created" in out


def test_add_list_disable_and_enable(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite"
    _add(db, "Li Wei", "facilitator")
    _add(db, "Wang Fang", "auditor")
    code, out, _ = _run("accounts", "list", "--db", str(db))
    assert code == 0
    assert [line.split("\t")[:3] for line in out.splitlines()] == [
        ["Li Wei", "facilitator", "enabled"],
        ["Wang Fang", "auditor", "enabled"],
    ]
    assert _run("accounts", "disable", "Wang Fang", "--db", str(db))[0] == 0
    found = SqliteStore(db).account("Wang Fang")
    assert found is not None and found[0].disabled and check_password(PASSWORD, found[1])
    assert "Wang Fang\tauditor\tdisabled" in _run("accounts", "list", "--db", str(db))[1]
    assert _run("accounts", "enable", "Wang Fang", "--db", str(db))[0] == 0
    assert _run("accounts", "role", "Wang Fang", "--role", "viewer", "--db", str(db))[0] == 0
    assert "Wang Fang\tviewer\tenabled" in _run("accounts", "list", "--db", str(db))[1]


def test_the_password_is_asked_twice_without_echo(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite"
    code, out, _ = _run("accounts", "add", "Zhang", "--role", "participant", "--db", str(db),
                        input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert code == 0 and PASSWORD not in out
    found = SqliteStore(db).account("Zhang")
    assert found is not None and check_password(PASSWORD, found[1])
    code, out, _ = _run("accounts", "password", "Zhang", "--db", str(db), input="a new password\nanother one\n")
    assert code != 0 and "do not match" in out  # the two entries differ: asked again until the input ends
    found = SqliteStore(db).account("Zhang")
    assert found is not None and check_password(PASSWORD, found[1])


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--role", "admin", "--password-env", "PW"], {"PW": PASSWORD}, "unknown role"),
        (["--role", "viewer", "--password-env", "PW"], {"PW": "short"}, "at least 10"),
        (["--role", "viewer", "--password-env", "PW"], {}, "PW is not set"),
    ],
)
def test_bad_accounts_are_refused(tmp_path: Path, args: list[str], env: dict[str, str], says: str) -> None:
    db = tmp_path / "w.sqlite"
    code, _, err = _run("accounts", "add", "Zhang", *args, "--db", str(db), env=env)
    assert code == 2 and says in err
    assert SqliteStore(db).accounts() == []


def test_a_password_is_never_an_argument(tmp_path: Path) -> None:
    code, _, err = _run("accounts", "add", "Zhang", "--role", "viewer", "--password", PASSWORD,
                        "--db", str(tmp_path / "w.sqlite"))  # fmt: skip
    assert code == 2 and "No such option" in err


def test_a_name_taken_twice_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite"
    _add(db, "Zhang", "viewer")
    code, _, err = _run("accounts", "add", "Zhang", "--role", "auditor", "--db", str(db), "--password-env", "PW",
                        env={"PW": PASSWORD})  # fmt: skip
    assert code == 2 and "exists already" in err


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_a_network_address_without_accounts_is_refused(host: str, tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite"
    code, _, err = _run("--db", str(db), "--host", host)
    assert code == 2 and f"--host {host} is refused" in err and "accounts add" in err
    assert not db.exists()  # refused before anything was created
    SqliteStore(db)  # an existing database without accounts is refused too, even with an access code
    code, _, err = _run("--db", str(db), "--host", host, "--access-code-env", "CODE", env={"CODE": PASSWORD})
    assert code == 2 and "the database has no accounts" in err


def test_with_accounts_the_server_logs_people_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the command starts on a network address once accounts exist: login by account, sessions of the given
    length, no access code."""
    db = tmp_path / "w.sqlite"
    _add(db, "Li Wei", "facilitator")
    started: dict[str, object] = {}

    def serve(path: str, argv: list[str], env: dict[str, str]) -> None:
        started.update(argv=argv, env=env)
        raise SystemExit(0)

    monkeypatch.setattr("os.execve", serve)
    code, _, err = _run("--db", str(db), "--host", "0.0.0.0", "--session-hours", "2")
    assert code == 0 and "accounts: each person logs in" in err and "access code" not in err
    env = started["env"]
    assert isinstance(env, dict)
    config = from_environment(env, address="0.0.0.0")
    assert config.accounts and config.session_s == 2 * 3600
    code, _, err = _run("--db", str(db), "--host", "0.0.0.0", "--no-access-code")
    assert code == 2


def test_the_disabled_last_account_no_longer_opens_a_network_address(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite"
    _add(db, "Li Wei", "facilitator")
    assert _run("accounts", "disable", "Li Wei", "--db", str(db))[0] == 0
    code, _, err = _run("--db", str(db), "--host", "0.0.0.0")
    assert code == 2 and "no accounts" in err

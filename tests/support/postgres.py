"""A throwaway PostgreSQL server for the tests: a cluster of its own in a temporary folder, on a free loopback port.

The server binaries come from the Debian package `postgresql` (scripts/install-system-deps.sh), found under
/usr/lib/postgresql/<version>/bin or on PATH. PostgreSQL refuses to run as root, and CI runs as root: there the
cluster belongs to the `postgres` system user and initdb and pg_ctl run as that user (runuser, or setpriv). Clients
connect over TCP with a password (scram-sha-256), as a workshop server would; the cluster is stopped and removed when
the test session ends. Without the binaries the tests that need it skip, except under CI=true, where they fail.

Import the fixtures into a test module: `from tests.support.postgres import postgres_cluster, postgres_url`.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

SERVICE_USER = "postgres"  # the Debian package's system user, owner of the cluster when the tests run as root
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class PgCluster:
    """A running test server: connect as its superuser `user` with `password` on 127.0.0.1:`port`."""

    port: int
    password: str
    user: str = "postgres"
    host: str = "127.0.0.1"

    def url(self, dbname: str = "postgres", *, password: str | None = None) -> str:
        """The URL of database `dbname` with the superuser's password (or another one, to be refused)."""
        given = self.password if password is None else password
        return f"postgresql://{self.user}:{given}@{self.host}:{self.port}/{dbname}"

    def new_database(self) -> str:
        """A new empty database's name."""
        import psycopg

        name = f"t_{secrets.token_hex(6)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # a generated identifier, not input
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unavailable(reason: str) -> NoReturn:
    """Skip the test here; under CI, where the package is installed, fail instead: a missing server is a fault."""
    message = (
        f"PostgreSQL for the tests: {reason} (install the Debian package postgresql: scripts/install-system-deps.sh)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: the newest Debian version, else the one on PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for folder in reversed(versions):
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    return None


def _as_owner(command: list[str]) -> list[str]:
    """`command` as the cluster's owner: the postgres system user when running as root, else this user."""
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", SERVICE_USER, "--", *command]
    if shutil.which("setpriv"):
        owner = pwd.getpwnam(SERVICE_USER)
        return ["setpriv", f"--reuid={owner.pw_uid}", f"--regid={owner.pw_gid}", "--init-groups", *command]
    _unavailable("running as root, and neither runuser nor setpriv is there to run the server as another user")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False)
    if done.returncode != 0:
        pytest.fail(f"PostgreSQL for the tests: {what} failed: {done.stderr.strip() or done.stdout.strip()}")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL server for the whole test session, stopped and removed at its end."""
    binaries = server_binaries()
    if binaries is None:
        _unavailable("the server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on PATH")
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            _unavailable(f"running as root, and there is no {SERVICE_USER} system user to run the server as")
    root = Path(tempfile.mkdtemp(prefix="mlops-maturity-pg-"))
    data, sockets, password = root / "data", root / "sockets", secrets.token_urlsafe(18)
    sockets.mkdir()
    (root / "password").write_text(password + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        for path in (root, sockets, root / "password"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    try:
        _run(
            _as_owner(
                [
                    str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-locale",
                    "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={root / 'password'}", "--no-sync",
                ]
            ),
            "initdb",
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets}"
        _run(
            _as_owner(
                [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-o", options, "-w",
                 "-t", str(START_TIMEOUT_S), "start"]
            ),
            f"starting the server (log: {root / 'server.log'})",
        )  # fmt: skip
        yield PgCluster(port=port, password=password)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                timeout=START_TIMEOUT_S,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_cluster: PgCluster) -> Iterator[str]:
    """The URL (with its password) of a new empty database on the test server, dropped after the test."""
    name = postgres_cluster.new_database()
    try:
        yield postgres_cluster.url(name)
    finally:
        postgres_cluster.drop_database(name)

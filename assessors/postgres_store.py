"""The workshop store on a PostgreSQL server: the SQLite store's tables and statements, for a shared server.

The statements are the SQLite store's (assessors/sql_store.py); this module connects, checks the schema and brings
it up to date, and gives the transactions the store's promises rest on:

- A write runs in one READ COMMITTED transaction that first locks the workshop's row (SELECT ... FOR UPDATE): the
  writers of one workshop queue there as SQLite's writers queue for its write lock, so the old answer recorded in
  the audit trail is read under the same lock as the new one is written and the revision counter counts every change
  once. Writers of different workshops do not wait for each other. A lock not granted within the busy timeout is
  refused (DatabaseProblem "locked") rather than waited for forever.
- `synchronous_commit` is on in every write transaction, whatever the server's default: a returned call is durable.
- A load reads one REPEATABLE READ snapshot, so the header, the parts and the answers are of one moment.
- Opening takes a transaction-scoped advisory lock, so processes opening a new database at once create or upgrade
  its schema once. The schema version is kept in the table `store_schema` (SQLite keeps it in its user_version);
  a newer version is refused, and so is a database holding other tables or other columns than this program's.

Each call opens its own connection: calls are safe from any thread or process. The connection URL's password is
never shown: `location` and every message name the server as user@host:port/database, and an unreachable server is
a DatabaseProblem naming host and port.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import psycopg

from assessors.pg_url import PgTarget, parse, scrubbed
from assessors.sql_store import ACCOUNT_TABLE, NOTE_COLUMNS, PROPOSAL_COLUMNS, Cursor, SchemaTooNewError, SqlStore
from assessors.sqlite_store import expected_schema
from assessors.store import DatabaseProblem

BUSY_TIMEOUT_MS = 15_000  # how long a write waits for another writer of the same workshop
OPEN_WAIT_S = 5.0  # how long opening waits for the server and for another process creating the schema
OPEN_LOCK = zlib.crc32(b"mlops-maturity workshop store: schema") - 2**31  # the advisory lock key of opening
VERSION_TABLE = "store_schema"

# Each entry upgrades the schema by one version; never edit a released entry, append one. The same tables and columns
# as the SQLite store's MIGRATIONS at each version (checked when a database is opened), and `answers.seq`, which keeps
# the order answers were first saved in (SQLite's rowid).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)",
        """CREATE TABLE workshops (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            header TEXT NOT NULL,
            evidence_bundle TEXT,
            revision BIGINT NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE parts (
            workshop_id BIGINT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            framework_id TEXT NOT NULL,
            framework TEXT NOT NULL,
            orphaned TEXT NOT NULL DEFAULT '{}',
            position INTEGER NOT NULL,
            PRIMARY KEY (workshop_id, framework_id))""",
        """CREATE TABLE answers (
            workshop_id BIGINT NOT NULL,
            framework_id TEXT NOT NULL,
            requirement_id TEXT NOT NULL,
            status TEXT,
            note TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '[]',
            answered_by TEXT,
            answered_at TEXT,
            revision BIGINT NOT NULL,
            seq BIGINT GENERATED ALWAYS AS IDENTITY,
            PRIMARY KEY (workshop_id, framework_id, requirement_id),
            FOREIGN KEY (workshop_id, framework_id) REFERENCES parts(workshop_id, framework_id) ON DELETE CASCADE)""",
        """CREATE TABLE audit (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            workshop_id BIGINT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            framework_id TEXT NOT NULL,
            requirement_id TEXT NOT NULL,
            old_status TEXT,
            new_status TEXT,
            note TEXT NOT NULL,
            evidence TEXT NOT NULL,
            who TEXT NOT NULL,
            at TEXT NOT NULL)""",
        "CREATE INDEX audit_by_requirement ON audit (workshop_id, requirement_id, id)",
    ),
    PROPOSAL_COLUMNS,
    ACCOUNT_TABLE,
    NOTE_COLUMNS,
)
SCHEMA_VERSION = len(MIGRATIONS)
_EXTRA_COLUMNS = {"answers": {"seq"}, VERSION_TABLE: {"version"}}


# Driver errors that say the database cannot be used as it is (rather than a fault of this program).
_REFUSALS = (psycopg.OperationalError, psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)


def expected_columns(version: int) -> dict[str, set[str]]:
    """Table -> column names of this program's schema at `version` (none at 0)."""
    if version == 0:
        return {}
    tables = {name: {str(c[0]) for c in columns} for kind, name, columns in expected_schema(version) if kind == "table"}
    for table, extra in _EXTRA_COLUMNS.items():
        tables[table] = tables.get(table, set()) | extra
    return tables


def _sql(statement: str) -> str:
    """A shared statement (with `?` placeholders, no literal `?` or `%`) in psycopg's placeholder style."""
    return statement.replace("?", "%s")


class _Connection:
    """A psycopg connection taking the shared statements' placeholders."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, parameters: Sequence[object] = (), /) -> Cursor:
        return self._conn.execute(_sql(sql), tuple(parameters) if parameters else None)


class PostgresDatabase:
    """Connections to one PostgreSQL database, checked and brought up to date when opened; the `Database` of
    PostgresStore."""

    answer_order = "seq"

    def __init__(self, url: str, *, open_wait_s: float = OPEN_WAIT_S) -> None:
        try:
            self._target: PgTarget = parse(url)
        except ValueError as exc:
            raise DatabaseProblem("unavailable", str(exc)) from None
        self._open(open_wait_s)

    @property
    def location(self) -> str:
        return self._target.shown

    # --- connections -----------------------------------------------------------------------------------------

    def _problem(self, exc: psycopg.Error) -> DatabaseProblem:
        """The driver's error as a DatabaseProblem naming the server, its text scrubbed of the password."""
        first = scrubbed(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        first = scrubbed(first, self._target.password)
        if isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
            return DatabaseProblem("locked", f"{self.location} is locked by another program ({first})")
        if isinstance(exc, psycopg.errors.InsufficientPrivilege | psycopg.errors.ReadOnlySqlTransaction):
            return DatabaseProblem("read_only", f"{self.location} cannot be written ({first})")
        return DatabaseProblem(
            "unavailable", f"cannot use the PostgreSQL database {self.location} at {self._target.server}: {first}"
        )

    @contextmanager
    def _session(self, timeout_s: float) -> Iterator[psycopg.Connection[Any]]:
        """A connection in autocommit mode (transactions are begun explicitly); driver errors become problems."""
        try:
            conn = psycopg.connect(
                self._target.conninfo,
                autocommit=True,
                connect_timeout=max(2, round(timeout_s)),
                application_name="mlops-maturity workshop",
            )
        except psycopg.Error as exc:
            raise self._problem(exc) from None
        try:
            with conn:
                yield conn
        except _REFUSALS as exc:  # the server went away, a lock was not granted, no right to write...
            raise self._problem(exc) from None

    @contextmanager
    def _transaction(self, conn: psycopg.Connection[Any], begin: str) -> Iterator[None]:
        conn.execute(begin)
        try:
            yield
        except BaseException:
            with suppress(psycopg.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def read(self, snapshot: bool = False) -> Iterator[_Connection]:
        with self._session(OPEN_WAIT_S) as conn:
            if not snapshot:
                yield _Connection(conn)
                return
            with self._transaction(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"):
                yield _Connection(conn)

    @contextmanager
    def write(self, workshop_id: int | None = None) -> Iterator[_Connection]:
        with self._session(OPEN_WAIT_S) as conn, self._transaction(conn, "BEGIN ISOLATION LEVEL READ COMMITTED"):
            conn.execute("SET LOCAL synchronous_commit = on")
            conn.execute(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
            if workshop_id is not None:  # the writers of one workshop queue here, as SQLite's at its write lock
                conn.execute("SELECT id FROM workshops WHERE id = %s FOR UPDATE", (workshop_id,))
            yield _Connection(conn)

    # --- opening ---------------------------------------------------------------------------------------------

    def _open(self, wait_s: float) -> None:
        """Check the schema and bring it up to date, one process at a time; refuse a database that is not sound."""
        with self._session(wait_s) as conn, self._transaction(conn, "BEGIN ISOLATION LEVEL READ COMMITTED"):
            conn.execute(f"SET LOCAL lock_timeout = {int(wait_s * 1000)}")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (OPEN_LOCK,))
            version = self._check(conn)
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    conn.execute(statement)
            if version != SCHEMA_VERSION:
                conn.execute(f"DELETE FROM {VERSION_TABLE}")
                conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (%s)", (SCHEMA_VERSION,))

    def _check(self, conn: psycopg.Connection[Any]) -> int:
        """The stored schema version, after checking that the database holds this program's tables and nothing
        else (an empty database is version 0)."""
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        ).fetchall()
        found: dict[str, set[str]] = {}
        for table, column in rows:
            found.setdefault(str(table), set()).add(str(column))
        ours = set(expected_columns(SCHEMA_VERSION))
        foreign = sorted(set(found) - ours)
        if foreign:
            raise DatabaseProblem("foreign", f"{self.location} holds tables of another program: {', '.join(foreign)}")
        if not found:
            return 0
        version = 0
        if VERSION_TABLE in found:
            stored = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchall()
            version = int(stored[0][0]) if len(stored) == 1 else 0
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(f"{self.location}: schema version {version}, this program knows {SCHEMA_VERSION}")
        expected = expected_columns(version)
        if found != expected:
            wrong = sorted(t for t in set(found) | set(expected) if found.get(t) != expected.get(t))
            raise DatabaseProblem(
                "schema", f"{self.location} does not have this program's tables (see {', '.join(wrong)})"
            )
        return version


class PostgresStore(SqlStore):
    """AssessmentStore on a PostgreSQL database named by a URL; the schema is created or upgraded when opened."""

    def __init__(self, url: str, *, open_wait_s: float = OPEN_WAIT_S) -> None:
        super().__init__(PostgresDatabase(url, open_wait_s=open_wait_s))

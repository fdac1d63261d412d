"""The workshop store on an embedded SQLite file: one row per answer, an audit row per change, safe for many writers.

The statements are shared with the PostgreSQL store (assessors/sql_store.py); this module opens, checks and locks the
file.

WAL mode lets readers go on while someone writes; every write takes the database's write lock up front
(BEGIN IMMEDIATE) and waits for it up to the busy timeout, so concurrent writers queue instead of failing, and the
old status in the audit trail is read under the same lock as the new one is written. synchronous=FULL makes a
returned call durable. Each call opens its own connection: calls are safe from any thread or process.

A database is checked when the store is opened and refused (DatabaseProblem) rather than repaired or replaced: not a
regular file, not readable or writable, empty, not SQLite, failing SQLite's integrity check, holding another
program's tables or a schema other than this program's, or locked by another program. A missing file is created
complete under a temporary name and then linked into place, so no reader ever sees a half-made database, and calls
open the file read-write only (never create it), so a database that vanishes while in use is not silently recreated.

While the store is in use, every call first checks that the path still holds the file that was opened and checked:
a database deleted, moved or replaced by another file meanwhile is refused (nothing is read from or written to a
replacement), and a write is refused once the file has been marked read-only.
"""

from __future__ import annotations

import functools
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from assessors.sql_store import ACCOUNT_TABLE, NOTE_COLUMNS, PROPOSAL_COLUMNS, SchemaTooNewError, SqlStore
from assessors.store import DatabaseProblem

BUSY_TIMEOUT_MS = 15_000
OPEN_WAIT_S = 5.0  # how long opening waits for another program's lock before calling the database locked
SQLITE_MAGIC = b"SQLite format 3\x00"

# Each entry upgrades the schema by one version (PRAGMA user_version); never edit a released entry, append one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE workshops (
            id INTEGER PRIMARY KEY,
            header TEXT NOT NULL,
            evidence_bundle TEXT,
            revision INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE parts (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            framework_id TEXT NOT NULL,
            framework TEXT NOT NULL,
            orphaned TEXT NOT NULL DEFAULT '{}',
            position INTEGER NOT NULL,
            PRIMARY KEY (workshop_id, framework_id))""",
        """CREATE TABLE answers (
            workshop_id INTEGER NOT NULL,
            framework_id TEXT NOT NULL,
            requirement_id TEXT NOT NULL,
            status TEXT,
            note TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '[]',
            answered_by TEXT,
            answered_at TEXT,
            revision INTEGER NOT NULL,
            PRIMARY KEY (workshop_id, framework_id, requirement_id),
            FOREIGN KEY (workshop_id, framework_id) REFERENCES parts(workshop_id, framework_id) ON DELETE CASCADE)""",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
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


Schema = frozenset[tuple[str, str, tuple[tuple[object, ...], ...]]]  # (type, name, columns) of tables, views, triggers


def _schema(conn: sqlite3.Connection) -> Schema:
    """Every table, view and trigger but SQLite's own, with each table's columns (name, type, not null, default,
    key)."""
    found = set()
    rows = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for kind, name in rows:
        columns: tuple[tuple[object, ...], ...] = ()
        if kind == "table":
            info = conn.execute('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)', (name,))
            columns = tuple(tuple(c) for c in info.fetchall())
        found.add((str(kind), str(name), columns))
    return frozenset(found)


@functools.cache
def expected_schema(version: int) -> Schema:
    """The schema this program writes at `version`, built from the migrations in a scratch database."""
    with closing(sqlite3.connect(":memory:")) as conn:
        for number in range(version):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
        return _schema(conn)


def _mode_allows(path: Path, access: int, bits: int) -> bool:
    """Whether the file allows it both for this process and by its permission bits (a file marked read-only stays
    read-only even for a superuser)."""
    return os.access(path, access) and bool(path.stat().st_mode & bits)


def _refuse_path(path: Path) -> None:
    """Refuse what is at `path` before SQLite touches it: SQLite would report most of these as a bare I/O error."""
    if path.is_dir():
        raise DatabaseProblem("directory", f"{path} is a directory, not a database file")
    try:
        info = path.stat()
    except OSError as exc:
        raise DatabaseProblem("unavailable", f"{path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseProblem("not_file", f"{path} is not a regular file")
    if not _mode_allows(path, os.R_OK, 0o444):
        raise DatabaseProblem("unreadable", f"{path} cannot be read (permissions)")
    if not _mode_allows(path, os.W_OK, 0o222):
        raise DatabaseProblem("read_only", f"{path} is read-only; the workshop saves every answer into it")
    if not _mode_allows(path.parent, os.W_OK | os.X_OK, 0o222):
        raise DatabaseProblem(
            "read_only", f"the folder of {path} is read-only; SQLite keeps its journal beside the database"
        )
    if info.st_size == 0:
        raise DatabaseProblem("empty", f"{path} is an empty file, not a database written by this program")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseProblem("unreadable", f"{path}: {exc.strerror or exc}") from None
    if head != SQLITE_MAGIC:
        raise DatabaseProblem("not_sqlite", f"{path} is not an SQLite database")


def _sqlite_problem(path: Path, exc: sqlite3.Error) -> DatabaseProblem:
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return DatabaseProblem("locked", f"{path} is locked by another program ({text})")
    if "readonly" in text or "read-only" in text:
        return DatabaseProblem("read_only", f"{path} cannot be written ({text})")
    return DatabaseProblem("damaged", f"{path} is damaged ({text})")


class SqliteDatabase:
    """Connections to one SQLite file, checked and brought up to date when opened; the `Database` of SqliteStore."""

    answer_order = "rowid"  # an upsert keeps the row, so rowid is the order answers were first saved in

    def __init__(self, path: Path | str, *, open_wait_s: float = OPEN_WAIT_S) -> None:
        given = Path(path)
        if given.is_symlink() and not given.exists():
            raise DatabaseProblem("unavailable", f"{given} is a link to a missing file")
        self.path = given.resolve()
        if not self.path.exists():
            self._create()
        self._open(open_wait_s)
        opened = self.path.stat()
        self._file = (opened.st_dev, opened.st_ino)  # the file that was checked: the only one this store uses

    @property
    def location(self) -> str:
        return str(self.path)

    # --- connections -----------------------------------------------------------------------------------------

    def _in_place(self, writing: bool) -> None:
        """Refuse a database that was deleted, moved, replaced or (for a write) made read-only since it was opened."""
        try:
            now = self.path.stat()
        except FileNotFoundError:
            raise DatabaseProblem(
                "unavailable", f"{self.path} was deleted or moved while the workshop was running"
            ) from None
        except OSError as exc:
            raise DatabaseProblem("unavailable", f"{self.path}: {exc.strerror or exc}") from None
        if (now.st_dev, now.st_ino) != self._file:
            raise DatabaseProblem(
                "replaced", f"{self.path} was replaced by another file while the workshop was running; it is not used"
            )
        if writing and not _mode_allows(self.path, os.W_OK, 0o222):
            raise DatabaseProblem("read_only", f"{self.path} was made read-only; the workshop saves answers into it")

    def _connect(self, writing: bool = False) -> sqlite3.Connection:
        self._in_place(writing)
        # mode=rw: never create the file here (a vanished database must not come back empty)
        uri = f"{self.path.as_uri()}?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    @contextmanager
    def read(self, snapshot: bool = False) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            if not snapshot:
                yield conn
                return
            conn.execute("BEGIN")  # a read transaction: one snapshot until it ends
            try:
                yield conn
            finally:
                conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def write(self, workshop_id: int | None = None) -> Iterator[sqlite3.Connection]:
        """One transaction holding the database's write lock from its first statement (so every other writer, of any
        workshop, waits); rolled back on any error."""
        conn = self._connect(writing=True)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _create(self) -> None:
        """A new database with the current schema, made under a temporary name and linked into place."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseProblem("unavailable", f"cannot create the folder of {self.path}: {exc}") from None
        scratch = folder / f".{self.path.name}.{secrets.token_hex(6)}.new"
        try:
            with closing(sqlite3.connect(scratch, isolation_level=None)) as conn:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("BEGIN IMMEDIATE")
                for migration in MIGRATIONS:
                    for statement in migration:
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
            with suppress(FileExistsError):  # another process created it meanwhile: checked like any other
                os.link(scratch, self.path)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseProblem("read_only", f"cannot create {self.path}: {exc}") from None
        finally:
            for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
                leftover.unlink(missing_ok=True)

    def _open(self, wait_s: float) -> None:
        """Check the database and bring its schema up to date; refuse it (DatabaseProblem) when it is not sound."""
        _refuse_path(self.path)
        uri = f"{self.path.as_uri()}?mode=rw"
        try:
            with closing(sqlite3.connect(uri, uri=True, timeout=wait_s, isolation_level=None)) as conn:
                conn.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")
                self._check(conn)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("BEGIN IMMEDIATE")  # also proves that no other program holds the write lock
                try:
                    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                    for number in range(version, SCHEMA_VERSION):
                        for statement in MIGRATIONS[number]:
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _sqlite_problem(self.path, exc) from None

    def _check(self, conn: sqlite3.Connection) -> None:
        """SQLite's integrity check, then the schema: this program's at the stored version, and nothing else."""
        problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(5)").fetchall()]
        if problems != ["ok"]:
            raise DatabaseProblem("damaged", f"{self.path} is damaged (integrity check: {'; '.join(problems)})")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(f"{self.path}: schema version {version}, this program knows {SCHEMA_VERSION}")
        found, expected = _schema(conn), expected_schema(version)
        if found == expected:
            return
        ours = {name for _, name, _ in expected_schema(SCHEMA_VERSION)}
        foreign = sorted(name for _, name, _ in found if name not in ours)
        if foreign:
            raise DatabaseProblem("foreign", f"{self.path} holds tables of another program: {', '.join(foreign)}")
        wrong = sorted({name for _, name, _ in found ^ expected})
        raise DatabaseProblem("schema", f"{self.path} does not have this program's tables (see {', '.join(wrong)})")


class SqliteStore(SqlStore):
    """AssessmentStore on one SQLite file; the schema is created or upgraded when the store is opened."""

    def __init__(self, path: Path | str, *, open_wait_s: float = OPEN_WAIT_S) -> None:
        database = SqliteDatabase(path, open_wait_s=open_wait_s)
        super().__init__(database)
        self.path = database.path

"""The workshop store on an embedded SQLite file: one row per answer, an audit row per change, safe for many writers.

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

import datetime as dt
import functools
import json
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

from assessors.assessment import Answer, Assessment
from assessors.audit import Change
from assessors.store import (
    HEADER_FIELDS,
    DatabaseProblem,
    Workshop,
    WorkshopNotFoundError,
    WorkshopSummary,
    header_of,
    same_verdict,
)
from capability_model.schema import split_ref

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
    (  # answers drafted from evidence: their proposal, who confirmed it, and a person's reason for overriding one
        "ALTER TABLE answers ADD COLUMN source TEXT NOT NULL DEFAULT 'person'",
        "ALTER TABLE answers ADD COLUMN proposal TEXT",
        "ALTER TABLE answers ADD COLUMN confirmed_by TEXT",
        "ALTER TABLE answers ADD COLUMN confirmed_at TEXT",
        "ALTER TABLE answers ADD COLUMN override_reason TEXT NOT NULL DEFAULT ''",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNewError(DatabaseProblem):
    """The database was written by a newer version of this program; refuse rather than damage it."""

    def __init__(self, message: str) -> None:
        super().__init__("too_new", message)


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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# The answer columns, in the order _answer_row writes them and _answer reads them.
ANSWER_COLUMNS = (
    "status, note, evidence, answered_by, answered_at, source, proposal, confirmed_by, confirmed_at, override_reason"
)
AnswerRow = tuple[
    str | None, str, str, str | None, str | None, str, str | None, str | None, str | None, str
]  # fmt: skip


def _answer_row(answer: Answer) -> AnswerRow:
    proposal = answer.proposal.model_dump_json() if answer.proposal is not None else None
    return (
        answer.status.value if answer.status else None,
        answer.note,
        json.dumps(answer.evidence, ensure_ascii=False),
        answer.answered_by,
        _iso(answer.answered_at),
        answer.source,
        proposal,
        answer.confirmed_by,
        _iso(answer.confirmed_at),
        answer.override_reason,
    )


def _answer(*row: Any) -> Answer:
    status, note, evidence, by, at, source, proposal, confirmed_by, confirmed_at, override_reason = row
    return Answer.model_validate(
        {
            "status": status,
            "note": note,
            "evidence": json.loads(evidence),
            "answered_by": by,
            "answered_at": at,
            "source": source,
            "proposal": json.loads(proposal) if proposal is not None else None,
            "confirmed_by": confirmed_by,
            "confirmed_at": confirmed_at,
            "override_reason": override_reason,
        }
    )


def _change(row: Sequence[Any]) -> Change:
    rid, framework, requirement, old, new, note, evidence, who, at = row
    at_time = dt.datetime.fromisoformat(at)
    return Change(rid, framework, requirement, old, new, note, tuple(json.loads(evidence)), who, at_time)


class SqliteStore:
    """AssessmentStore on one SQLite file; the schema is created or upgraded when the store is opened."""

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
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction holding the write lock from its first statement; rolled back on any error."""
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

    # --- writes ----------------------------------------------------------------------------------------------

    def _bump(self, conn: sqlite3.Connection, workshop_id: int) -> int:
        row = conn.execute(
            "UPDATE workshops SET revision = revision + 1, updated_at = ? WHERE id = ? RETURNING revision",
            (_iso(_now()), workshop_id),
        ).fetchone()
        if row is None:
            raise WorkshopNotFoundError(workshop_id)
        return int(row[0])

    def _stored(
        self, conn: sqlite3.Connection, workshop_id: int, framework_id: str, requirement_id: str
    ) -> Answer | None:
        row = conn.execute(
            f"SELECT {ANSWER_COLUMNS} FROM answers WHERE workshop_id = ? AND framework_id = ? AND requirement_id = ?",
            (workshop_id, framework_id, requirement_id),
        ).fetchone()
        return _answer(*row) if row else None

    def _record(
        self,
        conn: sqlite3.Connection,
        workshop_id: int,
        key: tuple[str, str],
        old: Answer | None,
        answer: Answer,
        who: str,
        revision: int,
    ) -> Change:
        """Write one answer row and its audit entry inside the caller's transaction."""
        framework_id, requirement_id = key
        at = _now()
        conn.execute(
            f"INSERT INTO answers (workshop_id, framework_id, requirement_id, {ANSWER_COLUMNS}, revision) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (workshop_id, framework_id, requirement_id) DO UPDATE SET status = excluded.status, "
            "note = excluded.note, evidence = excluded.evidence, answered_by = excluded.answered_by, "
            "answered_at = excluded.answered_at, source = excluded.source, proposal = excluded.proposal, "
            "confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at, "
            "override_reason = excluded.override_reason, revision = excluded.revision",
            (workshop_id, framework_id, requirement_id, *_answer_row(answer), revision),
        )
        old_status = old.status.value if old and old.status else None
        new_status = answer.status.value if answer.status else None
        evidence = json.dumps(answer.evidence, ensure_ascii=False)
        cursor = conn.execute(
            "INSERT INTO audit (workshop_id, framework_id, requirement_id, old_status, new_status, note, evidence, "
            "who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (workshop_id, framework_id, requirement_id, old_status, new_status, answer.note, evidence, who, _iso(at)),
        )
        assert cursor.lastrowid is not None
        return Change(
            cursor.lastrowid, framework_id, requirement_id, old_status, new_status, answer.note,
            tuple(answer.evidence), who, at,
        )  # fmt: skip

    def _import(
        self, conn: sqlite3.Connection, workshop_id: int, part: Assessment, who: str, revision: int
    ) -> list[Change]:
        """Save each non-blank answer of `part` that differs from the stored one."""
        framework_id = split_ref(part.framework)[0]
        changes = []
        for rid, answer in part.answers.items():
            old = self._stored(conn, workshop_id, framework_id, rid)
            if not answer.is_blank and not same_verdict(old, answer):
                changes.append(self._record(conn, workshop_id, (framework_id, rid), old, answer, who, revision))
        return changes

    def _insert_part(
        self, conn: sqlite3.Connection, workshop_id: int, part: Assessment, position: int, who: str, revision: int
    ) -> list[Change]:
        framework_id = split_ref(part.framework)[0]
        orphaned = json.dumps({k: a.model_dump(mode="json") for k, a in part.orphaned.items()}, ensure_ascii=False)
        conn.execute(
            "INSERT INTO parts (workshop_id, framework_id, framework, orphaned, position) VALUES (?, ?, ?, ?, ?)",
            (workshop_id, framework_id, part.framework, orphaned, position),
        )
        return self._import(conn, workshop_id, part, who, revision)

    def create(self, parts: Sequence[Assessment], who: str) -> int:
        if not parts:
            raise ValueError("a workshop needs at least one part")
        ids = [split_ref(p.framework)[0] for p in parts]
        if len(set(ids)) != len(ids):
            raise ValueError(f"each part can be assessed once in a workshop: {', '.join(ids)}")
        now = _iso(_now())
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO workshops (header, evidence_bundle, revision, created_at, updated_at) "
                "VALUES (?, ?, 1, ?, ?)",
                (json.dumps(header_of(parts[0]), ensure_ascii=False), parts[0].evidence_bundle, now, now),
            )
            assert cursor.lastrowid is not None
            workshop_id = cursor.lastrowid
            for position, part in enumerate(parts):
                self._insert_part(conn, workshop_id, part, position, who, 1)
        return workshop_id

    def add_part(self, workshop_id: int, part: Assessment, who: str) -> list[Change]:
        framework_id = split_ref(part.framework)[0]
        with self._write() as conn:
            revision = self._bump(conn, workshop_id)
            existing = conn.execute(
                "SELECT framework FROM parts WHERE workshop_id = ? AND framework_id = ?", (workshop_id, framework_id)
            ).fetchone()
            if existing is None:
                (count,) = conn.execute("SELECT count(*) FROM parts WHERE workshop_id = ?", (workshop_id,)).fetchone()
                return self._insert_part(conn, workshop_id, part, int(count), who, revision)
            if existing[0] != part.framework:
                raise ValueError(f"the workshop assesses {existing[0]}; bind the answers to it before importing")
            return self._import(conn, workshop_id, part, who, revision)

    def save_answer(
        self, workshop_id: int, framework_id: str, requirement_id: str, answer: Answer, who: str
    ) -> Change | None:
        stamped = answer.model_copy(update={"answered_by": who or None, "answered_at": _now()})
        with self._write() as conn:
            old = self._stored(conn, workshop_id, framework_id, requirement_id)
            if same_verdict(old, stamped):
                return None  # nothing changed: the revision stays, so no reader reloads
            revision = self._bump(conn, workshop_id)
            return self._record(conn, workshop_id, (framework_id, requirement_id), old, stamped, who, revision)

    def update_header(self, workshop_id: int, changes: Mapping[str, Any]) -> None:
        unknown = set(changes) - set(HEADER_FIELDS)
        if unknown:
            raise ValueError(f"not header fields: {', '.join(sorted(unknown))}")
        with self._write() as conn:
            row = conn.execute(
                "SELECT w.header, p.framework FROM workshops w JOIN parts p ON p.workshop_id = w.id "
                "WHERE w.id = ? ORDER BY p.position LIMIT 1",
                (workshop_id,),
            ).fetchone()
            if row is None:
                raise WorkshopNotFoundError(workshop_id)
            merged = Assessment.model_validate({**json.loads(row[0]), **changes, "framework": row[1]})
            self._bump(conn, workshop_id)
            conn.execute(
                "UPDATE workshops SET header = ? WHERE id = ?",
                (json.dumps(header_of(merged), ensure_ascii=False), workshop_id),
            )

    def set_evidence_bundle(self, workshop_id: int, path: str | None) -> None:
        with self._write() as conn:
            self._bump(conn, workshop_id)
            conn.execute("UPDATE workshops SET evidence_bundle = ? WHERE id = ?", (path, workshop_id))

    # --- reads -----------------------------------------------------------------------------------------------

    def revision(self, workshop_id: int) -> int:
        with self._read() as conn:
            row = conn.execute("SELECT revision FROM workshops WHERE id = ?", (workshop_id,)).fetchone()
        if row is None:
            raise WorkshopNotFoundError(workshop_id)
        return int(row[0])

    def load(self, workshop_id: int) -> Workshop:
        with self._read() as conn:
            conn.execute("BEGIN")  # one consistent snapshot of the header, the parts and the answers
            head = conn.execute(
                "SELECT header, evidence_bundle, revision FROM workshops WHERE id = ?", (workshop_id,)
            ).fetchone()
            if head is None:
                raise WorkshopNotFoundError(workshop_id)
            parts = conn.execute(
                "SELECT framework_id, framework, orphaned FROM parts WHERE workshop_id = ? ORDER BY position",
                (workshop_id,),
            ).fetchall()
            rows = conn.execute(
                f"SELECT framework_id, requirement_id, revision, {ANSWER_COLUMNS} "
                "FROM answers WHERE workshop_id = ? ORDER BY rowid",
                (workshop_id,),
            ).fetchall()
            conn.execute("COMMIT")
        header = json.loads(head[0])
        answers: dict[str, dict[str, Answer]] = {framework_id: {} for framework_id, _, _ in parts}
        revisions: dict[str, int] = {}
        for framework_id, rid, revision, *columns in rows:
            answers[framework_id][rid] = _answer(*columns)
            revisions[rid] = int(revision)
        assessments = tuple(
            Assessment.model_validate(
                {
                    **header,
                    "framework": ref,
                    "evidence_bundle": head[1],
                    "answers": answers[framework_id],
                    "orphaned": json.loads(orphaned),
                }
            )
            for framework_id, ref, orphaned in parts
        )
        return Workshop(workshop_id, int(head[2]), assessments, revisions, head[1])

    def summaries(self) -> list[WorkshopSummary]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT w.id, w.header, w.updated_at, "
                "(SELECT group_concat(framework, ' ') FROM (SELECT framework FROM parts WHERE workshop_id = w.id "
                "ORDER BY position)), "
                "(SELECT count(*) FROM answers a WHERE a.workshop_id = w.id AND a.status IS NOT NULL) "
                "FROM workshops w ORDER BY w.updated_at DESC, w.id DESC"
            ).fetchall()
        out = []
        for workshop_id, header, updated, frameworks, answered in rows:
            head = json.loads(header)
            out.append(
                WorkshopSummary(
                    id=int(workshop_id),
                    organisation=str(head.get("organisation", "")),
                    scope=str(head.get("scope", "")),
                    frameworks=tuple((frameworks or "").split()),
                    answered=int(answered),
                    updated_at=dt.datetime.fromisoformat(updated),
                )
            )
        return out

    def history(self, workshop_id: int, requirement_id: str | None = None) -> list[Change]:
        query = (
            "SELECT id, framework_id, requirement_id, old_status, new_status, note, evidence, who, at FROM audit "
            "WHERE workshop_id = ?"
        )
        params: tuple[object, ...] = (workshop_id,)
        if requirement_id is not None:
            query += " AND requirement_id = ?"
            params += (requirement_id,)
        with self._read() as conn:
            return [_change(row) for row in conn.execute(query + " ORDER BY id", params).fetchall()]

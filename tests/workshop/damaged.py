"""Damaged workshop databases, one builder per kind, for the store, the command and the app to refuse.

Each builder makes the damage at a path in a scratch folder and returns the kind of problem the store must report
(assessors/store.py `DatabaseProblem.kind`). A database the app reads but whose rows are not this program's is
built by `unreadable_rows`.
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from assessors.sqlite_store import SCHEMA_VERSION, SqliteStore


def _workshop_db(path: Path) -> None:
    """A sound database holding one workshop with answers (so that damage hits real pages)."""
    import datetime as dt

    from assessors.assessment import Answer, Assessment, Status
    from capability_model.catalog import resolve

    fw = resolve("caict-mlops-p1").framework
    answers = {r.id: Answer(status=Status.met, note="x" * 200) for _, r in list(fw.requirements())[:150]}
    part = Assessment(
        organisation="Acme", scope="Reco", assessor="Li", started=dt.date(2026, 11, 2), framework=fw.ref,
        answers=answers,
    )  # fmt: skip
    SqliteStore(path).create([part], "seed")


def _sql(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for statement in statements:
            conn.execute(statement)


def empty(path: Path) -> str:
    path.write_bytes(b"")
    return "empty"


def random_bytes(path: Path) -> str:
    path.write_bytes(random.Random(3).randbytes(8192))
    return "not_sqlite"


def text_file(path: Path) -> str:
    path.write_text("organisation: Acme\nanswers: {}\n", encoding="utf-8")
    return "not_sqlite"


def header_only(path: Path) -> str:
    _workshop_db(path)
    path.write_bytes(path.read_bytes()[:100])
    return "damaged"


def truncated(path: Path) -> str:
    _workshop_db(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return "damaged"


def overwritten_pages(path: Path) -> str:
    _workshop_db(path)
    data = bytearray(path.read_bytes())
    noise = random.Random(5).randbytes(len(data) - 4096 * 2)
    data[4096 * 2 :] = noise  # every page after the first two: tables and indexes turn to noise
    path.write_bytes(bytes(data))
    return "damaged"


def foreign_database(path: Path) -> str:
    _sql(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO customers VALUES (1, 'a')")
    return "foreign"


def foreign_table_added(path: Path) -> str:
    SqliteStore(path)
    _sql(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    return "foreign"


def missing_table(path: Path) -> str:
    SqliteStore(path)
    _sql(path, "DROP TABLE audit")
    return "schema"


def wrong_columns(path: Path) -> str:
    SqliteStore(path)
    _sql(path, "PRAGMA foreign_keys = OFF", "DROP TABLE answers", "CREATE TABLE answers (workshop_id INTEGER, x TEXT)")
    return "schema"


def wrong_schema(path: Path) -> str:
    _sql(path, "CREATE TABLE workshops (id INTEGER)", f"PRAGMA user_version = {SCHEMA_VERSION}")
    return "schema"


def newer_schema(path: Path) -> str:
    SqliteStore(path)
    _sql(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    return "too_new"


def read_only_file(path: Path) -> str:
    SqliteStore(path)
    path.chmod(0o444)
    return "read_only"


def read_only_folder(path: Path) -> str:
    path.parent.mkdir()
    SqliteStore(path)
    path.parent.chmod(0o555)
    return "read_only"


def unreadable_file(path: Path) -> str:
    SqliteStore(path)
    path.chmod(0)
    return "unreadable"


def directory(path: Path) -> str:
    path.mkdir()
    return "directory"


def fifo(path: Path) -> str:
    os.mkfifo(path)
    return "not_file"


def dangling_link(path: Path) -> str:
    path.symlink_to(path.parent / "gone.sqlite")
    return "unavailable"


BUILDERS: dict[str, Callable[[Path], str]] = {
    f.__name__: f
    for f in (
        empty, random_bytes, text_file, header_only, truncated, overwritten_pages, foreign_database,
        foreign_table_added, missing_table, wrong_columns, wrong_schema, newer_schema, read_only_file,
        read_only_folder, unreadable_file, directory, fifo, dangling_link,
    )
}  # fmt: skip


def place(tmp_path: Path, name: str) -> Path:
    """Where a case puts its database (in a folder of its own for the folder cases)."""
    return tmp_path / "db" / "w.sqlite" if name == "read_only_folder" else tmp_path / "w.sqlite"


def restore_permissions(path: Path) -> None:
    """Let pytest remove the scratch folder again."""
    for p in (path, path.parent):
        if p.exists() and not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else 0o644)


def unreadable_rows(path: Path) -> int:
    """A sound database whose one workshop's header is not JSON: it opens, but the workshop cannot be read."""
    _workshop_db(path)
    _sql(path, "UPDATE workshops SET header = '{not json'")
    return 1


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """A sound database while another connection holds its write lock (as another program would)."""
    SqliteStore(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")

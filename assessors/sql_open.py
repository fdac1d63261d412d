"""Opening the workshop's database from what `--db` names: an SQLite file, or a PostgreSQL server by its URL.

The PostgreSQL driver is imported only when a URL is given, so a local workshop on its SQLite file never loads it.
"""

from __future__ import annotations

from pathlib import Path

from assessors.pg_url import is_postgres_url
from assessors.sql_store import Database, SqlStore


def open_database(target: Path | str, *, open_wait_s: float) -> Database:
    """The database `target` names, checked and brought up to date (DatabaseProblem when it cannot be used)."""
    if is_postgres_url(target):
        from assessors.postgres_store import PostgresDatabase

        return PostgresDatabase(str(target), open_wait_s=open_wait_s)
    from assessors.sqlite_store import SqliteDatabase

    return SqliteDatabase(target, open_wait_s=open_wait_s)


def open_store(target: Path | str, *, open_wait_s: float = 5.0) -> SqlStore:
    """The store on the database `target` names."""
    return SqlStore(open_database(target, open_wait_s=open_wait_s))

"""A damaged database is refused, never replaced: by the store, by `mlops-maturity workshop` (exit 2, before the
server starts) and by the app (a clear message, no traceback in the page)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from app.workshop.words import t
from assessors.assessment import Assessment, Status
from assessors.sqlite_store import SqliteStore
from assessors.store import DatabaseProblem
from tests.workshop.apptest import rerun, start, status_of, text_box, texts
from tests.workshop.damaged import BUILDERS, locked, place, restore_permissions, unreadable_rows


def _snapshot(db: Path) -> tuple[object, ...]:
    """What is at the path and beside it: kind, permissions, size, content (the test must find it unchanged)."""
    info = os.lstat(db)
    content = db.read_bytes() if db.is_file() and not db.is_symlink() else None
    return info.st_mode, info.st_size, content, sorted(p.name for p in db.parent.iterdir())


def _refused_by_command(db: Path, kind: str) -> None:
    result = CliRunner().invoke(cli, ["workshop", "--db", str(db), "--no-access-code"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and "left as it is" in result.stderr
    assert "Traceback" not in result.output


def _refused_by_app(db: Path, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(db, monkeypatch, lang="en")
    page = texts(at)
    assert not at.exception and "Traceback" not in page
    assert [e.value for e in at.error] and t(f"db_{kind}", "en") in at.error[0].value
    assert t("db_todo", "en") in at.error[0].value
    assert not at.radio  # no page of the workshop is drawn over a refused database


@pytest.mark.parametrize("name", list(BUILDERS))
def test_a_damaged_database_is_refused(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = place(tmp_path, name)
    kind = BUILDERS[name](db)
    try:
        before = _snapshot(db)
        with pytest.raises(DatabaseProblem) as refused:
            SqliteStore(db, open_wait_s=0.2)
        assert refused.value.kind == kind and str(db.name) in str(refused.value)
        _refused_by_command(db, kind)
        _refused_by_app(db, kind, monkeypatch)
        assert _snapshot(db) == before  # refused, not repaired, re-initialised or replaced
    finally:
        restore_permissions(db)


def test_a_locked_database_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "w.sqlite"
    with locked(db):
        _refused_by_command(db, "locked")
        _refused_by_app(db, "locked", monkeypatch)
    SqliteStore(db)  # free again: it opens


def test_a_missing_database_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "new" / "w.sqlite"
    at = start(db, monkeypatch, lang="en")
    assert not at.error and str(db) in texts(at)
    assert SqliteStore(db).summaries() == [] and sorted(p.name for p in db.parent.iterdir()) == ["w.sqlite"]


def test_rows_the_app_cannot_read_give_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = unreadable_rows(db)
    at = start(db, monkeypatch, w=str(workshop_id), page="interview", lang="en")
    assert not at.exception and "Traceback" not in texts(at)
    assert [e.value for e in at.error] == [t("unexpected", "en")]
    logged = [r for r in caplog.records if r.name == "app.workshop" and r.exc_info]
    assert logged and "JSONDecodeError" in caplog.text  # the traceback is in the server's log


@pytest.mark.parametrize(
    ("damage", "kind"),
    [
        ("removed", "unavailable"),
        ("overwritten", "replaced"),
        ("another_workshop", "replaced"),
        ("read_only", "read_only"),
    ],
)
def test_a_database_damaged_while_in_use_gives_a_message(
    damage: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = SqliteStore(db).create(parts, "seed")
    at = start(db, monkeypatch, w=str(workshop_id), page="interview", item="P1.RM.RA.01", lang="en")
    if damage == "read_only":
        db.chmod(0o444)  # refused by mode bits, even for a superuser whom SQLite would let write
    elif damage == "another_workshop":  # a sound workshop database moved into its place: not written either
        SqliteStore(tmp_path / "other.sqlite").create(parts, "other")
        (tmp_path / "other.sqlite").rename(db)
    else:
        for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            leftover.unlink(missing_ok=True)
    if damage == "overwritten":  # a new file, which may even reuse the old one's inode: SQLite refuses it
        db.write_bytes(b"not a database any more" * 100)
    before = db.read_bytes() if db.exists() else None
    try:
        status_of(at, "P1.RM.RA.01.R01").set_value(Status.met)  # the save is refused...
        rerun(at)
        page = texts(at)
        assert not at.exception and "Traceback" not in page
        errors = " ".join(e.value for e in at.error)
        assert t("change_not_saved", "en") in errors  # ...and says so, and why
        assert t(f"db_{kind}", "en") in errors or (damage == "overwritten" and t("db_failed", "en") in errors)
        if damage == "read_only":  # still readable: the page stays; the click is not acknowledged, so the browser
            # keeps showing the chosen status as not yet saved, and sends it again until it is
            control = text_box(at, "st:P1.RM.RA.01.R01:")
            assert (control["value"], control["ack"]) == ("", None)
        else:  # nothing to read: no page is drawn from a file that is not the workshop's
            assert not at.get("bidi_component")
        assert db.exists() is (damage != "removed")  # a vanished database is not silently recreated
        assert (db.read_bytes() if db.exists() else None) == before  # nothing written into what is there now
    finally:
        restore_permissions(db)

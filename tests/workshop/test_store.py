"""The workshop store: one row per answer, an audit row per change, nothing lost between writers or restarts."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from assessors.assessment import Answer, Assessment, Status
from assessors.audit import AUDIT_COLUMNS, changes_csv, changes_json
from assessors.sqlite_store import SCHEMA_VERSION, SchemaTooNewError, SqliteStore
from assessors.store import AssessmentStore, WorkshopNotFoundError
from capability_model.loader import LoadedFramework
from tests.conftest import ROOT

P1 = "caict-mlops-p1"


def _requirements(loaded: LoadedFramework) -> list[str]:
    return [r.id for _, r in loaded.framework.requirements()]


def test_is_an_assessment_store(store: SqliteStore) -> None:
    def accepts(s: AssessmentStore) -> str:
        return s.location

    assert accepts(store).endswith("workshop.sqlite")


def test_schema_is_created_in_wal_mode(store: SqliteStore) -> None:
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"workshops", "parts", "answers", "audit"} <= tables
    finally:
        conn.close()
    SqliteStore(store.path)  # opening again migrates nothing and keeps the data


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError):
        SqliteStore(db)


def test_create_and_load(store: SqliteStore, parts: list[Assessment], part1: LoadedFramework) -> None:
    rid = _requirements(part1)[0]
    parts[0] = parts[0].model_copy(update={"answers": {rid: Answer(status=Status.met, note="imported")}})
    workshop_id = store.create(parts, "Li Wei")
    loaded = store.load(workshop_id)
    assert loaded.framework_ids == (P1, "caict-mlops-p2")
    assert loaded.header.organisation == "示例银行" and loaded.parts[1].participants == ["Zhang", "Wang"]
    assert loaded.part(P1).answers[rid].status is Status.met
    assert loaded.answer_revisions[rid] == loaded.revision
    assert [(c.requirement, c.old_status, c.new_status, c.who) for c in store.history(workshop_id)] == [
        (rid, None, "met", "Li Wei")
    ]
    [summary] = store.summaries()
    assert (summary.id, summary.organisation, summary.answered) == (workshop_id, "示例银行", 1)
    assert summary.frameworks == tuple(p.framework for p in parts)
    with pytest.raises(WorkshopNotFoundError):
        store.load(workshop_id + 1)
    with pytest.raises(ValueError, match="once"):
        store.create([parts[0], parts[0]], "x")


def test_save_answer_is_one_row_and_one_audit_entry(
    store: SqliteStore, parts: list[Assessment], part1: LoadedFramework
) -> None:
    workshop_id = store.create(parts, "Li Wei")
    rid = _requirements(part1)[0]
    before = store.revision(workshop_id)
    change = store.save_answer(
        workshop_id, P1, rid, Answer(status=Status.partial, note="half", evidence=["wiki/1"]), "Zhang"
    )
    assert change is not None and (change.old_status, change.new_status, change.who) == (None, "partial", "Zhang")
    assert store.revision(workshop_id) == before + 1
    answer = store.load(workshop_id).part(P1).answers[rid]
    assert (answer.status, answer.note, answer.evidence, answer.answered_by) == (
        Status.partial,
        "half",
        ["wiki/1"],
        "Zhang",
    )
    assert answer.answered_at is not None
    # saving what is already stored changes nothing: no audit entry, no new revision
    assert (
        store.save_answer(workshop_id, P1, rid, Answer(status=Status.partial, note="half", evidence=["wiki/1"]), "W")
        is None
    )
    assert store.revision(workshop_id) == before + 1 and len(store.history(workshop_id, rid)) == 1


def test_same_requirement_keeps_the_last_write_and_the_history_keeps_both(
    store: SqliteStore, parts: list[Assessment], part1: LoadedFramework
) -> None:
    workshop_id = store.create(parts, "Li Wei")
    rid = _requirements(part1)[3]
    other = SqliteStore(store.path)  # a second browser: its own store object on the same file
    store.save_answer(workshop_id, P1, rid, Answer(status=Status.met, note="Zhang says met"), "Zhang")
    other.save_answer(workshop_id, P1, rid, Answer(status=Status.not_met, note="Wang says no"), "Wang")
    assert store.load(workshop_id).part(P1).answers[rid].status is Status.not_met
    history = store.history(workshop_id, rid)
    assert [(c.old_status, c.new_status, c.note, c.who) for c in history] == [
        (None, "met", "Zhang says met", "Zhang"),
        ("met", "not_met", "Wang says no", "Wang"),
    ]


def test_a_restart_shows_the_same_answers(store: SqliteStore, parts: list[Assessment], part1: LoadedFramework) -> None:
    workshop_id = store.create(parts, "Li Wei")
    for n, rid in enumerate(_requirements(part1)[:20]):
        store.save_answer(workshop_id, P1, rid, Answer(status=list(Status)[n % 4], note=f"n{n}"), "Zhang")
    before = [p.model_dump(mode="json") for p in store.load(workshop_id).parts]
    code = (
        "import sys, json; from assessors.sqlite_store import SqliteStore; "
        "w = SqliteStore(sys.argv[1]).load(int(sys.argv[2])); "
        "print(json.dumps([p.model_dump(mode='json') for p in w.parts]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(store.path), str(workshop_id)], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == before


def test_two_processes_writing_at_once_lose_nothing(
    store: SqliteStore, parts: list[Assessment], part1: LoadedFramework, tmp_path: Path
) -> None:
    workshop_id = store.create(parts, "Li Wei")
    reqs = _requirements(part1)
    shared = reqs[0]
    mine = {"Zhang": [shared, *reqs[1:151]], "Wang": [shared, *reqs[151:301]]}
    go = tmp_path / "go"
    writers = {
        who: subprocess.Popen(
            [sys.executable, "-m", "tests.workshop.writer", str(store.path), str(workshop_id), P1, who, str(go), *rids],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, rids in mine.items()
    }
    go.touch()
    for who, proc in writers.items():
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"{who}: {err}"
    answers = store.load(workshop_id).part(P1).answers
    for who, rids in mine.items():
        for n, rid in enumerate(rids[1:], start=1):
            assert answers[rid].note == f"{who} {n}" and answers[rid].answered_by == who
    assert answers[shared].answered_by in mine
    history = store.history(workshop_id)
    assert len(history) == 302  # every write is in the trail, both writes to the shared requirement included
    assert sorted(c.who for c in store.history(workshop_id, shared)) == ["Wang", "Zhang"]
    assert store.revision(workshop_id) == 1 + 302


def test_import_adds_a_part_or_only_the_differences(
    store: SqliteStore, parts: list[Assessment], part1: LoadedFramework
) -> None:
    workshop_id = store.create(parts[:1], "Li Wei")
    reqs = _requirements(part1)
    store.save_answer(workshop_id, P1, reqs[0], Answer(status=Status.met), "Zhang")
    incoming = parts[0].model_copy(
        update={
            "answers": {reqs[0]: Answer(status=Status.met), reqs[1]: Answer(status=Status.not_met), reqs[2]: Answer()}
        }
    )
    changes = store.add_part(workshop_id, incoming, "import")
    assert [(c.requirement, c.new_status) for c in changes] == [(reqs[1], "not_met")]
    assert store.add_part(workshop_id, parts[1], "import") == []
    assert store.load(workshop_id).framework_ids == (P1, "caict-mlops-p2")
    older = parts[0].model_copy(update={"framework": "caict-mlops-p1@2022.10.1"})
    with pytest.raises(ValueError, match="bind"):
        store.add_part(workshop_id, older, "import")


def test_header_changes_are_validated(store: SqliteStore, parts: list[Assessment]) -> None:
    workshop_id = store.create(parts, "Li Wei")
    store.update_header(workshop_id, {"participants": ["Zhang", "Wang", "Zhao"], "target_level": 4})
    loaded = store.load(workshop_id)
    assert all(p.participants == ["Zhang", "Wang", "Zhao"] and p.target_level == 4 for p in loaded.parts)
    with pytest.raises(ValidationError):
        store.update_header(workshop_id, {"organisation": ""})
    with pytest.raises(ValueError, match="not header fields"):
        store.update_header(workshop_id, {"answers": {}})
    store.set_evidence_bundle(workshop_id, "/tmp/bundle")
    assert store.load(workshop_id).parts[1].evidence_bundle == "/tmp/bundle"


def test_audit_exports(store: SqliteStore, parts: list[Assessment], part1: LoadedFramework) -> None:
    workshop_id = store.create(parts, "Li Wei")
    rid = _requirements(part1)[0]
    store.save_answer(
        workshop_id, P1, rid, Answer(status=Status.met, note="说明, with comma", evidence=["a", "b"]), "张"
    )
    store.save_answer(workshop_id, P1, rid, Answer(status=None, note="reset"), "Wang")
    history = store.history(workshop_id)
    rows = json.loads(changes_json(history))
    assert [(r["old_status"], r["new_status"], r["who"]) for r in rows] == [(None, "met", "张"), ("met", None, "Wang")]
    assert rows[0]["evidence"] == ["a", "b"]
    lines = changes_csv(history).splitlines()
    assert lines[0] == ",".join(AUDIT_COLUMNS)
    assert '"说明, with comma"' in lines[1] and "a; b" in lines[1]


def test_audit_csv_cells_cannot_start_a_formula(
    store: SqliteStore, parts: list[Assessment], part1: LoadedFramework
) -> None:
    import csv
    import io

    workshop_id = store.create(parts, "Li Wei")
    rid = _requirements(part1)[0]
    hostile = Answer(status=Status.met, note='=HYPERLINK("http://x","y")', evidence=["+cmd|' /C calc'!A0"])
    store.save_answer(workshop_id, P1, rid, hostile, "@admin\x1b[2J")
    rows = list(csv.DictReader(io.StringIO(changes_csv(store.history(workshop_id)))))
    change = rows[-1]
    assert change["note"] == '\'=HYPERLINK("http://x","y")'
    assert change["evidence"].startswith("'+cmd")
    assert change["who"] == "'@admin[U+001B][2J"
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values() if cell)

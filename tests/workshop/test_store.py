"""The workshop store: one row per answer, an audit row per change, nothing lost between writers or restarts.

Every test runs on both stores: the embedded SQLite file and PostgreSQL (a real server started for the session,
tests/support/postgres.py). The last tests concern what only a server store has: its URL and password, an unreachable
server, and the workshop command serving from it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import psycopg
import pytest
from pydantic import ValidationError

from assessors.assessment import Answer, Assessment, Status
from assessors.audit import AUDIT_COLUMNS, changes_csv, changes_json
from assessors.postgres_store import SCHEMA_VERSION as PG_SCHEMA_VERSION
from assessors.postgres_store import VERSION_TABLE
from assessors.proposal_store import ProposalStore
from assessors.sql_open import open_store
from assessors.sql_store import SchemaTooNewError, SqlStore
from assessors.sqlite_store import SCHEMA_VERSION, SqliteStore
from assessors.store import AssessmentStore, DatabaseProblem, Workshop, WorkshopNotFoundError
from capability_model.loader import LoadedFramework
from tests.conftest import ROOT, cli_path
from tests.support.postgres import PgCluster, postgres_cluster, postgres_url  # noqa: F401  (fixtures)
from tests.support.servers import free_port, wait_for_http
from tests.workshop.rawclient import RawSession

P1 = "caict-mlops-p1"
WRITERS = 4  # processes writing to one workshop at once


def _requirements(loaded: LoadedFramework) -> list[str]:
    return [r.id for _, r in loaded.framework.requirements()]


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """What `--db` names: a new SQLite file, or a new database on the test PostgreSQL server (URL with password)."""
    if request.param == "sqlite":
        return str(tmp_path / "workshop.sqlite")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(target: str) -> SqlStore:
    return open_store(target)


def test_is_an_assessment_store(store: SqlStore, target: str) -> None:
    def accepts(s: AssessmentStore) -> str:
        return s.location

    if target.startswith("postgresql://"):
        user_password, server = target.removeprefix("postgresql://").split("@", 1)
        assert accepts(store) == f"postgresql://{user_password.split(':')[0]}@{server}"  # shown without password
    else:
        assert accepts(store).endswith("workshop.sqlite")


def test_schema_is_created_once_at_the_current_version(store: SqlStore, target: str, parts: list[Assessment]) -> None:
    workshop_id = store.create(parts, "Li Wei")
    if target.startswith("postgresql://"):
        assert PG_SCHEMA_VERSION == SCHEMA_VERSION  # one schema version for both stores
        with psycopg.connect(target) as conn:
            assert conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchall() == [(SCHEMA_VERSION,)]
            tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    else:
        lite = sqlite3.connect(target)
        try:
            assert lite.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert lite.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            tables = {r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            lite.close()
    assert {"workshops", "parts", "answers", "audit"} <= tables
    assert open_store(target).load(workshop_id) == store.load(workshop_id)  # opening again keeps the data
    if target.startswith("postgresql://"):
        with psycopg.connect(target) as conn:
            assert conn.execute(f"SELECT count(*) FROM {VERSION_TABLE}").fetchone() == (1,)


def test_a_newer_schema_is_refused(tmp_path: Path, target: str) -> None:
    if target.startswith("postgresql://"):  # a new database, with the version a newer program would write
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)")
            conn.execute(f"INSERT INTO {VERSION_TABLE} VALUES ({SCHEMA_VERSION + 1})")
        with pytest.raises(SchemaTooNewError):
            open_store(target)
        return
    db = tmp_path / "new.sqlite"
    lite = sqlite3.connect(db)
    lite.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    lite.close()
    with pytest.raises(SchemaTooNewError):
        SqliteStore(db)


def test_create_and_load(store: SqlStore, parts: list[Assessment], part1: LoadedFramework) -> None:
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


def test_a_load_since_an_earlier_one_equals_a_full_load(
    store: SqlStore, parts: list[Assessment], part1: LoadedFramework, part2: LoadedFramework
) -> None:
    """Reading only the answers written since an earlier load gives what reading everything gives, in the same
    order; a change of the header or the bundle makes it read everything again."""
    r1, r2, r3 = _requirements(part1)[:3]
    p2 = _requirements(part2)[0]
    parts[0] = parts[0].model_copy(update={"answers": {r2: Answer(status=Status.met, note="imported")}})
    workshop_id = store.create(parts, "Li Wei")
    first = store.load(workshop_id)
    assert store.load(workshop_id, since=first) is first  # nothing written since: the same object
    store.save_answer(workshop_id, P1, r1, Answer(status=Status.partial, note="new"), "Zhang")  # a new answer
    store.save_answer(workshop_id, P1, r2, Answer(status=Status.not_met), "Wang")  # one changed
    store.save_answer(workshop_id, "caict-mlops-p2", p2, Answer(status=Status.met), "Wang")  # the other part
    store.save_answer(workshop_id, P1, r3, Answer(note="a note only"), "Zhang")
    since, full = store.load(workshop_id, since=first), store.load(workshop_id)

    def shape(w: Workshop) -> object:
        return (w.revision, w.answer_revisions, [(a.framework, list(a.answers.items())) for a in w.parts])

    assert shape(since) == shape(full) and since.revision == first.revision + 4
    assert list(since.part(P1).answers) == [r2, r1, r3]  # in the order first saved, as a full load has them
    store.update_header(workshop_id, {"scope": "另一个范围"})
    store.save_answer(workshop_id, P1, r1, Answer(status=Status.met), "Zhang")
    again = store.load(workshop_id, since=since)
    assert again.header.scope == "另一个范围" and shape(again) == shape(store.load(workshop_id))
    store.set_evidence_bundle(workshop_id, "bundles/1")
    assert store.load(workshop_id, since=again).evidence_bundle == "bundles/1"


def test_save_answer_is_one_row_and_one_audit_entry(
    store: SqlStore, parts: list[Assessment], part1: LoadedFramework
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
    store: SqlStore, target: str, parts: list[Assessment], part1: LoadedFramework
) -> None:
    workshop_id = store.create(parts, "Li Wei")
    rid = _requirements(part1)[3]
    other = open_store(target)  # a second browser: its own store object on the same database
    store.save_answer(workshop_id, P1, rid, Answer(status=Status.met, note="Zhang says met"), "Zhang")
    other.save_answer(workshop_id, P1, rid, Answer(status=Status.not_met, note="Wang says no"), "Wang")
    assert store.load(workshop_id).part(P1).answers[rid].status is Status.not_met
    history = store.history(workshop_id, rid)
    assert [(c.old_status, c.new_status, c.note, c.who) for c in history] == [
        (None, "met", "Zhang says met", "Zhang"),
        ("met", "not_met", "Wang says no", "Wang"),
    ]


def test_a_restart_shows_the_same_answers(
    store: SqlStore, target: str, parts: list[Assessment], part1: LoadedFramework
) -> None:
    workshop_id = store.create(parts, "Li Wei")
    for n, rid in enumerate(_requirements(part1)[:20]):
        store.save_answer(workshop_id, P1, rid, Answer(status=list(Status)[n % 4], note=f"n{n}"), "Zhang")
    before = [p.model_dump(mode="json") for p in store.load(workshop_id).parts]
    code = (
        "import sys, json; from assessors.sql_open import open_store; "
        "w = open_store(sys.argv[1]).load(int(sys.argv[2])); "
        "print(json.dumps([p.model_dump(mode='json') for p in w.parts]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, target, str(workshop_id)], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == before


# A writer process on the store `--db` names (SQLite file or PostgreSQL URL): python -c WRITER DB WORKSHOP FRAMEWORK
# WHO GO_FILE REQUIREMENT... waits until GO_FILE exists, so that all writers start together, then saves one answer per
# requirement named, the n-th with the n-th status in turn and the note "WHO n".
WRITER = """
import sys, time
from pathlib import Path
from assessors.assessment import Answer, Status
from assessors.sql_open import open_store

db, workshop, framework, who, go, *requirements = sys.argv[1:]
store = open_store(db)
deadline = time.monotonic() + 30
while not Path(go).exists():
    if time.monotonic() > deadline:
        sys.exit(3)
    time.sleep(0.005)
for n, rid in enumerate(requirements):
    answer = Answer(status=list(Status)[n % len(Status)], note=f"{who} {n}")
    store.save_answer(int(workshop), framework, rid, answer, who)
"""


def test_four_processes_writing_at_once_lose_nothing(
    store: SqlStore, target: str, parts: list[Assessment], part1: LoadedFramework, tmp_path: Path
) -> None:
    workshop_id = store.create(parts, "Li Wei")
    reqs = _requirements(part1)
    shared, share = reqs[0], (len(reqs) - 1) // WRITERS
    people = ["Zhang", "Wang", "Zhao", "Chen"][:WRITERS]
    mine: dict[str, list[str]] = {}
    for n, who in enumerate(people):  # each writer's own requirements, and the shared one before every fourth
        own = reqs[1 + n * share : 1 + (n + 1) * share]
        mine[who] = [rid for i, own_rid in enumerate(own) for rid in ([shared] if i % 4 == 0 else []) + [own_rid]]
    writes = sum(len(rids) for rids in mine.values())
    go = tmp_path / "go"
    writers = {
        who: subprocess.Popen(
            [sys.executable, "-c", WRITER, target, str(workshop_id), P1, who, str(go), *rids],
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
    loaded = store.load(workshop_id)
    answers = loaded.part(P1).answers
    for who, rids in mine.items():
        for n, rid in enumerate(rids):
            if rid != shared:
                assert (answers[rid].note, answers[rid].answered_by) == (f"{who} {n}", who)
                assert answers[rid].status is list(Status)[n % len(Status)]
    history = store.history(workshop_id)
    assert len(history) == writes  # every write is in the trail, every write to the shared requirement included
    shared_history = store.history(workshop_id, shared)
    assert sorted(c.who for c in shared_history) == sorted(
        who for who, rids in mine.items() for r in rids if r == shared
    )
    # each writer read the shared answer under the lock it wrote under: every entry starts where the one before ended
    assert [c.old_status for c in shared_history] == [None] + [c.new_status for c in shared_history[:-1]]
    assert (answers[shared].answered_by, answers[shared].note) == (shared_history[-1].who, shared_history[-1].note)
    assert store.revision(workshop_id) == 1 + writes
    assert len(set(loaded.answer_revisions.values())) == len(answers)  # one revision per write, never shared


def test_import_adds_a_part_or_only_the_differences(
    store: SqlStore, parts: list[Assessment], part1: LoadedFramework
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


def test_header_changes_are_validated(store: SqlStore, parts: list[Assessment]) -> None:
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


def test_audit_exports(store: SqlStore, parts: list[Assessment], part1: LoadedFramework) -> None:
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
    store: SqlStore, parts: list[Assessment], part1: LoadedFramework
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


# --- what only the server store has: a URL with a password, a server that may be away, the workshop on it --------


def _password(url: str) -> str:
    return url.removeprefix("postgresql://").split("@", 1)[0].split(":", 1)[1]


def test_postgresql_refusals_name_the_server_never_the_password(postgres_cluster: PgCluster) -> None:  # noqa: F811
    secret = "s3cret-never-shown"
    wrong = postgres_cluster.url("postgres", password=secret)
    with pytest.raises(DatabaseProblem) as refused:
        open_store(wrong, open_wait_s=2)
    assert refused.value.kind == "unavailable" and f"127.0.0.1:{postgres_cluster.port}" in str(refused.value)
    assert "password authentication failed" in str(refused.value) and secret not in str(refused.value)
    nobody = free_port()  # no server listens there
    with pytest.raises(DatabaseProblem) as away:
        open_store(f"postgresql://postgres:{secret}@127.0.0.1:{nobody}/w", open_wait_s=2)
    assert f"127.0.0.1:{nobody}" in str(away.value) and secret not in str(away.value)
    assert "postgresql://postgres@127.0.0.1" in str(away.value)  # the URL, shown without its password


def test_a_postgresql_database_of_another_program_is_refused_and_left_alone(postgres_url: str) -> None:  # noqa: F811
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total NUMERIC)")
    with pytest.raises(DatabaseProblem) as refused:
        open_store(postgres_url)
    assert refused.value.kind == "foreign" and "invoices" in str(refused.value)
    assert _password(postgres_url) not in str(refused.value)
    with psycopg.connect(postgres_url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    assert tables == ["invoices"]  # nothing created beside it


def test_processes_opening_a_new_postgresql_database_at_once_create_it_once(postgres_url: str) -> None:  # noqa: F811
    code = "import sys; from assessors.sql_open import open_store; open_store(sys.argv[1]).summaries()"
    openers = [
        subprocess.Popen([sys.executable, "-c", code, postgres_url], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(WRITERS)
    ]
    for proc in openers:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchall() == [(SCHEMA_VERSION,)]


def test_proposals_compare_and_set_on_postgresql(
    postgres_url: str,  # noqa: F811
    parts: list[Assessment],
    part1: LoadedFramework,
) -> None:
    from assessors.answering import AnswerRefusedError
    from assessors.assessment import Proposal

    store = ProposalStore(postgres_url)
    workshop_id = store.create(parts[:1], "seed")
    rid = _requirements(part1)[0]
    proposal = Proposal(
        status="met",
        verification="automated",
        reason={"en": "CI runs on every change", "zh": "每次变更都运行 CI"},
        proposed_at=dt.datetime.now(dt.UTC),
    )
    drafted = Answer(status=Status.met, source="evidence", proposal=proposal)
    store.save_answer(workshop_id, P1, rid, drafted, "draft")
    seen = store.load(workshop_id).answer_revisions[rid]
    store.save_answer(workshop_id, P1, rid, Answer(status=Status.partial, note="newer"), "Wang")  # meanwhile
    with pytest.raises(AnswerRefusedError):
        store.confirm_proposal(workshop_id, P1, rid, seen, "Li Wei")  # the proposal seen is no longer stored
    assert store.load(workshop_id).part(P1).answers[rid].note == "newer"


def test_the_workshop_command_serves_from_postgresql(
    postgres_url: str,  # noqa: F811
    parts: list[Assessment],
    tmp_path: Path,
) -> None:
    workshop_id = open_store(postgres_url).create(parts, "seed")
    shown = open_store(postgres_url).location
    port, log = free_port(), tmp_path / "server.log"
    data = tmp_path / "workshop-data"
    command = [cli_path(), "workshop", "--db", postgres_url, "--data-dir", str(data), "--port", str(port)]
    command.append("--no-access-code")
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", timeout_s=60)
            assert httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=5).status_code == 200

            async def visit() -> list[str]:
                base = f"http://127.0.0.1:{port}"
                async with RawSession(base, query=f"w={workshop_id}&page=start&lang=en") as session:
                    await session.run({"Your name": "Li Wei"}, ("Enter",))
                    await session.run()
                    return session.shown

            page = "\n".join(asyncio.run(visit()))
            environment = dict(
                entry.split("=", 1)
                for entry in Path(f"/proc/{server.pid}/environ").read_text(errors="replace").split("\0")
                if "=" in entry
            )
        finally:
            server.terminate()
            server.wait(timeout=15)
    printed = log.read_text(errors="replace")
    assert f"(database {shown})" in printed and _password(postgres_url) not in printed
    assert "示例银行" in page and shown in page  # the workshop read from PostgreSQL; the URL without its password
    assert _password(postgres_url) not in page
    # the server has the password only where libpq takes it from, not in the URL it is handed
    assert environment["MLOPS_MATURITY_WORKSHOP_DB"] == shown
    assert environment["PGPASSWORD"] == _password(postgres_url)
    assert environment["MLOPS_MATURITY_WORKSHOP_DATA"] == str(data.resolve())  # where its evidence bundles go


def test_a_postgresql_workshop_keeps_its_bundles_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL is no place on this machine: bundles go to the --data-dir folder, stored relative to its parent, and a
    server started without one is refused, never writing beside a folder named after the URL."""
    from app.workshop import bundles
    from app.workshop.config import DATA_ENV, NotConfiguredError

    url = "postgresql://ana@127.0.0.1:5432/w"
    monkeypatch.delenv(DATA_ENV, raising=False)
    with pytest.raises(NotConfiguredError):
        bundles.data_dir(url)
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    folder = bundles.new_bundle_dir(url, 7)
    assert folder.parent == tmp_path / "data" / "bundles"
    folder.mkdir(parents=True)
    stored = bundles.stored_form(url, folder)
    assert stored.startswith("data/bundles/w7-")
    assert bundles.checked_path(url, stored) == folder.resolve()


def test_the_workshop_command_wants_a_data_folder_with_postgresql() -> None:
    from typer.testing import CliRunner

    from app.cli import app as cli

    result = CliRunner().invoke(cli, ["workshop", "--db", "postgresql://ana@127.0.0.1:1/w", "--no-access-code"])
    assert result.exit_code == 2 and "--data-dir" in result.output


def test_the_workshop_command_refuses_an_unreachable_server_without_a_traceback() -> None:
    from typer.testing import CliRunner

    from app.cli import app as cli

    nobody = free_port()
    url = f"postgresql://ana:hunter2-secret@127.0.0.1:{nobody}/w"
    result = CliRunner().invoke(cli, ["workshop", "--db", url, "--data-dir", "data", "--no-access-code"])
    assert result.exit_code == 2
    assert f"127.0.0.1:{nobody}" in result.output and "postgresql://ana@127.0.0.1" in result.output
    assert "hunter2-secret" not in result.output and "Traceback" not in result.output


def test_a_postgresql_account_without_the_right_to_create_tables_is_refused(
    postgres_cluster: PgCluster,  # noqa: F811
    postgres_url: str,  # noqa: F811
) -> None:
    role, secret = f"reader_{os.getpid()}", "reader-secret-42"
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{secret}'")
    try:
        url = postgres_url.replace(f"postgres:{postgres_cluster.password}@", f"{role}:{secret}@")
        with pytest.raises(DatabaseProblem) as refused:
            open_store(url)
        assert refused.value.kind == "read_only" and secret not in str(refused.value)
    finally:
        with psycopg.connect(postgres_cluster.url(), autocommit=True) as conn:
            conn.execute(f"DROP ROLE {role}")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ana:pa55-word@db.example:6543/workshops",
        "postgresql://ana@db.example:6543/workshops?password=pa55-word",
        "postgres:/ana:pa55-word@db.example:6543/workshops",  # one slash folded away by a file-system path
    ],
)
def test_a_postgresql_url_is_shown_without_its_password(url: str) -> None:
    from assessors.pg_url import is_postgres_url, parse, scrubbed

    target = parse(url)
    assert is_postgres_url(url) and target.password == "pa55-word"
    assert target.shown == "postgresql://ana@db.example:6543/workshops" and target.server == "db.example:6543"
    assert "pa55-word" not in scrubbed(f"failed for {url}")

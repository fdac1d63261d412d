"""The workshop store's logic in SQL, shared by the embedded SQLite file and a PostgreSQL server.

Both databases hold the same tables and columns (answers one row each, an audit row per change, a revision counter
per workshop) and run the same statements; only what differs between them lives in their `Database`: how a
connection is opened and checked, how a write transaction excludes the other writers of a workshop, and how a read
sees one consistent snapshot. Statements are written with `?` placeholders; a database whose driver wants another
style translates them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from assessors.accounts import Account, AccountProblem, check_name, check_role
from assessors.answering import with_field
from assessors.assessment import Answer, Assessment
from assessors.audit import Change
from assessors.evidence_refs import EvidenceRef, as_ref
from assessors.store import (
    HEADER_FIELDS,
    DatabaseProblem,
    EditResult,
    FieldEdit,
    Workshop,
    WorkshopNotFoundError,
    WorkshopSummary,
    field_value,
    header_of,
    same_verdict,
)
from capability_model.schema import split_ref

# Schema migration 2, the same in both dialects: answers drafted from evidence, their proposal, who confirmed it, and
# a person's reason for overriding one.
PROPOSAL_COLUMNS = (
    "ALTER TABLE answers ADD COLUMN source TEXT NOT NULL DEFAULT 'person'",
    "ALTER TABLE answers ADD COLUMN proposal TEXT",
    "ALTER TABLE answers ADD COLUMN confirmed_by TEXT",
    "ALTER TABLE answers ADD COLUMN confirmed_at TEXT",
    "ALTER TABLE answers ADD COLUMN override_reason TEXT NOT NULL DEFAULT ''",
)
# Schema migration 4, the same in both dialects: the language a note is written in and its translations (a JSON
# object, language -> text). Evidence references stay in the `evidence` column as JSON: a plain string for a reference
# that is only a title (as every earlier version wrote them), an object for a structured one.
NOTE_COLUMNS = (
    "ALTER TABLE answers ADD COLUMN note_lang TEXT",
    "ALTER TABLE answers ADD COLUMN note_translations TEXT NOT NULL DEFAULT '{}'",
)
# Schema migration 3, the same in both dialects: the accounts of a shared server (assessors/accounts.py).
ACCOUNT_TABLE = (
    """CREATE TABLE accounts (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL)""",
)


class SchemaTooNewError(DatabaseProblem):
    """The database was written by a newer version of this program; refuse rather than damage it."""

    def __init__(self, message: str) -> None:
        super().__init__("too_new", message)


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What the shared statements need of a connection: sqlite3's and the PostgreSQL adapter's `execute`."""

    def execute(self, sql: str, parameters: Sequence[object] = ..., /) -> Cursor: ...


class Database(Protocol):
    """Connections to one database, with the transactions the store's promises rest on."""

    @property
    def location(self) -> str:
        """Where the data is, to show the user; never a password."""
        ...

    answer_order: str  # the column that keeps answers in the order they were first saved

    def read(self, snapshot: bool = False) -> AbstractContextManager[Connection]:
        """A connection for reads; with `snapshot`, every statement sees the same committed state."""
        ...

    def write(self, workshop_id: int | None = None) -> AbstractContextManager[Connection]:
        """One transaction, durable when the block returns and rolled back on any error, during which no other writer
        changes the workshop `workshop_id` (None: a new workshop, which no one else can see yet)."""
        ...


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# The answer columns, in the order _answer_row writes them and _answer reads them.
ANSWER_COLUMNS = (
    "status, note, evidence, answered_by, answered_at, source, proposal, confirmed_by, confirmed_at, override_reason, "
    "note_lang, note_translations"
)
AnswerRow = tuple[
    str | None, str, str, str | None, str | None, str, str | None, str | None, str | None, str, str | None, str
]  # fmt: skip


def _references_json(answer: Answer) -> str:
    """The answer's references as stored: plain strings for title-only references, objects for structured ones."""
    return json.dumps([as_ref(r).stored() for r in answer.evidence], ensure_ascii=False)


def _labels(stored: str) -> tuple[str, ...]:
    """The references of an audit row as one line each (the audit trail's shape), from either stored form."""
    return tuple(EvidenceRef.model_validate(r).label if isinstance(r, dict) else str(r) for r in json.loads(stored))


def _answer_row(answer: Answer) -> AnswerRow:
    proposal = answer.proposal.model_dump_json() if answer.proposal is not None else None
    return (
        answer.status.value if answer.status else None,
        answer.note,
        _references_json(answer),
        answer.answered_by,
        _iso(answer.answered_at),
        answer.source,
        proposal,
        answer.confirmed_by,
        _iso(answer.confirmed_at),
        answer.override_reason,
        answer.note_lang,
        json.dumps(answer.note_translations, ensure_ascii=False),
    )


def _answer(*row: Any) -> Answer:
    status, note, evidence, by, at, source, proposal, confirmed_by, confirmed_at, override_reason = row[:10]
    note_lang, translations = row[10:]
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
            "note_lang": note_lang,
            "note_translations": json.loads(translations),
        }
    )


def _change(row: Sequence[Any]) -> Change:
    rid, framework, requirement, old, new, note, evidence, who, at = row
    at_time = dt.datetime.fromisoformat(at)
    return Change(int(rid), framework, requirement, old, new, note, _labels(evidence), who, at_time)


def _same_frame(
    since: Workshop, workshop_id: int, header: dict[str, Any], bundle: str | None, parts: Sequence[Sequence[Any]]
) -> bool:
    """Whether an earlier load differs from the database only by answers (header, bundle and parts unchanged)."""
    if since.id != workshop_id or since.evidence_bundle != bundle or len(since.parts) != len(parts):
        return False
    if header_of(since.header) != header:
        return False
    return all(
        a.framework == ref and {k: v.model_dump(mode="json") for k, v in a.orphaned.items()} == json.loads(orphaned)
        for a, (_, ref, orphaned) in zip(since.parts, parts, strict=True)
    )


def _with_answers(since: Workshop, revision: int, rows: Sequence[Sequence[Any]]) -> Workshop:
    """`since` with the answers written after it (rows of framework id, requirement id, revision, answer columns)."""
    changed: dict[str, dict[str, Answer]] = {}
    revisions = dict(since.answer_revisions)
    for framework_id, rid, rev, *columns in rows:
        changed.setdefault(framework_id, {})[rid] = _answer(*columns)
        revisions[rid] = int(rev)
    parts = tuple(
        a.model_copy(update={"answers": {**a.answers, **changed[split_ref(a.framework)[0]]}})
        if split_ref(a.framework)[0] in changed
        else a
        for a in since.parts
    )
    return Workshop(since.id, revision, parts, revisions, since.evidence_bundle)


class SqlStore:
    """AssessmentStore on a `Database`: every call is one short transaction on a connection of its own."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @property
    def location(self) -> str:
        return self._db.location

    def _read(self, snapshot: bool = False) -> AbstractContextManager[Connection]:
        return self._db.read(snapshot)

    def _write(self, workshop_id: int | None = None) -> AbstractContextManager[Connection]:
        return self._db.write(workshop_id)

    # --- writes ----------------------------------------------------------------------------------------------

    def _bump(self, conn: Connection, workshop_id: int) -> int:
        row = conn.execute(
            "UPDATE workshops SET revision = revision + 1, updated_at = ? WHERE id = ? RETURNING revision",
            (_iso(_now()), workshop_id),
        ).fetchone()
        if row is None:
            raise WorkshopNotFoundError(workshop_id)
        return int(row[0])

    def _stored(self, conn: Connection, workshop_id: int, framework_id: str, requirement_id: str) -> Answer | None:
        row = conn.execute(
            f"SELECT {ANSWER_COLUMNS} FROM answers WHERE workshop_id = ? AND framework_id = ? AND requirement_id = ?",
            (workshop_id, framework_id, requirement_id),
        ).fetchone()
        return _answer(*row) if row else None

    def _record(
        self,
        conn: Connection,
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
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (workshop_id, framework_id, requirement_id) DO UPDATE SET status = excluded.status, "
            "note = excluded.note, evidence = excluded.evidence, answered_by = excluded.answered_by, "
            "answered_at = excluded.answered_at, source = excluded.source, proposal = excluded.proposal, "
            "confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at, "
            "override_reason = excluded.override_reason, note_lang = excluded.note_lang, "
            "note_translations = excluded.note_translations, revision = excluded.revision",
            (workshop_id, framework_id, requirement_id, *_answer_row(answer), revision),
        )
        old_status = old.status.value if old and old.status else None
        new_status = answer.status.value if answer.status else None
        evidence = _references_json(answer)
        (audit_id,) = conn.execute(
            "INSERT INTO audit (workshop_id, framework_id, requirement_id, old_status, new_status, note, evidence, "
            "who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (workshop_id, framework_id, requirement_id, old_status, new_status, answer.note, evidence, who, _iso(at)),
        ).fetchone()
        return Change(
            int(audit_id), framework_id, requirement_id, old_status, new_status, answer.note,
            _labels(evidence), who, at,
        )  # fmt: skip

    def _import(self, conn: Connection, workshop_id: int, part: Assessment, who: str, revision: int) -> list[Change]:
        """Save each non-blank answer of `part` that differs from the stored one."""
        framework_id = split_ref(part.framework)[0]
        changes = []
        for rid, answer in part.answers.items():
            old = self._stored(conn, workshop_id, framework_id, rid)
            if not answer.is_blank and not same_verdict(old, answer):
                changes.append(self._record(conn, workshop_id, (framework_id, rid), old, answer, who, revision))
        return changes

    def _insert_part(
        self, conn: Connection, workshop_id: int, part: Assessment, position: int, who: str, revision: int
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
            (workshop_id,) = conn.execute(
                "INSERT INTO workshops (header, evidence_bundle, revision, created_at, updated_at) "
                "VALUES (?, ?, 1, ?, ?) RETURNING id",
                (json.dumps(header_of(parts[0]), ensure_ascii=False), parts[0].evidence_bundle, now, now),
            ).fetchone()
            for position, part in enumerate(parts):
                self._insert_part(conn, int(workshop_id), part, position, who, 1)
        return int(workshop_id)

    def add_part(self, workshop_id: int, part: Assessment, who: str) -> list[Change]:
        framework_id = split_ref(part.framework)[0]
        with self._write(workshop_id) as conn:
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
        with self._write(workshop_id) as conn:
            old = self._stored(conn, workshop_id, framework_id, requirement_id)
            if same_verdict(old, stamped):
                return None  # nothing changed: the revision stays, so no reader reloads
            revision = self._bump(conn, workshop_id)
            return self._record(conn, workshop_id, (framework_id, requirement_id), old, stamped, who, revision)

    def save_field(
        self, workshop_id: int, framework_id: str, requirement_id: str, edit: FieldEdit, who: str
    ) -> EditResult:
        """Compare and set one field under the workshop's write lock: the stored field is read, compared with what
        the person's page showed and written in one transaction, so no other writer comes in between; the other
        fields are written back as they are stored, so only the edited one changes."""
        with self._write(workshop_id) as conn:
            row = conn.execute(
                f"SELECT revision, {ANSWER_COLUMNS} FROM answers "
                "WHERE workshop_id = ? AND framework_id = ? AND requirement_id = ?",
                (workshop_id, framework_id, requirement_id),
            ).fetchone()
            old, stored_revision = (_answer(*row[1:]), int(row[0])) if row else (None, 0)
            current = field_value(old, edit.field)
            if current != edit.base and current != edit.value:
                return EditResult("conflict", old or Answer(), stored_revision)
            answer = with_field(old or Answer(), edit.field, edit.value)
            stamped = answer.model_copy(update={"answered_by": who or None, "answered_at": _now()})
            if same_verdict(old, stamped):
                return EditResult("unchanged", old or Answer(), stored_revision)
            revision = self._bump(conn, workshop_id)
            change = self._record(conn, workshop_id, (framework_id, requirement_id), old, stamped, who, revision)
        return EditResult("saved" if stored_revision == edit.seen else "merged", stamped, revision, change)

    def update_header(self, workshop_id: int, changes: Mapping[str, Any]) -> None:
        unknown = set(changes) - set(HEADER_FIELDS)
        if unknown:
            raise ValueError(f"not header fields: {', '.join(sorted(unknown))}")
        with self._write(workshop_id) as conn:
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
        with self._write(workshop_id) as conn:
            self._bump(conn, workshop_id)
            conn.execute("UPDATE workshops SET evidence_bundle = ? WHERE id = ?", (path, workshop_id))

    # --- accounts -------------------------------------------------------------------------------------------

    def add_account(self, name: str, role: str, password_hash: str) -> Account:
        """A new account; AccountProblem when the name is taken or not valid."""
        account = Account(name=check_name(name), role=check_role(role), created_at=_now())
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM accounts WHERE name = ?", (account.name,)).fetchone():
                raise AccountProblem(f"an account named {account.name!r} exists already")
            conn.execute(
                "INSERT INTO accounts (name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, 0, ?)",
                (account.name, account.role, password_hash, _iso(account.created_at)),
            )
        return account

    def _change_account(self, name: str, column: str, value: object) -> None:
        with self._write() as conn:
            row = conn.execute(
                f"UPDATE accounts SET {column} = ? WHERE name = ? RETURNING name", (value, name)
            ).fetchone()
        if row is None:
            raise AccountProblem(f"no account named {name!r}")

    def set_account_disabled(self, name: str, disabled: bool) -> None:
        self._change_account(name, "disabled", int(disabled))

    def set_account_role(self, name: str, role: str) -> None:
        self._change_account(name, "role", check_role(role))

    def set_account_password(self, name: str, password_hash: str) -> None:
        self._change_account(name, "password_hash", password_hash)

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        with self._read() as conn:
            rows = conn.execute("SELECT name, role, disabled, created_at FROM accounts ORDER BY name").fetchall()
        return [_account(row) for row in rows]

    def account(self, name: str) -> tuple[Account, str] | None:
        """The account named `name` and its password hash (None: no such account)."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT name, role, disabled, created_at, password_hash FROM accounts WHERE name = ?", (name,)
            ).fetchone()
        return (_account(row[:4]), str(row[4])) if row else None

    def has_accounts(self) -> bool:
        """Whether any account is enabled: then a server on this database lets people in by account."""
        with self._read() as conn:
            return conn.execute("SELECT 1 FROM accounts WHERE disabled = 0 LIMIT 1").fetchone() is not None

    # --- reads -----------------------------------------------------------------------------------------------

    def revision(self, workshop_id: int) -> int:
        with self._read() as conn:
            row = conn.execute("SELECT revision FROM workshops WHERE id = ?", (workshop_id,)).fetchone()
        if row is None:
            raise WorkshopNotFoundError(workshop_id)
        return int(row[0])

    def load(self, workshop_id: int, since: Workshop | None = None) -> Workshop:
        """The workshop as saved now. Given an earlier load of it (`since`), only the answers written after it are
        read, when nothing else changed: a click re-reads one answer instead of every part's hundreds."""
        with self._read(snapshot=True) as conn:  # one consistent snapshot of the header, the parts and the answers
            head = conn.execute(
                "SELECT header, evidence_bundle, revision FROM workshops WHERE id = ?", (workshop_id,)
            ).fetchone()
            if head is None:
                raise WorkshopNotFoundError(workshop_id)
            if since is not None and since.id == workshop_id and since.revision == int(head[2]):
                return since
            parts = conn.execute(
                "SELECT framework_id, framework, orphaned FROM parts WHERE workshop_id = ? ORDER BY position",
                (workshop_id,),
            ).fetchall()
            header = json.loads(head[0])
            newer = (
                since is not None
                and int(head[2]) > since.revision  # a database put in its place may count from lower down
                and _same_frame(since, workshop_id, header, head[1], parts)
            )
            rows = conn.execute(
                f"SELECT framework_id, requirement_id, revision, {ANSWER_COLUMNS} FROM answers WHERE workshop_id = ? "
                + ("AND revision > ? " if newer else "")
                + f"ORDER BY {self._db.answer_order}",
                (workshop_id, since.revision) if newer and since is not None else (workshop_id,),
            ).fetchall()
        if newer and since is not None:
            return _with_answers(since, int(head[2]), rows)
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
        with self._read(snapshot=True) as conn:
            rows = conn.execute(
                "SELECT w.id, w.header, w.updated_at, "
                "(SELECT count(*) FROM answers a WHERE a.workshop_id = w.id AND a.status IS NOT NULL) "
                "FROM workshops w ORDER BY w.updated_at DESC, w.id DESC"
            ).fetchall()
            parts = conn.execute("SELECT workshop_id, framework FROM parts ORDER BY workshop_id, position").fetchall()
        frameworks: dict[int, list[str]] = {}
        for workshop_id, framework in parts:
            frameworks.setdefault(int(workshop_id), []).append(str(framework))
        return [
            WorkshopSummary(
                id=int(workshop_id),
                organisation=str(head.get("organisation", "")),
                scope=str(head.get("scope", "")),
                frameworks=tuple(frameworks.get(int(workshop_id), ())),
                answered=int(answered),
                updated_at=dt.datetime.fromisoformat(updated),
            )
            for workshop_id, head, updated, answered in _parsed(rows)
        ]

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


def _account(row: Sequence[Any]) -> Account:
    name, role, disabled, created_at = row
    return Account(name=name, role=role, disabled=bool(disabled), created_at=dt.datetime.fromisoformat(created_at))


def _parsed(rows: list[Any]) -> Iterator[tuple[Any, dict[str, Any], str, int]]:
    for workshop_id, header, updated, answered in rows:
        yield workshop_id, json.loads(header), updated, answered

"""Field edits in the workshop store: a page that showed an older answer never erases what others saved meanwhile.

Each test runs on the embedded SQLite file and on a real PostgreSQL server (tests/support/postgres.py). The stale-page
cases are the ones issue 14 reports: a note edited on a page that had not shown B's status, a status clicked on a page
that had not shown B's note and references, and the same field changed by both.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from assessors.answering import StatusNeedsOverrideError
from assessors.assessment import Answer, Proposal, Status
from assessors.sql_open import open_store
from assessors.sql_store import SqlStore
from assessors.store import ANSWER_FIELDS, AnswerField, FieldEdit, FieldValue, field_value
from capability_model.loader import LoadedFramework
from capability_model.schema import LocalizedText
from tests.conftest import ROOT
from tests.support.postgres import postgres_cluster, postgres_url  # noqa: F401  (fixtures)

P1 = "caict-mlops-p1"
R = "P1.RM.RA.01.R02"
A, B = "Li Wei", "Wang Fang"


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "workshop.sqlite")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(target: str) -> SqlStore:
    return open_store(target)


def _answer(store: SqlStore, workshop_id: int, rid: str = R) -> Answer:
    return store.load(workshop_id).part(P1).answers.get(rid) or Answer()


def test_a_note_from_a_stale_page_keeps_the_status_saved_meanwhile(store: SqlStore, parts: list) -> None:
    workshop_id = store.create(parts, "seed")
    seen = store.load(workshop_id).answer_revisions.get(R, 0)  # both pages show R unanswered
    theirs = store.save_field(workshop_id, P1, R, FieldEdit("status", Status.met, None, seen), B)
    mine = store.save_field(workshop_id, P1, R, FieldEdit("note", "two of four projects", "", seen), A)
    assert (theirs.outcome, mine.outcome) == ("saved", "merged")
    answer = _answer(store, workshop_id)
    assert (answer.status, answer.note, answer.answered_by) == (Status.met, "two of four projects", A)
    trail = [(c.who, c.requirement, c.old_status, c.new_status, c.note) for c in store.history(workshop_id, R)]
    assert trail == [(B, R, None, "met", ""), (A, R, "met", "met", "two of four projects")]


def test_a_status_click_from_a_stale_page_keeps_the_note_and_references(store: SqlStore, parts: list) -> None:
    workshop_id = store.create(parts, "seed")
    seen = store.load(workshop_id).answer_revisions.get(R, 0)
    store.save_field(workshop_id, P1, R, FieldEdit("note", "minutes of 3 Nov", "", seen), B)
    store.save_field(workshop_id, P1, R, FieldEdit("evidence", ("wiki/req-42", "mail-7"), (), seen), B)
    mine = store.save_field(workshop_id, P1, R, FieldEdit("status", Status.partial, None, seen), A)
    assert mine.outcome == "merged" and mine.change is not None and mine.change.who == A
    answer = _answer(store, workshop_id)
    assert (answer.status, answer.note, answer.evidence) == (
        Status.partial,
        "minutes of 3 Nov",
        ["wiki/req-42", "mail-7"],
    )


@pytest.mark.parametrize(
    ("field", "theirs", "mine"),
    [("status", Status.met, Status.not_met), ("note", "B's words", "A's words"), ("evidence", ("b-1",), ("a-1",))],
)
def test_the_same_field_from_a_stale_page_is_refused_with_theirs(
    store: SqlStore, parts: list, field: AnswerField, theirs: FieldValue, mine: FieldValue
) -> None:
    workshop_id = store.create(parts, "seed")
    blank = field_value(None, field)
    saved = store.save_field(workshop_id, P1, R, FieldEdit(field, theirs, blank, 0), B)
    revision, entries = store.revision(workshop_id), len(store.history(workshop_id))
    refused = store.save_field(workshop_id, P1, R, FieldEdit(field, mine, blank, 0), A)
    assert refused.outcome == "conflict" and refused.change is None
    assert field_value(refused.answer, field) == theirs and refused.answer.answered_by == B
    assert refused.revision == saved.revision
    assert store.revision(workshop_id) == revision and len(store.history(workshop_id)) == entries  # nothing written
    assert field_value(_answer(store, workshop_id), field) == theirs
    kept = store.save_field(workshop_id, P1, R, FieldEdit(field, mine, theirs, refused.revision), A)  # keep mine
    assert kept.outcome == "saved" and field_value(_answer(store, workshop_id), field) == mine
    assert store.history(workshop_id, R)[-1].who == A


def test_the_chosen_status_again_writes_nothing_and_clear_writes_only_the_status(store: SqlStore, parts: list) -> None:
    workshop_id = store.create(parts, "seed")
    store.save_field(workshop_id, P1, R, FieldEdit("note", "kept", "", 0), A)
    first = store.save_field(workshop_id, P1, R, FieldEdit("status", Status.met, None, 0), A)
    again = store.save_field(workshop_id, P1, R, FieldEdit("status", Status.met, None, 0), B)  # stale, same value
    assert (first.outcome, again.outcome, again.change) == ("merged", "unchanged", None)
    assert _answer(store, workshop_id).answered_by == A  # nothing was written in B's name
    cleared = store.save_field(workshop_id, P1, R, FieldEdit("status", None, Status.met, first.revision), B)
    assert cleared.outcome == "saved"
    answer = _answer(store, workshop_id)
    assert (answer.status, answer.note, answer.answered_by) == (None, "kept", B)
    assert [(c.old_status, c.new_status, c.who) for c in store.history(workshop_id, R)][-1] == ("met", None, B)


def test_field_edits_keep_a_proposal_a_proposal(store: SqlStore, parts: list) -> None:
    proposal = Proposal(
        status="met", verification="automated", records=["r-1"], reason=LocalizedText(zh="检查通过", en="checks hold"),
        proposed_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
    )  # fmt: skip
    drafted = Answer(status=Status.met, source="evidence", proposal=proposal)
    part = parts[0].model_copy(update={"answers": {R: drafted}})
    workshop_id = store.create([part, *parts[1:]], "seed")
    seen = store.load(workshop_id).answer_revisions[R]
    noted = store.save_field(workshop_id, P1, R, FieldEdit("note", "seen in the repository", "", seen), A)
    answer = _answer(store, workshop_id)
    assert noted.outcome == "saved" and (answer.provenance, answer.note) == ("proposed", "seen in the repository")
    with pytest.raises(StatusNeedsOverrideError):
        store.save_field(workshop_id, P1, R, FieldEdit("status", Status.not_met, Status.met, noted.revision), A)
    assert _answer(store, workshop_id).status is Status.met


WORKERS = ("Zhang Wei", "Wang Fang", "Zhao Lei", "Chen Jing")
EDITS_PER_WORKER = 40


def _plan(rng: random.Random, who: str, requirements: list[str]) -> list[tuple[str, AnswerField, object]]:
    plan: list[tuple[str, AnswerField, object]] = []
    for n in range(EDITS_PER_WORKER):
        rid, field = rng.choice(requirements), rng.choice(ANSWER_FIELDS)
        value: object = {
            "status": rng.choice([s.value for s in Status]),
            "note": f"{who} {n}",
            "evidence": [f"{who}-{n}", f"doc-{n % 3}"],
        }[field]
        plan.append((rid, field, value))
    return plan


def _as_field(field: AnswerField, raw: object) -> FieldValue:
    if field == "status":
        return Status(str(raw))
    return tuple(raw) if isinstance(raw, list) else str(raw)


def test_four_processes_editing_the_same_answers_lose_and_misattribute_nothing(
    store: SqlStore, target: str, parts: list, part1: LoadedFramework, tmp_path: Path
) -> None:
    """Four processes edit fields of the same six requirements at once, from pages that are mostly stale. Every edit
    ends saved (merged, or kept over a refusal) or unchanged; the trail holds exactly one entry per write, in the
    writer's name and on the requirement it was meant for; and every field ends with the last value written to it."""
    workshop_id = store.create(parts, "seed")
    requirements = [r.id for _, r in part1.framework.requirements()][:6]
    rng = random.Random(14)
    plans = {who: _plan(rng, who, requirements) for who in WORKERS}
    go = tmp_path / "go"
    procs = {
        who: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.workshop.edit_worker",
                target,
                str(workshop_id),
                P1,
                who,
                str(go),
                json.dumps(plan),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, plan in plans.items()
    }
    go.touch()
    results: dict[str, list[dict[str, object]]] = {}
    for who, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"{who}: {err}"
        results[who] = [json.loads(line) for line in out.splitlines()]
    history = {c.id: c for c in store.history(workshop_id)}
    written: dict[int, tuple[str, str, AnswerField, FieldValue]] = {}
    for who, plan in plans.items():
        assert len(results[who]) == len(plan)
        for (rid, field, raw), outcome in zip(plan, results[who], strict=True):
            assert outcome["outcome"] in ("saved", "merged", "unchanged")
            if outcome["outcome"] != "unchanged":
                written[int(str(outcome["audit"]))] = (who, rid, field, _as_field(field, raw))
    assert set(written) == set(history)  # one entry per write, none without a write
    assert sum(int(str(o["tries"])) > 1 for rs in results.values() for o in rs) > 0  # the same field did collide
    last: dict[tuple[str, AnswerField], FieldValue] = {}
    for audit_id in sorted(written):
        who, rid, field, value = written[audit_id]
        change = history[audit_id]
        assert (change.who, change.requirement) == (who, rid)
        after = {"status": Status(change.new_status) if change.new_status else None, "note": change.note}
        assert after.get(field, tuple(change.evidence)) == value
        last[(rid, field)] = value
    answers = store.load(workshop_id).part(P1).answers
    for (rid, field), value in last.items():
        assert field_value(answers[rid], field) == value, (rid, field)

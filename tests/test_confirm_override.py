"""A person's word on drafted answers: confirming and overriding record who and when, an override needs a reason,
the workshop database keeps all of it (an older database is upgraded), and the command line does it end to end."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from assessors import answering
from assessors.answering import AnswerRefusedError
from assessors.assessment import Answer, Assessment, Proposal, Status
from assessors.evidence import decide
from assessors.sqlite_store import MIGRATIONS, SCHEMA_VERSION, SqliteStore
from capability_model.catalog import resolve
from capability_model.schema import AnyOf, Framework, LocalizedText, Operator, ProbeExpectation, Verification
from evidence_collectors.bundle import verify_bundle, write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from tests.conftest import RunCli

T0 = dt.datetime(2026, 11, 5, 8, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 11, 6, 9, 30, tzinfo=dt.UTC)
PART1 = resolve("caict-mlops-p1")
IDS = [r.id for _, r in PART1.framework.requirements()]


def _proposal(status: str = "met") -> Proposal:
    return Proposal(
        status=status,
        verification="assisted",
        records=["ev-1"],
        reason=LocalizedText(
            zh="依赖声明文件：requirements.txt（repo）", en="Dependency files: requirements.txt (repo)"
        ),
        bundle="cd" * 32,
        proposed_at=T0,
    )


def _assessment(answers: dict[str, Answer], ref: str = PART1.ref) -> Assessment:
    return Assessment(
        organisation="示例银行",
        scope="推荐",
        assessor="Li",
        started=dt.date(2026, 11, 2),
        framework=ref,
        answers=answers,
    )


def _drafted() -> Assessment:
    a, b, c = IDS[:3]
    return _assessment(
        {
            a: Answer(status=Status.met, source="evidence", proposal=_proposal("met")),
            b: Answer(status=Status.not_met, source="evidence", proposal=_proposal("not_met")),
            c: Answer(status=Status.partial, answered_by="Li"),
        }
    )


# --- the operations ----------------------------------------------------------------------------------------------


def test_confirm_records_who_and_when() -> None:
    a, b = IDS[:2]
    done = answering.confirm(_drafted(), [a, b], " 王工 ", T1)
    assert done.confirmed == [a, b] and done.already == []
    for rid in (a, b):
        answer = done.assessment.answers[rid]
        assert (answer.provenance, answer.confirmed_by, answer.confirmed_at) == ("confirmed", "王工", T1)
        assert answer.proposal == _drafted().answers[rid].proposal  # the proposal stays beside the confirmation
    again = answering.confirm(done.assessment, [a], "other", T0)
    assert again.confirmed == [] and again.already == [a]
    assert again.assessment.answers[a].confirmed_by == "王工"  # a second confirmation changes nothing
    assert answering.proposed(_drafted()) == [a, b]


def test_confirm_is_refused_without_a_proposal_and_changes_nothing() -> None:
    a, _, c = IDS[:3]
    with pytest.raises(AnswerRefusedError, match=f"{c}: no proposal"):
        answering.confirm(_drafted(), [a, c], "王工", T1)
    with pytest.raises(AnswerRefusedError, match="no such requirement"):
        answering.confirm(_drafted(), ["P9.NOPE"], "王工", T1)
    with pytest.raises(AnswerRefusedError, match="--by"):
        answering.confirm(_drafted(), [a], "  ", T1)


def test_override_needs_a_reason_and_records_who_and_when() -> None:
    a, _, c = IDS[:3]
    for blank in ("", "   ", "\n\t"):
        with pytest.raises(AnswerRefusedError, match="needs a reason"):
            answering.override(_drafted(), a, Status.not_met, blank, "Li", T1)
    with pytest.raises(AnswerRefusedError, match="confirm the proposal instead"):
        answering.override(_drafted(), a, Status.met, "because", "Li", T1)
    changed = answering.override(_drafted(), a, Status.not_met, " 只在测试环境采集 ", "Li", T1)
    answer = changed.answers[a]
    assert (answer.provenance, answer.status, answer.override_reason) == (
        "overridden",
        Status.not_met,
        "只在测试环境采集",
    )
    assert (answer.answered_by, answer.answered_at, answer.source) == ("Li", T1, "person")
    assert answer.proposal == _drafted().answers[a].proposal
    # a person's own answer can be made to stand against the evidence too
    kept = answering.override(_drafted(), c, Status.met, "签字文件见 wiki/7", "Zhang", T1).answers[c]
    assert (kept.provenance, kept.answered_by) == ("overridden", "Zhang")


# --- the workshop database ------------------------------------------------------------------------------------


def test_store_keeps_proposals_confirmations_and_overrides(tmp_path: Path) -> None:
    a, b, c = IDS[:3]
    store = SqliteStore(tmp_path / "w.sqlite")
    workshop = store.create([_drafted()], "importer")
    loaded = store.load(workshop).parts[0].answers
    assert loaded[a] == _drafted().answers[a] and loaded[b].provenance == "proposed"

    confirmed = loaded[a].model_copy(update={"confirmed_by": "王工", "confirmed_at": T1})
    assert store.save_answer(workshop, "caict-mlops-p1", a, confirmed, "王工") is not None  # confirming is a change
    overridden = Answer(status=Status.met, proposal=_proposal("not_met"), override_reason="理由 ' \" ;--")
    assert store.save_answer(workshop, "caict-mlops-p1", b, overridden, "Li") is not None
    after = SqliteStore(tmp_path / "w.sqlite").load(workshop).parts[0].answers
    assert (after[a].provenance, after[a].confirmed_by, after[a].confirmed_at) == ("confirmed", "王工", T1)
    assert (after[b].provenance, after[b].override_reason, after[b].answered_by) == (
        "overridden",
        "理由 ' \" ;--",
        "Li",
    )
    assert after[c].provenance == "answered"
    assert [h.new_status for h in store.history(workshop, b)] == ["not_met", "met"]


def test_an_older_database_is_upgraded_with_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:  # the schema as the first release wrote it
        conn.execute(statement)
    header = {"organisation": "示例银行", "scope": "推荐", "assessor": "Li", "started": "2026-11-02"}
    conn.execute(
        "INSERT INTO workshops VALUES (1, ?, NULL, 3, '2026-11-02T00:00:00+00:00', '2026-11-02T00:00:00+00:00')",
        (json.dumps(header),),
    )
    conn.execute("INSERT INTO parts VALUES (1, 'caict-mlops-p1', ?, '{}', 0)", (PART1.ref,))
    conn.execute(
        "INSERT INTO answers VALUES (1, 'caict-mlops-p1', ?, 'met', '旧答案', '[\"wiki/1\"]', 'Li', NULL, 3)",
        (IDS[0],),
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    store = SqliteStore(path)
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    old = store.load(1).parts[0].answers[IDS[0]]
    assert old == Answer(status=Status.met, note="旧答案", evidence=["wiki/1"], answered_by="Li")
    assert old.provenance == "answered"
    proposal = Answer(status=Status.not_met, source="evidence", proposal=_proposal("not_met"))
    store.save_answer(1, "caict-mlops-p1", IDS[1], proposal, "drafted")
    assert SqliteStore(path).load(1).parts[0].answers[IDS[1]].proposal == proposal.proposal


# --- the command line, end to end ------------------------------------------------------------------------------


def _value(exp: ProbeExpectation, passing: bool) -> Any:
    """A collected value for which `exp` holds (passing) or fails."""
    v = exp.value
    other = (not v) if isinstance(v, bool) else (v + 1 if isinstance(v, int | float) else f"{v}-other")
    table: dict[Operator, tuple[Any, Any]] = {
        Operator.exists: (["found"], []),
        Operator.contains: ([v], []),
        Operator.eq: (v, other),
        Operator.ne: (other, v),
        Operator.ge: (v, v - 1 if isinstance(v, int | float) else None),
        Operator.le: (v, v + 1 if isinstance(v, int | float) else None),
        Operator.gt: (v + 1 if isinstance(v, int | float) else None, v),
        Operator.lt: (v - 1 if isinstance(v, int | float) else None, v),
    }
    return table[exp.op][0 if passing else 1]


def _values(framework: Framework, rid: str, passing: bool) -> dict[str, Any]:
    """Probe values that make every expectation of `rid` hold, or every one fail."""
    values: dict[str, Any] = {}
    req = next(r for _, r in framework.requirements() if r.id == rid)
    for exp in req.expectations:
        members = exp.any_of if isinstance(exp, AnyOf) else [exp]
        for member in members[:1] if passing else members:
            values[member.probe] = _value(member, passing)
    return values


def _record(probe: str, value: Any, sha: str) -> EvidenceRecord:
    return EvidenceRecord(
        probe=probe,
        target="repo",
        value=value,
        status=EvidenceStatus.ok,
        source=EvidenceSource(system="git", url="http://127.0.0.1:1"),
        collected_at=T0,
        collector=CollectorInfo(name="git", version="1.0.0"),
        raw_sha256=[sha],
    )


def _bundle(root: Path, framework: Framework) -> dict[str, str]:
    """A sealed bundle in which one automated and one assisted requirement pass and one assisted requirement fails;
    returns those requirements by role."""
    reqs = [r for _, r in framework.requirements() if r.expectations]
    automated = [r.id for r in reqs if r.verification_class is Verification.automated]
    assisted = [r.id for r in reqs if r.verification_class is Verification.assisted]
    if not automated or len(assisted) < 2:
        pytest.skip("the framework has no automated requirement and two assisted ones to draft from")
    roles = {"automated": automated[0], "assisted_pass": assisted[0]}
    chosen = {**_values(framework, roles["automated"], True), **_values(framework, roles["assisted_pass"], True)}
    for rid in assisted[1:]:
        failing = _values(framework, rid, False)
        if not set(failing) & set(chosen):
            roles["assisted_fail"] = rid
            chosen |= failing
            break
    raw = RawStore()
    sha = raw.add(b'{"files": ["requirements.txt"]}', url="http://127.0.0.1:1/tree")
    records = [_record(probe, value, sha) for probe, value in chosen.items()]
    verdicts = decide(framework, records)
    assert verdicts[roles["automated"]].status == "met"
    assert (verdicts[roles["assisted_pass"]].status, verdicts[roles["assisted_pass"]].verdict) == (None, "met")
    assert verdicts[roles["assisted_fail"]].status == "not_met"
    write_bundle(root, Collection(records=records, raw=raw, redactor=Redactor()))
    assert verify_bundle(root).ok
    return roles


def _answers(path: Path) -> dict[str, Any]:
    from assessors.storage import load_assessment

    return {rid: a for rid, a in load_assessment(path).answers.items()}


def test_draft_confirm_override_end_to_end(tmp_path: Path, run_cli: RunCli) -> None:
    part2 = resolve("caict-mlops-p2")
    roles = _bundle(tmp_path / "bundle", part2.framework)
    auto, passing, failing = roles["automated"], roles["assisted_pass"], roles["assisted_fail"]
    q = tmp_path / "q.yaml"
    assert run_cli("init", "caict-mlops-p2", "-o", q, "--organisation", "Acme", "-l", "en").returncode == 0

    # a person answered the failing assisted requirement before the evidence came: it is kept, and flagged
    answered = run_cli("answer", "override", q, failing, "--status", "met", "--reason", "见签字文件", "--by", "李")
    assert answered.returncode == 0, answered.stderr
    drafted = run_cli("assess", q, "--evidence", tmp_path / "bundle", "--draft")
    assert drafted.returncode == 0, drafted.stderr
    assert f"{failing}: overridden met ≠ evidence not_met (assisted" in drafted.stdout
    assert "proposed " in drafted.stdout and "decided by evidence" in drafted.stdout
    answers = _answers(q)
    assert answers[auto].provenance == "proposed" and answers[auto].proposal.verification == "automated"
    assert answers[passing].provenance == "proposed" and answers[passing].status is Status.met
    assert answers[failing].provenance == "overridden" and answers[failing].override_reason == "见签字文件"
    text = q.read_text(encoding="utf-8")
    assert "# status: met | partial" in text  # the comments stay in the file's language (English)
    again = run_cli("assess", q, "--evidence", tmp_path / "bundle", "--draft")
    assert "proposed 0 (" in again.stdout and q.read_text(encoding="utf-8") == text  # drafting twice: no change

    # override without a reason is refused and changes nothing
    before = q.read_bytes()
    for reason in ("", "   "):
        refused = run_cli("answer", "override", q, auto, "--status", "not_met", "--reason", reason, "--by", "Li")
        assert refused.returncode == 2 and "needs a reason" in refused.stderr and "Traceback" not in refused.stderr
    no_reason = run_cli("answer", "override", q, auto, "--status", "not_met", "--by", "Li")
    assert no_reason.returncode == 2 and "needs a reason" in no_reason.stderr
    # confirming a requirement without a proposal is refused, naming it
    unanswered = next(rid for rid, a in answers.items() if a == Answer())
    refused = run_cli("answer", "confirm", q, passing, unanswered, "--by", "王工")
    assert refused.returncode == 2 and f"{unanswered}: no proposal" in refused.stderr
    assert q.read_bytes() == before

    confirmed = run_cli("answer", "confirm", q, passing, "--by", "王工")
    assert confirmed.returncode == 0, confirmed.stderr
    override = run_cli(
        "answer", "override", q, auto, "--status", "not_met", "--reason", "只统计了演示仓库", "--by", "Li"
    )
    assert override.returncode == 0, override.stderr
    answers = _answers(q)
    assert (answers[passing].confirmed_by, answers[passing].provenance) == ("王工", "confirmed")
    assert answers[passing].confirmed_at is not None
    assert (answers[auto].answered_by, answers[auto].override_reason) == ("Li", "只统计了演示仓库")

    scored = run_cli("assess", q, "--evidence", tmp_path / "bundle", "-f", "json")
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    outcomes = {o["id"]: o for o in result["requirements"]}
    assert (outcomes[auto]["status"], outcomes[auto]["provenance"]) == ("not_met", "overridden")
    assert outcomes[auto]["override_reason"] == "只统计了演示仓库" and outcomes[auto]["by"] == "Li"
    assert (outcomes[passing]["status"], outcomes[passing]["provenance"], outcomes[passing]["by"]) == (
        "met", "confirmed", "王工",
    )  # fmt: skip
    assert (outcomes[failing]["status"], outcomes[failing]["provenance"]) == ("met", "overridden")
    assert sum(result["provenance"].values()) == len(outcomes)
    assert result["provenance"]["overridden"] == 2 and result["provenance"]["confirmed"] >= 1
    assert "decided by evidence" in scored.stderr and "overridden 2" in scored.stderr

    all_of_them = run_cli("answer", "confirm", q, "--all-proposed", "--by", "王工")
    assert all_of_them.returncode == 0 and "proposed 0 (" in run_cli("assess", q, "-e", tmp_path / "bundle").stdout


def test_draft_needs_a_bundle(tmp_path: Path, run_cli: RunCli) -> None:
    q = tmp_path / "q.yaml"
    assert run_cli("init", "caict-mlops-p1", "-o", q).returncode == 0
    result = run_cli("assess", q, "--draft")
    assert result.returncode == 2 and "--evidence BUNDLE" in result.stderr

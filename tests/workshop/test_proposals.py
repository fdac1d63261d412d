"""Answers proposed by evidence in the workshop: drafted from the loaded bundle where nobody answered, accepted in a
person's name, overridden only with a reason, listed while unconfirmed, recorded in the audit trail, and never
written over a newer answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.workshop.bundles import bundles_dir, stored_form
from assessors.assessment import Answer, Assessment, Status
from assessors.proposal_store import ProposalStore
from assessors.sqlite_store import SqliteStore
from assessors.workflow import open_bundle
from capability_model.catalog import resolve
from evidence_collectors.bundle import write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from tests.support.postgres import postgres_cluster, postgres_url  # noqa: F401  (fixtures)
from tests.workshop.apptest import rerun, start, status_of, texts, type_into
from tests.workshop.conftest import blank

P1 = "caict-mlops-p1"
PINNED = f"{P1}@2022.10.3"  # a released version: the requirements its expectations decide stay as listed here
VERSIONING = "P1.DE.DP.03"  # needs data versioning tools: the bundle finds none, so the evidence says not met
FEATURES = "P1.DE.FE.02"  # needs a feature store tool: the bundle finds one, so the evidence proposes met
ANSWERED = f"{VERSIONING}.R03"  # answered `met` by a person before drafting: kept, listed as a disagreement
PROPOSED = {f"{VERSIONING}.R06", f"{VERSIONING}.R08", f"{VERSIONING}.R09", f"{FEATURES}.R05", f"{FEATURES}.R06"}
REASON = "The feature store is configured but no pipeline reads from it"


@pytest.fixture
def part() -> Assessment:
    """A blank assessment of Part 1 at the pinned version."""
    return blank(resolve(PINNED))


def _record(probe: str, value: object) -> EvidenceRecord:
    return EvidenceRecord(
        probe=probe,
        target="reco-service",
        value=value,
        status=EvidenceStatus.ok,
        source=EvidenceSource(system="git", url="file:///repos/reco-service"),
        collected_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC),
        collector=CollectorInfo(name="git", version="1"),
        summary="scanned the repository",
    )


def seeded(db: Path, blank: Assessment) -> int:
    """A workshop of Part 1 with one person's answer and a bundle loaded (in its data folder, as the page puts it)."""
    manual = {ANSWERED: Answer(status=Status.met, note="we use DVC", answered_by="Zhang")}
    store = SqliteStore(db)
    workshop_id = store.create([blank.model_copy(update={"answers": manual})], "seed")
    root = bundles_dir(db) / "w1-seeded"
    records = [_record("git.data_versioning_tools", []), _record("git.feature_store_tools", ["feast"])]
    write_bundle(root, Collection(records=records, raw=RawStore(), redactor=Redactor()))
    store.set_evidence_bundle(workshop_id, stored_form(db, root))
    return workshop_id


def _answers(db: Path, workshop_id: int) -> dict[str, Answer]:
    return SqliteStore(db).load(workshop_id).part(P1).answers


def _drafted(db: Path, monkeypatch: pytest.MonkeyPatch, blank: Assessment) -> tuple[AppTest, int]:
    """The evidence page after pressing the draft button."""
    workshop_id = seeded(db, blank)
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
    at.button(key="ev:draft").click()
    return rerun(at), workshop_id


def _interview(at: AppTest, item: str) -> AppTest:
    at.radio(key="page").set_value("interview")
    at.session_state["item"] = item
    return rerun(at)


def _key(prefix: str, requirement: str, workshop_id: int) -> str:
    return f"{prefix}:{requirement}:{workshop_id}"


def test_drafting_proposes_only_where_nobody_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: Assessment
) -> None:
    db = tmp_path / "w.sqlite"
    at, workshop_id = _drafted(db, monkeypatch, part)
    answers = _answers(db, workshop_id)
    assert {rid for rid, a in answers.items() if a.provenance == "proposed"} == PROPOSED
    kept = answers[ANSWERED]
    assert (kept.status, kept.source, kept.note, kept.proposal) == (Status.met, "person", "we use DVC", None)
    proposal = answers[f"{FEATURES}.R05"].proposal
    assert proposal is not None and proposal.status == "met" and proposal.verification == "assisted"
    assert proposal.records and proposal.bundle == open_bundle(bundles_dir(db) / "w1-seeded").manifest_sha256
    shown = texts(at)
    assert "Proposed: 0 automated, 5 assisted (0 of them replace earlier proposals)" in shown
    assert "1 answers kept" in shown
    assert "answer 'met' (a person's answer), evidence 'not met' (assisted): " in shown

    at.button(key=f"ev:goto:{ANSWERED}").click()  # the disagreement leads to its requirement
    rerun(at)
    assert (at.session_state["page"], at.session_state["item"]) == ("interview", VERSIONING)
    assert status_of(at, ANSWERED).value == Status.met

    at.radio(key="page").set_value("evidence")
    rerun(at)
    at.button(key="ev:draft").click()  # drafting again from the same bundle changes nothing
    rerun(at)
    assert "Proposed: 0 automated, 0 assisted" in texts(at) and "5 unchanged" in texts(at)
    assert _answers(db, workshop_id) == answers


def test_a_proposal_shows_as_such_and_accepting_records_who_and_when(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: Assessment
) -> None:
    db = tmp_path / "w.sqlite"
    at, workshop_id = _drafted(db, monkeypatch, part)
    at = _interview(at, FEATURES)
    shown = texts(at)
    assert ":orange-badge[Proposed by evidence]" in shown and "Proposed: met (assisted)" in shown
    assert "Feature store used: feast (reco-service)" in shown  # the reason line, in the page's language
    assert "Evidence records: ev-" in shown and "proposed by evidence, awaiting confirmation" in shown
    assert status_of(at, f"{FEATURES}.R05").disabled  # a proposal's status changes by Accept or Override only

    before = dt.datetime.now(dt.UTC)
    at.button(key=_key("acc", f"{FEATURES}.R05", workshop_id)).click()
    rerun(at)
    answer = _answers(db, workshop_id)[f"{FEATURES}.R05"]
    assert answer.provenance == "confirmed" and answer.confirmed_by == "Li Wei"
    assert answer.confirmed_at is not None and answer.confirmed_at >= before
    assert "Accepted the evidence's proposal for P1.DE.FE.02.R05." in texts(at)
    assert "confirmed by Li Wei at " in texts(at)

    at = _interview(at, VERSIONING)  # where the evidence decides too, the confirmed verdict is the person's
    at.button(key=_key("acc", f"{VERSIONING}.R06", workshop_id)).click()
    rerun(at)
    lines = [str(c.value) for c in at.caption]
    assert sum("confirmed by Li Wei" in line for line in lines) == 1  # R06, not "decided by evidence"
    assert sum(line == "decided by evidence" for line in lines) == 1  # R03: Zhang's met, the evidence not met
    assert "Collected evidence: not met (its proposal was confirmed by a person)" in texts(at)
    assert _answers(db, workshop_id)[f"{VERSIONING}.R06"].confirmed_by == "Li Wei"


def test_a_note_on_a_proposal_keeps_it_a_proposal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: Assessment
) -> None:
    db = tmp_path / "w.sqlite"
    at, workshop_id = _drafted(db, monkeypatch, part)
    at = _interview(at, FEATURES)
    rid = f"{FEATURES}.R05"
    type_into(at, f"note:{rid}:", "seen in the repository")
    answer = _answers(db, workshop_id)[rid]
    assert (answer.provenance, answer.status, answer.note) == ("proposed", Status.met, "seen in the repository")
    assert answer.proposal is not None and answer.proposal.status == "met"


def test_an_override_needs_a_reason_and_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: Assessment
) -> None:
    db = tmp_path / "w.sqlite"
    at, workshop_id = _drafted(db, monkeypatch, part)
    at = _interview(at, FEATURES)
    rid = f"{FEATURES}.R06"
    at.selectbox(key=_key("ovs", rid, workshop_id)).set_value(Status.not_met)
    at.button(key=_key("ovr", rid, workshop_id)).click()  # no reason: refused, nothing saved
    rerun(at)
    assert any("an override needs a reason" in e.value for e in at.error)
    assert _answers(db, workshop_id)[rid].provenance == "proposed"

    at.text_input(key=_key("why", rid, workshop_id)).input(REASON)
    at.button(key=_key("ovr", rid, workshop_id)).click()
    rerun(at)
    answer = _answers(db, workshop_id)[rid]
    assert (answer.status, answer.source, answer.override_reason, answer.answered_by) == (
        Status.not_met, "person", REASON, "Li Wei"
    )  # fmt: skip
    assert answer.proposal is not None and answer.proposal.status == "met"  # what was overridden stays beside it
    shown = texts(at)
    assert "overridden by Li Wei at " in shown and f"(reason: {REASON})" in shown
    assert "The evidence proposed: met (assisted)" in shown
    assert status_of(at, rid).value == Status.not_met and not status_of(at, rid).disabled

    history = [c for c in SqliteStore(db).history(workshop_id) if c.requirement == rid]
    assert [(c.old_status, c.new_status, c.who) for c in history] == [
        (None, "met", "Li Wei"),
        ("met", "not_met", "Li Wei"),
    ]
    assert history[0].note.startswith("证据建议 / proposed by evidence (met, assisted): ")
    assert history[1].note == f"推翻证据建议 / overrode the evidence's proposal (met); 理由 / reason: {REASON}"

    status_of(at, rid).set_value(Status.met)  # back to the evidence's status: a person's answer, no reason needed
    rerun(at)
    answer = _answers(db, workshop_id)[rid]
    assert (answer.provenance, answer.override_reason, answer.proposal is not None) == ("answered", "", True)
    status_of(at, rid).set_value(Status.partial)  # against the proposal again, without a reason: refused
    rerun(at)
    assert any(f"A status for {rid} other than the evidence's proposal needs a reason" in e.value for e in at.error)
    assert _answers(db, workshop_id)[rid].status == Status.met and status_of(at, rid).value == Status.met


def test_the_filter_lists_exactly_the_unconfirmed_proposals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: Assessment
) -> None:
    db = tmp_path / "w.sqlite"
    at, workshop_id = _drafted(db, monkeypatch, part)
    at = _interview(at, FEATURES)
    assert "Proposed by evidence, awaiting confirmation: 5" in texts(at)
    assert any(str(b.key).startswith("nav:") for b in at.button)  # every item while all are shown
    at.button(key=_key("acc", f"{FEATURES}.R05", workshop_id)).click()
    rerun(at)
    at.radio(key="tree:show").set_value("proposed")
    rerun(at)
    listed = {str(b.key).removeprefix("prop:") for b in at.button if str(b.key).startswith("prop:")}
    assert listed == PROPOSED - {f"{FEATURES}.R05"}
    assert "Proposed by evidence, awaiting confirmation: 4" in texts(at)
    assert not any(str(b.key).startswith("nav:") for b in at.button)  # only the proposals are listed

    at.session_state["focus"] = None
    at.button(key="next_open").click()  # the next proposal from this item on: R06, then the versioning ones
    rerun(at)
    assert (at.session_state["item"], at.session_state["focus"]) == (FEATURES, f"{FEATURES}.R06")
    assert "👉 proposal to confirm" in texts(at)
    at.button(key="next_open").click()
    rerun(at)
    assert at.session_state["focus"] == f"{VERSIONING}.R06"


def test_the_audit_trail_records_who_proposed_confirmed_and_overrode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: Assessment
) -> None:
    db = tmp_path / "w.sqlite"
    at, workshop_id = _drafted(db, monkeypatch, part)
    at = _interview(at, FEATURES)
    at.button(key=_key("acc", f"{FEATURES}.R05", workshop_id)).click()
    rerun(at)
    at.radio(key="page").set_value("audit")
    rerun(at)
    [table] = at.dataframe
    rows = table.value
    confirmed = rows[rows["requirement"] == f"{FEATURES}.R05"]  # newest first
    notes, changes = list(confirmed["note"]), list(confirmed["change"])
    assert notes[0] == "确认证据建议 / confirmed the evidence's proposal (met)"
    assert list(confirmed["who"]) == ["Li Wei", "Li Wei"] and changes == ["met → met", "unknown → met"]
    assert notes[1].startswith("证据建议 / proposed by evidence (met, assisted): ")
    assert len(rows[rows["note"].str.startswith("证据建议 / proposed by evidence")]) == len(PROPOSED)


def test_accepting_refuses_once_someone_else_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: Assessment
) -> None:
    db = tmp_path / "w.sqlite"
    at, workshop_id = _drafted(db, monkeypatch, part)
    at = _interview(at, FEATURES)
    rid = f"{FEATURES}.R05"
    newer = Answer(status=Status.partial, note="only one team uses it")
    SqliteStore(db).save_answer(workshop_id, P1, rid, newer, "Zhang")  # another person, after this page loaded
    at.button(key=_key("acc", rid, workshop_id)).click()
    rerun(at)
    assert any(f"Someone saved another answer to {rid}" in e.value for e in at.error)
    answer = _answers(db, workshop_id)[rid]
    assert (answer.status, answer.answered_by, answer.confirmed_by) == (Status.partial, "Zhang", None)

    other = f"{FEATURES}.R06"  # an override is refused the same way
    SqliteStore(db).save_answer(workshop_id, P1, other, Answer(status=Status.met), "Zhang")
    at.text_input(key=_key("why", other, workshop_id)).input(REASON)
    at.button(key=_key("ovr", other, workshop_id)).click()
    rerun(at)
    assert any(f"Someone saved another answer to {other}" in e.value for e in at.error)
    assert _answers(db, workshop_id)[other].answered_by == "Zhang"


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_draft_skips_what_was_answered_after_it_was_made(
    tmp_path: Path, part: Assessment, database: str, request: pytest.FixtureRequest
) -> None:
    from assessors.binding import bind
    from assessors.draft import draft
    from assessors.evidence import decide

    db = tmp_path / "w.sqlite"
    workshop_id = seeded(db, part)
    if database == "postgres":  # the same workshop on the PostgreSQL store
        url = str(request.getfixturevalue("postgres_url"))
        workshop_id = ProposalStore(url).create(list(SqliteStore(db).load(workshop_id).parts), "seed")
    store = ProposalStore(db if database == "sqlite" else url)
    loaded = store.load(workshop_id)
    fw = resolve(loaded.part(P1).framework).framework
    bundle = open_bundle(bundles_dir(db) / "w1-seeded")
    drafted = draft(
        fw, bind(loaded.part(P1), fw)[0], decide(fw, bundle.records), bundle="x", now=dt.datetime.now(dt.UTC)
    )
    rid = f"{FEATURES}.R05"
    store.save_answer(workshop_id, P1, rid, Answer(status=Status.not_met, note="checked by hand"), "Wang")
    saved = store.save_draft(workshop_id, P1, drafted, loaded.answer_revisions, "Li Wei")
    assert saved.skipped == [rid] and set(saved.proposed) == PROPOSED - {rid}
    answer = store.load(workshop_id).part(P1).answers[rid]
    assert (answer.status, answer.source, answer.answered_by) == (Status.not_met, "person", "Wang")


def test_the_proposal_words_are_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: Assessment) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = seeded(db, part)
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="zh")
    assert at.button(key="ev:draft").label == "根据证据生成建议答案"
    at.button(key="ev:draft").click()
    rerun(at)
    assert "已生成建议：自动判定 0 条，辅助判定 5 条" in texts(at)
    at = _interview(at, FEATURES)
    shown = texts(at)
    assert ":orange-badge[证据建议]" in shown and "建议：满足（辅助判定）" in shown and "证据建议，待确认" in shown
    assert at.button(key=_key("acc", f"{FEATURES}.R05", workshop_id)).label == "确认"
    assert at.button(key=_key("ovr", f"{FEATURES}.R05", workshop_id)).label == "推翻"

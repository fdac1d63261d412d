"""Evidence references as audit records and notes in two languages: what older files and databases hold still loads,
nothing is lost on the way through a questionnaire file, a JSON file or the workshop's database, and structured
references keep every field."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from assessors.answering import with_field
from assessors.assessment import Answer, Assessment, Status, note_language
from assessors.evidence_refs import CitedRef, EvidenceKind, EvidenceMethod, EvidenceRef
from assessors.sqlite_store import MIGRATIONS, SqliteStore
from assessors.storage import load_assessment, save_assessment
from assessors.store import FieldEdit
from capability_model.catalog import resolve

DIGEST = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
STRUCTURED = {
    "kind": "document",
    "title": "Model risk policy",
    "location": "https://wiki.example/mrm/policy",
    "version": "3.2",
    "sighted": "2026-11-03",
    "sha256": DIGEST,
    "method": "EXAMINE",
}
PLAIN = ["Confluence: SD-07 page history (v14)", "https://wiki.example/RECO/feasibility", "  leading space kept"]
T = dt.datetime(2026, 11, 4, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _assessment(answers: dict[str, Answer]) -> Assessment:
    return Assessment(
        organisation="Org",
        scope="Scope",
        assessor="A",
        started=dt.date(2026, 11, 2),
        framework="caict-mlops-p1@2022.10.4",
        answers=answers,
    )


def _answer() -> Answer:
    return Answer.model_validate(
        {
            "status": "met",
            "note": "The policy is reviewed every year.",
            "note_translations": {"zh": "该制度每年评审一次。"},
            "evidence": [*PLAIN, STRUCTURED],
            "answered_by": "Liu Yang",
            "answered_at": T,
        }
    )


def test_a_plain_string_becomes_a_reference_with_its_text_as_title() -> None:
    answer = Answer(evidence=PLAIN)
    refs = [r.ref for r in answer.evidence]
    assert [r.title for r in refs] == PLAIN  # whole, spaces and all
    assert [r.location for r in refs] == [None, PLAIN[1], None]  # only the URL says where
    assert all(r.kind is None and r.method is None and r.is_plain for r in refs)  # nothing else is guessed
    assert answer.evidence == PLAIN and "; ".join(answer.evidence) == "; ".join(PLAIN)  # still reads as text
    assert answer.model_dump(mode="json")["evidence"] == PLAIN  # and is written back as the same strings


def test_a_structured_reference_keeps_every_field() -> None:
    ref = _answer().evidence[-1]
    assert isinstance(ref, CitedRef) and ref.ref.kind is EvidenceKind.document
    assert ref.ref.method is EvidenceMethod.examine and ref.ref.sighted == dt.date(2026, 11, 3)
    assert ref.ref.sha256 == DIGEST.lower()  # hex digits in one case
    assert str(ref) == ref.label == "Model risk policy (3.2)"
    assert ref != "Model risk policy (3.2)"  # a string stands for a plain reference, not this one
    dumped = _answer().model_dump(mode="json")["evidence"][-1]
    assert dumped == {**STRUCTURED, "sha256": DIGEST.lower()}


@pytest.mark.parametrize(
    "bad",
    [
        {**STRUCTURED, "sha256": "abc"},
        {**STRUCTURED, "sha256": "g" * 64},
        {**STRUCTURED, "kind": "rumour"},
        {**STRUCTURED, "method": "GUESS"},
        {**STRUCTURED, "title": "  "},
        {**STRUCTURED, "colour": "red"},
    ],
)
def test_a_reference_that_is_not_sound_is_refused(bad: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Answer(evidence=[bad])


def test_questionnaire_and_json_files_read_back_as_written(tmp_path: Path) -> None:
    framework = resolve("caict-mlops-p1@2022.10.4").framework
    rid = next(framework.requirements())[1].id
    assessment = _assessment({rid: _answer()})
    for name in ("a.yaml", "a.json"):
        path = tmp_path / name
        save_assessment(assessment, path, framework if name.endswith("yaml") else None)
        again = load_assessment(path)
        assert again.answers[rid] == assessment.answers[rid]  # the questionnaire lists every other one blank
        assert [r.ref for r in again.answers[rid].evidence] == [r.ref for r in assessment.answers[rid].evidence]
    written = yaml.safe_load((tmp_path / "a.yaml").read_text(encoding="utf-8"))["answers"][rid]
    assert written["evidence"][:3] == PLAIN  # plain references stay plain strings in the file
    assert written["note_translations"] == {"zh": "该制度每年评审一次。"}


def test_notes_in_two_languages() -> None:
    answer = _answer()
    assert answer.written_in == "en" and answer.note_for("en") == (answer.note, None)
    assert answer.note_for("zh") == ("该制度每年评审一次。", None)
    only_en = Answer(note="Only in English.")
    assert only_en.note_for("zh") == ("Only in English.", "en")  # shown, marked as the other language's
    zh = Answer(note="使用 MLflow Model Registry 登记模型版本")
    assert zh.written_in == "zh" and zh.note_for("en") == (zh.note, "zh")
    assert note_language("Reviewed by Zhao Min (赵敏) every quarter") == "en"
    with pytest.raises(ValidationError, match="repeats the note's own language"):
        Answer(note="An English note", note_translations={"en": "another one"})
    stated = Answer(note="OK", note_lang="zh", note_translations={"en": "Okay"})  # the writer says which it is
    assert stated.note_for("en") == ("Okay", None) and stated.note_for("zh") == ("OK", None)


def test_editing_references_as_text_keeps_the_structured_ones() -> None:
    stored = _answer()
    shown = tuple(str(r) for r in stored.evidence)  # what the workshop's text box shows
    edited = with_field(stored, "evidence", (*shown[1:], "Minutes 2026-11-04"))
    assert [r.ref for r in edited.evidence][:3] == [r.ref for r in stored.evidence][1:]  # structure kept
    assert edited.evidence[-1] == "Minutes 2026-11-04"
    renoted = with_field(stored, "note", "Reviewed yearly by model risk.")
    assert renoted.note_translations == stored.note_translations  # the translation is not dropped


def test_the_database_stores_structured_references_and_translations(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "w.db")
    framework = resolve("caict-mlops-p1@2022.10.4").framework
    rid = next(framework.requirements())[1].id
    workshop = store.create([_assessment({})], "A")
    store.save_answer(workshop, "caict-mlops-p1", rid, _answer(), "Liu Yang")
    loaded = store.load(workshop).parts[0].answers[rid]
    assert [r.ref for r in loaded.evidence] == [r.ref for r in _answer().evidence]
    assert loaded.note_translations == {"zh": "该制度每年评审一次。"}
    (change,) = store.history(workshop)
    assert change.evidence == (*PLAIN, "Model risk policy (3.2)")  # the trail lists one line per reference
    seen = store.load(workshop).answer_revisions[rid]
    edit = FieldEdit("status", Status.partial, Status.met, seen)
    result = store.save_field(workshop, "caict-mlops-p1", rid, edit, "B")
    assert result.outcome == "saved" and [r.ref for r in result.answer.evidence][-1].sha256 == DIGEST.lower()


def test_a_database_of_the_first_release_still_loads(tmp_path: Path) -> None:
    """Rows written before references had structure hold JSON strings; they load as plain references."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    header = json.dumps({"organisation": "Org", "scope": "S", "assessor": "A", "started": "2026-11-02"})
    conn.execute("INSERT INTO workshops VALUES (1, ?, NULL, 1, '2026-11-02', '2026-11-02')", (header,))
    conn.execute("INSERT INTO parts VALUES (1, 'caict-mlops-p1', 'caict-mlops-p1@2022.10.4', '{}', 0)")
    conn.execute(
        "INSERT INTO answers VALUES (1, 'caict-mlops-p1', 'P1.RM.RA.01.R01', 'met', 'old note', ?, 'Li', NULL, 1)",
        (json.dumps(PLAIN),),
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    answer = SqliteStore(path).load(1).parts[0].answers["P1.RM.RA.01.R01"]
    assert answer.evidence == PLAIN and answer.note == "old note" and answer.note_translations == {}
    assert [r.ref for r in answer.evidence] == [EvidenceRef.from_text(t) for t in PLAIN]

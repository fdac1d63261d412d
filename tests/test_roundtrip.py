"""Every file the tool writes reads back, through the tool's own reader, as exactly what was written.

Property-tested over arbitrary Unicode (control characters, NEL, line and paragraph separators, BOMs, trailing line
breaks and spaces, very long strings) in every user-entered field and in the ids of answers and orphaned answers.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assessors.assessment import Answer, Assessment, Status
from assessors.binding import bind
from assessors.results import (
    AssessmentResult,
    Conflict,
    DomainResult,
    FrameworkRef,
    ItemResult,
    Overall,
    RequirementOutcome,
    RoadmapPhase,
    RoadmapStep,
    SubdomainResult,
)
from assessors.storage import (
    UnwritableAssessmentError,
    json_text,
    load_assessment,
    save_assessment,
)
from capability_model.atomicfile import TargetIsDirectoryError
from capability_model.catalog import resolve
from capability_model.sourcefile import parse_positioned
from reports.exports import result_json
from tests.conftest import RunCli

PART1 = resolve("caict-mlops-p1").framework
PART1_IDS = [r.id for _, r in PART1.requirements()]

SPECIAL = (
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1c\x1f\x7f\x80\x85\x9b\x9f\xa0\u200b\u200e\u202a\u202e\u2028\u2029"
    "\u2066\u2069\ufeff\ufffd\ufffe\uffff\U0001f680\U0010ffff"
    " #:-?'\"|>&*!%@`{}[],\\=+~"
)
# Plain YAML keys or values that would not read back as the same string, plus a few that look like YAML syntax.
TRICKY = [
    "null", "Null", "NULL", "~", "", "yes", "no", "on", "off", "y", "n", "true", "False", "1", "-1", "0o17", "0x1F",
    "1e3", ".inf", ".nan", "2026-11-02", "12:30", "<<", "=", "-", "- x", "? x", "a: b", "a:b", "#c", "a #c", "'q'",
    '"q"', "[a]", "{a: 1}", "&anchor", "*alias", "!tag", "%YAML", "@x", "`x", " lead", "trail ", "tab\t", "é",
    "需求", "🚀", "a\u2028b", "a\x85b", "\u202eevil", "x\n", "x\n\n", "\n", "\n\n\n", "  \n  ", "\r\n", "\t",
    "...", "---", "|", ">", "P1.RM.RA.01.R01",
]  # fmt: skip

chars = st.characters(exclude_categories=["Cs"])
texts = st.one_of(
    st.text(chars, max_size=40),
    st.text(st.sampled_from(SPECIAL + "ab"), max_size=40),
    st.sampled_from(TRICKY),
    st.builds(lambda unit, n: unit * n, st.text(st.sampled_from(SPECIAL + "ab 长"), min_size=1, max_size=4),
              st.integers(50, 3_000)),
)  # fmt: skip
names = texts.filter(bool)
ids = st.one_of(texts, st.sampled_from(PART1_IDS))
datetimes = st.one_of(
    st.none(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.just(dt.UTC)),
)
answers = st.builds(
    Answer,
    status=st.one_of(st.none(), st.sampled_from(list(Status))),
    note=texts,
    evidence=st.lists(texts, max_size=3),
    answered_by=st.one_of(st.none(), texts),
    answered_at=datetimes,
)
assessments = st.builds(
    Assessment,
    organisation=names,
    scope=names,
    assessor=names,
    reviewer=texts,
    participants=st.lists(texts, max_size=3),
    started=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    completed=st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1))),
    framework=st.just(PART1.ref),
    target_level=st.integers(1, 5),
    evidence_bundle=st.one_of(st.none(), texts),
    answers=st.dictionaries(ids, answers, max_size=6),
    orphaned=st.dictionaries(ids, answers, max_size=4),
)
ROUND_TRIP = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


def _expected(written: Assessment, listed: bool) -> Assessment:
    """A questionnaire written with its framework also lists every unanswered requirement, as a blank answer."""
    if not listed:
        return written
    return written.model_copy(update={"answers": {**{rid: Answer() for rid in PART1_IDS}, **written.answers}})


def _long_json_key(a: Assessment) -> bool:
    return any(len(json_text(rid)) > 1000 for rid in (*a.answers, *a.orphaned))


@ROUND_TRIP
@given(assessment=assessments, suffix=st.sampled_from([".yaml", ".yml", ".json"]))
def test_assessment_file_reads_back_as_written(tmp_path: Path, assessment: Assessment, suffix: str) -> None:
    path = tmp_path / f"a{suffix}"
    path.unlink(missing_ok=True)
    if suffix == ".json" and _long_json_key(assessment):
        with pytest.raises(UnwritableAssessmentError, match="too long"):
            save_assessment(assessment, path, None, "en")
        assert not path.exists()
        return
    save_assessment(assessment, path, None, "en")
    assert load_assessment(path) == assessment


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(assessment=assessments, lang=st.sampled_from(["zh", "en"]))
def test_questionnaire_with_framework_reads_back(tmp_path: Path, assessment: Assessment, lang: str) -> None:
    path = tmp_path / "q.yaml"
    save_assessment(assessment, path, PART1, lang)  # type: ignore[arg-type]
    assert load_assessment(path) == _expected(assessment, listed=True)


@ROUND_TRIP
@given(assessment=assessments)
def test_migrated_file_with_orphans_reads_back(tmp_path: Path, assessment: Assessment) -> None:
    """Answers to ids the target version lacks move to `orphaned` and are written where the reader finds them."""
    old = resolve("caict-mlops-p1@2022.10.2").framework
    bound, report = bind(assessment.model_copy(update={"framework": old.ref}), PART1, old)
    assume(bound.orphaned)
    path = tmp_path / "migrated.yaml"
    save_assessment(bound, path, PART1, "en")
    back = load_assessment(path)
    assert back.orphaned == bound.orphaned
    assert back == _expected(bound, listed=True)
    assert set(report.orphaned) <= set(back.orphaned)


def test_the_thirty_two_hostile_ids_survive_init_answer_and_migrate(run_cli: RunCli, tmp_path: Path) -> None:
    """`migrate` in place, then `assess`: every orphaned id and note comes back, whatever characters it holds."""
    weird = TRICKY[:32]
    note = "two trailing line breaks\n\n"
    source = tmp_path / "answers.json"
    data = json.loads(json_text({"organisation": "o", "scope": "s", "assessor": "a", "started": "2026-11-02"}))
    data |= {
        "framework": "caict-mlops-p1@2022.10.2",
        "answers": {rid: {"status": "met", "note": note + rid} for rid in weird},
    }
    source.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    yaml_file = tmp_path / "answers.yaml"
    done = run_cli("migrate", source, "--to", "caict-mlops-p1@2022.10.3", "-o", yaml_file, "--lang", "en")
    assert done.returncode == 0, done.stderr
    for target in (yaml_file, source):  # YAML written from JSON, then JSON rewritten in place
        if target == source:
            done = run_cli("migrate", source, "--to", "caict-mlops-p1@2022.10.3")
            assert done.returncode == 0, done.stderr
        back = load_assessment(target)
        assert {rid: a.note for rid, a in back.orphaned.items()} == {rid: note + rid for rid in weird}
        assert run_cli("assess", target, "--format", "json").returncode == 0


def _score(x: float) -> float:
    return round(x, 2)  # as scoring rounds them; JSON's 1e-05 would be a string to a YAML 1.1 reader


results = st.builds(
    AssessmentResult,
    framework=st.builds(FrameworkRef, id=texts, version=texts, sha256=texts),
    target_level=st.integers(1, 5),
    overall=st.builds(Overall, level=st.none() | st.integers(0, 5), score=st.none() | st.floats(0, 5).map(_score)),
    counts=st.just({"met": 1, "unknown": 2}),
    domains=st.lists(
        st.builds(
            DomainResult,
            id=texts,
            level=st.none(),
            score=st.none(),
            subdomains=st.lists(
                st.builds(
                    SubdomainResult,
                    id=texts,
                    level=st.just(1),
                    score=st.just(1.5),
                    items=st.lists(
                        st.builds(
                            ItemResult,
                            id=texts,
                            level=st.just(2),
                            blocking=st.lists(texts, max_size=2),
                            gap=st.lists(texts, max_size=2),
                            counts=st.just({"partial": 3}),
                        ),
                        max_size=2,
                    ),
                ),
                max_size=2,
            ),
        ),
        max_size=2,
    ),
    roadmap=st.lists(
        st.builds(
            RoadmapPhase,
            level=st.integers(1, 5),
            requirements=st.lists(st.builds(RoadmapStep, id=texts, item=texts, status=st.just("not_met")), max_size=2),
        ),
        max_size=2,
    ),
    requirements=st.lists(
        st.builds(
            RequirementOutcome,
            id=texts,
            status=st.just("met"),
            source=st.just("manual"),
            evidence=st.lists(texts, max_size=3),
            manual=st.none() | texts,
        ),
        max_size=3,
    ),
    conflicts=st.lists(
        st.builds(Conflict, requirement=texts, manual=texts, evidence=texts, records=st.lists(texts, max_size=2)),
        max_size=2,
    ),
)


@settings(max_examples=150, deadline=None)
@given(many=st.lists(results, min_size=1, max_size=2))
def test_json_result_export_reads_back(many: list[AssessmentResult]) -> None:
    """`report --format json`: the same result for json.loads and for the tool's YAML/JSON reader."""
    text = result_json(many)
    data = json.loads(text)
    assert parse_positioned(text, "result.json").data == data
    back = [data] if len(many) == 1 else data
    assert [AssessmentResult.model_validate(d) for d in back] == many


def test_lone_surrogates_are_refused_before_writing(tmp_path: Path) -> None:
    """Undecodable bytes become lone surrogates; a copy made without validation can hold them. Refused clearly, the
    old file left alone."""
    path = tmp_path / "q.yaml"
    path.write_text("old", encoding="utf-8")
    good = Assessment(organisation="Acme", scope="s", assessor="a", started=dt.date(2026, 1, 1), framework=PART1.ref)
    bad = good.model_copy(update={"organisation": "Acme\udcff"})
    for target in (path, tmp_path / "q.json"):
        with pytest.raises(UnwritableAssessmentError, match="organisation: contains a lone surrogate"):
            save_assessment(bad, target, PART1, "en")
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.yaml"]


def test_writing_onto_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "report.yaml"
    target.mkdir()
    a = Assessment(organisation="o", scope="s", assessor="a", started=dt.date(2026, 1, 1), framework=PART1.ref)
    with pytest.raises(TargetIsDirectoryError) as exc:
        save_assessment(a, target, PART1, "en")
    assert isinstance(exc.value, OSError)
    assert str(exc.value) == f"cannot write {target}: it is a directory"
    assert (exc.value.filename, exc.value.strerror) == (str(target), "it is a directory, not a file")
    assert list(tmp_path.iterdir()) == [target] and not any(target.iterdir())


def test_framework_texts_cannot_break_out_of_their_comments(tmp_path: Path) -> None:
    """Names and requirement texts are written as comments; line breaks of any kind and control characters in them
    (a framework file can hold them as JSON escapes) cannot end the comment early or make the file unreadable."""
    data = PART1.model_dump(mode="json")
    hostile = "x\ny: 1\x85z: 2\u2028w: 3\r\x00\x1b[2J\ufeff\x7f"
    data["title"]["en"] = hostile
    data["domains"][0]["name"]["en"] = hostile
    data["domains"][0]["subdomains"][0]["items"][0]["requirements"][0]["text"]["en"] = hostile
    framework = type(PART1).model_validate(data)
    answered = Assessment(organisation="o", scope="s", assessor="a", started=dt.date(2026, 1, 1),
                          framework=PART1.ref, answers={PART1_IDS[0]: Answer(status=Status.met)})  # fmt: skip
    path = tmp_path / "q.yaml"
    save_assessment(answered, path, framework, "en")
    assert load_assessment(path) == _expected(answered, listed=True)
    # control and bidi characters are shown as markers, as on the terminal, rather than dropped or obeyed
    assert "# [L1] x y: 1 z: 2 w: 3 [U+0000][U+001B][2J[U+FEFF][U+007F]\n" in path.read_text(encoding="utf-8")

"""Drafting, confirming and overriding against careless and hostile users: proposals written by hand that claim
evidence they do not have, times in the future, reasons and names that show nothing or try to break the YAML, files
that are read-only, directories, links or written by two commands at once, interrupted writes, and `assess --draft`
with bundles that are incomplete, altered or from elsewhere and outputs that would destroy something.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from assessors import answering
from assessors.answering import AnswerRefusedError
from assessors.assessment import REASON_MAX, Answer, Assessment, Proposal, Status, clean_name, is_blank_text
from assessors.evidence import BundleFacts, merge
from assessors.storage import (
    FileBusyError,
    FileChangedError,
    load_assessment,
    locked_for_update,
    save_assessment,
)
from assessors.workflow import open_assessment, open_bundle
from capability_model.catalog import resolve
from capability_model.schema import LocalizedText, Verification
from capability_model.sourcefile import SourceError
from evidence_collectors.bundle import verify_bundle
from tests.conftest import RunCli, cli_path
from tests.test_confirm_override import _bundle

PART2 = resolve("caict-mlops-p2")
REQS = {r.id: r for _, r in PART2.framework.requirements()}
T0 = dt.datetime(2026, 11, 5, 8, 0, tzinfo=dt.UTC)
FAKE_BUNDLE = "ab" * 32


def _forged(
    status: str = "met",
    verification: str = "assisted",
    records: list[str] | None = None,
    bundle: str | None = FAKE_BUNDLE,
    confirmed: bool = True,
) -> Answer:
    """What a person writes by hand to make a requirement look decided by evidence."""
    proposal = Proposal(
        status=status,
        verification=verification,
        records=["ev-made-up-1"] if records is None else records,
        reason=LocalizedText(zh="证据显示满足", en="the evidence shows it"),
        bundle=bundle,
        proposed_at=T0,
    )
    return Answer(
        status=Status(status),
        source="evidence",
        proposal=proposal,
        confirmed_by="Mallory" if confirmed else None,
        confirmed_at=T0 if confirmed else None,
    )


def _assessment(answers: dict[str, Answer], framework_ref: str = PART2.ref) -> Assessment:
    return Assessment(
        organisation="Acme",
        scope="reco",
        assessor="Li",
        started=dt.date(2026, 11, 2),
        framework=framework_ref,
        answers=answers,
    )


def _of_class(cls: Verification, with_checks: bool = True) -> list[str]:
    return [rid for rid, r in REQS.items() if bool(r.expectations) == with_checks and r.verification_class is cls]


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A sealed Part 2 bundle with one automated and one assisted requirement passing, one assisted failing."""
    root = tmp_path_factory.mktemp("bundle") / "bundle"
    return root, _bundle(root, PART2.framework)


def _blank(folder: Path, name: str = "q.yaml", framework: Any = PART2) -> Path:
    """A blank questionnaire, as `init` writes it."""
    q = folder / name
    save_assessment(_assessment({}, framework.ref), q, framework.framework, "en")
    return q


def _json(run_cli: RunCli, *args: Any) -> dict[str, Any]:
    done = run_cli("assess", *args, "-f", "json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    result["_stderr"] = done.stderr
    return result


# --- 1. forged proposals ---------------------------------------------------------------------------------------


def test_forged_proposals_do_not_count_as_evidence(
    tmp_path: Path, sealed: tuple[Path, dict[str, str]], run_cli: RunCli
) -> None:
    root, roles = sealed
    bundle = open_bundle(root)
    real_records = sorted({r.id for r in bundle.records})
    from assessors.evidence import decide

    verdicts = decide(PART2.framework, bundle.records)
    silent_assisted = next(r for r in _of_class(Verification.assisted) if verdicts[r].verdict is None)
    unchecked = _of_class(Verification.attested, with_checks=False)[0]  # no evidence check at all
    legit_target = roles["assisted_pass"]
    forged = {
        silent_assisted: _forged(),  # made-up records, made-up bundle
        unchecked: _forged(verification="automated", bundle=bundle.manifest_sha256),
        roles["assisted_fail"]: _forged(bundle=bundle.manifest_sha256, records=real_records[:1]),  # verdict differs
    }
    q = tmp_path / "q.yaml"
    save_assessment(_assessment(forged), q, PART2.framework, "en")
    # a genuine proposal drafted from the same bundle, confirmed: stays evidence-backed
    drafted = run_cli("assess", q, "--evidence", root, "--draft")
    assert drafted.returncode == 0, drafted.stderr
    assert "unverified proposal" in drafted.stdout
    confirmed = answering.confirm(load_assessment(q), [legit_target], "Wang", T0).assessment
    save_assessment(confirmed, q, PART2.framework, "en")

    result = _json(run_cli, q, "--evidence", root)
    outcomes = {o["id"]: o for o in result["requirements"]}
    unverified = {u["requirement"]: u for u in result["unverified"]}
    assert unverified[silent_assisted]["problem"] == "other_bundle"
    assert unverified[unchecked]["problem"] == "not_checked"
    assert unverified[roles["assisted_fail"]]["problem"] == "verdict_differs"
    assert legit_target not in unverified
    # confirmed forgeries count as Mallory's own answer at most, never as confirmed evidence
    for rid in (silent_assisted, unchecked):
        assert (outcomes[rid]["provenance"], outcomes[rid]["source"], outcomes[rid]["by"]) == (
            "answered", "manual", "Mallory",
        )  # fmt: skip
        assert "ev-made-up-1" not in outcomes[rid]["evidence"]
    assert outcomes[roles["assisted_fail"]]["provenance"] == "evidence"  # failing evidence decides as before
    assert (outcomes[legit_target]["provenance"], outcomes[legit_target]["status"]) == ("confirmed", "met")
    assert f"unverified proposal {silent_assisted}: met (confirmed by Mallory" in result["_stderr"]

    # audit mode: a forged confirmation cites nothing, so its `met` does not count
    audited = open_assessment(q).score(evidence=bundle, audit=True)
    assert {o.id: o for o in audited.requirements}[silent_assisted].status == "unknown"

    # without a bundle, the proposals cannot be checked: said so
    no_bundle = run_cli("assess", q)
    assert no_bundle.returncode == 0, no_bundle.stderr
    assert "proposals could not be verified (no evidence bundle)" in no_bundle.stdout


def test_forged_records_with_the_right_bundle_hash_are_caught(sealed: tuple[Path, dict[str, str]]) -> None:
    root, roles = sealed
    bundle = open_bundle(root)
    facts = BundleFacts(manifest_sha256=bundle.manifest_sha256, records=frozenset(r.id for r in bundle.records))
    from assessors.evidence import decide

    decisions = decide(PART2.framework, bundle.records)
    rid = roles["assisted_pass"]
    genuine = decisions[rid].records
    cases = {
        "records_missing": _forged(bundle=bundle.manifest_sha256),  # the real hash, made-up records
        "no_records": _forged(bundle=bundle.manifest_sha256, records=[]),
        "genuine": _forged(bundle=bundle.manifest_sha256, records=genuine),
        "class_changed": _forged(verification="automated", bundle=bundle.manifest_sha256, records=genuine),
    }
    found = {}
    for name, answer in cases.items():
        merged = merge(PART2.framework, {rid: answer}, decisions, bundle=facts)
        found[name] = ([u.problem for u in merged.unverified], merged.outcomes[rid].provenance)
    assert found == {
        "records_missing": (["records_missing"], "answered"),
        "no_records": (["records_missing"], "answered"),
        "genuine": ([], "confirmed"),
        "class_changed": (["class_changed"], "answered"),
    }
    # an unconfirmed forgery stays an open proposal counting as unknown, and is listed
    unconfirmed = merge(PART2.framework, {rid: _forged(confirmed=False)}, decisions, bundle=facts)
    assert unconfirmed.outcomes[rid].status == "unknown" and unconfirmed.unverified[0].problem == "other_bundle"


def test_a_class_change_is_caught_without_a_bundle() -> None:
    """A newer framework version made the requirement assisted: the proposal's `automated` claim no longer holds."""
    rid = _of_class(Verification.assisted)[0]
    merged = merge(PART2.framework, {rid: _forged(verification="automated")}, {})
    assert [(u.problem, u.detail) for u in merged.unverified] == [
        ("class_changed", "the proposal says automated, the requirement is now assisted")
    ]
    assert merged.outcomes[rid].provenance == "answered" and merged.outcomes[rid].status == "met"
    still = merge(PART2.framework, {rid: _forged()}, {})  # in class, no bundle: counts, listed as unverifiable
    assert still.outcomes[rid].provenance == "confirmed" and [u.problem for u in still.unverified] == ["no_bundle"]
    audited = merge(PART2.framework, {rid: _forged()}, {}, audit=True)  # audit mode trusts no unverified claim
    assert audited.outcomes[rid].status == "unknown"


def test_orphaned_proposals_are_kept_not_scored_and_cannot_be_confirmed(tmp_path: Path, run_cli: RunCli) -> None:
    q = tmp_path / "q.yaml"
    save_assessment(_assessment({}), q, PART2.framework, "en")
    text = q.read_text(encoding="utf-8")
    forged = _forged(confirmed=False)
    with_orphan = _assessment({}).model_copy(update={"orphaned": {"P2.GONE.01.R01": forged}})
    save_assessment(with_orphan, q, PART2.framework, "en")
    assert q.read_text(encoding="utf-8") != text
    opened = open_assessment(q)
    assert opened.assessment.orphaned == {"P2.GONE.01.R01": forged}
    result = opened.score()
    assert "P2.GONE.01.R01" not in {o.id for o in result.requirements} and result.unverified == []
    refused = run_cli("answer", "confirm", q, "P2.GONE.01.R01", "--by", "Li")
    assert refused.returncode == 2 and "no such requirement" in refused.stderr
    assert answering.proposed(opened.assessment) == []  # `--all-proposed` does not reach into orphaned answers


# --- 2. hand-written fields -------------------------------------------------------------------------------------


def _hand_written(tmp_path: Path, fields: str) -> Path:
    rid = _of_class(Verification.assisted)[0]
    q = tmp_path / "q.yaml"
    q.write_text(
        f"organisation: Acme\nscope: reco\nassessor: Li\nstarted: 2026-11-02\nframework: {PART2.ref}\n"
        f"answers:\n  {rid}:\n{fields}",
        encoding="utf-8",
    )
    return q


PROPOSAL = (
    "    proposal:\n      status: {status}\n      verification: assisted\n      records: [ev-1]\n"
    "      reason: {{zh: 理由, en: reason}}\n      proposed_at: '2026-11-05T08:00:00+00:00'\n"
)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("    status: partial\n    source: evidence\n" + PROPOSAL.format(status="partial"), "proposal.status"),
        ("    status: not_applicable\n    source: evidence\n" + PROPOSAL.format(status="not_applicable"), "proposal"),
        ("    status: met\n    source: evidence\n    confirmed_by: Li\n" + PROPOSAL.format(status="met"), "both who"),
        (
            "    status: met\n    source: evidence\n    confirmed_at: '2026-11-06T08:00:00+00:00'\n"
            + PROPOSAL.format(status="met"),
            "both who",
        ),
        (
            "    status: met\n    source: evidence\n    confirmed_by: \"\\u200b\\t\"\n"
            "    confirmed_at: '2026-11-06T08:00:00+00:00'\n" + PROPOSAL.format(status="met"),
            "names nobody",
        ),
        (
            "    status: met\n    source: evidence\n    confirmed_by: Li\n"
            "    confirmed_at: '2999-01-01T00:00:00+00:00'\n" + PROPOSAL.format(status="met"),
            "lies in the future",
        ),
        ("    status: met\n    answered_at: 2999-01-01T00:00:00\n", "lies in the future"),
        (
            "    status: not_met\n    override_reason: \"\\u200b\\u2060\\x07 \\u3000\"\n"
            + PROPOSAL.format(status="met"),
            "give an override_reason",
        ),
        (f"    status: not_met\n    override_reason: {'x' * 1_000_000}\n" + PROPOSAL.format(status="met"), "2000"),
    ],
    ids=["partial", "not_applicable", "by_without_at", "at_without_by", "invisible_by", "future", "future_answer",
         "invisible_reason", "megabyte_reason"],
)  # fmt: skip
def test_hand_written_answers_that_do_not_hold_are_refused_with_their_line(
    tmp_path: Path, fields: str, message: str, run_cli: RunCli
) -> None:
    q = _hand_written(tmp_path, fields)
    with pytest.raises(SourceError) as caught:
        open_assessment(q)
    text = str(caught.value)
    assert message in text and "q.yaml:" in text
    if (
        message == "lies in the future" and "confirmed_at" in fields
    ):  # the command line says the same, and writes nothing
        before = q.read_bytes()
        done = run_cli("answer", "confirm", q, "--all-proposed", "--by", "Li")
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
        assert q.read_bytes() == before


def test_a_reason_that_shows_nothing_is_no_reason() -> None:
    rid = _of_class(Verification.assisted)[0]
    drafted = _assessment({rid: _forged(confirmed=False)})
    for blank in ("\u200b", "\u2060\u200b", "\x07\x1b", "\u202e", "\u3000\u00a0", "\r\n\x85\u2028"):
        assert is_blank_text(blank)
        with pytest.raises(AnswerRefusedError, match="needs a reason"):
            answering.override(drafted, rid, Status.not_met, blank, "Li", T0)
        person = Answer(status=Status.met, override_reason=blank)  # would otherwise beat automated evidence
        assert person.override_reason == "" and person.provenance == "answered"
        with pytest.raises(ValidationError, match="override_reason"):
            Answer(status=Status.not_met, proposal=_forged().proposal, override_reason=blank)
    with pytest.raises(AnswerRefusedError, match="at most 2000"):
        answering.override(drafted, rid, Status.not_met, "x" * 1_000_000, "Li", T0)
    fits = answering.override(drafted, rid, Status.not_met, "y" * REASON_MAX, "Li", T0)
    assert len(fits.answers[rid].override_reason) == REASON_MAX


def test_names_that_show_nothing_are_refused_and_names_are_cleaned() -> None:
    rid = _of_class(Verification.assisted)[0]
    drafted = _assessment({rid: _forged(confirmed=False)})
    for nobody in ("", "   ", "\x1b\x07", "\u200b\u2060", "\u202e\u202c", "\t\r\n"):
        with pytest.raises(AnswerRefusedError, match="--by NAME"):
            answering.confirm(drafted, [rid], nobody, T0)
        with pytest.raises(AnswerRefusedError, match="--by NAME"):
            answering.override(drafted, rid, Status.not_met, "why", nobody, T0)
    done = answering.confirm(drafted, [rid], " \u202eWang\x1b[31m\u200b Lei\r\n" + "x" * 200, T0)
    name = done.assessment.answers[rid].confirmed_by
    assert name is not None and name.startswith("Wang[31m Lei") and len(name) == 80
    assert clean_name(name) == name  # cleaning is stable


YAML_BREAKERS = [
    "a: b", "# not a comment", "---", "...", "*anchor", "&anchor x", "!!python/object x", "tab\there", "cr\rhere",
    "nel\x85here", "ls\u2028here", "ps\u2029here", "bidi \u202eevil\u202c", "- x", "| block", "> folded",
    "{flow: map}", "[1, 2]", "'quoted'", '"dq"', "null", "yes", "~", "@x", "`x`", "%YAML 1.1", "\ufeffbom",
    "line1\nline2\n\n", "trailing   ", "中文：理由 # 注释",
]  # fmt: skip


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_reasons_and_names_that_look_like_yaml_read_back_exactly(tmp_path: Path, suffix: str) -> None:
    ids = _of_class(Verification.assisted)[: len(YAML_BREAKERS)]
    assessment = _assessment({rid: _forged(confirmed=False) for rid in ids})
    for rid, text in zip(ids, YAML_BREAKERS, strict=False):
        assessment = answering.override(assessment, rid, Status.not_met, f"x {text}", f"Li {text}", T0)
    path = tmp_path / f"q{suffix}"
    save_assessment(assessment, path, PART2.framework, "en")
    back = load_assessment(path)
    for rid in ids:
        assert back.answers[rid] == assessment.answers[rid]
        assert back.answers[rid].provenance == "overridden"


# --- 3. the command line on awkward files -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def drafted_template(tmp_path_factory: pytest.TempPathFactory, sealed: tuple[Path, dict[str, str]]) -> bytes:
    """A Part 2 questionnaire drafted from the sealed bundle, as `assess --draft` writes it."""
    root, _ = sealed
    q = _blank(tmp_path_factory.mktemp("drafted"))
    opened = open_assessment(q)
    save_assessment(opened.draft(open_bundle(root)).assessment, q, PART2.framework, "en")
    return q.read_bytes()


@pytest.fixture
def drafted_file(tmp_path: Path, drafted_template: bytes) -> tuple[Path, list[str]]:
    """A copy of the drafted questionnaire, and its open proposals."""
    q = tmp_path / "q.yaml"
    q.write_bytes(drafted_template)
    waiting = answering.proposed(load_assessment(q))
    assert len(waiting) >= 3
    return q, waiting


def test_a_read_only_file_is_left_alone(drafted_file: tuple[Path, list[str]], run_cli: RunCli) -> None:
    q, waiting = drafted_file
    before = q.read_bytes()
    q.chmod(0o444)
    try:
        done = run_cli("answer", "override", q, waiting[0], "--status", "partial", "--reason", "r", "--by", "Li")
        assert done.returncode == 2 and "read-only" in done.stderr and "Traceback" not in done.stderr
        assert q.read_bytes() == before and (q.stat().st_mode & 0o777) == 0o444
    finally:
        q.chmod(0o644)


def test_a_directory_is_refused(tmp_path: Path, run_cli: RunCli) -> None:
    done = run_cli("answer", "confirm", tmp_path, "P2.X", "--by", "Li")
    assert done.returncode == 2 and str(tmp_path) in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_link_is_followed_and_stays_a_link(
    tmp_path: Path, drafted_file: tuple[Path, list[str]], run_cli: RunCli
) -> None:
    q, waiting = drafted_file
    link = tmp_path / "elsewhere" / "link.yaml"
    link.parent.mkdir()
    link.symlink_to(q)
    done = run_cli("answer", "confirm", link, waiting[0], "--by", "Li")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and load_assessment(q).answers[waiting[0]].confirmed_by == "Li"


def test_two_commands_at_once_lose_no_change(drafted_file: tuple[Path, list[str]]) -> None:
    q, waiting = drafted_file
    env = {**os.environ, "NO_COLOR": "1"}
    procs = [
        subprocess.Popen(
            [cli_path(), "answer", "confirm", str(q), rid, "--by", f"p{n}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for n, rid in enumerate(waiting[:2])
    ] + [
        subprocess.Popen(
            [cli_path(), "answer", "override", str(q), waiting[2], "--status", "partial", "--reason", "r",
             "--by", "p2"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
    ] if len(waiting) > 2 else []  # fmt: skip
    if not procs:
        pytest.skip("fewer than three proposals to change at once")
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    answers = load_assessment(q).answers
    assert answers[waiting[0]].confirmed_by == "p0" and answers[waiting[1]].confirmed_by == "p1"
    assert answers[waiting[2]].provenance == "overridden"
    assert not list(q.parent.glob(".*.tmp"))


def test_a_file_held_by_another_command_or_changed_meanwhile_is_not_written(tmp_path: Path) -> None:
    q = tmp_path / "q.yaml"
    save_assessment(_assessment({}), q, PART2.framework, "en")
    fd = os.open(q, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(FileBusyError, match="another command"), locked_for_update(q, timeout=0.2):
            pass
    finally:
        os.close(fd)
    with pytest.raises(FileChangedError, match="changed while"), locked_for_update(q) as update:
        q.write_text(q.read_text(encoding="utf-8") + "# an editor saved\n", encoding="utf-8")
        update.check_unchanged()


def test_ctrl_c_during_a_write_leaves_the_old_file_or_the_new(drafted_file: tuple[Path, list[str]]) -> None:
    q, waiting = drafted_file
    before = q.read_bytes()
    outcomes = set()
    for delay in (0.6, 1.2):
        proc = subprocess.Popen(
            [cli_path(), "answer", "confirm", str(q), "--all-proposed", "--by", "Li"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=120)
        now = q.read_bytes()
        answers = load_assessment(q).answers  # never a torn file
        confirmed = [rid for rid in waiting if answers[rid].provenance == "confirmed"]
        assert confirmed in ([], waiting)  # all or nothing
        outcomes.add(now == before)
        if now != before:
            break
        assert not list(q.parent.glob(".*.tmp"))
    assert not list(q.parent.glob(".*.tmp"))


# --- 4. assess --draft with odd bundles and outputs -------------------------------------------------------------


def test_draft_refuses_incomplete_and_altered_bundles(
    tmp_path: Path, sealed: tuple[Path, dict[str, str]], run_cli: RunCli
) -> None:
    root, _ = sealed
    q = _blank(tmp_path)
    before = q.read_bytes()
    incomplete = tmp_path / "incomplete"
    shutil.copytree(root, incomplete)
    (incomplete / "MANIFEST.sha256").unlink()
    altered = tmp_path / "altered"
    shutil.copytree(root, altered)
    with (altered / "records.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    for bundle, words in ((incomplete, "incomplete"), (altered, "altered")):
        done = run_cli("assess", q, "--evidence", bundle, "--draft")
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
        assert q.read_bytes() == before


def test_draft_with_a_bundle_from_another_part_proposes_only_what_it_checks(
    tmp_path: Path, sealed: tuple[Path, dict[str, str]], run_cli: RunCli
) -> None:
    """Bundles hold probe results, not answers to one part: Part 1 is drafted from what of it the bundle checks."""
    root, _ = sealed
    q = _blank(tmp_path, "p1.yaml", resolve("caict-mlops-p1"))
    done = run_cli("assess", q, "--evidence", root, "--draft")
    assert done.returncode == 0, done.stderr
    p1 = resolve("caict-mlops-p1").framework
    from assessors.evidence import decide

    verdicts = {rid for rid, d in decide(p1, open_bundle(root).records).items() if d.verdict is not None}
    assert set(answering.proposed(load_assessment(q))) == verdicts
    assert "unverified" not in done.stdout


def test_draft_outputs_that_would_destroy_something_are_refused(
    tmp_path: Path, sealed: tuple[Path, dict[str, str]], run_cli: RunCli
) -> None:
    root, _ = sealed
    q = _blank(tmp_path)
    q.chmod(0o444)  # drafting to a new file only reads the input
    first = tmp_path / "drafted.yaml"
    done = run_cli("assess", q, "--evidence", root, "--draft", "-o", first)
    assert done.returncode == 0, done.stderr
    waiting = answering.proposed(load_assessment(first))
    save_assessment(answering.confirm(load_assessment(first), waiting[:1], "Li", T0).assessment, first, PART2.framework)
    kept = first.read_bytes()
    # drafting again to the same output would replace the confirmation with the input's blank answer
    again = run_cli("assess", q, "--evidence", root, "--draft", "-o", first)
    assert again.returncode == 2 and "may hold confirmations" in again.stderr
    assert first.read_bytes() == kept
    # -o naming the input (here through a link) drafts in place
    link = tmp_path / "link.yaml"
    link.symlink_to(first)
    in_place = run_cli("assess", first, "--evidence", root, "--draft", "-o", link)
    assert in_place.returncode == 0, in_place.stderr
    assert load_assessment(first).answers[waiting[0]].confirmed_by == "Li"
    # into the bundle, or onto a directory: refused, the bundle still verifies
    for output, words in ((root / "q.yaml", "inside the evidence bundle"), (tmp_path, "directory")):
        done = run_cli("assess", q, "--evidence", root, "--draft", "-o", output)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    assert verify_bundle(root).ok


def test_a_draft_written_to_another_folder_still_finds_its_bundle(
    tmp_path: Path, sealed: tuple[Path, dict[str, str]], run_cli: RunCli
) -> None:
    root, _ = sealed
    (tmp_path / "a").mkdir()
    q = tmp_path / "a" / "q.yaml"
    named = _assessment({}).model_copy(update={"evidence_bundle": os.path.relpath(root, q.parent)})
    save_assessment(named, q, PART2.framework, "en")
    out = tmp_path / "b" / "c" / "q.yaml"
    done = run_cli("assess", q, "--draft", "-o", out)  # the bundle the file names
    assert done.returncode == 0, done.stderr
    found = open_assessment(out).evidence_path()
    assert found is not None and os.path.samefile(found, root)
    assert load_assessment(q).evidence_bundle == named.evidence_bundle  # the input is left as it was

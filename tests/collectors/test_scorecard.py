"""OpenSSF Scorecard results (JSON v2, the shape of Scorecard's json.v2.schema and `scorecard --format json`) read
as evidence of a `scorecard` source: each check's score becomes one record, an inconclusive (-1) or missing check is
unavailable, and a file that is not a Scorecard result is refused with the field at fault."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from evidence_collectors.base import CollectContext
from evidence_collectors.bundle import read_records, verify_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.registry import collector_class
from evidence_collectors.scorecard.collector import CHECKS, ScorecardCollector
from evidence_collectors.scorecard.config import ScorecardConfig
from evidence_collectors.scorecard.result import ScorecardError, parse_result
from evidence_collectors.secrets import Redactor
from tests.conftest import RunCli

DOCS = "https://github.com/ossf/scorecard/blob/4c5e4b1a9f3a1e1e3b9f2f0e1d2c3b4a5f6e7d8c/docs/checks.md"
SCORES = {
    "Code-Review": (8, "found 3 unreviewed changesets out of 15 -- score normalized to 8"),
    "Branch-Protection": (3, "branch protection is not maximal on development and all release branches"),
    "Signed-Releases": (0, "0 out of 5 artifacts are signed or have provenance"),
    "Pinned-Dependencies": (5, "dependency not pinned by hash detected -- score normalized to 5"),
    "CI-Tests": (10, "12 out of 12 merged PRs checked by a CI test -- score normalized to 10"),
    "Vulnerabilities": (7, "3 existing vulnerabilities detected"),
    "Token-Permissions": (0, "detected GitHub workflow tokens with excessive permissions"),
    "Dangerous-Workflow": (10, "no dangerous workflow patterns detected"),
    "Binary-Artifacts": (10, "no binaries found in the repo"),
    "Security-Policy": (9, "security policy file detected"),
    "Maintained": (10, "30 commit(s) and 4 issue activity found in the last 90 days -- score normalized to 10"),
    "Dependency-Update-Tool": (10, "update tool detected"),
    "License": (10, "license file detected"),  # a check with no probe here: kept in the raw file only
}


def scorecard_result() -> dict[str, Any]:
    """A result as `scorecard --format json --show-details` writes it (one check inconclusive, one not run)."""
    checks: list[dict[str, Any]] = [
        {
            "details": [f"Info: {reason}"],
            "score": score,
            "reason": reason,
            "name": name,
            "documentation": {"url": f"{DOCS}#{name.lower()}", "short": f"Determines {name}."},
        }
        for name, (score, reason) in SCORES.items()
    ]
    checks.append(
        {
            "details": None,
            "score": -1,
            "reason": "internal error: Search: GitHub API rate limit exceeded",
            "name": "SAST",
            "documentation": {"url": f"{DOCS}#sast", "short": "Determines if the project uses static code analysis."},
        }
    )
    return {
        "date": "2026-11-30T10:30:43-06:00",
        "repo": {"name": "github.com/acme/reco-service", "commit": "68bc59901773ab4c051dfcea0cc4201a1567ab32"},
        "scorecard": {"version": "v5.1.1", "commit": "ccbc59901773ab4c051dfcea0cc4201a1567abdd"},
        "score": 6.9,
        "checks": checks,
        "metadata": [],
    }


def _collect(path: Path) -> list[EvidenceRecord]:
    config = ScorecardConfig(collector="scorecard", name="reco", path=path)
    return ScorecardCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))


def _by_probe(records: list[EvidenceRecord]) -> dict[str, EvidenceRecord]:
    return {r.probe: r for r in records}


@pytest.fixture
def result_file(tmp_path: Path) -> Path:
    path = tmp_path / "scorecard.json"
    path.write_text(json.dumps(scorecard_result(), indent=2), encoding="utf-8")
    return path


def test_each_check_score_becomes_a_record_dated_with_the_run(result_file: Path) -> None:
    records = _by_probe(_collect(result_file))
    assert set(records) == {p.id for p in ScorecardCollector.probes}
    raw = hashlib.sha256(result_file.read_bytes()).hexdigest()
    for probe, name in CHECKS.items():
        if name == "SAST":
            continue
        record = records[probe]
        assert (record.status, record.value) == (EvidenceStatus.ok, SCORES[name][0]), probe
        assert record.raw_sha256 == [raw]
        assert SCORES[name][1] in record.summary and f"{name} {SCORES[name][0]}/10" in record.summary
    assert records["scorecard.aggregate_score"].value == 6.9
    analysed = scorecard_result()["repo"]
    assert records["scorecard.repository"].value == f"{analysed['name']}@{analysed['commit']}"
    when = dt.datetime(2026, 11, 30, 16, 30, 43, tzinfo=dt.UTC)  # 10:30:43 at -06:00
    assert {r.collected_at for r in records.values()} == {when}
    assert all(r.source.system == "scorecard" and r.collector.name == "scorecard" for r in records.values())


def test_inconclusive_check_is_unavailable_with_scorecards_reason(result_file: Path) -> None:
    sast = _by_probe(_collect(result_file))["scorecard.sast_score"]
    assert sast.status is EvidenceStatus.unavailable and sast.value is None
    assert "Scorecard could not decide SAST: internal error: Search: GitHub API rate limit exceeded" in sast.reason


def test_check_not_run_is_unavailable(tmp_path: Path) -> None:
    data = scorecard_result()
    data["checks"] = [c for c in data["checks"] if c["name"] != "Code-Review"]
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    record = _by_probe(_collect(path))["scorecard.code_review_score"]
    assert record.status is EvidenceStatus.unavailable
    assert "the result has no Code-Review check" in record.reason


def test_bare_date_and_null_details_of_older_results_are_read(tmp_path: Path) -> None:
    data = scorecard_result()
    data["date"], data["metadata"] = "2023-05-22", None
    for check in data["checks"]:
        check["details"] = None
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    records = _collect(path)
    assert {r.collected_at for r in records} == {dt.datetime(2023, 5, 22, tzinfo=dt.UTC)}
    assert _by_probe(records)["scorecard.ci_tests_score"].value == 10


def _mutated(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(scorecard_result())
    change(data)
    return data


HOSTILE: dict[str, tuple[bytes, str]] = {
    "not-utf8": (b'{"date": "\xff"}', "not UTF-8 text"),
    "not-json": (b'{"date": ', "not valid JSON"),
    "a-list": (b"[]", "expected a JSON object, found list"),
    "nan-score": (
        json.dumps(scorecard_result()).replace('"score": 6.9', '"score": NaN').encode(),
        "NaN is not a JSON number",
    ),
    "deep": (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
    "score-11": (json.dumps(_mutated(lambda d: d["checks"][0].update(score=11))).encode(), "checks.0.score"),
    "score-text": (json.dumps(_mutated(lambda d: d["checks"][0].update(score="8"))).encode(), "checks.0.score"),
    "score-bool": (json.dumps(_mutated(lambda d: d["checks"][0].update(score=True))).encode(), "checks.0.score"),
    "twice": (
        json.dumps(_mutated(lambda d: d["checks"].append(copy.deepcopy(d["checks"][0])))).encode(),
        "check 'Code-Review' appears twice",
    ),
    "no-repo": (json.dumps(_mutated(lambda d: d.pop("repo"))).encode(), "repo: Field required"),
    "bad-date": (json.dumps(_mutated(lambda d: d.update(date="yesterday"))).encode(), "not an RFC 3339 time"),
    "raw-format": (
        json.dumps({"date": "2026-11-30", "repo": {"name": "x", "commit": "y"}, "results": {}}).encode(),
        "without scored checks",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_file_that_is_not_a_scorecard_result_is_refused_clearly(case: str) -> None:
    data, message = HOSTILE[case]
    with pytest.raises(ScorecardError, match=r"^result\.json: ") as caught:
        parse_result(data, "result.json")
    assert message in str(caught.value)


def test_a_hostile_file_as_a_target_fails_every_probe_with_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(HOSTILE["score-11"][0])
    records = _collect(path)
    assert {r.status for r in records} == {EvidenceStatus.error}
    assert len(records) == len(ScorecardCollector.probes) and all("checks.0.score" in r.reason for r in records)
    missing = _collect(tmp_path / "absent.json")
    assert {r.status for r in missing} == {EvidenceStatus.error} and "cannot read" in missing[0].reason


def test_control_characters_in_reasons_are_escaped(tmp_path: Path) -> None:
    data = _mutated(lambda d: d["checks"][0].update(reason="ok\x1b[31m red \u202e"))
    path = tmp_path / "escape.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    summary = _by_probe(_collect(path))["scorecard.code_review_score"].summary
    assert "\x1b" not in summary and "\\x1b[31m red \\u202e" in summary


def test_catalogue_is_bilingual_and_names_every_check() -> None:
    assert collector_class("scorecard") is ScorecardCollector
    ids = {p.id for p in ScorecardCollector.probes}
    assert set(CHECKS) <= ids
    for probe in ScorecardCollector.probes:
        assert probe.short and probe.short_zh and probe.remediation.text and probe.remediation.text_zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in probe.short_zh + probe.remediation.text_zh), probe.id


def test_cli_import_writes_a_bundle_and_refuses_a_bad_file(run_cli: RunCli, result_file: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    done = run_cli("evidence", "import", "scorecard", result_file, "--bundle", bundle)
    assert done.returncode == 0, done.stderr
    assert f"{len(ScorecardCollector.probes)} records" in done.stdout
    assert verify_bundle(bundle).ok
    records = _by_probe(read_records(bundle))
    assert records["scorecard.signed_releases_score"].value == 0 and records["scorecard.code_review_score"].target == (
        "reco-service"
    )
    shown = json.loads(run_cli("evidence", "show", bundle, "--format", "json").stdout)
    assert {r["probe"] for r in shown} == {p.id for p in ScorecardCollector.probes}

    bad = tmp_path / "bad.json"
    bad.write_bytes(HOSTILE["twice"][0])
    refused = run_cli("evidence", "import", "scorecard", bad, "--bundle", tmp_path / "other")
    assert refused.returncode == 2 and "check 'Code-Review' appears twice" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "other").exists()
    again = run_cli("evidence", "import", "scorecard", result_file, "--bundle", bundle)
    assert again.returncode == 2 and "never overwritten" in again.stderr

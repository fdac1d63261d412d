"""The check report (assessors/checks.py): every check of every checked requirement spelled out from the evidence
decisions, with the record behind it, and the checks that could not run grouped by collector and reason."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from assessors.check_results import CheckReport
from assessors.checks import bundle_targets, check_report, evidence_checks, record_sha256
from assessors.evidence import decide
from capability_model.catalog import resolve
from capability_model.schema import Framework
from evidence_collectors.bundle import read_info, read_records, write_bundle
from evidence_collectors.bundle_format import TargetState
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus, ProbeValue
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor

REQ = "P1.MD.MT.02.R03"  # git.experiment_tracking_tools exists; any of mlflow.run_count == 0 | ...ratio >= 0.8
AT = dt.datetime(2026, 11, 5, 10, 0, tzinfo=dt.UTC)


def _record(probe: str, target: str, value: ProbeValue, reason: str = "", minute: int = 0) -> EvidenceRecord:
    collector = probe.split(".")[0]
    return EvidenceRecord(
        probe=probe,
        target=target,
        value=value,
        status=EvidenceStatus.unavailable if reason else EvidenceStatus.ok,
        reason=reason,
        source=EvidenceSource(system=collector, url=f"http://127.0.0.1:9/{target}"),
        collected_at=AT + dt.timedelta(minutes=minute),
        collector=CollectorInfo(name=collector, version="1.0"),
    )


RECORDS = [
    _record("git.experiment_tracking_tools", "repo-a", ["mlflow"]),
    _record("git.experiment_tracking_tools", "repo-b", [], minute=1),
    _record("mlflow.run_count", "tracking", None, reason="cannot connect: refused after 1 attempt(s)", minute=2),
]
TARGETS = [
    TargetState(name="repo-a", collector="git", state="collected", records=1),
    TargetState(name="repo-b", collector="git", state="collected", records=1),
    TargetState(name="tracking", collector="mlflow", state="collected", records=1),
]


@pytest.fixture(scope="module")
def p1() -> Framework:
    return resolve("caict-mlops-p1@2022.10.3").framework


@pytest.fixture(scope="module")
def report(p1: Framework) -> CheckReport:
    return check_report(p1, decide(p1, RECORDS), RECORDS, TARGETS, bundle="f" * 64)


def test_one_row_per_check_and_target_with_the_record_behind_it(report: CheckReport) -> None:
    req = next(r for r in report.requirements if r.requirement == REQ)
    assert req.verification == "assisted"
    got = [(c.probe, c.target, c.outcome, c.gap) for c in req.checks]
    assert got == [
        ("git.experiment_tracking_tools", "repo-a", "holds", None),
        ("git.experiment_tracking_tools", "repo-b", "fails", None),
        ("mlflow.run_count", "tracking", "not_collected", "target_failed"),
        ("mlflow.runs_with_git_commit_ratio", None, "not_collected", "not_reported"),
    ]
    holds, fails, down, missing = req.checks
    assert (holds.op, holds.expected, holds.actual) == ("exists", None, ["mlflow"])
    assert holds.record == RECORDS[0].id and holds.record_sha256 == record_sha256(RECORDS[0])
    assert holds.collected_at == AT and fails.actual == []
    assert down.reason == "cannot connect: refused after 1 attempt(s)" and down.status == "unavailable"
    assert down.record == RECORDS[2].id and down.actual is None
    assert missing.record is None and missing.record_sha256 is None
    assert req.status == "not_met"  # repo-b fails: failing evidence decides even an assisted requirement


def test_rows_agree_with_every_decided_check(p1: Framework, report: CheckReport) -> None:
    decisions = decide(p1, RECORDS)
    rows = {(req.requirement, c.probe, c.target, c.record) for req, c in report.rows()}
    for rid, decision in decisions.items():
        for check in decision.checks:
            if check.holds is not None:
                assert (rid, check.probe, check.target, check.record) in rows
    assert sum(report.counts.values()) == len(report.rows())
    assert {r.requirement for r in report.requirements} == {r.id for _, r in p1.requirements() if r.expectations}


def test_limitations_group_by_collector_and_reason(report: CheckReport) -> None:
    by = {(lim.collector, lim.gap): lim for lim in report.limitations}
    assert set(by) <= {("mlflow", "target_failed"), ("mlflow", "not_reported"), ("git", "not_reported")}
    failed = by[("mlflow", "target_failed")]
    assert [(t.name, t.status, t.reason) for t in failed.targets] == [
        ("tracking", "unavailable", "cannot connect: refused after 1 attempt(s)")
    ]
    assert failed.probes == ["mlflow.run_count"] and REQ in failed.requirements
    missing = sum(lim.checks for lim in report.limitations)
    assert missing == report.counts["not_collected"] > 0


def test_without_targets_every_check_lacks_its_target(p1: Framework) -> None:
    none = check_report(p1, {}, [], [])
    assert none.bundle is None and none.counts["holds"] == none.counts["fails"] == 0
    assert {(lim.collector, lim.gap) for lim in none.limitations} == {("git", "no_target"), ("mlflow", "no_target")}
    assert sum(lim.checks for lim in none.limitations) == len(none.rows())
    assert all(c.target is None and c.reason == "" for _, c in none.rows())


def test_a_target_that_was_never_collected_is_named_with_its_state(p1: Framework) -> None:
    targets = [*TARGETS[:2], TargetState(name="tracking", collector="mlflow", state="not_collected", reason="SIGTERM")]
    report = check_report(p1, decide(p1, RECORDS[:2]), RECORDS[:2], targets)
    lim = next(lim for lim in report.limitations if lim.collector == "mlflow")
    assert lim.gap == "target_failed"
    assert [(t.name, t.status, t.reason) for t in lim.targets] == [("tracking", "not_collected", "SIGTERM")]


def test_record_hash_is_the_hash_of_its_line_in_the_bundle(tmp_path: Path, p1: Framework) -> None:
    root = tmp_path / "bundle"
    manifest = write_bundle(root, Collection(records=RECORDS, raw=RawStore(), redactor=Redactor()))
    lines = [line for line in (root / "records.jsonl").read_bytes().split(b"\n") if line]
    on_disk = {hashlib.sha256(line).hexdigest() for line in lines}
    records = read_records(root)
    report = evidence_checks(p1, records, read_info(root), manifest)
    hashes = {c.record_sha256 for _, c in report.rows() if c.record_sha256}
    assert hashes and hashes <= on_disk
    assert report.bundle == manifest
    assert [t.name for t in report.targets] == ["repo-a", "repo-b", "tracking"]
    assert [t.name for t in bundle_targets(None, records)] == ["repo-a", "repo-b", "tracking"]  # format 1 bundles


def test_checks_of_one_probe_against_several_values_each_get_their_rows() -> None:
    p2 = resolve("caict-mlops-p2@2022.10.3").framework
    records = [
        _record("git.ci_triggers", "repo-a", ["push", "schedule"]),
        _record("git.ci_triggers", "repo-b", ["push"], minute=1),
    ]
    report = check_report(p2, decide(p2, records), records, TARGETS[:2])
    req = next(r for r in report.requirements if r.requirement == "P2.CI.CI.02.R04")  # push | merge_queue
    got = [(c.expected, c.target, c.outcome) for c in req.checks]
    assert got == [
        ("push", "repo-a", "holds"),
        ("push", "repo-b", "holds"),
        ("merge_queue", "repo-a", "fails"),
        ("merge_queue", "repo-b", "fails"),
    ]
    assert all(c.alternative for c in req.checks) and req.status is None  # assisted: passing evidence only supports

"""The Evidently collector on report files written by the real library (fixtures/evidently, made by generate.py with
Evidently 0.7.23 in each format it saves), laid out as a monitoring job would: one folder per model, one file per run.
The copies are dated by rewriting their `timestamp` field (or, for the format without one, the file's time), so that
cadence and age follow from dates the test sets; hostile files sit beside them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from evidence_collectors.evidently.collector import EvidentlyCollector
from evidence_collectors.evidently.config import EvidentlyConfig
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.registry import installed_collectors
from evidence_collectors.targets import load_targets
from tests.support import collecting

FIXTURES = Path(__file__).parent / "fixtures" / "evidently"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _dated(source: str, target: Path, days_ago: float) -> None:
    """A copy of a real report with its timestamp set `days_ago` (naive, as Evidently writes it)."""
    data = json.loads((FIXTURES / source).read_text())
    when = (NOW - dt.timedelta(days=days_ago)).replace(tzinfo=None)
    data["timestamp"] = when.isoformat(sep=" " if source.startswith("legacy_report") else "T")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data))


def _touched(source: str, target: Path, days_ago: float) -> None:
    """A copy of a report whose format has no date, its modification time set `days_ago`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((FIXTURES / source).read_bytes())
    stamp = (NOW - dt.timedelta(days=days_ago)).timestamp()
    os.utime(target, (stamp, stamp))


HOSTILE = {
    "broken.json": b'{"metrics": [',
    "array.json": b"[1, 2, 3]",
    "latin1.json": '{"name": "Gr\u00fc\u00dfe"}'.encode("latin-1"),
    "deep.json": b"[" * 200_000 + b"]" * 200_000,
    "foreign.json": b'{"hello": "world"}',
    "bad_field.json": b'{"metric_results": "none", "top_level_metrics": []}',
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("monitoring") / "reports"
    for n, days in enumerate((1, 8, 15, 22)):  # churn: weekly snapshots
        _dated("snapshot_v2_churn.json", root / "churn" / f"run-{n}.json", days)
    _dated("legacy_snapshot_churn.json", root / "churn" / "2025" / "old.json", 100)  # outside the 30-day window
    _touched("metrics_v2_fraud.json", root / "fraud" / "a.json", 3)  # fraud: every two weeks, no date in the file
    _touched("metrics_v2_fraud.json", root / "fraud" / "b.json", 17)
    _dated("legacy_report_churn.json", root / "pricing" / "monthly.json", 5)  # no metadata: the folder names it
    for name, body in HOSTILE.items():
        (root / "junk" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "junk" / name).write_bytes(body)
    bad_time = json.loads((FIXTURES / "snapshot_v2_churn.json").read_text()) | {"timestamp": "last tuesday"}
    (root / "junk" / "bad_time.json").write_text(json.dumps(bad_time))
    (root / "junk" / "passwd.json").symlink_to("/etc/passwd")
    (root / "junk" / "big.json").write_bytes(b"{" + b" " * 700_000 + b"}")
    (root / "notes.txt").write_text("not read: not JSON by name")
    return root


def collect(path: Path, **extra: Any) -> dict[str, EvidenceRecord]:
    fields = {"collector": "evidently", "name": "drift-reports", "path": str(path), "max_file_mb": 0.5}
    cfg = collecting.target_config(EvidentlyConfig, fields, extra)
    records, _ = collecting.collect_records(EvidentlyCollector, cfg, prefix="evidently.")
    return records


@pytest.fixture(scope="module")
def records(folder: Path) -> dict[str, EvidenceRecord]:
    return collect(folder)


def ok(record: EvidenceRecord) -> EvidenceRecord:
    assert record.status is EvidenceStatus.ok, record.reason
    return record


def test_every_format_is_read_and_hostile_files_are_named_one_by_one(records: dict[str, EvidenceRecord]) -> None:
    files = ok(records["report_files"])
    assert files.value == 5 + 2 + 1
    assert "2 dated by file modification time" in files.summary
    for fmt in ("4 snapshot", "1 legacy snapshot", "2 metrics", "1 legacy report"):
        assert fmt in files.summary
    refused = ok(records["unreadable_report_files"])
    assert refused.value == sorted(f"junk/{n}" for n in [*HOSTILE, "bad_time.json", "passwd.json", "big.json"])
    reasons = refused.summary
    assert "junk/array.json: not an Evidently report (expected a JSON object, found list)" in reasons
    assert "junk/bad_field.json: an Evidently snapshot with a bad field metric_results" in reasons
    assert "junk/bad_time.json: an Evidently report whose timestamp is not a date" in reasons
    assert "junk/big.json: larger than 0.5 MB" in reasons
    assert "junk/broken.json: not valid JSON" in reasons
    assert "(+4 more)" in reasons  # the summary gives the reasons of the first five of nine
    assert refused.raw_sha256  # the refused bodies that were read are kept for the auditor


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("deep.json", "JSON nested too deeply"),
        ("latin1.json", "not UTF-8 text (byte offset 12)"),
        ("foreign.json", "not an Evidently report or snapshot"),
        ("array.json", "not an Evidently report (expected a JSON object, found list)"),
    ],
)
def test_each_hostile_file_has_its_own_reason(tmp_path: Path, name: str, why: str) -> None:
    (tmp_path / name).write_bytes(HOSTILE[name])
    _dated("legacy_snapshot_churn.json", tmp_path / "good.json", 1)
    records = collect(tmp_path)
    refused = ok(records["unreadable_report_files"])
    assert refused.value == [name]
    assert f"{name}: {why}" in refused.summary
    assert ok(records["report_files"]).value == 1  # the good file beside it is still read


def test_a_symbolic_link_is_not_followed(tmp_path: Path) -> None:
    _dated("legacy_snapshot_churn.json", tmp_path / "elsewhere" / "real.json", 1)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "link.json").symlink_to(tmp_path / "elsewhere" / "real.json")
    records = collect(tmp_path / "reports")
    assert ok(records["unreadable_report_files"]).value == ["link.json"]
    assert "link.json: a symbolic link: not followed" in records["unreadable_report_files"].summary
    assert ok(records["report_files"]).value == 0


def test_models_and_cadence_in_the_window(records: dict[str, EvidenceRecord]) -> None:
    assert ok(records["models_with_drift_report"]).value == ["churn", "fraud", "pricing"]
    count = ok(records["drift_reports_in_window"])
    assert count.value == 4 + 2 + 1  # the 100-day-old churn snapshot is outside
    assert "churn ×4, fraud ×2, pricing ×1" in count.summary
    interval = ok(records["drift_report_interval_days"])
    assert interval.value == 14.0  # fraud, every two weeks; churn weekly
    assert "churn 7" in interval.summary and "slowest fraud" in interval.summary
    assert "only one report: pricing" in interval.summary


def test_what_the_newest_reports_say(records: dict[str, EvidenceRecord]) -> None:
    age = ok(records["latest_drift_report_age_days"])
    assert isinstance(age.value, float) and abs(age.value - 5.0) <= 0.01  # pricing's only report
    share = ok(records["latest_drifted_columns_share"])
    assert share.value == 0.5  # churn: 1 of 2 columns (tenure, plan); fraud 0.00
    assert "fraud 0.00 (fraud/a.json)" in share.summary and "churn 0.50 (churn/run-0.json)" in share.summary
    assert ok(records["models_with_dataset_drift"]).value == ["churn", "pricing"]


def test_prediction_drift_and_quality_coverage(records: dict[str, EvidenceRecord]) -> None:
    # churn snapshots check ValueDrift(prediction) and measure Accuracy and RocAuc; pricing's legacy report has the
    # prediction column in its DataDriftTable and a ClassificationQualityMetric; fraud checks two features only
    prediction = ok(records["drift_reports_with_prediction_drift_ratio"])
    assert prediction.value == round(5 / 7, 4)
    assert "models without: fraud" in prediction.summary
    quality = ok(records["reports_with_performance_metrics_ratio"])
    assert quality.value == round(5 / 7, 4)
    assert "Accuracy, ClassificationQualityMetric, RocAuc" in quality.summary


def test_raw_files_are_kept_and_cited(folder: Path) -> None:
    fields = {"collector": "evidently", "name": "drift-reports", "path": str(folder), "max_file_mb": 0.5}
    cfg = collecting.target_config(EvidentlyConfig, fields, {})
    records, ctx = collecting.collect_records(EvidentlyCollector, cfg, prefix="evidently.")
    stored = {item.sha256 for item in ctx.raw.items()}
    latest = records["latest_drift_report_age_days"].raw_sha256
    assert latest and set(latest) <= stored
    assert len(records["drift_reports_in_window"].raw_sha256) == 4 + 1 + 1  # fraud's two copies are one body


def test_a_narrow_window_keeps_the_latest_figures(folder: Path) -> None:
    records = collect(folder, window_days=2)
    assert ok(records["models_with_drift_report"]).value == ["churn"]
    interval = records["drift_report_interval_days"]
    assert interval.status is EvidenceStatus.unavailable and "no model has two drift reports" in (interval.reason or "")
    assert ok(records["latest_drift_report_age_days"]).value == pytest.approx(5.0, abs=0.01)


def test_one_file_as_the_path(tmp_path: Path) -> None:
    _dated("legacy_snapshot_churn.json", tmp_path / "one.json", 2)
    records = collect(tmp_path / "one.json")
    assert ok(records["report_files"]).value == 1
    assert ok(records["models_with_drift_report"]).value == ["churn"]  # metadata model_name
    assert ok(records["drift_reports_with_prediction_drift_ratio"]).value == 1.0  # ColumnDriftMetric(prediction)


def test_an_empty_folder_gives_zeros_and_no_figures(tmp_path: Path) -> None:
    records = collect(tmp_path)
    assert ok(records["report_files"]).value == 0
    assert ok(records["models_with_drift_report"]).value == []
    assert ok(records["drift_reports_with_prediction_drift_ratio"]).value == 0.0
    for probe in ("drift_report_interval_days", "latest_drift_report_age_days", "latest_drifted_columns_share"):
        assert records[probe].status is EvidenceStatus.unavailable and records[probe].value is None


def test_a_missing_path_is_an_error_for_every_probe(tmp_path: Path) -> None:
    records = collect(tmp_path / "absent")
    assert all(r.status is EvidenceStatus.error and "cannot read" in (r.reason or "") for r in records.values())


def test_max_files_reads_the_newest(folder: Path) -> None:
    records = collect(folder, max_files=3)
    files = ok(records["report_files"])
    assert "older JSON file(s) beyond max_files not read" in files.summary
    assert isinstance(files.value, int) and files.value <= 3


def test_a_targets_file_entry_resolves_its_path(folder: Path) -> None:
    targets = folder.parent / "targets.yaml"
    targets.write_text("targets:\n  - {collector: evidently, name: drift-reports, path: reports/}\n")
    [target] = load_targets(targets, installed_collectors())
    assert isinstance(target.config, EvidentlyConfig)
    assert target.config.path == folder.resolve()


def test_catalogue_is_complete_and_bilingual() -> None:
    collecting.assert_catalogue_complete(EvidentlyCollector, "evidently.")
    assert len(EvidentlyCollector.probe_ids()) == 10

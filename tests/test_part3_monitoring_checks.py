"""Part 3's checks on drift reports and alert history: the Evidently collector reads the demo bank's weekly drift
reports (re-dated copies of a report the real library wrote), and the framework's verdicts follow what they show.
The checks only support these requirements (a person confirms), and fail them where the measured fact is missing."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from assessors.evidence import EvidenceDecision, decide
from capability_model.catalog import resolve
from capability_model.schema import Framework, Verification
from evidence_collectors.evidently.collector import EvidentlyCollector
from evidence_collectors.evidently.config import EvidentlyConfig
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from scripts.demo_stack import drift_reports
from tests.support import collecting

DAY_S = 86_400.0
NEW_PROBES = {
    "P3.MM.DM.01.R02": {
        "evidently.latest_drift_report_age_days",
        "evidently.drift_reports_with_prediction_drift_ratio",
    },
    "P3.MM.DM.01.R06": {"prometheus.drift_or_decay_alert_episodes_in_window"},
    "P3.MM.DM.02.R01": {"prometheus.performance_decay_alerting_rules"},
    "P3.MM.DM.02.R02": {"evidently.reports_with_performance_metrics_ratio"},
    "P3.MM.DM.02.R06": {"prometheus.performance_decay_alerting_rules"},
    "P3.MM.AL.01.R07": {
        "prometheus.model_alert_episodes_in_window",
        "prometheus.model_alert_resolution_median_minutes",
    },
    "P3.MM.AL.01.R08": {"prometheus.alert_notifications_delivered_ratio"},
    "P3.SO.IM.01.R01": {"prometheus.model_alert_resolution_median_minutes"},
}


@pytest.fixture(scope="module")
def part3() -> Framework:
    return resolve("caict-mlops-p3").framework


def drift_records(folder: Path, written_days_ago: float) -> list[EvidenceRecord]:
    """The demo's weekly drift reports as if the job had stopped `written_days_ago` days ago, collected for real."""
    drift_reports.write(folder, time.time() - written_days_ago * DAY_S)
    fields = {"collector": "evidently", "name": "drift-reports", "path": str(folder)}
    cfg = collecting.target_config(EvidentlyConfig, fields, {})
    records, _ = collecting.collect_records(EvidentlyCollector, cfg)
    return list(records.values())


def record(probe: str, value: Any, status: EvidenceStatus = EvidenceStatus.ok) -> EvidenceRecord:
    return EvidenceRecord(
        probe=probe,
        target="monitoring",
        value=value,
        status=status,
        reason="" if status is EvidenceStatus.ok else "no model alert both started and resolved in the window",
        source=EvidenceSource(system="prometheus", url="http://127.0.0.1:9090"),
        collected_at=dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC),
        collector=CollectorInfo(name="prometheus", version="1"),
    )


def test_the_new_probes_check_these_requirements_and_only_assist(part3: Framework) -> None:
    index = part3.requirement_index()
    for rid, probes in NEW_PROBES.items():
        req = index[rid][1]
        assert probes <= set(req.probes()), rid
        assert req.verification is Verification.assisted, rid  # none measures every fact the text states


def test_weekly_drift_reports_support_the_monthly_comparison(part3: Framework, tmp_path: Path) -> None:
    decided = decide(part3, drift_records(tmp_path / "reports", 0))
    monthly = decided["P3.MM.DM.01.R02"]
    assert (monthly.verdict, monthly.status) == ("met", None)  # supports; a person confirms the judgements
    assert {c.probe: c.actual for c in monthly.checks}["evidently.drift_reports_with_prediction_drift_ratio"] == 1.0
    by_version = decided["P3.MM.DM.02.R02"]
    assert by_version.verdict == "met"  # either source will do: Evidently measures quality, Prometheus is not read here


def test_a_drift_job_that_stopped_forty_days_ago_fails_the_monthly_comparison(part3: Framework, tmp_path: Path) -> None:
    monthly: EvidenceDecision = decide(part3, drift_records(tmp_path / "reports", 40))["P3.MM.DM.01.R02"]
    assert (monthly.verdict, monthly.status) == ("not_met", "not_met")
    age = next(c for c in monthly.checks if c.probe == "evidently.latest_drift_report_age_days")
    assert age.holds is False and age.actual > 40


def test_undelivered_alerts_fail_the_routing_requirement(part3: Framework) -> None:
    base = [
        record("prometheus.model_alerting_rules_with_severity_ratio", 1.0),
        record("prometheus.alertmanagers", 1),
    ]
    delivered = decide(part3, [*base, record("prometheus.alert_notifications_delivered_ratio", 1.0)])
    dropped = decide(part3, [*base, record("prometheus.alert_notifications_delivered_ratio", 0.5)])
    assert delivered["P3.MM.AL.01.R08"].verdict == "met"
    assert dropped["P3.MM.AL.01.R08"].status == "not_met"


def test_no_resolved_alert_leaves_the_incident_record_to_a_person(part3: Framework) -> None:
    """Nothing to measure (no episode resolved in the window) is unavailable: it decides nothing."""
    probe = "prometheus.model_alert_resolution_median_minutes"
    undecided = decide(part3, [record(probe, None, EvidenceStatus.unavailable)])["P3.SO.IM.01.R01"]
    assert undecided.verdict is None and undecided.status is None
    measured = decide(part3, [record(probe, 30.2)])["P3.SO.IM.01.R01"]
    assert (measured.verdict, measured.status) == ("met", None)

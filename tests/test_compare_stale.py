"""Stale evidence: records of the later assessment's bundle and its answers older than the allowed age.

The age is counted back from the later assessment's completion date, or, while it has none, from the day of the
comparison (a fixed clock here). A record or answer exactly `--stale-after` days old is not yet stale.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assessors.assessment import Status
from assessors.compare import compare
from assessors.history import load_snapshot
from evidence_collectors.bundle import verify_bundle, write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from tests.test_history import write_assessment

CLOCK = dt.date(2026, 6, 30)
COLLECTED = {  # probe -> collection day; age on CLOCK
    "mlflow.run_count": dt.date(2026, 4, 1),  # 90 days
    "mlflow.registered_model_count": dt.date(2026, 5, 30),  # 31 days
    "mlflow.experiment_count": dt.date(2026, 5, 31),  # 30 days: not stale after 30
    "git.has_ci": dt.date(2026, 6, 20),  # 10 days
}


def _bundle(root: Path) -> Path:
    records = [
        EvidenceRecord(
            probe=probe,
            target="tracking",
            value=3,
            status=EvidenceStatus.ok,
            source=EvidenceSource(system="mlflow", url="http://127.0.0.1:1"),
            collected_at=dt.datetime.combine(day, dt.time(12, 0), dt.UTC),
            collector=CollectorInfo(name="mlflow", version="1.0.0"),
        )
        for probe, day in COLLECTED.items()
    ]
    write_bundle(root, Collection(records=records, raw=RawStore(), redactor=Redactor()))
    assert verify_bundle(root).ok
    return root


def _pair(tmp_path: Path, completed: dt.date | None) -> tuple[Path, Path]:
    old = write_assessment(
        tmp_path / "old.yaml", {"P1.RM": 1}, started=dt.date(2026, 1, 5), completed=dt.date(2026, 1, 9)
    )
    _bundle(tmp_path / "bundle")
    new = write_assessment(
        tmp_path / "new.yaml",
        {"P1.RM": 1},
        started=dt.date(2026, 6, 1),
        completed=completed,
        answered_at=dt.datetime(2026, 6, 29, 10, 0, tzinfo=dt.UTC),  # 1 day old: fresh
        evidence_bundle="bundle",
        statuses={"P1.RM.RA.01.R01": Status.met, "P1.RM.RA.01.R02": None},
    )
    text = new.read_text(encoding="utf-8")
    # R01's answer is kept from an earlier day (2026-05-01: 60 days before the clock); R02, unanswered, ages nothing
    lines = text.splitlines(keepends=True)
    out, current = [], ""
    for line in lines:
        if line.startswith("  P1.RM.RA.01.R0"):
            current = line.strip().rstrip(":")
        if line.strip().startswith("answered_at:") and current == "P1.RM.RA.01.R01":
            line = "    answered_at: '2026-05-01T09:00:00+00:00'\n"
        out.append(line)
    new.write_text("".join(out), encoding="utf-8")
    return old, new


def test_stale_with_a_fixed_clock(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, completed=None)
    c = compare(load_snapshot(old), load_snapshot(new), stale_after_days=30, today=CLOCK)
    assert c.reference_date == CLOCK
    assert [(r.probe, r.age_days) for r in c.stale_records] == [
        ("mlflow.run_count", 90),
        ("mlflow.registered_model_count", 31),
    ]
    assert [(a.id, a.age_days, a.status) for a in c.stale_answers] == [("P1.RM.RA.01.R01", 60, "met")]


def test_the_completion_date_is_the_reference_not_the_clock(tmp_path: Path) -> None:
    old, new = _pair(tmp_path, completed=dt.date(2026, 6, 10))
    c = compare(load_snapshot(old), load_snapshot(new), stale_after_days=30, today=CLOCK)
    assert c.reference_date == dt.date(2026, 6, 10)
    # on 2026-06-10: run_count 70 days, registered_model_count 11, experiment_count 10; git.has_ci not yet collected
    assert [(r.probe, r.age_days) for r in c.stale_records] == [("mlflow.run_count", 70)]
    assert [(a.id, a.age_days) for a in c.stale_answers] == [("P1.RM.RA.01.R01", 40)]
    none = compare(load_snapshot(old), load_snapshot(new), stale_after_days=70, today=CLOCK)
    assert none.stale_records == [] and none.stale_answers == []

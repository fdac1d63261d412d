"""The Evidently collector on reports the real library writes during the test (fixtures/evidently/generate.py, all four
formats). Runs where Evidently 0.7 can be imported: by this interpreter, or by the one EVIDENTLY_PYTHON names (a
separate virtual environment, as Evidently brings many dependencies of its own)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_collectors.evidently.collector import EvidentlyCollector
from evidence_collectors.evidently.config import EvidentlyConfig
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting

GENERATE = Path(__file__).parent / "fixtures" / "evidently" / "generate.py"


EVIDENTLY_PINS = ("evidently==0.7.23", "pandas==2.3.3")  # pandas 3 breaks Evidently 0.7's import
EVIDENTLY_VENV = Path(__file__).resolve().parents[2] / ".cache" / "evidently-0.7.23"


def _own_venv() -> Path:
    """Evidently in a virtual environment of its own (its dependencies would clash with ours), made once."""
    python = EVIDENTLY_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(EVIDENTLY_VENV)], check=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *EVIDENTLY_PINS], check=True, timeout=1200)
    return python


def _python() -> str:
    named = os.environ.get("EVIDENTLY_PYTHON", "")
    if named:
        return named
    if importlib.util.find_spec("evidently") is not None:
        return sys.executable
    if (EVIDENTLY_VENV / "bin" / "python").exists() or os.environ.get("CI") == "true":
        return str(_own_venv())  # under CI the test installs what it needs, it never skips
    pytest.skip("Evidently is not installed here (set EVIDENTLY_PYTHON, or run with CI=true to install it)")


def test_reports_written_now_by_evidently_are_read(tmp_path: Path) -> None:
    subprocess.run([_python(), str(GENERATE), str(tmp_path)], check=True, capture_output=True, timeout=300)
    written = sorted(p.name for p in tmp_path.glob("*.json"))
    assert written == [
        "legacy_report_churn.json",
        "legacy_snapshot_churn.json",
        "metrics_v2_fraud.json",
        "snapshot_v2_churn.json",
    ]
    fields = {"collector": "evidently", "name": "live", "path": str(tmp_path), "window_days": 3650}
    cfg = collecting.target_config(EvidentlyConfig, fields, {})
    records, _ = collecting.collect_records(EvidentlyCollector, cfg, prefix="evidently.")
    assert all(r.status is EvidenceStatus.ok for r in records.values()), {k: r.reason for k, r in records.items()}
    assert records["report_files"].value == 4
    assert records["unreadable_report_files"].value == []
    # the snapshot and the legacy snapshot name churn in their metadata; the other two carry none
    assert records["models_with_drift_report"].value == ["(unnamed)", "churn"]
    assert records["models_with_dataset_drift"].value == ["churn"]  # the churn data were shifted, fraud's were not
    assert records["drift_reports_with_prediction_drift_ratio"].value == 0.75  # all but the fraud metrics file
    assert records["reports_with_performance_metrics_ratio"].value == 0.75

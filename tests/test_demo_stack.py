"""The demo stack for real: `python -m scripts.demo_stack run -- mlops-maturity collect ...` starts MLflow (filled by
the population script), the model-service exporter and Prometheus, collects from them, and stops all it started.

Expected figures come from what the population reports it wrote and from the catalogue and rule files it used.
"""

from __future__ import annotations

import json
import math
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.demo_stack import alert_history, catalogue, drift_reports, exporter, prometheus_files
from scripts.demo_stack.filled import Populated
from scripts.demo_stack.processes import StackState, Started, stop_recorded
from scripts.demo_stack.recorded import RECORDED_SERVICES, RecordedService
from scripts.demo_stack.stack import RETENTION, StackSettings
from scripts.demo_stack.targets import ALERT_REVIEW_H, write_targets
from tests.collectors.mlflow_support import mlflow_executable
from tests.conftest import ROOT, cli_path
from tests.support.servers import require_binary


def processes_mentioning(text: str) -> list[str]:
    """Live processes whose command line names `text` (the test's own directory: only the stack's processes do)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(f"{entry.name}: {cmdline[:200]}")
    return found


def stack_command(out: Path, base: Path, *command: str) -> list[str]:
    stack = [sys.executable, "-m", "scripts.demo_stack", "run", "--out", str(out), "--targets", str(base)]
    return [*stack, "--", *command]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of the stack around `collect`; what it collected, what it wrote, and what is left running after."""
    require_binary("prometheus")
    mlflow_executable()
    work = tmp_path_factory.mktemp("demo-stack")
    base = work / "base-targets.yaml"
    base.write_text("targets: []\n", encoding="utf-8")
    out, evidence = work / "out", work / "out" / "evidence"
    command = stack_command(out, base, cli_path(), "collect", str(out / "targets.yaml"), "-o", str(evidence))
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    if not (evidence / "records.jsonl").is_file():
        pytest.fail(f"the stack wrote no evidence (exit {done.returncode}):\n{done.stderr[-3000:]}")
    records: dict[str, dict[str, Any]] = {}
    for line in (evidence / "records.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        records.setdefault(record["target"], {})[record["probe"].split(".", 1)[1]] = record
    return {
        "done": done,
        "seconds": time.monotonic() - started,
        "records": records,
        "populated": Populated.model_validate_json((out / "demo-stack" / "populate.json").read_text(encoding="utf-8")),
        "targets": (out / "targets.yaml").read_text(encoding="utf-8"),
        "state": StackState.model_validate_json((out / "demo-stack" / "state.json").read_text(encoding="utf-8")),
        "left": processes_mentioning(str(work)),
    }


def values(demo: dict[str, Any], target: str) -> dict[str, Any]:
    records = demo["records"][target]
    assert {p: r["status"] for p, r in records.items() if r["status"] != "ok"} == {}, "every record ok"
    return {probe: record["value"] for probe, record in records.items()}


def test_run_collects_and_stops_everything(demo: dict[str, Any]) -> None:
    done = demo["done"]
    assert done.returncode == 0, done.stderr[-3000:]
    assert "stopped every process it started" in done.stderr
    assert demo["left"] == [], "no process of the stack survives"
    assert demo["state"].started == [], "the state file lists nothing running"
    assert set(demo["records"]) == {"tracking", "monitoring", "drift-reports"} | {s.name for s in RECORDED_SERVICES}
    assert "http://127.0.0.1:" in demo["targets"]


def test_mlflow_evidence_matches_the_population(demo: dict[str, Any]) -> None:
    counts = demo["populated"].counts
    got = values(demo, "tracking")
    assert counts.runs >= 60
    assert got["run_count"] == counts.runs
    assert got["experiment_count"] == counts.experiments + 1  # MLflow's own Default experiment
    assert got["registered_model_count"] == counts.registered_models == len(catalogue.MODELS)
    assert got["model_version_count"] == counts.model_versions == sum(m.versions for m in catalogue.MODELS)
    assert got["runs_with_logged_model_count"] == counts.model_versions
    assert got["failed_run_ratio"] == round(counts.statuses["FAILED"] / counts.runs, 4)
    assert set(got["run_statuses"]) == {"FINISHED", "FAILED", "KILLED"}
    assert got["hyperparameter_search_count"] == 2
    assert got["searches_recording_choice_ratio"] == 1.0
    assert got["search_trials_logged_ratio"] == 1.0  # the failed trial logged its loss before it failed
    assert got["searches_with_budget_ratio"] == 1.0  # n_trials / max_evals on both parent runs
    assert got["model_versions_with_run_ratio"] == 1.0
    labels = {"alias:champion", "alias:challenger", "stage:Production", "stage:Archived"}
    assert set(got["model_lifecycle_labels"]) == labels
    assert got["latest_versions_with_signature_ratio"] == 0.8  # card-marketing-response was logged without one
    assert got["registered_models_with_description_ratio"] == 1.0
    assert 0.9 <= got["runs_with_git_commit_ratio"] < 1.0  # a few notebook runs ran outside a clone
    assert got["runs_with_dataset_input_ratio"] == 1.0
    assert 30 <= got["runs_last_30_days"] < counts.runs
    assert got["distinct_dataset_versions"] > 10
    assert 0.5 < got["runs_fully_tracked_ratio"] < 1.0
    assert set(got["run_source_types"]) == {"JOB", "LOCAL", "NOTEBOOK"}


def test_prometheus_evidence_matches_the_rules_and_exporter(demo: dict[str, Any]) -> None:
    got = values(demo, "monitoring")
    alerting, recording = prometheus_files.rule_counts()
    assert (got["alerting_rules"], got["recording_rules"]) == (alerting, recording)
    assert got["unhealthy_rules"] == 0
    assert got["scrape_targets"] == len(catalogue.SERVED_MODELS) + 2  # and Prometheus itself, and the delivery job
    assert got["model_serving_targets"] == len(catalogue.SERVED_MODELS)
    assert got["model_serving_targets_up_ratio"] == 1.0
    assert got["monitored_models"] == sorted(m.name for m in catalogue.SERVED_MODELS)
    assert got["model_metric_categories"] == [
        "latency", "traffic", "errors", "resources", "prediction_distribution", "drift", "data_quality",
        "model_performance",  # the online quality gauge each model service exports
    ]  # fmt: skip
    assert got["model_serving_frameworks"] == ["custom", "kserve"]
    assert got["retention_days"] == float(RETENTION.removesuffix("d"))
    assert got["firing_alert_names"] == ["ModelFeatureDriftPSIHigh"]
    assert got["firing_model_alerts"] == len(catalogue.drifting_features())
    assert got["drift_alerting_rules"] == 1
    assert got["alertmanagers"] == 1
    assert got["model_alerting_rules_with_severity_ratio"] == 1.0
    assert got["delivery_metrics"] == ["lead_time", "deployment_frequency", "change_failure_rate", "time_to_restore"]


def test_alert_history_is_the_banks_month_of_model_alerts(demo: dict[str, Any]) -> None:
    """The backfilled episodes (all resolved) and the drift alert firing now, read back over the monthly window."""
    got = values(demo, "monitoring")
    past = alert_history.EPISODES
    live = len(catalogue.drifting_features())
    assert got["model_alert_episodes_in_window"] == len(past) + live
    fired = sorted({e.alert for e in past} | {"ModelFeatureDriftPSIHigh"})
    assert got["model_alert_names_fired_in_window"] == fired
    assert got["model_alerting_rules_fired_ratio"] == pytest.approx(len(fired) / got["model_alerting_rules"], abs=1e-4)
    assert got["flapping_model_alerts"] == 1  # reco-ranking's missing-input alert, four times one afternoon
    quality = [e for e in past if e.alert in ("ModelFeatureDriftPSIHigh", "ModelOnlineCTRLow")]
    assert got["drift_or_decay_alert_episodes_in_window"] == len(quality) + live
    assert got["performance_decay_alerting_rules"] == len(prometheus_files.QUALITY_FLOORS)
    # resolution times are read at the history's step (window / 10,000 points), so known to one step
    step_min = ALERT_REVIEW_H * 3600 / 10_000 / 60
    minutes = sorted(e.minutes for e in past)
    assert got["model_alert_resolution_median_minutes"] == pytest.approx(statistics.median(minutes), abs=step_min)
    p90 = minutes[math.ceil(0.9 * len(minutes)) - 1]  # nearest rank
    assert got["model_alert_resolution_p90_minutes"] == pytest.approx(p90, abs=step_min)
    assert got["alert_notifications_delivered_ratio"] == 1.0  # the live drift alert reached the alert receiver


def test_drift_reports_are_read_as_the_weekly_job_wrote_them(demo: dict[str, Any]) -> None:
    got = values(demo, "drift-reports")
    models = [m.name for m in drift_reports.MONITORED]
    assert got["report_files"] == drift_reports.WEEKS * len(models)
    assert got["unreadable_report_files"] == []
    assert got["models_with_drift_report"] == sorted(models)
    in_window = got["drift_reports_in_window"]
    assert in_window in (4 * len(models), 5 * len(models))  # the Mondays of the last 30 days
    assert got["drift_report_interval_days"] == 7.0
    assert 0 < got["latest_drift_report_age_days"] <= 7
    assert got["drift_reports_with_prediction_drift_ratio"] == 1.0
    assert got["reports_with_performance_metrics_ratio"] == 1.0
    assert got["latest_drifted_columns_share"] == 0.5  # what Evidently measured on the fixture's shifted data


def test_alert_history_never_overlaps_the_live_stack() -> None:
    """Every backfilled episode resolved more than an hour before the stack starts, in time order per series."""
    now = 1_796_000_000.0
    text = alert_history.openmetrics(now)
    assert text.startswith("# HELP ALERTS") and text.endswith("# EOF\n")
    stamps: dict[str, list[float]] = {}
    for line in text.splitlines():
        if line.startswith("ALERTS{"):
            series, value, stamp = line.rsplit(" ", 2)
            assert value == "1" and 'alertstate="firing"' in series
            stamps.setdefault(series, []).append(float(stamp))
    assert all(s == sorted(s) and s[-1] < now - 3600 for s in stamps.values())
    assert sum(len(s) for s in stamps.values()) == sum(int(e.minutes) + 1 for e in alert_history.EPISODES)
    late = alert_history.Episode(alert="X", labels={}, days_ago=0, at_h=23.9, minutes=10)
    with pytest.raises(ValueError, match="still be firing"):
        alert_history.openmetrics(now - now % 86_400 + 3600, (late,))


@pytest.mark.parametrize("service", RECORDED_SERVICES, ids=lambda s: s.collector)
def test_recorded_systems_answer_for_the_bank(demo: dict[str, Any], service: RecordedService) -> None:
    """Each recorded target points at the recording the stack served; its figures are those its tables imply."""
    expected = json.loads(service.expected.read_text(encoding="utf-8"))
    assert values(demo, service.name) == expected
    assert f"collector: {service.collector}" in demo["targets"]


def test_interrupted_start_leaves_nothing_running(tmp_path: Path) -> None:
    """SIGTERM while the stack is still starting: exit 143, every process already started is stopped."""
    require_binary("prometheus")
    mlflow_executable()
    base = tmp_path / "base.yaml"
    base.write_text("targets: []\n", encoding="utf-8")
    process = subprocess.Popen(
        stack_command(tmp_path / "out", base, "true"), cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    state = tmp_path / "out" / "demo-stack" / "state.json"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (state.exists() and '"prometheus"' in state.read_text()):
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert processes_mentioning(str(tmp_path)) == []


def test_stop_never_signals_a_recycled_pid(tmp_path: Path) -> None:
    """A state file whose pid now belongs to another process (different start time) is left alone."""
    sleeper = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        state = tmp_path / "state.json"
        entry = Started(name="mlflow", pid=sleeper.pid, start_ticks=1, command=["mlflow"], log="x")
        state.write_text(StackState(started=[entry]).model_dump_json(), encoding="utf-8")
        assert stop_recorded(state, grace_s=1) == []
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()


def test_exporter_counters_grow_with_time() -> None:
    early, late = (exporter.exposition(catalogue.RECO_RANKING, t) for t in (1000.0, 1060.0))

    def sample(page: str, series: str) -> float:
        return float(next(line for line in page.splitlines() if line.startswith(series)).rsplit(" ", 1)[1])

    ok = 'model_requests_total{model_name="reco-ranking",model_version="41",code="200"}'
    assert sample(late, ok) - sample(early, ok) == pytest.approx(60 * 120 * 0.9 * (1 - 0.002), abs=2)
    drift = 'model_feature_drift_psi{model_name="reco-ranking",model_version="41",feature="days_since_last_login"}'
    assert sample(late, drift) == 0.24


def test_targets_file_rebases_paths(tmp_path: Path) -> None:
    (tmp_path / "example").mkdir()
    base = tmp_path / "example" / "targets.yaml"
    base.write_text("targets:\n  - {collector: git, name: repo, path: ../out/repos/repo}\n", encoding="utf-8")
    written = write_targets(base, tmp_path / "out" / "targets.yaml", "http://127.0.0.1:1", "http://127.0.0.1:2")
    targets = yaml.safe_load(written.read_text(encoding="utf-8"))["targets"]
    assert targets[0]["path"] == "repos/repo"
    assert [t["collector"] for t in targets] == ["git", "mlflow", "prometheus"]
    tracker = RECORDED_SERVICES[0].target("http://h")
    with_jira = write_targets(base, tmp_path / "t2.yaml", "http://127.0.0.1:1", "http://127.0.0.1:2", [tracker])
    jira = yaml.safe_load(with_jira.read_text(encoding="utf-8"))["targets"][-1]
    assert jira == {"collector": "jira", "name": "tracker", "url": "http://h/jira", "projects": ["RECO"]}
    reports = tmp_path / "out" / "demo-stack" / "evidently"
    with_reports = write_targets(
        base, tmp_path / "out" / "t3.yaml", "http://127.0.0.1:1", "http://127.0.0.1:2", [], reports
    )
    listed = yaml.safe_load(with_reports.read_text(encoding="utf-8"))["targets"]
    assert listed[-1] == {"collector": "evidently", "name": "drift-reports", "path": "demo-stack/evidently"}
    assert listed[2]["alert_history_h"] == ALERT_REVIEW_H


def test_settings_make_paths_absolute() -> None:
    """Prometheus reads rule_files relative to its own config file, so the stack only ever passes absolute paths."""
    settings = StackSettings(out=Path("examples/out"), base_targets=Path("examples/retail-bank/targets.yaml"))
    assert settings.out.is_absolute() and settings.base_targets.is_absolute()
    assert settings.state_file == settings.out / "demo-stack" / "state.json"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed exception itself
def test_a_signal_whose_exception_was_swallowed_still_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM handled inside a callback whose exceptions Python only prints (here a weakref callback, as an import
    lock's is in CI): the stack is still stopped before the command runs, and the exit code says SIGTERM."""
    import gc
    import os
    import weakref

    from scripts.demo_stack import stack

    stopped: list[bool] = []

    class _Object:
        pass

    class _Stack:
        def __init__(self, settings: StackSettings) -> None:
            pass

        def start(self) -> object:
            def signalled(_: object) -> None:  # its exception is printed and dropped
                os.kill(os.getpid(), signal.SIGTERM)
                for _ in range(1000):  # the handler runs at one of these bytecodes, inside this callback
                    pass

            held = _Object()
            watch = weakref.ref(held, signalled)
            del held
            gc.collect()
            assert watch() is None
            return object()

        def stop(self) -> list[str]:
            stopped.append(True)
            return []

    monkeypatch.setattr(stack, "DemoStack", _Stack)
    monkeypatch.setattr(stack, "describe", lambda running: "ready")
    ran = tmp_path / "ran"
    code = stack.run(StackSettings(out=tmp_path), [sys.executable, "-c", f"open({str(ran)!r}, 'w')"])
    assert code == 128 + signal.SIGTERM and stopped == [True]
    assert not ran.exists()  # the command never ran
    assert signal.getsignal(signal.SIGTERM) is not stack._raise  # the handlers are put back

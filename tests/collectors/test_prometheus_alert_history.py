"""The Prometheus alert-history probes against a real Prometheus whose alerts really fire, resolve and flap.

A Prometheus evaluating rules every 200 ms scrapes an exporter on 127.0.0.1 whose values the fixture changes:
a drift gauge that starts above its threshold and is lowered later (one resolved episode), an accuracy gauge below
its threshold all along (one episode still firing), a queue gauge raised and lowered three times (a flapping alert),
a billing gauge above its threshold (an alert not about models), and a rule that cannot fire. Prometheus sends its
alerts to a small Alertmanager receiver on 127.0.0.1 (POST /api/v2/alerts) and scrapes its own metrics, so the
notifier counters are real too.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from evidence_collectors.http import Unavailable
from evidence_collectors.prometheus import notifications
from evidence_collectors.prometheus.alert_history import Episode, History
from evidence_collectors.prometheus.collector import PrometheusCollector
from evidence_collectors.prometheus.config import PrometheusConfig
from evidence_collectors.prometheus.notifications import Notifications
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.collectors.prometheus_support import FaultProxy
from tests.support import collecting
from tests.support.local_http import LocalServer, QuietHandler, json_answer, status
from tests.support.servers import free_port, require_binary, wait_for_http

STEP_S = 0.2
FLAPS = 3

RULES = textwrap.dedent("""\
    groups:
      - name: model-quality
        interval: 200ms
        rules:
          - alert: FeatureDriftHigh
            expr: max by (model_name) (model_feature_drift_psi) > 0.2
            labels: {severity: warning}
          - alert: ModelAccuracyDecay
            expr: model_online_accuracy < 0.8
            labels: {severity: critical}
          - alert: ModelQueueFlapping
            expr: model_queue_saturated > 0
            labels: {severity: info}
          - alert: ModelErrorsImpossible
            expr: model_request_errors_total > 1e12
      - name: business
        interval: 200ms
        rules:
          - alert: BillingBacklog
            expr: billing_backlog_jobs > 10
""")


@dataclass
class Exporter:
    """Gauges served in the text exposition format; the test changes `values` while Prometheus scrapes."""

    values: dict[str, float] = field(
        default_factory=lambda: {
            'model_feature_drift_psi{model_name="churn",feature="tenure"}': 0.05,
            'model_online_accuracy{model_name="churn"}': 0.95,
            'model_queue_saturated{model_name="fraud"}': 0.0,
            'model_request_errors_total{model_name="churn"}': 3.0,
            "billing_backlog_jobs": 0.0,
        }
    )

    def text(self) -> bytes:
        return "".join(f"{k} {v}\n" for k, v in self.values.items()).encode()


class Receiver(QuietHandler):
    """An Alertmanager's alert intake (POST /api/v2/alerts): keeps the alert names it was sent."""

    received: list[str]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/api/v2/alerts":
            type(self).received += [a["labels"]["alertname"] for a in json.loads(body)]
            self.send(200, b"")
        else:
            self.send(404, b"")


@dataclass
class Scene:
    url: str
    received: list[str]
    drift_seconds: float  # how long the drift alert was seen firing
    flap_seconds: list[float]  # how long each queue alert episode was seen firing
    ended: float  # unix time the last queue episode was seen resolved


def _alerts(url: str) -> dict[str, str]:
    alerts = httpx.get(f"{url}/api/v1/alerts").json()["data"]["alerts"]
    return {a["labels"]["alertname"]: a["state"] for a in alerts}


def _until(check: Callable[[], bool], what: str, timeout_s: float = 20) -> float:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        time.sleep(0.05)
    raise RuntimeError(f"Prometheus did not get there in time: {what}")


def _firing(url: str, name: str) -> bool:
    return _alerts(url).get(name) == "firing"


def _discovered(url: str) -> list[Any]:
    managers: list[Any] = httpx.get(f"{url}/api/v1/alertmanagers").json()["data"]["activeAlertmanagers"]
    return managers


def _notified(url: str) -> bool:
    query = "sum(prometheus_notifications_sent_total)"
    result = httpx.get(f"{url}/api/v1/query", params={"query": query}).json()["data"]["result"]
    return bool(result) and float(result[0]["value"][1]) > 0


def _play(url: str, exporter: Exporter) -> tuple[float, list[float], float]:
    """Drive the exporter through the scene; the firing times Prometheus showed."""
    # alerts raised before Prometheus knows its Alertmanagers would be dropped: start once they are discovered
    _until(lambda: len(_discovered(url)) == 2, "the Alertmanagers are discovered")
    exporter.values['model_feature_drift_psi{model_name="churn",feature="tenure"}'] = 0.5
    exporter.values['model_online_accuracy{model_name="churn"}'] = 0.6
    exporter.values["billing_backlog_jobs"] = 50.0
    started = _until(
        lambda: all(_firing(url, n) for n in ("FeatureDriftHigh", "ModelAccuracyDecay", "BillingBacklog")),
        "the first alerts fire",
    )
    flaps: list[float] = []
    drift = ended = 0.0
    for n in range(FLAPS):
        exporter.values['model_queue_saturated{model_name="fraud"}'] = 1.0
        up = _until(lambda: _firing(url, "ModelQueueFlapping"), "the queue alert fires")
        time.sleep(0.2)
        exporter.values['model_queue_saturated{model_name="fraud"}'] = 0.0
        flaps.append(_until(lambda: "ModelQueueFlapping" not in _alerts(url), "the queue alert resolves") - up)
        ended = time.time()
        if n == 1:  # the drift alert outlasts two queue episodes and the gap between them
            exporter.values['model_feature_drift_psi{model_name="churn",feature="tenure"}'] = 0.05
            drift = _until(lambda: "FeatureDriftHigh" not in _alerts(url), "the drift alert resolves") - started
        time.sleep(1.0)  # a quiet gap of several steps (more than the two-step range) between episodes
    _until(lambda: _notified(url), "the notifier counters are scraped")
    return drift, flaps, ended


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    binary = require_binary("prometheus")
    work: Path = tmp_path_factory.mktemp("alert-history")
    exporter = Exporter()

    class Metrics(QuietHandler):
        def do_GET(self) -> None:
            self.send(200, exporter.text(), "text/plain; version=0.0.4")

    receiver = type("AlertIntake", (Receiver,), {"received": []})
    apps, intake = LocalServer(Metrics), LocalServer(receiver)
    port, dead = free_port(), free_port()  # nothing listens on `dead`: a second Alertmanager that is down
    (work / "rules.yml").write_text(RULES)
    (work / "prometheus.yml").write_text(
        textwrap.dedent(f"""\
        global: {{scrape_interval: 200ms, evaluation_interval: 200ms}}
        rule_files: [{work / "rules.yml"}]
        alerting:
          alertmanagers: [{{api_version: v2, static_configs: [{{targets: ["{intake.address}", "127.0.0.1:{dead}"]}}]}}]
        scrape_configs:
          - job_name: prometheus
            static_configs: [{{targets: ["127.0.0.1:{port}"]}}]
          - job_name: apps
            static_configs: [{{targets: ["{apps.address}"]}}]
        """)
    )
    log = (work / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={work / 'prometheus.yml'}",
            f"--storage.tsdb.path={work / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/-/ready", timeout_s=60)
        drift, flaps, ended = _play(url, exporter)
        yield Scene(url, receiver.received, drift, flaps, ended)
    finally:
        process.terminate()
        process.wait(timeout=10)
        apps.close()
        intake.close()


def _collect(url: str, **extra: Any) -> dict[str, EvidenceRecord]:
    cfg = collecting.target_config(PrometheusConfig, {"collector": "prometheus", "name": "prom", "url": url}, extra)
    records, _ = collecting.collect_records(PrometheusCollector, cfg, prefix="prometheus.")
    return records


@pytest.fixture(scope="module")
def history(scene: Scene) -> dict[str, EvidenceRecord]:
    return _collect(scene.url, alert_history_h=0.05, alert_history_step_s=STEP_S)


def _ok(record: EvidenceRecord) -> EvidenceRecord:
    assert record.status is EvidenceStatus.ok, record.reason
    return record


def test_model_alert_episodes_are_counted_per_name(history: dict[str, EvidenceRecord]) -> None:
    # drift once (resolved), accuracy once (still firing), the queue alert three times; billing is not about models
    episodes = _ok(history["model_alert_episodes_in_window"])
    assert episodes.value == 1 + 1 + FLAPS
    assert f"ModelQueueFlapping ×{FLAPS}" in episodes.summary
    assert "FeatureDriftHigh ×1" in episodes.summary
    assert "1 still firing" in episodes.summary
    names = _ok(history["model_alert_names_fired_in_window"]).value
    assert names == ["FeatureDriftHigh", "ModelAccuracyDecay", "ModelQueueFlapping"]


def test_flapping_and_never_fired_rules(history: dict[str, EvidenceRecord]) -> None:
    flapping = _ok(history["flapping_model_alerts"])
    assert flapping.value == 1
    assert "ModelQueueFlapping{" in flapping.summary and "model_name=fraud" in flapping.summary
    fired = _ok(history["model_alerting_rules_fired_ratio"])
    assert fired.value == 0.75  # ModelErrorsImpossible never fires
    assert "never fired: ModelErrorsImpossible" in fired.summary


def test_drift_and_decay_rules_and_their_episodes(history: dict[str, EvidenceRecord]) -> None:
    decay = _ok(history["performance_decay_alerting_rules"])
    assert decay.value == 1 and "ModelAccuracyDecay" in decay.summary
    assert _ok(history["drift_alerting_rules"]).value == 1
    quality = _ok(history["drift_or_decay_alert_episodes_in_window"])
    assert quality.value == 2
    assert "FeatureDriftHigh ×1" in quality.summary and "ModelAccuracyDecay ×1" in quality.summary


def test_resolution_times_follow_what_prometheus_showed(scene: Scene, history: dict[str, EvidenceRecord]) -> None:
    # four resolved episodes: three short queue episodes and the longer drift one, which is the 90th percentile
    median = _ok(history["model_alert_resolution_median_minutes"])
    p90 = _ok(history["model_alert_resolution_p90_minutes"])
    assert "over 4 resolved episode(s)" in median.summary
    assert "1 left out" in median.summary  # the accuracy alert still fires
    assert isinstance(p90.value, float) and isinstance(median.value, float)
    # what the test saw by polling /api/v1/alerts and what the ALERTS series say agree within a few evaluation steps
    # (wider under load, when both the polling and the rule evaluations run late)
    assert _close(p90.value * 60, scene.drift_seconds), (p90.value * 60, scene.drift_seconds)
    assert _close(median.value * 60, sorted(scene.flap_seconds)[1]), (median.value * 60, scene.flap_seconds)
    assert median.value < p90.value


def _close(measured_s: float, seen_s: float) -> bool:
    return abs(measured_s - seen_s) <= max(1.0, 0.4 * seen_s)


def test_notifications_reached_the_alertmanager(scene: Scene, history: dict[str, EvidenceRecord]) -> None:
    # every alert reached the live Alertmanager; sending to the one that is down failed
    delivered = _ok(history["alert_notifications_delivered_ratio"])
    assert delivered.value == 1.0
    assert "2 Alertmanager(s) discovered" in delivered.summary
    assert "sending failed to 1 of 2 Alertmanager(s)" in delivered.summary
    assert {"FeatureDriftHigh", "ModelAccuracyDecay", "ModelQueueFlapping", "BillingBacklog"} <= set(scene.received)


def _history(episodes: int) -> History:
    now = time.time()
    fired = [Episode("ModelDown", (("alertname", "ModelDown"),), now - 60, now - 30, False, False)] * episodes
    return History(fired, now - 3600, now, 60.0)


def test_alerts_that_reached_no_alertmanager_count_as_not_delivered() -> None:
    # the notifier counters as Prometheus reports them when its only Alertmanager is down: each alert's sending
    # fails and the alert is dropped
    down = Notifications(True, 1.0, {"http://am:9093/api/v2/alerts": 4.0}, {"http://am:9093/api/v2/alerts": 4.0}, 4.0)
    finding = notifications.delivery_findings(down, _history(2))[notifications.PROBE]
    assert finding.value == 0.0 and "0 alert(s) reached an Alertmanager and 4 were dropped" in finding.summary
    silent = Notifications(True, 0.0, {}, {}, 0.0)
    finding = notifications.delivery_findings(silent, _history(3))[notifications.PROBE]
    assert finding.value == 0.0 and "no Alertmanager was discovered" in finding.summary
    with pytest.raises(Unavailable, match="nothing to deliver"):
        notifications.delivery_findings(silent, _history(0))


def test_a_window_after_the_last_episode_sees_only_the_alert_still_firing(scene: Scene) -> None:
    # a window of the last 1.08 s, taken once the last queue episode has been over for longer than that
    time.sleep(max(0.0, scene.ended + 1.5 - time.time()))
    records = _collect(scene.url, alert_history_h=0.0003, alert_history_step_s=0.25)
    assert _ok(records["model_alert_episodes_in_window"]).value == 1
    assert _ok(records["model_alert_names_fired_in_window"]).value == ["ModelAccuracyDecay"]
    median = records["model_alert_resolution_median_minutes"]
    assert median.status is EvidenceStatus.unavailable
    assert "no model alert both started and resolved" in (median.reason or "")


def test_a_failing_range_query_leaves_only_the_history_unavailable(scene: Scene) -> None:
    with FaultProxy(scene.url, faults={"/api/v1/query_range": status(503, "overloaded")}) as proxy:
        records = _collect(proxy.url, alert_history_h=0.05, alert_history_step_s=STEP_S)
    for probe in HISTORY:
        assert records[probe].status is EvidenceStatus.unavailable, probe
        assert records[probe].value is None and "HTTP 503" in (records[probe].reason or "")
    assert _ok(records["performance_decay_alerting_rules"]).value == 1
    assert _ok(records["firing_model_alerts"]).value == 1  # the accuracy alert, read from /api/v1/alerts


def test_a_server_that_does_not_scrape_itself_cannot_tell_delivery(scene: Scene) -> None:
    nothing = json_answer({"status": "success", "data": {"resultType": "vector", "result": []}})
    with FaultProxy(scene.url, faults={"/api/v1/query": nothing}) as proxy:
        records = _collect(proxy.url, alert_history_h=0.05, alert_history_step_s=STEP_S)
    delivered = records["alert_notifications_delivered_ratio"]
    assert delivered.status is EvidenceStatus.unavailable
    assert "does not scrape its own metrics" in (delivered.reason or "")
    assert _ok(records["model_alert_episodes_in_window"]).value == 1 + 1 + FLAPS


HISTORY = (
    "model_alert_episodes_in_window",
    "model_alert_names_fired_in_window",
    "model_alert_resolution_median_minutes",
    "model_alert_resolution_p90_minutes",
    "flapping_model_alerts",
    "model_alerting_rules_fired_ratio",
    "drift_or_decay_alert_episodes_in_window",
    "alert_notifications_delivered_ratio",
)

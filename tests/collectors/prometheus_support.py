"""A real Prometheus for the collector tests: a model-serving exporter, a plain app exporter, a rule file, and a
fault-injecting proxy in front of the server."""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from evidence_collectors.prometheus.collector import PrometheusCollector
from evidence_collectors.prometheus.config import PrometheusConfig
from evidence_collectors.records import EvidenceRecord
from tests.support import collecting
from tests.support.local_http import Fault, LocalFake, LocalServer, QuietHandler, json_answer
from tests.support.servers import free_port, require_binary, wait_for_http

# ---------------------------------------------------------------------------------------------------------------------
# What the test puts in: exporters, scrape jobs and rules. The expected figures in test_prometheus.py follow from these.

MODEL_SERVER_METRICS = textwrap.dedent("""\
    # HELP model_request_duration_seconds Time to answer a prediction request.
    # TYPE model_request_duration_seconds histogram
    model_request_duration_seconds_bucket{model_name="churn",model_version="3",le="0.1"} 90
    model_request_duration_seconds_bucket{model_name="churn",model_version="3",le="0.5"} 99
    model_request_duration_seconds_bucket{model_name="churn",model_version="3",le="+Inf"} 100
    model_request_duration_seconds_sum{model_name="churn",model_version="3"} 7.5
    model_request_duration_seconds_count{model_name="churn",model_version="3"} 100
    model_request_duration_seconds_bucket{model_name="fraud",model_version="7",le="0.1"} 40
    model_request_duration_seconds_bucket{model_name="fraud",model_version="7",le="0.5"} 49
    model_request_duration_seconds_bucket{model_name="fraud",model_version="7",le="+Inf"} 50
    model_request_duration_seconds_sum{model_name="fraud",model_version="7"} 4.0
    model_request_duration_seconds_count{model_name="fraud",model_version="7"} 50
    # TYPE model_request_errors_total counter
    model_request_errors_total{model_name="churn",model_version="3"} 2
    model_request_errors_total{model_name="fraud",model_version="7"} 1
    # TYPE model_predictions_total counter
    model_predictions_total{model_name="churn",model_version="3"} 100
    model_predictions_total{model_name="fraud",model_version="7"} 50
    # TYPE model_prediction_score histogram
    model_prediction_score_bucket{model_name="churn",model_version="3",le="0.5"} 70
    model_prediction_score_bucket{model_name="churn",model_version="3",le="+Inf"} 100
    model_prediction_score_sum{model_name="churn",model_version="3"} 38.0
    model_prediction_score_count{model_name="churn",model_version="3"} 100
    # TYPE model_feature_drift_psi gauge
    model_feature_drift_psi{model_name="churn",feature="tenure"} 0.31
    model_feature_drift_psi{model_name="churn",feature="monthly_charges"} 0.05
    # TYPE model_input_missing_values_total counter
    model_input_missing_values_total{model_name="churn",feature="tenure"} 4
    # TYPE nv_inference_request_success counter
    nv_inference_request_success{model="resnet",version="1"} 500
    # TYPE nv_inference_request_failure counter
    nv_inference_request_failure{model="resnet",version="1"} 3
    # TYPE nv_inference_request_duration_us counter
    nv_inference_request_duration_us{model="resnet",version="1"} 123456
    # TYPE http_requests_total counter
    http_requests_total{path="/healthz"} 10
""")

APP_METRICS = textwrap.dedent("""\
    # TYPE http_requests_total counter
    http_requests_total{path="/invoices"} 42
    # TYPE billing_invoices_total counter
    billing_invoices_total 7
""")

RULES = textwrap.dedent("""\
    groups:
      - name: model-serving
        interval: 1s
        rules:
          - record: model:request_latency_seconds:p99
            expr: histogram_quantile(0.99, sum by (le, model_name) (rate(model_request_duration_seconds_bucket[1m])))
          - record: model:error_ratio:rate1m
            expr: >-
              sum by (model_name) (rate(model_request_errors_total[1m]))
              / sum by (model_name) (rate(model_predictions_total[1m]))
          - record: model:slo_availability:ratio_rate1m
            expr: 1 - model:error_ratio:rate1m
          - alert: ModelHighLatency
            expr: model:request_latency_seconds:p99 > 0.5
            for: 5m
            labels: {severity: warning, owner: ml-platform}
            annotations: {summary: p99 latency above 500 ms, runbook_url: "https://runbooks.example/model-latency"}
          - alert: ModelHighErrorRate
            expr: model:error_ratio:rate1m > 0.05
            labels: {severity: critical}
          - alert: ModelServiceDown
            expr: up{job=~"model-.*"} == 0
            labels: {severity: critical, team: ml-serving}
          - alert: FeatureDriftHigh
            expr: max by (model_name, feature) (model_feature_drift_psi) > 0.2
            labels: {severity: warning, team: data-science}
            annotations: {runbook_url: "https://runbooks.example/drift"}
          - alert: PredictionScoreShift
            expr: histogram_quantile(0.5, sum by (le) (rate(model_prediction_score_bucket[10m]))) < 0.1
      - name: infrastructure
        interval: 1s
        rules:
          - record: job:up:avg
            expr: avg by (job) (up)
          - alert: TargetDown
            expr: up == 0
            for: 10m
            labels: {severity: warning}
          - alert: ConfigReloadFailed
            expr: prometheus_config_last_reload_successful == 0
            labels: {severity: critical}
          - alert: InstancesMismatch
            expr: up * on() up > 5
            labels: {severity: info}
""")


# ---------------------------------------------------------------------------------------------------------------------
# Exporters on 127.0.0.1


def exporter(text: str) -> LocalServer:
    """A real exporter: serves `text` in the Prometheus text exposition format at /metrics."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/metrics"):
                self.send(200, text.encode(), "text/plain; version=0.0.4")
            else:
                self.send(404, b"not found", "text/plain")

    return LocalServer(Handler)


# ---------------------------------------------------------------------------------------------------------------------
# The Prometheus server


@dataclass
class PrometheusServer:
    url: str
    process: subprocess.Popen[bytes]
    model_exporter: LocalServer
    app_exporter: LocalServer
    dead_address: str  # the model-canary job's target: nothing listens there
    alertmanager_address: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.model_exporter.close()
        self.app_exporter.close()


def start_prometheus(binary: str, workdir: Path, extra_model_metrics: str = "") -> PrometheusServer:
    """`extra_model_metrics`: exposition text the model exporter serves after MODEL_SERVER_METRICS."""
    model, app = exporter(MODEL_SERVER_METRICS + extra_model_metrics), exporter(APP_METRICS)
    port, dead, alertmanager = free_port(), free_port(), free_port()
    (workdir / "rules.yml").write_text(RULES)
    (workdir / "prometheus.yml").write_text(
        textwrap.dedent(f"""\
        global: {{scrape_interval: 1s, evaluation_interval: 1s}}
        rule_files: [{workdir / "rules.yml"}]
        alerting:
          alertmanagers: [{{static_configs: [{{targets: ["127.0.0.1:{alertmanager}"]}}]}}]
        scrape_configs:
          - job_name: prometheus
            static_configs: [{{targets: ["127.0.0.1:{port}"]}}]
          - job_name: model-serving
            static_configs: [{{targets: ["{model.address}"]}}]
          - job_name: billing-api
            static_configs: [{{targets: ["{app.address}"]}}]
          - job_name: model-canary
            scrape_timeout: 500ms
            static_configs: [{{targets: ["127.0.0.1:{dead}"]}}]
        """)
    )
    log = (workdir / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={workdir / 'prometheus.yml'}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = PrometheusServer(
        f"http://127.0.0.1:{port}", process, model, app, f"127.0.0.1:{dead}", f"127.0.0.1:{alertmanager}"
    )
    try:
        wait_for_http(f"{server.url}/-/ready", timeout_s=60)
        _wait_until_settled(server.url)
    except Exception:
        server.stop()
        raise RuntimeError(f"Prometheus did not settle; log:\n{(workdir / 'prometheus.log').read_text()}") from None
    return server


def _wait_until_settled(url: str, timeout_s: float = 60) -> None:
    """Every target scraped at least once, every rule evaluated, the two expected alerts firing."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        targets = httpx.get(f"{url}/api/v1/targets").json()["data"]["activeTargets"]
        rules = [r for g in httpx.get(f"{url}/api/v1/rules").json()["data"]["groups"] for r in g["rules"]]
        alerts = httpx.get(f"{url}/api/v1/alerts").json()["data"]["alerts"]
        drift = httpx.get(f"{url}/api/v1/query", params={"query": "model_feature_drift_psi"}).json()["data"]["result"]
        if (
            len(targets) == 4
            and all(t["health"] != "unknown" for t in targets)
            and all(r.get("lastEvaluation", "").startswith("20") for r in rules)
            and sum(a["state"] == "firing" for a in alerts) == 2
            and sum(a["state"] == "pending" for a in alerts) == 1
            and drift
        ):
            return
        time.sleep(0.25)
    raise RuntimeError("Prometheus did not scrape and evaluate in time")


# ---------------------------------------------------------------------------------------------------------------------
# A proxy in front of the real server that injects faults on chosen paths


def answer(data: Any) -> Fault:
    """A successful Prometheus API answer with the given data."""
    return json_answer({"status": "success", "data": data})


@dataclass
class FaultProxy(LocalFake):
    upstream: str
    faults: dict[str, Fault] = field(default_factory=dict)
    require_token: str | None = None
    echo_token_on: str | None = None  # a path whose answer repeats the Authorization header it received
    paginate_rules: bool = False  # serve /api/v1/rules one group per page, as Prometheus >= 3.1 does for group_limit
    seen_auth: list[str] = field(default_factory=list)

    def handler(self) -> type[QuietHandler]:
        proxy = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                auth = self.headers.get("Authorization", "")
                proxy.seen_auth.append(auth)
                if proxy.require_token is not None and auth != f"Bearer {proxy.require_token}":
                    self.send(401, b'{"status":"error","errorType":"unauthorized","error":"bad token"}')
                    return
                if parts.path == proxy.echo_token_on:
                    self.send(404, f"no route for {parts.path}; you sent {auth!r}".encode(), "text/plain")
                    return
                if parts.path in proxy.faults:
                    proxy.faults[parts.path](self, query)
                    return
                upstream = httpx.get(
                    proxy.upstream + parts.path, params=[(k, v) for k, vs in query.items() for v in vs]
                )
                if parts.path == "/api/v1/rules" and proxy.paginate_rules:
                    self.send(200, _one_group_per_page(upstream.json(), query))
                    return
                self.send(
                    upstream.status_code, upstream.content, upstream.headers.get("content-type", "application/json")
                )

        return Handler


def _one_group_per_page(full: dict[str, Any], query: dict[str, list[str]]) -> bytes:
    groups = sorted(full["data"]["groups"], key=lambda g: g["name"])
    token = query.get("group_next_token", [""])[0]
    start = next((n for n, g in enumerate(groups) if g["name"] == token), 0) if token else 0
    page: dict[str, Any] = {"groups": groups[start : start + 1]}
    if start + 1 < len(groups):
        page["groupNextToken"] = groups[start + 1]["name"]
    return json.dumps({"status": "success", "data": page}).encode()


@pytest.fixture(scope="module", name="prometheus")
def prometheus_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    """A real Prometheus with the rule file and exporters above, for one test module."""
    server = start_prometheus(require_binary("prometheus"), tmp_path_factory.mktemp("prometheus"))
    try:
        yield server
    finally:
        server.stop()


def collect_prometheus(url: str) -> dict[str, EvidenceRecord]:
    """Collect one Prometheus target; records by probe id without the `prometheus.` prefix."""
    cfg = collecting.target_config(PrometheusConfig, {"collector": "prometheus", "name": "prom", "url": url}, {})
    records, _ = collecting.collect_records(PrometheusCollector, cfg, prefix="prometheus.")
    return records

"""The bank's model services as Prometheus sees them, and an alert receiver standing in for Alertmanager.

    python -m scripts.demo_stack.exporter --service reco-ranking=18001 ... --delivery-port 18008 \
        --alerts-port 18009 --alerts-log a.jsonl

Each served model answers /metrics on its own port in the Prometheus text format: KServe's predict histogram (model
name only, as KServe labels it) and the team's own metrics with model name and version: requests by code, errors,
latency and score histograms, predictions, PSI drift per feature, missing input values, memory and CPU. Counters grow
with time at the rates of the catalogue, so rate() and the recording rules give the catalogue's figures; the output is
a pure function of the elapsed time (no randomness). The delivery port serves the deployment counters of
`delivery`. The alert receiver accepts Alertmanager's v2 POST /api/v2/alerts
and appends what it gets to a JSON Lines file.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from scripts.demo_stack import delivery
from scripts.demo_stack.catalogue import LATENCY_BUCKETS_S, MODELS, SCORE_BUCKETS, ModelSpec, Served, Serving

UPTIME_BEFORE_START_S = 3 * 86_400.0  # the services look as if they had been up for three days
MAX_ALERT_BODY = 1_000_000


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"


def _histogram(
    name: str, labels: dict[str, str], bounds: tuple[float, ...], cdf: tuple[float, ...], count: int
) -> Iterator[str]:
    """Cumulative buckets, sum (bucket midpoints) and count of `count` observations distributed as `cdf`."""
    total, previous_share, previous_bound = 0.0, 0.0, 0.0
    for bound, share in zip(bounds, cdf, strict=True):
        yield f"{name}_bucket{_labels(**labels, le=f'{bound:g}')} {int(count * share)}"
        total += (share - previous_share) * count * (previous_bound + bound) / 2
        previous_share, previous_bound = share, bound
    yield f"{name}_bucket{_labels(**labels, le='+Inf')} {count}"
    yield f"{name}_sum{_labels(**labels)} {total:.3f}"
    yield f"{name}_count{_labels(**labels)} {count}"


def _version_series(model: ModelSpec, serving: Serving, served: Served, elapsed_s: float) -> dict[str, list[str]]:
    """Series of one served version, by metric name."""
    labels = {"model_name": model.name, "model_version": str(served.version)}
    requests = int(serving.rps * served.share * elapsed_s)
    errors = int(requests * serving.error_ratio)
    series: dict[str, list[str]] = {
        "model_requests_total": [
            f"model_requests_total{_labels(**labels, code='200')} {requests - errors}",
            f"model_requests_total{_labels(**labels, code='500')} {errors}",
        ],
        "model_request_errors_total": [f"model_request_errors_total{_labels(**labels)} {errors}"],
        "model_predictions_total": [f"model_predictions_total{_labels(**labels)} {requests - errors}"],
        "model_request_duration_seconds": list(
            _histogram("model_request_duration_seconds", labels, LATENCY_BUCKETS_S, serving.latency_cdf, requests)
        ),
        "model_prediction_score": list(
            _histogram("model_prediction_score", labels, SCORE_BUCKETS, serving.score_cdf, requests - errors)
        ),
        "model_feature_drift_psi": [
            f"model_feature_drift_psi{_labels(**labels, feature=f.name)} {f.psi:g}" for f in model.features
        ],
        "model_feature_null_values_total": [
            f"model_feature_null_values_total{_labels(**labels, feature=f.name)} "
            f"{int(requests * serving.null_ratio / len(model.features))}"
            for f in model.features
        ],
        "model_server_memory_bytes": [
            f"model_server_memory_bytes{_labels(**labels)} {int(1.2e9 * served.share + 4e8)}"
        ],
        "model_server_cpu_seconds_total": [
            f"model_server_cpu_seconds_total{_labels(**labels)} {elapsed_s * 0.35 * served.share:.1f}"
        ],
    }
    if serving.online_metric is not None:
        name, value = serving.online_metric
        series[f"model_online_{name}"] = [f"model_online_{name}{_labels(**labels)} {value:g}"]
    return series


HELP = {
    "request_predict_seconds": ("histogram", "KServe: time spent in the model's predict step."),
    "model_requests_total": ("counter", "Prediction requests answered, by HTTP status code."),
    "model_request_errors_total": ("counter", "Prediction requests that failed."),
    "model_predictions_total": ("counter", "Predictions returned."),
    "model_request_duration_seconds": ("histogram", "Time to answer a prediction request."),
    "model_prediction_score": ("histogram", "Scores returned by the model."),
    "model_feature_drift_psi": ("gauge", "Population stability index of a feature against the training snapshot."),
    "model_feature_null_values_total": ("counter", "Requests whose feature value was missing."),
    "model_server_memory_bytes": ("gauge", "Resident memory of the model server."),
    "model_server_cpu_seconds_total": ("counter", "CPU time used by the model server."),
}


def exposition(model: ModelSpec, elapsed_s: float) -> str:
    """The /metrics page of `model`'s service after `elapsed_s` seconds of service."""
    serving = model.serving
    if serving is None:
        raise ValueError(f"{model.name} is not served online")
    series: dict[str, list[str]] = {}
    all_requests = int(serving.rps * elapsed_s)
    series["request_predict_seconds"] = list(
        _histogram(
            "request_predict_seconds",
            {"model_name": model.name},
            LATENCY_BUCKETS_S,
            serving.latency_cdf,
            all_requests,
        )
    )
    for served in model.served:
        for name, lines in _version_series(model, serving, served, elapsed_s).items():
            series.setdefault(name, []).extend(lines)
    out: list[str] = []
    for name, lines in series.items():
        kind, text = HELP.get(name) or ("gauge", "The model's quality on live traffic, joined with outcomes.")
        out += [f"# HELP {name} {text}", f"# TYPE {name} {kind}", *lines]
    return "\n".join(out) + "\n"


class Exporter:
    """One HTTP server per model service, plus the alert receiver, each on its own 127.0.0.1 port."""

    def __init__(self, services: dict[str, int], delivery_port: int, alerts_port: int, alerts_log: Path) -> None:
        self.started = time.monotonic()
        self.alerts_log = alerts_log
        self.lock = threading.Lock()
        by_name = {m.name: m for m in MODELS}
        self.servers = [
            self._server(port, self._metrics_handler(partial(self._model_page, by_name[name])))
            for name, port in services.items()
        ]
        deliveries = self._metrics_handler(lambda: delivery.exposition(time.time()))
        self.servers.append(self._server(delivery_port, deliveries))
        self.servers.append(self._server(alerts_port, self._alerts_handler()))

    @staticmethod
    def _server(port: int, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        server.daemon_threads = True
        return server

    def elapsed(self) -> float:
        return UPTIME_BEFORE_START_S + time.monotonic() - self.started

    def _model_page(self, model: ModelSpec) -> str:
        return exposition(model, self.elapsed())

    @staticmethod
    def _metrics_handler(page: Callable[[], str]) -> type[BaseHTTPRequestHandler]:
        class Handler(_Quiet):
            def do_GET(self) -> None:
                if self.path.split("?", 1)[0] == "/metrics":
                    self.answer(200, page().encode(), "text/plain; version=0.0.4")
                else:
                    self.answer(404, b"not found\n", "text/plain")

        return Handler

    def _alerts_handler(self) -> type[BaseHTTPRequestHandler]:
        exporter = self

        class Handler(_Quiet):
            def do_GET(self) -> None:
                ok = self.path in ("/-/healthy", "/-/ready")
                self.answer(200 if ok else 404, b"OK\n" if ok else b"not found\n", "text/plain")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if self.path != "/api/v2/alerts" or not 0 <= length <= MAX_ALERT_BODY:
                    self.answer(400, b'{"error":"unsupported"}', "application/json")
                    return
                exporter.record_alerts(self.rfile.read(length))
                self.answer(200, b"", "application/json")

        return Handler

    def record_alerts(self, body: bytes) -> None:
        try:
            alerts: Any = json.loads(body)
        except ValueError:
            alerts = None
        line = json.dumps({"received": time.time(), "alerts": alerts}) + "\n"
        with self.lock, self.alerts_log.open("a", encoding="utf-8") as log:
            log.write(line)

    def serve_until_stopped(self) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, lambda *_: stop.set())
        threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True) for s in self.servers
        ]
        for thread in threads:
            thread.start()
        stop.wait()
        for server in self.servers:
            server.shutdown()
            server.server_close()


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return

    def answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--service", action="append", default=[], help="MODEL=PORT, once per served model")
    parser.add_argument("--delivery-port", type=int, required=True)
    parser.add_argument("--alerts-port", type=int, required=True)
    parser.add_argument("--alerts-log", type=Path, required=True)
    args = parser.parse_args(argv)
    services = {name: int(port) for name, port in (s.split("=", 1) for s in args.service)}
    Exporter(services, args.delivery_port, args.alerts_port, args.alerts_log).serve_until_stopped()


if __name__ == "__main__":
    main()

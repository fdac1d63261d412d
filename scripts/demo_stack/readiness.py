"""When the stack may be probed: servers answer, and Prometheus has scraped every model service at least twice and
evaluated its rules on that data (recording rules have values, the drift alerts the catalogue implies are firing).

Waiting for these facts, not for a fixed time, keeps the evidence the same on a slow machine and a fast one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from scripts.demo_stack.catalogue import SERVED_MODELS, drifting_features


class NotReady(RuntimeError):
    """A server did not come up or settle in time, or died while we waited."""


def wait_for_http(url: str, timeout_s: float, alive: Callable[[], bool] = lambda: True) -> None:
    """Poll until `url` answers below 500; give up early when the process behind it has exited."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        if not alive():
            raise NotReady(f"the process behind {url} exited")
        try:
            status = httpx.get(url, timeout=2.0).status_code
            if status < 500:
                return
            last = f"HTTP {status}"
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(0.2)
    raise NotReady(f"{url} did not answer within {timeout_s:g} s ({last})")


def _data(url: str, path: str, **params: str) -> Any:
    answer = httpx.get(f"{url}{path}", params=params, timeout=5.0)
    answer.raise_for_status()
    return answer.json()["data"]


def prometheus_missing(url: str) -> list[str]:
    """What Prometheus still lacks before the demo may collect from it (empty: settled)."""
    missing = []
    targets = [
        t
        for t in _data(url, "/api/v1/targets", state="active")["activeTargets"]
        if t["labels"]["job"] == "model-serving"
    ]
    if len(targets) != len(SERVED_MODELS) or any(t["health"] != "up" for t in targets):
        missing.append("every model service up")
    scrapes = _data(url, "/api/v1/query", query='count_over_time(up{job="model-serving"}[10m])')["result"]
    if len(scrapes) != len(SERVED_MODELS) or any(float(s["value"][1]) < 2 for s in scrapes):
        missing.append("two scrapes of every model service")
    rules = [r for g in _data(url, "/api/v1/rules")["groups"] for r in g["rules"]]
    if not rules:
        raise NotReady("Prometheus loaded no rules (check rule_files in its configuration)")
    if any(r.get("health") != "ok" or not r.get("lastEvaluation", "").startswith("20") for r in rules):
        missing.append("every rule evaluated without error")
    versions = sum(len(m.served) for m in SERVED_MODELS)
    if len(_data(url, "/api/v1/query", query="model:request_latency_seconds:p99_5m")["result"]) != versions:
        missing.append("recording rules computed for every served version")
    firing = {
        (a["labels"].get("model_name"), a["labels"].get("feature"))
        for a in _data(url, "/api/v1/alerts")["alerts"]
        if a["state"] == "firing" and a["labels"].get("alertname") == "ModelFeatureDriftPSIHigh"
    }
    if firing != set(drifting_features()):
        missing.append("drift alerts evaluated")
    # the alert-delivery probe reads Prometheus's own notification counters: they must have counted the drift alerts
    sent = _data(url, "/api/v1/query", query="sum(increase(prometheus_notifications_sent_total[1d]))")["result"]
    if not sent or float(sent[0]["value"][1]) < 0.5:
        missing.append("the drift alerts' notifications sent and scraped")
    return missing


def wait_for_prometheus(url: str, timeout_s: float, alive: Callable[[], bool]) -> float:
    """Wait until Prometheus has settled; returns the seconds it took."""
    started = time.monotonic()
    wait_for_http(f"{url}/-/ready", timeout_s, alive)
    missing = ["an answer"]
    while time.monotonic() - started < timeout_s:
        if not alive():
            raise NotReady("prometheus exited")
        try:
            missing = prometheus_missing(url)
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            missing = [f"a valid API answer ({type(exc).__name__})"]
        if not missing:
            return time.monotonic() - started
        time.sleep(0.25)
    raise NotReady(f"Prometheus did not settle within {timeout_s:g} s; still missing: {', '.join(missing)}")

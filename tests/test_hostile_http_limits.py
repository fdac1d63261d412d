"""Collection ends, within bounds, against hostile servers on 127.0.0.1, through the real collectors: slow drips meet
the request deadline, huge bodies and compression bombs the size caps, endless listings the page guards and budgets,
and every limit hit is `unavailable` with its reason while the probes computed from other reads keep their values."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

import pytest
from pydantic import BaseModel

from evidence_collectors.airflow import AirflowCollector
from evidence_collectors.base import CollectContext, Collector
from evidence_collectors.gitlab.api import GitLabApi
from evidence_collectors.gitlab.config import GitLabConfig
from evidence_collectors.grafana.collector import GrafanaCollector
from evidence_collectors.jenkins import JenkinsCollector
from evidence_collectors.kubeflow import KubeflowCollector
from evidence_collectors.kubernetes import KubernetesCollector
from evidence_collectors.mlflow import MlflowCollector
from evidence_collectors.modelarts import ModelArtsCollector
from evidence_collectors.prometheus.collector import PrometheusCollector
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.collectors.grafana_support import FakeGrafana
from tests.support.hostile import (
    Counter,
    HostileHandler,
    HostileServer,
    announced,
    answer,
    drip,
    gzip_bomb,
    rate_limited,
    redirect,
)
from tests.support.hostile import collect_target as run

Records = dict[str, EvidenceRecord]
BUILD_INFO = {"status": "success", "data": {"version": "3.1.0", "revision": "abc"}}


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def timed(collector: type[Collector], url: str, **fields: Any) -> tuple[Records, float]:
    start = time.monotonic()
    records = run(collector, url, **fields)
    return records, time.monotonic() - start


def all_unavailable(records: Records, reason: str) -> None:
    for probe, record in records.items():
        assert record.status is EvidenceStatus.unavailable, (probe, record.status, record.reason)
        assert reason in record.reason, (probe, record.reason)


def prometheus_routes(server: HostileServer, names: list[str] | None = None) -> None:
    """Just enough of a healthy Prometheus API for the collector."""
    server.routes.update(
        {
            "/api/v1/status/buildinfo": answer(BUILD_INFO),
            "/api/v1/targets": answer({"status": "success", "data": {"activeTargets": []}}),
            "/api/v1/alertmanagers": answer({"status": "success", "data": {"activeAlertmanagers": []}}),
            "/api/v1/rules": answer({"status": "success", "data": {"groups": []}}),
            "/api/v1/alerts": answer({"status": "success", "data": {"alerts": []}}),
            "/api/v1/label/__name__/values": answer({"status": "success", "data": names or []}),
            "/api/v1/query": answer({"status": "success", "data": {"resultType": "vector", "result": []}}),
        }
    )


# --- deadline ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("in_headers", [True, False], ids=["headers", "body"])
def test_a_server_dripping_bytes_is_cut_at_the_request_deadline(hostile: HostileServer, in_headers: bool) -> None:
    """One byte every 0.3 s never trips the 2 s wait for each read, and would take a minute for the whole answer; the
    2 s deadline of the request ends it."""
    hostile.routes["/"] = drip(json.dumps(BUILD_INFO).encode() + b" " * 200, every_s=0.3, in_headers=in_headers)
    records, took = timed(PrometheusCollector, hostile.url, timeout_s=2, request_deadline_s=2)
    all_unavailable(records, "no complete answer within 2 s")
    assert took < 15


def test_a_silent_server_still_reports_the_wait_for_each_read(hostile: HostileServer) -> None:
    def silent(h: HostileHandler) -> None:
        assert h.fake.server is not None
        h.fake.server.release.wait(20)

    hostile.routes["/"] = silent
    records, took = timed(PrometheusCollector, hostile.url, timeout_s=1, request_deadline_s=10)
    all_unavailable(records, "no answer within 1 s")
    assert took < 15


# --- size caps ---------------------------------------------------------------------------------------------------


def test_an_announced_huge_body_is_refused_before_it_is_read(hostile: HostileServer) -> None:
    hostile.routes["/"] = announced(10 * 1024**3)  # 10 GB
    records, took = timed(PrometheusCollector, hostile.url)
    all_unavailable(records, "response larger than 50 MB")
    assert took < 15


def test_an_endless_body_without_length_is_cut_at_the_cap(hostile: HostileServer) -> None:
    def endless(h: HostileHandler) -> None:
        h.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n")
        while not h.released:
            h.wfile.write(b"[" * 65536)

    hostile.routes["/"] = endless
    records, took = timed(PrometheusCollector, hostile.url, max_response_mb=2)
    all_unavailable(records, "response larger than 2 MB")
    assert took < 15


def test_a_gzip_bomb_is_stopped_with_bounded_memory(hostile: HostileServer) -> None:
    """2 GB of spaces, gzipped to about 2 MB: the decompressed cap (4 MB here) stops it; memory stays near the cap."""
    hostile.routes["/"] = gzip_bomb(2 * 1024**3)
    tracemalloc.start()
    try:
        records, took = timed(MlflowCollector, hostile.url, max_decoded_mb=4)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    all_unavailable(records, "response larger than 4 MB once decompressed")
    assert peak < 40 * 1024**2, f"peak {peak / 1024**2:.0f} MB"
    assert took < 15


def test_a_gzip_answer_within_the_caps_is_read(hostile: HostileServer) -> None:
    import gzip

    body = gzip.compress(json.dumps(BUILD_INFO).encode())
    prometheus_routes(hostile)
    hostile.routes["/api/v1/status/buildinfo"] = lambda h: h.send(200, body, headers={"Content-Encoding": "gzip"})
    records = run(PrometheusCollector, hostile.url)
    assert records["prometheus.version"].value == "3.1.0"


# --- redirects ---------------------------------------------------------------------------------------------------


def test_a_redirect_loop_is_unavailable_not_a_collector_failure(hostile: HostileServer) -> None:
    hostile.routes["/"] = redirect(lambda h: "/loop/a" if h.path.startswith("/loop/b") else "/loop/b")
    records, took = timed(PrometheusCollector, hostile.url)
    all_unavailable(records, "redirect loop at")
    assert took < 15


def test_an_endless_chain_of_redirects_is_cut_at_max_redirects(hostile: HostileServer) -> None:
    hops = Counter()
    hostile.routes["/"] = redirect(lambda h: f"/hop/{hops.next()}")
    records = run(PrometheusCollector, hostile.url, max_redirects=3)
    all_unavailable(records, "more than 3 redirects")
    assert hops.value == 4  # the first request and three hops, each redirected once more


# --- rate limits -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("retry_after", ["99999", "Wed, 21 Oct 2099 07:28:00 GMT"])
def test_a_retry_after_beyond_the_cap_is_given_up_at_once(retry_after: str) -> None:
    """Three attempts are allowed, the server asks for a day: the read is given up at once, the rest is read."""
    with FakeGrafana() as grafana:
        grafana.faults["/api/search"] = lambda h, q: rate_limited(retry_after)(h)  # type: ignore[arg-type]
        records, took = timed(GrafanaCollector, grafana.url, retries=2)
    assert took < 15
    search = records["grafana.dashboards"]
    assert search.status is EvidenceStatus.unavailable
    assert "rate limited; server asks to retry after" in search.reason
    assert [p for p, q in grafana.requests].count("/api/search") == 1
    assert records["grafana.version"].status is EvidenceStatus.ok
    assert records["grafana.alert_rules"].status is EvidenceStatus.ok


def test_an_mlflow_429_is_unavailable_not_an_error(hostile: HostileServer) -> None:
    hostile.routes["/"] = rate_limited("1")
    records = run(MlflowCollector, hostile.url)
    all_unavailable(records, "rate limited: HTTP 429")


# --- budgets -----------------------------------------------------------------------------------------------------


def test_the_request_budget_ends_a_target_and_keeps_what_was_read() -> None:
    with FakeGrafana() as grafana:
        records = run(GrafanaCollector, grafana.url, max_requests=3)
        asked = len(grafana.requests)
    assert asked == 3
    assert records["grafana.version"].status is EvidenceStatus.ok
    assert records["grafana.dashboards"].status is EvidenceStatus.ok  # the search listing was read
    spent = [r for r in records.values() if "request budget of 3 requests spent" in r.reason]
    assert spent and all(r.status is EvidenceStatus.unavailable for r in spent)
    assert records["grafana.alert_rules"] in spent


def series_queries(server: HostileServer) -> int:
    """Instant queries that look up model series (the guarded ones), not the few that read the notifier's counters."""
    return sum(
        1
        for seen in server.seen
        if seen.target.startswith("/api/v1/query?") and "prometheus_notifications" not in unquote_plus(seen.target)
    )


def test_the_download_budget_ends_a_target_and_keeps_what_was_read(hostile: HostileServer) -> None:
    """The metric names (about 300 KB) overrun a 0.1 MB budget: their probes are unavailable, the rest is kept."""
    prometheus_routes(hostile, [f"model_{i}_latency_seconds" for i in range(12_000)])
    records = run(PrometheusCollector, hostile.url, max_total_mb=0.1)
    assert records["prometheus.version"].status is EvidenceStatus.ok
    assert records["prometheus.alerting_rules"].status is EvidenceStatus.ok
    names = records["prometheus.model_metric_names"]
    assert names.status is EvidenceStatus.unavailable and "download budget of 0.1 MB spent" in names.reason
    assert series_queries(hostile) == 0


def mlflow_routes(server: HostileServer, token: Any) -> None:
    """An MLflow whose experiment listing never ends: `token(n)` names the page after page n."""
    pages = Counter()

    def experiments(h: HostileHandler) -> None:
        n = pages.next()
        h.send(200, json.dumps({"experiments": [{"experiment_id": str(n)}], "next_page_token": token(n)}).encode())

    server.routes.update(
        {
            "/api/2.0/mlflow/experiments/search": experiments,
            "/api/2.0/mlflow/runs/search": answer({"runs": []}),
            "/api/2.0/mlflow/registered-models/search": answer({"registered_models": []}),
            "/api/2.0/mlflow/model-versions/search": answer({"model_versions": []}),
        }
    )


def test_an_mlflow_page_token_seen_before_ends_the_listing(hostile: HostileServer) -> None:
    mlflow_routes(hostile, lambda n: "again")
    records = run(MlflowCollector, hostile.url)
    count = records["mlflow.experiment_count"]
    assert count.status is EvidenceStatus.ok and count.value == 2
    assert "the server repeated a page token" in count.summary
    assert hostile.hits("/api/2.0/mlflow/experiments/search") == 2


def test_an_endless_mlflow_listing_stops_at_max_pages(hostile: HostileServer) -> None:
    mlflow_routes(hostile, lambda n: f"token-{n}")
    records = run(MlflowCollector, hostile.url, max_pages=7)
    count = records["mlflow.experiment_count"]
    assert count.status is EvidenceStatus.ok and count.value == 7
    assert "max_pages guard (7 pages)" in count.summary
    assert records["mlflow.registered_model_count"].value == 0


def jenkins_folders(server: HostileServer, width: int) -> None:
    """Every folder holds `width` folders and one job, without end."""
    folders = [{"name": f"f{i}", "jobs": []} for i in range(width)]
    job = {"name": "build", "color": "blue", "buildable": True}
    server.routes["/"] = lambda h: h.send(200, json.dumps({"jobs": [*folders, job], "allBuilds": [], **job}).encode())


def test_jenkins_folders_without_end_stop_at_max_folders(hostile: HostileServer) -> None:
    jenkins_folders(hostile, width=10)
    records, took = timed(JenkinsCollector, hostile.url, max_folders=25)
    count = records["jenkins.job_count"]
    assert count.status is EvidenceStatus.ok and count.value == 25
    assert "stopped at max_folders (25 folders listed)" in count.summary
    assert hostile.hits("/") <= 25 + 25 * 1  # the listings, and one build page per job
    assert took < 30


def test_jenkins_folders_nested_without_end_stop_at_max_folder_depth(hostile: HostileServer) -> None:
    jenkins_folders(hostile, width=1)
    records = run(JenkinsCollector, hostile.url, max_folder_depth=3)
    count = records["jenkins.job_count"]
    assert count.value == 4  # the job at the top and in each of the three folders opened
    assert "stopped at max_folder_depth (3)" in count.summary


def test_model_metric_names_by_the_hundred_thousand_cost_at_most_max_series_queries(hostile: HostileServer) -> None:
    """250,000 model metric names would be 2,500 queries of 100 names; the default guard runs 50."""
    names = [f"model_{i}_predictions_total" for i in range(250_000)]
    prometheus_routes(hostile, names)
    records, took = timed(PrometheusCollector, hostile.url)
    assert series_queries(hostile) == 50
    assert records["prometheus.model_metric_names"].value == 250_000
    versioned = records["prometheus.model_metrics_with_version_label_ratio"]
    assert versioned.status is EvidenceStatus.ok
    assert "first 5000 of 250000 model metric names" in versioned.summary
    assert "max_series_queries of 50 reached" in records["prometheus.model_serving_targets"].summary
    assert took < 60


class Item(BaseModel):
    n: int


@pytest.mark.parametrize("paging", ["link", "gitlab"])
def test_a_listing_whose_server_names_a_page_again_ends(hostile: HostileServer, paging: str) -> None:
    """A `Link: rel="next"` or GitLab `X-Next-Page` naming page 2 on every page: page 2 is read once, then reading
    stops and says why."""
    next_page = (
        {"Link": f'<{hostile.url}/api/v4/items?per_page=100&page=2>; rel="next"'}
        if paging == "link"
        else {"X-Next-Page": "2"}
    )
    hostile.routes["/api/v4/items"] = answer([{"n": 1}], headers=next_page)
    config = GitLabConfig.model_validate({"collector": "gitlab", "name": "g", "url": hostile.url, "project": "ml/app"})
    with GitLabApi(config, CollectContext(raw=RawStore(), redactor=Redactor())) as api:
        listing = api.pages("/api/v4/items", Item)
    assert listing.pages == 2 and len(listing.items) == 2
    assert "the server named a page it had already served" in listing.stopped
    assert hostile.hits("/api/v4/items") == 2


# --- the orchestrator, cluster and cloud collectors under the same faults -------------------------------------------

NEWER: dict[str, tuple[type[Collector], dict[str, Any]]] = {
    "kubernetes": (KubernetesCollector, {}),
    "airflow": (AirflowCollector, {}),
    "kubeflow": (KubeflowCollector, {}),
    "modelarts": (ModelArtsCollector, {"project_id": "0a1b2c3d"}),
}
FAULTS: dict[str, tuple[Any, dict[str, Any], str]] = {
    "huge": (announced(10 * 1024**3), {}, "response larger than 50 MB"),
    "bomb": (gzip_bomb(256 * 1024**2), {"max_decoded_mb": 4}, "once decompressed"),
    "retry-after": (rate_limited("99999"), {"retries": 2}, "rate limited; server asks to retry after 99999 s"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("kind", list(NEWER))
def test_the_newer_collectors_end_every_fault_within_bounds(hostile: HostileServer, kind: str, fault: str) -> None:
    """Every answer is the fault: each probe is unavailable with the layer's reason, never a value nor a collector
    failure, and the target ends within seconds."""
    collector, fields = NEWER[kind]
    route, extra, reason = FAULTS[fault]
    hostile.routes["/"] = route
    records, took = timed(collector, hostile.url, **fields, **extra)
    all_unavailable(records, reason)
    assert took < 15

"""The Grafana collector against a real HTTP server answering with recorded Grafana responses (fixtures/grafana/).

Expected figures follow from the fixtures: 6 dashboards listed (one deleted before it is read), 3 of the 5 readable ones
query model metrics; 5 rules (one recording, one paused); 3 data sources; 3 of 4 annotations tagged as deployments.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest

from evidence_collectors.base import CollectContext
from evidence_collectors.grafana.collector import ALERT_PROBES, CONTENT_PROBES, GrafanaCollector
from evidence_collectors.grafana.config import GrafanaConfig
from evidence_collectors.records import EvidenceStatus
from tests.collectors.grafana_support import FakeGrafana, message
from tests.support import collecting
from tests.support.local_http import hang, json_answer, status
from tests.support.servers import free_port

TOKEN = "glsa_TestServiceAccount_0a1b2c3d4e5f"
CONTENT = [p.removeprefix("grafana.") for p in CONTENT_PROBES]
ALERTS = [p.removeprefix("grafana.") for p in ALERT_PROBES]


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRAFANA_TEST_TOKEN", TOKEN)
    return TOKEN


@pytest.fixture
def grafana(token: str) -> Iterator[FakeGrafana]:
    with FakeGrafana(token=token) as fake:
        yield fake


def config(url: str, **extra: Any) -> GrafanaConfig:
    fields = {"collector": "grafana", "name": "grafana", "url": url, "token_env": "GRAFANA_TEST_TOKEN", "page_size": 2}
    return collecting.target_config(GrafanaConfig, fields, extra)


def run(cfg: GrafanaConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(GrafanaCollector, cfg, prefix="grafana.")


def test_figures_match_the_recorded_instance(grafana: FakeGrafana) -> None:
    records, ctx = run(config(grafana.url))
    assert all(r.status is EvidenceStatus.ok for r in records.values()), {
        k: r.reason for k, r in records.items() if r.status is not EvidenceStatus.ok
    }
    got = {k: r.value for k, r in records.items()}
    assert got["version"] == "10.4.2"
    assert got["dashboards"] == 6
    assert got["model_dashboards"] == 3  # churn, fraud (panels in a collapsed row), legacy recommender (rows)
    assert got["model_dashboard_titles"] == [
        "ML models/Churn model – serving",
        "ML models/Fraud model – Triton latency",
        "ML models/Recommender (Seldon)",
    ]  # "Recommendation model – business KPIs" has "model" in its title only: its SQL queries orders
    assert got["model_dashboard_categories"] == [
        "latency",
        "traffic",
        "errors",
        "prediction_distribution",
        "drift",
        "data_quality",
    ]
    assert got["complete_model_dashboards"] == 2  # churn and recommender; fraud shows latency and errors only
    assert got["model_dashboards_with_version_variable"] == 1
    assert got["model_dashboards_provisioned_ratio"] == round(2 / 3, 4)
    assert got["alert_rules"] == 4  # the recording rule is left out
    assert got["model_alert_rules"] == 2  # the fraud rule is paused
    assert got["model_alert_categories"] == ["latency", "drift"]
    assert got["drift_alert_rules"] == 1
    assert got["model_alert_rules_with_owner_ratio"] == 0.5
    assert got["model_alert_rules_with_severity_ratio"] == 1.0
    assert got["data_sources"] == 3
    assert got["data_source_types"] == ["grafana-postgresql-datasource", "loki", "prometheus"]
    assert got["deployment_annotations"] == 3  # the incident annotation is not a deployment

    assert "Old experiment board" in records["model_dashboards"].summary  # listed, 404 when read
    assert "3 of 5 dashboards read show model metrics" in records["model_dashboards"].summary
    assert "1 paused and left out: Fraud model error rate" in records["model_alert_rules"].summary
    assert "6 dashboards in 4 folders, read in 4 search page(s)" in records["dashboards"].summary
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        assert record.summary and record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
        assert record.source.system == "grafana"
    assert not [r for r in grafana.requests if r[0].startswith("POST")]


def test_search_follows_every_page(grafana: FakeGrafana) -> None:
    run(config(grafana.url, page_size=2))
    assert grafana.pages_requested() == [(2, 1), (2, 2), (2, 3), (2, 4)]  # the 4th page is empty: the end
    grafana.requests.clear()
    records, _ = run(config(grafana.url, page_size=4))
    assert grafana.pages_requested() == [(4, 1), (4, 2)]
    assert records["dashboards"].value == 6


def test_the_page_guard_is_reported(grafana: FakeGrafana) -> None:
    records, _ = run(config(grafana.url, page_size=2, max_pages=2))
    assert records["dashboards"].value == 4
    assert "max-pages guard was hit" in records["dashboards"].summary


def test_the_dashboard_guard_is_reported(grafana: FakeGrafana) -> None:
    records, _ = run(config(grafana.url, max_dashboards=2))
    assert records["model_dashboards"].value == 2
    assert "4 dashboard(s) not read: the max-dashboards guard was hit" in records["model_dashboards"].summary


def test_a_rate_limited_page_is_retried(token: str) -> None:
    with FakeGrafana(token=token, rate_limit_once={"/api/search?page=2"}) as fake:
        records, _ = run(config(fake.url, retries=1))
        pages = fake.pages_requested()
    assert records["dashboards"].value == 6
    assert pages.count((2, 2)) == 2


def test_each_failing_endpoint_costs_only_its_probes(token: str) -> None:
    faults = {
        "/api/v1/provisioning/alert-rules": hang,
        "/api/datasources": status(200, b'[{"id": 1, "name": "Prometheus", '),
        "/api/dashboards/uid/fraud-latency": message(500, "Internal Server Error"),
        "/api/annotations": message(403, "Permissions needed: annotations:read"),
    }
    started = time.monotonic()
    with FakeGrafana(token=token, faults=faults) as fake:
        records, _ = run(config(fake.url))
    assert time.monotonic() - started < 10
    for probe in ALERTS:
        assert records[probe].status is EvidenceStatus.unavailable, probe
        assert "no answer within 1 s" in records[probe].reason
    for probe in ("data_sources", "data_source_types"):
        assert records[probe].status is EvidenceStatus.error and "invalid JSON" in records[probe].reason
    for probe in CONTENT:
        assert records[probe].status is EvidenceStatus.unavailable and "HTTP 500" in records[probe].reason, probe
    assert records["deployment_annotations"].status is EvidenceStatus.error
    assert "not authorised" in records["deployment_annotations"].reason
    assert records["dashboards"].value == 6 and records["version"].value == "10.4.2"
    for record in records.values():
        if record.status is not EvidenceStatus.ok:
            assert record.value is None and record.reason and record.summary.startswith(record.status.value)


def test_a_wrong_token_is_an_error_on_every_authenticated_probe(
    grafana: FakeGrafana, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRAFANA_TEST_TOKEN", "glsa_wrong_token_000")
    records, _ = run(config(grafana.url))
    assert records["version"].status is EvidenceStatus.ok  # /api/health needs no token
    for probe, record in records.items():
        if probe != "version":
            assert record.status is EvidenceStatus.error and "not authorised" in record.reason, probe


def test_an_empty_grafana_gives_zero_not_none(token: str) -> None:
    faults = {
        "/api/search": json_answer([]),
        "/api/v1/provisioning/alert-rules": json_answer([]),
        "/api/datasources": json_answer([]),
        "/api/reports": json_answer([]),  # an empty Grafana Enterprise
    }
    with FakeGrafana(token=token, faults=faults) as fake:
        records, _ = run(config(fake.url))
    assert all(r.status is EvidenceStatus.ok for r in records.values())
    assert records["recurring_measurement_reports"].value == 0
    assert records["dashboards"].value == 0 and records["model_dashboards"].value == 0
    assert records["model_dashboards_provisioned_ratio"].value == 0.0
    assert "there are no model dashboards" in records["model_dashboards_provisioned_ratio"].summary
    assert records["model_alert_rules_with_owner_ratio"].value == 0.0
    assert "no active model alert rules" in records["model_alert_rules_with_owner_ratio"].summary
    assert records["data_source_types"].value == []


def test_an_unexpected_answer_shape_is_an_error(token: str) -> None:
    with FakeGrafana(token=token, faults={"/api/search": json_answer({"dashboards": []})}) as fake:
        records, _ = run(config(fake.url))
    for probe in ["dashboards", *CONTENT]:
        assert records[probe].status is EvidenceStatus.error and "unexpected answer" in records[probe].reason


def test_connection_refused_and_hang_make_every_probe_unavailable_while_other_targets_complete(
    grafana: FakeGrafana,
) -> None:
    with FakeGrafana(faults={"/api/health": hang}) as hanging:
        refused = config(f"http://127.0.0.1:{free_port()}", name="refused")
        started = time.monotonic()
        collection = collecting.collect_targets(
            GrafanaCollector, refused, config(hanging.url, name="hanging"), config(grafana.url, name="live")
        )
        assert time.monotonic() - started < 10
    by_target = collecting.records_by_target(collection.records)
    assert all(r.status is EvidenceStatus.unavailable and "cannot connect" in r.reason for r in by_target["refused"])
    assert all(r.status is EvidenceStatus.unavailable and "no answer within" in r.reason for r in by_target["hanging"])
    assert all(r.status is EvidenceStatus.ok for r in by_target["live"])


def test_the_token_is_sent_but_never_recorded(token: str) -> None:
    echo = status(404, f"no route; request carried Authorization: Bearer {token}", "text/plain")
    leaky = json_answer([{"id": 9, "time": 1, "tags": ["deploy"], "text": f"deployed with token {token}"}])
    with FakeGrafana(token=token, faults={"/api/datasources": echo, "/api/annotations": leaky}) as fake:
        records, ctx = run(config(fake.url))
        seen = [a for p, a in zip([r[0] for r in fake.requests], fake.seen_auth, strict=True) if p != "/api/health"]
    assert seen and all(a == f"Bearer {token}" for a in seen)
    assert records["data_sources"].status is EvidenceStatus.error
    assert records["deployment_annotations"].value == 1
    texts = [r.model_dump_json() for r in records.values()]
    texts += [item.body.decode("utf-8", "replace") + item.url for item in ctx.raw.items()]
    assert not [t for t in texts if TOKEN in t]
    assert sum("***" in item.body.decode("utf-8", "replace") for item in ctx.raw.items()) == 2


def test_an_unset_token_variable_is_an_error_for_the_target(grafana: FakeGrafana) -> None:
    cfg = config(grafana.url, token_env="GRAFANA_TOKEN_NOT_SET_ANYWHERE")
    collection = collecting.collect_targets(GrafanaCollector, cfg)
    assert all(r.status is EvidenceStatus.error and "is not set" in r.reason for r in collection.records)


@pytest.mark.parametrize(
    "settings",
    [{"page_size": 0}, {"page_size": 5001}, {"model_metric_pattern": "[unclosed"}, {"password": "inline"}],
)
def test_bad_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        config("http://127.0.0.1:3000", **settings)


def test_catalogue_is_complete_and_bilingual() -> None:
    collecting.assert_catalogue_complete(GrafanaCollector, "grafana.")
    assert len(GrafanaCollector.probe_ids()) == 25

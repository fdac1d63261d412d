"""The MLflow collector against a real MLflow server filled by the test (see mlflow_support.py for what is in it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest

from evidence_collectors.base import CollectContext
from evidence_collectors.config import TargetConfig
from evidence_collectors.mlflow import MlflowCollector
from evidence_collectors.mlflow.config import MlflowConfig
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.collectors import mlflow_support as support
from tests.support import collecting
from tests.support.servers import free_port

mlflow_site = support.mlflow_site  # the session fixture: one real server, started once and stopped at the end

TOKEN = "mlf-test-secret-7c1f9e2a"

# What the fill put in (the table in mlflow_support.py), probe by probe.
EXPECTED: dict[str, Any] = {
    "experiment_count": 4,
    "experiments_with_description_ratio": 0.25,
    "run_count": 13,
    "runs_with_params_ratio": round(11 / 13, 4),
    "runs_with_metrics_ratio": round(12 / 13, 4),
    "runs_with_git_commit_ratio": round(7 / 13, 4),
    "runs_with_git_branch_ratio": round(6 / 13, 4),
    "runs_with_dataset_input_ratio": round(4 / 13, 4),
    "runs_fully_tracked_ratio": round(3 / 13, 4),
    "runs_with_description_ratio": round(1 / 13, 4),
    "runs_with_logged_model_count": 1,
    "runs_last_30_days": 12,
    "distinct_user_count": 2,
    "run_source_types": ["LOCAL", "JOB"],
    "run_statuses": ["FINISHED", "FAILED"],
    "failed_run_ratio": round(1 / 13, 4),
    "distinct_dataset_versions": 3,
    "child_run_ratio": round(5 / 13, 4),
    "hyperparameter_search_count": 2,
    "search_trials_logged_ratio": 0.8,
    "searches_recording_choice_ratio": 0.5,
    "searches_recording_chosen_values_ratio": 0.5,
    "searches_with_parallel_trials_ratio": 0.5,
    "searches_with_budget_ratio": 0.5,
    "registered_model_count": 4,
    "registered_models_with_description_ratio": 0.5,
    "registered_models_with_tags_ratio": 0.25,
    "registered_models_with_lifecycle_ratio": 0.5,
    "model_lifecycle_labels": ["alias:champion", "stage:Staging"],
    "model_version_count": 5,
    "model_versions_with_run_ratio": 0.8,
    "model_versions_with_description_ratio": 0.2,
    "model_versions_with_lineage_ratio": 0.4,
    "model_versions_registered_by_run_ratio": 0.6,
    "latest_versions_with_signature_ratio": round(1 / 3, 4),
    "model_versions_with_run_artifacts_ratio": 0.8,
    "model_versions_with_owner_ratio": 0.8,
    "released_model_versions": 2,
    "released_versions_with_provenance_ratio": 1.0,
    "model_versions_with_dataset_location_ratio": 0.6,
    "released_versions_with_code_and_data_source_ratio": 1.0,
    "released_versions_with_dataset_version_ratio": 1.0,
    "released_versions_with_metrics_ratio": 1.0,
    "released_versions_with_model_files_ratio": 1.0,
    "released_versions_packaged_ratio": 0.5,
}
TRACKING = {
    p for p in EXPECTED if p.startswith(("experiment", "run", "distinct", "child", "hyper", "search", "failed"))
}
EXPERIMENTS_ONLY = {"experiment_count", "experiments_with_description_ratio"}
RUNS = TRACKING - EXPERIMENTS_ONLY
VERSIONS = {
    "model_version_count", "model_versions_with_run_ratio", "model_versions_with_description_ratio",
    "model_versions_with_run_artifacts_ratio",
}  # fmt: skip
MODELS = {p for p in EXPECTED if p.startswith("registered_model")} | {"model_lifecycle_labels"}
LINEAGE = {
    "model_versions_with_lineage_ratio", "model_versions_registered_by_run_ratio", "model_versions_with_owner_ratio",
    "released_model_versions", "released_versions_with_provenance_ratio", "model_versions_with_dataset_location_ratio",
    "released_versions_with_code_and_data_source_ratio", "released_versions_with_dataset_version_ratio",
    "released_versions_with_metrics_ratio",
}  # fmt: skip
SIGNATURE = {"latest_versions_with_signature_ratio"}
PACKAGES = {"released_versions_with_model_files_ratio", "released_versions_packaged_ratio"}


def config(url: str, **settings: Any) -> MlflowConfig:
    return collecting.target_config(
        MlflowConfig, {"collector": "mlflow", "name": "tracking", "url": url, "timeout_s": 5}, settings
    )


def collect(cfg: TargetConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(MlflowCollector, cfg, prefix="mlflow.")


def values(records: dict[str, EvidenceRecord]) -> dict[str, Any]:
    return {p: r.value for p, r in records.items() if r.status is EvidenceStatus.ok}


@pytest.fixture(scope="module")
def full(mlflow_site: support.Filled) -> tuple[dict[str, EvidenceRecord], CollectContext]:
    return collect(config(mlflow_site.url))


@pytest.fixture(scope="module")
def proxy_server(mlflow_site: support.Filled) -> Iterator[support.FaultProxy]:
    proxy = support.FaultProxy(mlflow_site.url, hang_s=3.0)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.fixture
def proxy(proxy_server: support.FaultProxy) -> support.FaultProxy:
    proxy_server.faults.clear()
    proxy_server.token = None
    proxy_server.seen_auth.clear()
    return proxy_server


# --- figures ------------------------------------------------------------------------------------------------------


def test_catalogue_is_complete_and_typed() -> None:
    ids = MlflowCollector.probe_ids()
    assert len(ids) == len(set(ids)) == len(EXPECTED)
    assert {i.removeprefix("mlflow.") for i in ids} == set(EXPECTED)
    for spec in MlflowCollector.probes:
        assert spec.short and spec.short_zh and spec.motivation and spec.implementation
        assert spec.remediation.text and spec.remediation.text_zh


def test_figures_match_what_was_logged(full: tuple[dict[str, EvidenceRecord], CollectContext]) -> None:
    records, _ = full
    assert values(records) == EXPECTED
    types = {s.id.removeprefix("mlflow."): s.value_type for s in MlflowCollector.probes}
    for probe, record in records.items():
        kind = {"int": int, "ratio": float, "float": float, "list": list, "str": str, "bool": bool}[types[probe]]
        assert isinstance(record.value, kind), probe
        assert record.source.system == "mlflow" and record.collector.version == "1.0.0"


def test_summaries_give_the_numbers(full: tuple[dict[str, EvidenceRecord], CollectContext]) -> None:
    records, _ = full
    summary = {p: r.summary for p, r in records.items()}
    assert summary["runs_with_git_commit_ratio"] == (
        "7 of 13 runs (53.8%) carry a git commit tag (mlflow.source.git.commit)"
    )
    assert summary["hyperparameter_search_count"].startswith("2 parent runs with at least 2 child runs")
    assert "2.5 trials on average" in summary["hyperparameter_search_count"]
    assert summary["run_count"] == "13 active runs in 2 of 4 experiments"
    assert "alias:champion (1)" in summary["model_lifecycle_labels"]
    assert summary["run_source_types"] == "run source types (mlflow.source.type): LOCAL 7, JOB 6"
    signature = summary["latest_versions_with_signature_ratio"]
    assert signature.startswith("1 of 3 newest model versions (33.3%)")
    assert "1 MLmodel files could not be read" in signature and "HTTP 500" in signature


def test_every_value_is_backed_by_raw_responses(full: tuple[dict[str, EvidenceRecord], CollectContext]) -> None:
    records, ctx = full
    stored = {item.sha256: item for item in ctx.raw.items()}
    for probe, record in records.items():
        assert record.raw_sha256, probe
        assert set(record.raw_sha256) <= set(stored), probe
    urls = {stored[sha].url for sha in records["run_count"].raw_sha256}
    assert any("/runs/search" in u for u in urls) and any("/experiments/search" in u for u in urls)
    urls = {stored[sha].url for sha in records["latest_versions_with_signature_ratio"].raw_sha256}
    assert any("/model-versions/get-artifact" in u and "MLmodel" in u for u in urls)


def test_small_pages_give_the_same_figures(mlflow_site: support.Filled) -> None:
    records, ctx = collect(config(mlflow_site.url, runs_page_size=2))
    assert values(records) == EXPECTED
    pages = [i for i in ctx.raw.items() if i.url.endswith("/runs/search")]
    assert len(pages) == 7  # 13 runs, 2 per page


def test_guards_stop_reading_and_say_so(mlflow_site: support.Filled) -> None:
    records, _ = collect(config(mlflow_site.url, max_runs=5, runs_page_size=2))
    assert records["run_count"].value == 5
    assert "max_runs guard (5 runs" in records["run_count"].summary
    assert "max_runs guard" in records["runs_with_params_ratio"].summary
    records, _ = collect(config(mlflow_site.url, max_runs=13, runs_page_size=5))
    assert records["run_count"].value == 13 and "guard" not in records["run_count"].summary
    records, _ = collect(config(mlflow_site.url, max_pages=2, runs_page_size=2))
    assert records["run_count"].value == 4
    assert "max_pages guard (2 pages)" in records["run_count"].summary


def test_name_filters_and_run_lookups(mlflow_site: support.Filled) -> None:
    records, ctx = collect(config(mlflow_site.url, experiments=["fraud%"], registered_models=["churn%"]))
    got = values(records)
    assert got["experiment_count"] == 1 and got["run_count"] == 11
    assert "matching 'fraud%'" in records["experiment_count"].summary
    assert got["registered_model_count"] == 1 and got["model_version_count"] == 2
    # churn-model's runs are in the churn experiment, which was not read: they are fetched one by one (runs/get)
    assert got["model_versions_with_lineage_ratio"] == 0.5
    assert got["model_versions_registered_by_run_ratio"] == 0.5
    assert got["latest_versions_with_signature_ratio"] == 0.0
    lookups = [i for i in ctx.raw.items() if "/runs/get" in i.url]
    assert len(lookups) == 2
    assert {i.sha256 for i in lookups} <= set(records["model_versions_with_lineage_ratio"].raw_sha256)

    records, _ = collect(config(mlflow_site.url, experiments=["fraud%"], max_run_lookups=0, max_signature_reads=1))
    assert records["model_versions_with_lineage_ratio"].value == 0.2  # only fraud-model v1 traced, from runs read
    assert "source runs were not read (max_run_lookups guard)" in records["model_versions_with_lineage_ratio"].summary
    assert "registered models were not checked (max_signature_reads" in (
        records["latest_versions_with_signature_ratio"].summary
    )


def test_empty_populations_are_zero_with_a_reason(mlflow_site: support.Filled) -> None:
    records, _ = collect(config(mlflow_site.url, experiments=["no-such-%"], registered_models=["no-such-%"]))
    got = values(records)
    assert got["experiment_count"] == 0 and got["run_count"] == 0 and got["registered_model_count"] == 0
    assert got["runs_with_git_commit_ratio"] == 0.0 and got["latest_versions_with_signature_ratio"] == 0.0
    assert got["run_source_types"] == [] and got["model_lifecycle_labels"] == []
    assert records["runs_with_git_commit_ratio"].summary.startswith("no runs to check")
    assert records["searches_recording_choice_ratio"].summary.startswith("no searches to check")


def test_name_patterns_cannot_break_the_filter() -> None:
    with pytest.raises(pydantic.ValidationError):
        config("http://127.0.0.1:1", experiments=["x' OR name LIKE '%"])
    with pytest.raises(pydantic.ValidationError):
        MlflowConfig(collector="mlflow", name="t", url="http://127.0.0.1:1", token="inline")


# --- faults -------------------------------------------------------------------------------------------------------


def statuses(records: dict[str, EvidenceRecord]) -> dict[str, EvidenceStatus]:
    return {p: r.status for p, r in records.items()}


def test_failing_runs_search_costs_only_the_run_probes(proxy: support.FaultProxy) -> None:
    proxy.faults["/api/2.0/mlflow/runs/search"] = "500"
    records, _ = collect(config(proxy.url))
    down = {p for p, s in statuses(records).items() if s is EvidenceStatus.unavailable}
    assert down == RUNS | LINEAGE
    assert all("HTTP 500" in records[p].reason for p in down)
    assert all(records[p].value is None for p in down)
    ok = values(records)
    assert {p: ok[p] for p in EXPERIMENTS_ONLY | MODELS | VERSIONS | SIGNATURE | PACKAGES} == {
        p: EXPECTED[p] for p in EXPERIMENTS_ONLY | MODELS | VERSIONS | SIGNATURE | PACKAGES
    }


def test_invalid_json_from_model_versions_costs_only_the_registry_probes_needing_them(
    proxy: support.FaultProxy,
) -> None:
    proxy.faults["/api/2.0/mlflow/model-versions/search"] = "invalid_json"
    records, _ = collect(config(proxy.url))
    failed = {p for p, s in statuses(records).items() if s is EvidenceStatus.error}
    assert failed == MODELS | VERSIONS | LINEAGE | SIGNATURE | PACKAGES
    assert all("invalid JSON" in records[p].reason for p in failed)
    assert {p: v for p, v in values(records).items()} == {p: EXPECTED[p] for p in TRACKING}


def test_invalid_json_from_experiments_leaves_the_registry(proxy: support.FaultProxy) -> None:
    proxy.faults["/api/2.0/mlflow/experiments/search"] = "invalid_json"
    records, _ = collect(config(proxy.url))
    failed = {p for p, s in statuses(records).items() if s is EvidenceStatus.error}
    assert failed == TRACKING | LINEAGE
    assert values(records) == {p: EXPECTED[p] for p in MODELS | VERSIONS | SIGNATURE | PACKAGES}


def test_unreadable_artifact_store_costs_only_the_signature_probe(proxy: support.FaultProxy) -> None:
    proxy.faults["/model-versions/get-artifact"] = "hang"
    start = time.monotonic()
    records, _ = collect(config(proxy.url, timeout_s=1))
    assert time.monotonic() - start < 15
    assert records["latest_versions_with_signature_ratio"].status is EvidenceStatus.unavailable
    assert "MLmodel files cannot be read" in records["latest_versions_with_signature_ratio"].reason
    assert all(records[p].status is EvidenceStatus.unavailable for p in PACKAGES)
    assert values(records) == {p: v for p, v in EXPECTED.items() if p not in SIGNATURE | PACKAGES}


def test_hanging_server_and_refused_connection_do_not_stop_other_targets(
    proxy: support.FaultProxy, mlflow_site: support.Filled
) -> None:
    proxy.faults.update({path: "hang" for path in (
        "/api/2.0/mlflow/experiments/search", "/api/2.0/mlflow/registered-models/search",
        "/api/2.0/mlflow/model-versions/search",
    )})  # fmt: skip
    hanging = config(proxy.url, name="hanging", timeout_s=1)
    refused = config(f"http://127.0.0.1:{free_port()}", name="refused", timeout_s=1, retries=1)
    start = time.monotonic()
    collection = collecting.collect_targets(MlflowCollector, hanging, refused, config(mlflow_site.url, name="healthy"))
    assert time.monotonic() - start < 20
    by_target = collecting.records_by_target(collection.records)
    assert all(r.status is EvidenceStatus.unavailable for r in by_target["hanging"])
    assert all("no answer within 1 s" in r.reason for r in by_target["hanging"])
    assert all(r.status is EvidenceStatus.unavailable for r in by_target["refused"])
    assert all("cannot connect" in r.reason and "2 attempt(s)" in r.reason for r in by_target["refused"])
    healthy = {r.probe.removeprefix("mlflow."): r.value for r in by_target["healthy"]}
    assert healthy == EXPECTED


def test_unauthorised_answers_are_errors(proxy: support.FaultProxy) -> None:
    proxy.token = TOKEN
    records, _ = collect(config(proxy.url))
    assert all(r.status is EvidenceStatus.error for r in records.values())
    assert all("HTTP 401" in r.reason and "not authorised" in r.reason for r in records.values())


# --- secrets ------------------------------------------------------------------------------------------------------


def test_token_is_sent_but_never_recorded(proxy: support.FaultProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy.token = TOKEN
    monkeypatch.setenv("MLFLOW_TEST_TOKEN", TOKEN)
    records, ctx = collect(config(proxy.url, token_env="MLFLOW_TEST_TOKEN"))
    assert values(records) == EXPECTED
    assert proxy.seen_auth and all(a == f"Bearer {TOKEN}" for a in proxy.seen_auth)
    assert_nowhere(TOKEN, records, ctx)


def test_rejected_token_echoed_by_the_server_is_redacted(
    proxy: support.FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy.token = TOKEN
    wrong = "mlf-wrong-secret-5d3b8e10"
    monkeypatch.setenv("MLFLOW_TEST_TOKEN", wrong)
    records, ctx = collect(config(proxy.url, token_env="MLFLOW_TEST_TOKEN"))
    assert all(r.status is EvidenceStatus.error for r in records.values())
    bodies = [item.body for item in ctx.raw.items()]
    assert bodies and all(b"rejected credentials: Bearer ***" in b for b in bodies)
    assert_nowhere(wrong, records, ctx)


def test_missing_token_variable_is_an_error_without_requests(
    proxy: support.FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TEST_TOKEN_UNSET", raising=False)
    collection = collecting.collect_targets(MlflowCollector, config(proxy.url, token_env="MLFLOW_TEST_TOKEN_UNSET"))
    assert all(r.status is EvidenceStatus.error for r in collection.records)
    assert all("MLFLOW_TEST_TOKEN_UNSET is not set" in r.reason for r in collection.records)
    assert not proxy.seen_auth


def assert_nowhere(secret: str, records: dict[str, EvidenceRecord], ctx: CollectContext) -> None:
    for record in records.values():
        assert secret not in record.model_dump_json()
    for item in ctx.raw.items():
        assert secret.encode() not in item.body
        assert secret not in item.url

"""Kubeflow Pipelines collector against recorded REST API v2beta1 answers served over real HTTP on 127.0.0.1.

The fixtures (tests/collectors/fixtures/kubeflow/) are written by generate.py from a table of pipelines, their
versions, schedules and runs; the expected figures beside them (expected.json) are counted from the table's rows, not
by the collector's code.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from evidence_collectors.bundle import write_bundle
from evidence_collectors.bundle_format import read_records
from evidence_collectors.kubeflow import KubeflowCollector
from evidence_collectors.kubeflow.collector import Versions, version_listed
from evidence_collectors.kubeflow.config import KubeflowConfig
from evidence_collectors.kubeflow.models import KfpRun, PipelineVersion, RecurringRun
from evidence_collectors.kubeflow.views import period_s, spec_images, spec_tasks, versioned_image
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer
from tests.support.servers import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "kubeflow"
TOKEN = "kfp-SECRET-bearer-5d2f8a91c3"
ENV = "MLOPS_TEST_KUBEFLOW_TOKEN"

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def config(url: str, name: str = "kubeflow", **extra: Any) -> KubeflowConfig:
    fields = {"collector": "kubeflow", "name": name, "url": url, "token_env": ENV}
    return collecting.target_config(KubeflowConfig, fields, extra)


def site(srv: RecordedHttpServer, **extra: Any) -> KubeflowConfig:
    return config(f"{srv.base_url}/kfp", namespace="team-a", page_size=4, **extra)


def collect(cfg: KubeflowConfig) -> collecting.Records:
    return collecting.collect_records(KubeflowCollector, cfg, "kubeflow.")[0]


def values(records: collecting.Records) -> dict[str, Any]:
    return {probe: r.value for probe, r in records.items()}


def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    return data


def test_figures_match_the_table(server: RecordedHttpServer) -> None:
    records, ctx = collecting.collect_records(KubeflowCollector, site(server), "kubeflow.")
    assert {r.status for r in records.values()} == {EvidenceStatus.ok}
    assert values(records) == expected()
    summary = {p: r.summary for p, r in records.items()}
    assert "2 runs of pipelines out of scope or without a pipeline reference left out" in summary["runs"]
    assert "left out: 9b8a7c6d" in summary["scheduled_pipelines_on_time_ratio"], "a monthly schedule, 30-day window"
    assert "3 of 4 recurring runs" in summary["recurring_runs_enabled"]
    assert "not yet: run-fraud-detector-00" in summary["failed_runs_recovered_ratio"]
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        assert record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
        assert record.source.system == "orchestrator"
    assert records["experiments"].source.url.endswith("/kfp/apis/v2beta1/experiments")


def test_reads_with_page_tokens_in_the_namespace_and_stops_at_the_window(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(site(server))
    assert {r.method for r in seen} == {"GET"}, "read-only"
    assert not [r for r in server.unmatched if r in seen]
    assert {r.headers.get("authorization") for r in seen} == {f"Bearer {TOKEN}"}
    runs = [r.query for r in seen if r.path == "/kfp/apis/v2beta1/runs"]
    assert [q.get("page_token") for q in runs] == [None, "runs-page-2", "runs-page-3", "runs-page-4", "runs-page-5"]
    assert all(q["namespace"] == "team-a" and q["sort_by"] == "created_at desc" for q in runs)
    assert "older-runs" not in {q.get("page_token") for q in runs}, "the page past the window ends the reading"
    pipelines = [r.query.get("page_token") for r in seen if r.path == "/kfp/apis/v2beta1/pipelines"]
    assert pipelines == [None, "pipelines-page-2"]
    versions = [r for r in seen if r.path.endswith("/versions")]
    assert len(versions) == 5 and all("namespace" not in r.query for r in versions)


def test_scope_by_pipeline_and_experiment(server: RecordedHttpServer) -> None:
    records = collect(site(server, pipelines=["churn-training"], experiments=["churn"]))
    assert records["pipelines"].value == 1 and records["recurring_runs_enabled"].value == 1
    assert records["runs"].value == 6 and records["experiments"].value == 1
    assert records["pipelines_with_training_and_evaluation_ratio"].value == 1.0
    missing = collect(site(server, pipelines=["nope"]))
    assert {r.status for r in missing.values()} == {EvidenceStatus.error}
    assert "not readable: nope" in (missing["pipelines"].reason or "")
    capped = collect(site(server, max_items=4))
    assert capped["pipelines"].value == 4 and "stopped at max_items (4)" in capped["pipelines"].summary


def test_runs_must_name_a_pipeline_version_that_is_still_stored(server: RecordedHttpServer) -> None:
    records = collect(site(server))
    summary = records["runs_with_pipeline_version_ratio"].summary
    assert "12 of 16 (75.0%) runs created in the last 30 days name a pipeline version" in summary
    for run in ("run-churn-training-03", "run-fraud-detector-01", "run-inline-00", "run-inline-01"):
        assert run in summary, "a deleted version, no version id, a spec sent inline"
    assert "run-churn-training-02" not in summary, "an older version still listed is a stored definition"
    named = collect(site(server, pipelines=["churn-training"]))
    assert named["runs_with_pipeline_version_ratio"].value == round(5 / 6, 4), "inline runs belong to no named pipeline"


def test_a_version_beyond_max_items_cannot_be_disproved() -> None:
    stored = [PipelineVersion(pipeline_version_id="v2", pipeline_id="p")]
    run = KfpRun(run_id="r", pipeline_version_reference={"pipeline_id": "p", "pipeline_version_id": "v1"})
    assert not version_listed(run, Versions({"p": stored}, "", set()))
    assert version_listed(run, Versions({"p": stored}, "", {"p"})), "the listing stopped before v1 could be seen"
    bare = KfpRun(run_id="r", pipeline_version_reference={"pipeline_id": "p"})
    assert not version_listed(bare, Versions({"p": stored}, "", {"p"})), "no version named at all"


def test_each_failing_read_costs_only_its_own_probes(server: RecordedHttpServer) -> None:
    records = collect(config(f"{server.base_url}/kfp-partial", "partial"))
    status = {p: r.status for p, r in records.items()}
    assert status["pipelines"] is EvidenceStatus.unavailable, "the pipelines' schedules come with the recurring runs"
    assert records["pipelines"].reason.startswith("pipelines and recurring runs: HTTP 500 from ")
    assert status["pipelines_versioned_ratio"] is EvidenceStatus.error
    assert "JSON" in (records["pipeline_stages"].reason or "")
    assert status["experiments"] is EvidenceStatus.unavailable and "retry after 120 s" in records["experiments"].reason
    assert status["runs"] is EvidenceStatus.unavailable
    assert status["runs_with_pipeline_version_ratio"] is EvidenceStatus.error, "the versions could not be read"
    started = time.monotonic()
    slow = collect(config(f"{server.base_url}/kfp-slow", "slow"))
    assert time.monotonic() - started < 10, "the hanging read is abandoned after timeout_s"
    assert (slow["pipelines"].value, slow["recurring_runs_enabled"].value, slow["experiments"].value) == (1, 0, 1)
    assert slow["pipeline_stages"].value == ["train", "evaluate"]
    assert slow["runs"].status is EvidenceStatus.unavailable and "no answer within 1 s" in slow["runs"].reason
    for record in [*records.values(), *slow.values()]:
        assert (record.value is None) == (record.status is not EvidenceStatus.ok)


def test_whole_target_failures_and_the_token_appears_nowhere(server: RecordedHttpServer, tmp_path: Path) -> None:
    collection = collecting.collect_targets(
        KubeflowCollector,
        config(f"{server.base_url}/kfp-locked", "locked"),
        config(f"http://127.0.0.1:{free_port()}/pipeline", "refused"),
        config(f"{server.base_url}/kfp-partial", "partial"),
        site(server, name="ok"),
    )
    by_target = collecting.records_by_target(collection.records)
    assert {r.status for r in by_target["locked"]} == {EvidenceStatus.error}
    assert all("HTTP 401" in (r.reason or "") for r in by_target["locked"])
    assert {r.status for r in by_target["refused"]} == {EvidenceStatus.unavailable}
    assert {r.status for r in by_target["ok"]} == {EvidenceStatus.ok}
    write_bundle(tmp_path, collection)
    written = b"".join(p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file())
    assert b"Unauthenticated: Bearer ***" in written and b"owner Bearer ***" in written
    assert TOKEN.encode() not in written
    assert all(TOKEN not in r.model_dump_json() for r in collection.records)


def test_the_cli_collects_a_bundle(server: RecordedHttpServer, tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "targets:\n"
        f"  - {{collector: kubeflow, name: pipelines, url: '{server.base_url}/kfp', namespace: team-a,"
        f" token_env: {ENV}, page_size: 4}}\n",
        encoding="utf-8",
    )
    done = collecting.cli_collect(targets, tmp_path / "bundle", {ENV: TOKEN})
    assert TOKEN not in done.stdout + done.stderr
    records = read_records(tmp_path / "bundle")
    assert {r.probe.removeprefix("kubeflow."): r.value for r in records} == expected()


@pytest.mark.parametrize(
    ("trigger", "period"),
    [
        ({"cron_schedule": {"cron": "0 0 4 * * 1"}}, 7 * 86400.0),
        ({"cron_schedule": {"cron": "0 30 * * * *"}}, 3600.0),
        ({"cron_schedule": {"cron": "0 0 3 * * *"}}, 86400.0),
        ({"periodic_schedule": {"interval_second": "3600"}}, 3600.0),
        ({"periodic_schedule": {"interval_second": 0}}, None),
        ({"cron_schedule": {"cron": "0 0 3 ? * MON"}}, None),
        ({}, None),
    ],
)
def test_recurring_run_periods(trigger: dict[str, Any], period: float | None) -> None:
    assert period_s(RecurringRun.model_validate({"recurring_run_id": "r", "trigger": trigger})) == period


def test_tasks_are_read_from_the_compiled_spec_in_either_wrapping() -> None:
    ir = {"root": {"dag": {"tasks": {"train": {"retryPolicy": {"maxRetryCount": "2"}}, "eval": {}}}}}
    assert spec_tasks(ir) == (["train", "eval"], 1)
    assert spec_tasks({"pipeline_spec": ir, "platform_spec": {}}) == (["train", "eval"], 1)
    assert spec_tasks({"pipelineInfo": {"name": "x"}}) is None and spec_tasks(None) is None


def test_config_defaults_and_refusals() -> None:
    base = {"collector": "kubeflow", "name": "kfp", "url": "https://kubeflow.example/pipeline"}
    cfg = KubeflowConfig.model_validate(base)
    assert (cfg.namespace, cfg.window_days, cfg.page_size, cfg.pipelines) == (None, 30, 100, [])
    for extra in ({"token": TOKEN}, {"namespace": "Team A"}, {"window_days": 0}, {"page_size": 0}):
        with pytest.raises(ValidationError) as caught:
            KubeflowConfig.model_validate({**base, **extra})
        assert TOKEN not in str(caught.value)


def test_probe_catalogue_is_complete() -> None:
    collecting.assert_catalogue_complete(KubeflowCollector, "kubeflow.")
    assert set(expected()) == {p.removeprefix("kubeflow.") for p in KubeflowCollector.probe_ids()}
    assert KubeflowCollector.system == "orchestrator"


def test_training_pipelines_must_run_every_step_in_a_versioned_image(server: RecordedHttpServer) -> None:
    summary = collect(site(server))["training_pipelines_with_versioned_images_ratio"].summary
    assert "1 of 2 training pipelines (50.0%) run every task in a versioned image" in summary
    assert "train-model=registry.acme.io/ml/trainer:latest" in summary and "registry.acme.io/ml/eval" in summary
    assert "0c4e2d1a" not in summary, "the fraud pipeline's images carry versions"


def test_images_are_found_through_nested_dags_and_importers_are_left_out() -> None:
    spec = {
        "components": {
            "comp-train": {"executorLabel": "exec-train"},
            "comp-inner": {"dag": {"tasks": {"evaluate": {"componentRef": {"name": "comp-eval"}}}}},
            "comp-eval": {"executorLabel": "exec-eval"},
            "comp-import": {"executorLabel": "exec-import"},
            "comp-loop": {"dag": {"tasks": {"again": {"componentRef": {"name": "comp-loop"}}}}},
        },
        "deploymentSpec": {
            "executors": {
                "exec-train": {"container": {"image": "ghcr.io/acme/train@sha256:" + "a" * 64}},
                "exec-eval": {"container": {"image": "python"}},
                "exec-import": {"importer": {"artifactUri": {"constant": "gs://b/m"}}},
            }
        },
        "root": {
            "dag": {
                "tasks": {
                    "train": {"componentRef": {"name": "comp-train"}},
                    "check": {"componentRef": {"name": "comp-inner"}},
                    "load": {"componentRef": {"name": "comp-import"}},
                    "loop": {"componentRef": {"name": "comp-loop"}},
                    "odd": {"componentRef": {"name": ["not", "a", "name"]}},
                }
            }
        },
    }
    images = spec_images({"pipeline_spec": spec})
    assert images == [("check/evaluate", "python"), ("train", "ghcr.io/acme/train@sha256:" + "a" * 64)]
    assert [versioned_image(i) for _, i in images] == [False, True], "no tag means latest; a digest pins"
    assert spec_images(None) is None and spec_images({"root": "x"}) == []

"""Kubernetes collector against recorded API answers (core, apps, autoscaling and the KServe, Seldon, Argo Rollouts,
Flagger and Istio CRDs) served over real HTTP on 127.0.0.1.

The fixtures (tests/collectors/fixtures/kubernetes/) are written by generate.py from tables of objects, one row of
flags each; the expected figures beside them (expected-acme.json, expected-bare.json) are counted from the same flags,
not by the collector's code.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.kubernetes import KubernetesCollector
from evidence_collectors.kubernetes.config import KubernetesConfig
from evidence_collectors.kubernetes.gitops import argo_verdict, judge, marked_namespaces, verdicts
from evidence_collectors.kubernetes.models import Application, FluxHelmRelease, FluxKustomization, Meta, NamespaceObj
from evidence_collectors.kubernetes.workloads import (
    ModelWorkload,
    controller_marks,
    environment_of,
    registry,
    tagged_not_latest,
)
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.conftest import RunCli
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer
from tests.support.servers import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "kubernetes"
TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6IlRlc3RLOHMifQ.SECRETsa-token-x9"
ENV = "MLOPS_TEST_K8S_TOKEN"

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)


def config(url: str, name: str = "cluster", **extra: Any) -> KubernetesConfig:
    fields = {"collector": "kubernetes", "name": name, "url": url, "token_env": ENV}
    return collecting.target_config(KubernetesConfig, fields, extra)


def collect(cfg: KubernetesConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(KubernetesCollector, cfg, "kubernetes.")


def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"expected-{name}.json").read_text(encoding="utf-8"))
    return data


def values(records: collecting.Records) -> dict[str, Any]:
    return {probe: r.value for probe, r in records.items()}


# --- figures ---------------------------------------------------------------------------------------------------


def test_figures_match_the_recorded_cluster(server: RecordedHttpServer) -> None:
    records, ctx = collect(config(f"{server.base_url}/acme"))
    assert {r.status for r in records.values()} == {EvidenceStatus.ok}
    assert values(records) == expected("acme")
    assert values(records)["model_workloads"] == 10 and values(records)["namespaces"] == 5  # the tables' sizes
    summary = {probe: r.summary for probe, r in records.items()}
    assert (
        "7 of 10 (70.0%) model workloads name the model and its version"
        in summary["model_workloads_with_model_version_ratio"]
    )
    assert summary["model_workloads_ready_ratio"].endswith(
        "; not ready: ml-prod/reco-v1, ml-staging/digits, ml-staging/ranker"
    )
    assert "judged by hand: " in summary["progressive_releases_with_automatic_analysis_ratio"]
    healing = summary["model_workloads_gitops_self_healing_ratio"]
    assert healing.startswith("2 of 10 (20.0%) model workloads are applied from Git by a GitOps controller")
    assert "(6 controller object(s) read)" in healing
    for workload, why in (
        ("ml-dev/churn-dev", "argocd:ml-dev_churn-dev: selfHeal off"),
        ("ml-staging/churn-stg", "helmrelease:ml-staging/churn-stg: drift detection not enabled"),
        ("ml-staging/ranker", "argocd:ranker: no Git source"),
        ("ml-staging/digits", "kustomization:flux-system/staging: suspended"),
        ("ml-prod/credit", "argocd:credit not found"),
        ("ml-prod/churn-prod", "no GitOps controller marks"),
    ):
        assert f"{workload} ({why})" in healing, workload
    assert "ml-prod/fraud-scorer" not in healing and "ml-prod/iris" not in healing, (
        "Argo CD selfHeal, Flux Kustomization"
    )
    assert "ml-prod/iris" in summary["progressive_releases_with_automatic_analysis_ratio"]
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        assert record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
        assert record.source.system == "kubernetes"
    assert records["inference_services"].source.url.endswith(
        "/acme/apis/serving.kserve.io/v1beta1/namespaces/{ns}/inferenceservices"
    )


def test_a_cluster_without_the_serving_crds_reports_zero_with_a_note(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/bare"))
    assert {r.status for r in records.values()} == {EvidenceStatus.ok}, "a CRD not installed is a fact, not a failure"
    assert values(records) == expected("bare")
    assert records["inference_services"].value == 0
    assert "KServe is not installed" in records["inference_services"].summary
    assert "Flagger is not installed" in records["flagger_canaries"].summary
    assert records["serving_tools_installed"].value == []
    assert "not installed (404): KServe, Seldon Core, Argo Rollouts, Flagger, Istio" in (
        records["serving_tools_installed"].summary
    )


def test_lists_are_read_chunk_by_chunk_with_continue(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(config(f"{server.base_url}/acme"))
    assert {r.method for r in seen} == {"GET"}, "read-only"
    assert not [r for r in server.unmatched if r in seen]
    assert {r.headers.get("authorization") for r in seen} == {f"Bearer {TOKEN}"}
    spaces = [r.query for r in seen if r.path == "/acme/api/v1/namespaces"]
    assert spaces == [
        {"limit": "500"},
        {"limit": "500", "continue": "acme-namespaces-1"},
        {"limit": "500", "continue": "acme-namespaces-2"},
    ]
    prod = [r.query.get("continue") for r in seen if r.path == "/acme/apis/apps/v1/namespaces/ml-prod/deployments"]
    assert prod == [None, "acme-ml-prod-deployments-1", "acme-ml-prod-deployments-2"]
    discovery = [r.path for r in seen if r.path.count("/") == 4 and r.path.startswith("/acme/apis/")]
    assert len(discovery) == len(set(discovery)) == 7, "each CRD group is discovered once, argoproj.io too"
    gitops = sorted({r.path.split("/namespaces/")[1].split("/")[0] for r in seen if r.path.endswith("/applications")})
    assert gitops == ["argocd", "flux-system", "ml-dev", "ml-staging"], "gitops_namespaces and those the marks name"


def test_named_namespaces_are_read_one_by_one(server: RecordedHttpServer) -> None:
    cfg = config(f"{server.base_url}/bare", namespaces=["scoring-prod", "missing"])
    records, _ = collect(cfg)
    assert {r.status for r in records.values()} == {EvidenceStatus.error}, "a namespace that cannot be read"
    assert "namespace 'missing' named in the targets file: HTTP 404" in (records["namespaces"].reason or "")
    found, _ = collect(config(f"{server.base_url}/bare", namespaces=["scoring-prod"]))
    assert values(found) == expected("bare"), "the same figures as from the namespace list"


def test_environments_by_label_then_by_name() -> None:
    cfg = KubernetesConfig.model_validate({"collector": "kubernetes", "name": "c", "url": "https://k8s.example:6443"})

    def env(name: str, **labels: str) -> str:
        return environment_of(NamespaceObj.model_validate({"metadata": {"name": name, "labels": labels}}), cfg)

    assert env("reco-prod") == "prod" and env("reco-staging") == "staging" and env("reco-qa") == "test"
    assert env("anything", environment="Production") == "prod", "the label wins over the name"
    assert env("reco-prod", env="dev") == "dev"
    assert env("tools") == "" and env("production-tools") == ""
    custom = cfg.model_copy(update={"environment_patterns": {"sandbox": ["lab-*"]}})
    assert environment_of(NamespaceObj.model_validate({"metadata": {"name": "lab-1"}}), custom) == "sandbox"


def test_image_references() -> None:
    assert registry("nvcr.io/nvidia/tritonserver:24.01") == "nvcr.io"
    assert registry("localhost:5000/m:1") == "localhost:5000" and registry("library/python:3") == "docker.io"
    assert registry("python") == "docker.io"
    assert tagged_not_latest("registry.example:5000/m:1.2") and not tagged_not_latest("registry.example:5000/m")
    assert not tagged_not_latest("m:latest") and tagged_not_latest("m@sha256:abc")


# --- faults ------------------------------------------------------------------------------------------------------


def test_a_failing_read_costs_only_its_own_probes(server: RecordedHttpServer) -> None:
    started = time.monotonic()
    records, _ = collect(config(f"{server.base_url}/partial", "partial"))
    assert time.monotonic() - started < 10, "the hanging quota list is abandoned after timeout_s"
    status = {probe: r.status for probe, r in records.items()}
    assert records["namespaces"].value == 1 and records["model_workloads"].value == 1
    assert records["model_workloads_with_model_version_ratio"].value == 1.0
    assert records["inference_services"].value == 0 and status["inference_services"] is EvidenceStatus.ok
    assert records["seldon_deployments"].value == 0, "Seldon is not installed there"
    assert records["serving_tools_installed"].value == ["KServe", "Flagger", "Istio"]
    assert status["model_namespaces_with_quota_ratio"] is EvidenceStatus.unavailable
    assert "no answer within 1 s" in (records["model_namespaces_with_quota_ratio"].reason or "")
    scaling = ["model_workloads_autoscaled_ratio", "model_autoscaling_ranges"]
    assert {status[p] for p in scaling} == {EvidenceStatus.unavailable}
    assert "retry after 120 s" in (records["model_workloads_autoscaled_ratio"].reason or "")
    assert status["model_workloads_exposed_ratio"] is EvidenceStatus.error
    assert "invalid JSON" in (records["model_workloads_exposed_ratio"].reason or "")
    assert status["flagger_canaries"] is EvidenceStatus.error
    assert (records["flagger_canaries"].reason or "").startswith("flagger canaries: HTTP 403")
    assert {status["istio_route_features"], status["istio_weighted_routes"]} == {EvidenceStatus.unavailable}
    assert "HTTP 503" in (records["istio_weighted_routes"].reason or "")
    release = [
        p for p in status if p in ("model_release_strategies", "progressive_releases_with_automatic_analysis_ratio")
    ]
    assert {status[p] for p in release} == {EvidenceStatus.error}, "a refused read is never 0"
    for record in records.values():
        assert (record.value is None) == (record.status is not EvidenceStatus.ok)
        assert record.status is EvidenceStatus.ok or record.summary.startswith(record.status.value)


def test_whole_target_failures_become_records_and_other_targets_complete(server: RecordedHttpServer) -> None:
    collection = collecting.collect_targets(
        KubernetesCollector,
        config(f"{server.base_url}/locked", "locked"),
        config(f"http://127.0.0.1:{free_port()}", "refused"),
        config(f"{server.base_url}/garbage", "garbage"),
        config(f"{server.base_url}/acme", "ok"),
    )
    by_target = collecting.records_by_target(collection.records)
    assert {r.status for r in by_target["locked"]} == {EvidenceStatus.error}
    assert all("HTTP 401" in (r.reason or "") for r in by_target["locked"])
    assert {r.status for r in by_target["refused"]} == {EvidenceStatus.unavailable}
    assert "cannot connect" in (by_target["refused"][0].reason or "")
    assert {r.status for r in by_target["garbage"]} == {EvidenceStatus.error}
    assert {r.status for r in by_target["ok"]} == {EvidenceStatus.ok}


def test_the_token_appears_nowhere(server: RecordedHttpServer) -> None:
    collection = collecting.collect_targets(
        KubernetesCollector,
        config(f"{server.base_url}/acme", "ok"),
        config(f"{server.base_url}/partial", "partial"),
        config(f"{server.base_url}/locked", "locked"),
    )
    assert any(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in server.seen("/locked"))
    for record in collection.records:
        assert TOKEN not in record.model_dump_json()
    bodies = b"".join(item.body + item.url.encode() for item in collection.raw.items())
    assert TOKEN.encode() not in bodies
    assert b"Unauthorized: Bearer ***" in bodies, "the echoed token is masked in the stored body"
    assert b"token Bearer *** cannot list" in bodies
    ctx = CollectContext(raw=RawStore(), redactor=Redactor())  # a fresh redactor: the session primes it
    locked = KubernetesCollector().collect(config(f"{server.base_url}/locked", "locked"), ctx)
    assert locked and all(TOKEN not in r.model_dump_json() and "HTTP 401" in (r.reason or "") for r in locked)


def test_the_cli_collects_into_a_bundle(server: RecordedHttpServer, run_cli: RunCli, tmp_path: Path) -> None:
    targets = {
        "targets": [
            {"collector": "kubernetes", "name": "cluster", "url": f"{server.base_url}/acme", "token_env": ENV},
            {
                "collector": "kubernetes",
                "name": "locked",
                "url": f"{server.base_url}/locked",
                "token_env": ENV,
                "retries": 0,
            },
        ]
    }
    (tmp_path / "targets.yaml").write_text(yaml.safe_dump(targets), encoding="utf-8")
    out = run_cli("collect", tmp_path / "targets.yaml", "-o", tmp_path / "bundle", env={ENV: TOKEN, **os.environ})
    assert out.returncode == 0, out.stderr
    assert TOKEN not in out.stdout + out.stderr
    lines = (tmp_path / "bundle" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    ok = {r["probe"].removeprefix("kubernetes."): r["value"] for r in records if r["target"] == "cluster"}
    assert ok == expected("acme")
    assert {r["status"] for r in records if r["target"] == "locked"} == {"error"}
    assert not [p for p in (tmp_path / "bundle").rglob("*") if p.is_file() and TOKEN.encode() in p.read_bytes()]


# --- configuration ---------------------------------------------------------------------------------------------


def test_config_defaults_and_refusals() -> None:
    base = {"collector": "kubernetes", "name": "c", "url": "https://k8s.example:6443"}
    cfg = KubernetesConfig.model_validate(base)
    assert (cfg.namespaces, cfg.label_selector, cfg.page_size, cfg.max_namespaces) == ([], None, 500, 200)
    assert cfg.environment_labels[:2] == ["environment", "env"] and cfg.production_environments == ["prod"]
    assert "model-version" in cfg.model_version_keys and "app.kubernetes.io/version" not in cfg.model_version_keys
    bad: list[dict[str, Any]] = [
        {"token": TOKEN},
        {"url": f"https://sa:{TOKEN}@k8s.example"},
        {"namespaces": ["Not_A_Namespace"]},
        {"page_size": 0},
        {"label_selector": "app=\n"},
    ]
    for extra in bad:
        with pytest.raises(ValidationError) as caught:
            KubernetesConfig.model_validate({**base, **extra})
        assert TOKEN not in str(caught.value)


def test_probe_catalogue_is_complete() -> None:
    collecting.assert_catalogue_complete(KubernetesCollector, "kubernetes.")
    assert 25 <= len(KubernetesCollector.probes) <= 45
    assert set(expected("acme")) == {p.removeprefix("kubernetes.") for p in KubernetesCollector.probe_ids()}
    for spec in KubernetesCollector.probes:
        assert (
            "/api" in spec.implementation
            or "kubernetes." in spec.implementation
            or "Model workloads" in (spec.implementation)
        ), spec.id


def test_guards_are_said_in_the_summary(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/acme", max_namespaces=2))
    assert records["namespaces"].value == 2, "the first chunk's two namespaces"
    assert "stopped at max_namespaces (2)" in records["namespaces"].summary
    capped, _ = collect(config(f"{server.base_url}/acme", max_items=1))
    assert capped["model_workloads"].status is EvidenceStatus.ok
    assert "deployments of ml-prod: stopped at max_items (1)" in capped["model_workloads"].summary


def test_the_label_selector_goes_to_the_workload_lists_only(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(config(f"{server.base_url}/bare", label_selector="team=scoring"))
    selected = {r.path.rsplit("/", 1)[-1] for r in seen if r.query.get("labelSelector") == "team=scoring"}
    assert selected == {"deployments", "statefulsets"}, "CRD lists are not read where the CRD is not installed"
    assert "labelSelector" not in next(r.query for r in seen if r.path.endswith("/services"))
    assert records["model_workloads"].status is EvidenceStatus.error, "no recorded answer for the selector"
    assert records["namespaces"].status is EvidenceStatus.ok


# --- the example bank's recorded cluster ------------------------------------------------------------------------


BANK = Path(__file__).resolve().parents[2] / "examples" / "retail-bank" / "recorded" / "kubernetes"


def test_the_bank_recording_is_current_and_read_as_its_tables_say(tmp_path: Path) -> None:
    from scripts.demo_stack import kubernetes_recording

    figures = kubernetes_recording.write(tmp_path)
    assert (tmp_path / "routes.yaml").read_text(encoding="utf-8") == (BANK / "routes.yaml").read_text(encoding="utf-8")
    assert figures == json.loads((BANK / "expected.json").read_text(encoding="utf-8"))
    with RecordedHttpServer.from_manifest(BANK / "routes.yaml") as bank:
        records, _ = collect(config(f"{bank.base_url}/k8s", "bank", namespaces=kubernetes_recording.NAMESPACES))
    assert values(records) == figures
    assert records["environments"].value == ["dev", "prod", "staging", "test"]
    assert records["kserve_canary_traffic_percents"].value == ["reco-prod/reco-ranking: 10"]
    assert records["model_namespaces_with_quota_ratio"].summary.endswith("; no quota: reco-dev"), "the deliberate gap"


# --- GitOps controllers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "heals", "why"),
    [
        ({"source": {"repoURL": "https://git.example/d.git"},
          "syncPolicy": {"automated": {"selfHeal": True}}}, True, ""),
        ({"sources": [{"repoURL": "https://charts.example", "chart": "m"}, {"repoURL": "https://git.example/v.git"}],
          "syncPolicy": {"automated": {"selfHeal": True}}}, True, ""),
        ({"source": {"repoURL": "https://git.example/d.git"}, "syncPolicy": {"automated": {}}}, False, "selfHeal off"),
        ({"source": {"repoURL": "https://git.example/d.git"},
          "syncPolicy": {"automated": {"selfHeal": True, "enabled": False}}}, False, "no automated sync"),
        ({"source": {"repoURL": "https://git.example/d.git"}, "syncPolicy": None}, False, "no automated sync"),
        ({"source": None, "sources": None, "syncPolicy": {"automated": {"selfHeal": True}}}, False, "no Git source"),
        ({"source": {"repoURL": " "}, "syncPolicy": {"automated": {"selfHeal": True}}}, False, "no Git source"),
    ],
)  # fmt: skip
def test_an_application_heals_from_git_only_with_automated_sync_and_self_heal(
    spec: dict[str, Any], heals: bool, why: str
) -> None:
    verdict = argo_verdict(Application.model_validate({"metadata": {"name": "a", "namespace": "argocd"}, "spec": spec}))
    assert (verdict.heals, verdict.why) == (heals, why)


def test_flux_objects_and_the_marks_that_name_them() -> None:
    kustomization = FluxKustomization.model_validate(
        {"metadata": {"name": "apps", "namespace": "flux-system"}, "spec": {"sourceRef": {"kind": "GitRepository"}}}
    )
    release = FluxHelmRelease.model_validate(
        {
            "metadata": {"name": "m", "namespace": "ml"},
            "spec": {"chart": {"spec": {"sourceRef": {"kind": "GitRepository"}}}, "driftDetection": {"mode": "warn"}},
        }
    )
    known = verdicts([], [kustomization], [release])
    assert known["kustomization:flux-system/apps"].heals
    assert known["helmrelease:ml/m"].why == "drift detection not enabled"
    labels = {"helm.toolkit.fluxcd.io/name": "m", "helm.toolkit.fluxcd.io/namespace": "ml"}
    marks = controller_marks(Meta.model_validate({"labels": labels}))
    assert marks == ("helmrelease:ml/m",)
    assert judge(marks, known).why == "helmrelease:ml/m: drift detection not enabled"
    both = controller_marks(
        Meta.model_validate(
            {
                "labels": {**labels, "kustomize.toolkit.fluxcd.io/name": "apps"},
                "annotations": {"kustomize.toolkit.fluxcd.io/namespace": "ignored"},
            }
        )
    )
    assert judge(both, known).heals is False, "a Kustomization named without its namespace label is not found"


def test_the_instance_label_names_an_application_only_when_one_of_that_name_exists() -> None:
    app = Application.model_validate(
        {
            "metadata": {"name": "reco", "namespace": "argocd"},
            "spec": {
                "source": {"repoURL": "https://git.example/d.git"},
                "syncPolicy": {"automated": {"selfHeal": True}},
            },
        }
    )
    known = verdicts([app], [], [])
    tracked = controller_marks(Meta.model_validate({"labels": {"app.kubernetes.io/instance": "reco"}}))
    assert judge(tracked, known).heals, "Argo CD's label tracking (before 3.0)"
    helm = controller_marks(
        Meta.model_validate({"labels": {"app.kubernetes.io/instance": "churn", "app.kubernetes.io/managed-by": "Helm"}})
    )
    assert judge(helm, known).why == "no GitOps controller marks", "a Helm release's instance label is no GitOps mark"


def test_only_namespace_names_from_markers_are_read() -> None:
    def workload(*marks: str) -> ModelWorkload:
        return ModelWorkload("Deployment", "ml", "m", "prod", gitops=marks)

    found = marked_namespaces(
        [
            workload("kustomization:tenant-a/apps", "argocd:team-b_reco"),
            workload("helmrelease:../kube-system/x", "argocd:plain", f"kustomization:{'a' * 64}/apps"),
            workload("helmrelease:/nameless", "argocd-label:tenant-c_reco"),
        ]
    )
    assert found == ["team-b", "tenant-a"], "a path, an over-long name, an empty namespace and labels are left out"

"""The Kubernetes collector against a hostile API server on 127.0.0.1: an expired continue token (410 Gone), a List
whose items or metadata are null, objects without metadata, label values carrying terminal escapes and bidi overrides,
a namespace whose name is the credential itself, a refused namespace list, and a continue token that never ends.
Each fault costs only the probes read from it (unavailable/error with a reason), and no output holds the token."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evidence_collectors.bundle import write_bundle
from evidence_collectors.kubernetes import KubernetesCollector
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.runner import collect
from evidence_collectors.targets import Target
from tests.support.hostile import Counter, HostileHandler, HostileServer, credential_forms, leaks

TOKEN = "k8s-sa-token-7f3a9c2e51d04b8a"  # also a valid namespace name, so a server can list it as one
ENV = "HOSTILE_K8S_TOKEN"
FORMS = credential_forms(TOKEN)
P = "kubernetes."
Records = dict[str, EvidenceRecord]
Lists = Callable[[HostileHandler, str], Any]  # (request, resource plural) -> the answer, or None for an empty list


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, TOKEN)


def ns(name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels or {}}}


def deployment(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    container = {"name": "srv", "image": "registry.local/tritonserver:24.01"}
    return {
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"replicas": 2, "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}}},
        "status": {"replicas": 2, "readyReplicas": 2},
    }


def cluster(server: HostileServer, namespaces: Any, lists: Lists | None = None) -> None:
    """A cluster without CRDs (discovery answers 404) whose namespaced lists answer `lists(h, plural)`."""

    def route(h: HostileHandler) -> None:
        path = h.path.split("?")[0]
        if path.startswith("/apis/") and path.count("/") == 3:  # discovery of a CRD group: not installed
            h.send(404, b'{"kind": "Status", "code": 404}')
            return
        if path == "/api/v1/namespaces":
            h.send(200, json.dumps(namespaces).encode())
            return
        plural = path.rsplit("/", 1)[-1]
        found = lists(h, plural) if lists else None
        if isinstance(found, int):
            h.send(found, json.dumps({"kind": "Status", "code": found, "message": "expired"}).encode())
            return
        h.send(200, json.dumps(found if found is not None else {"kind": "List", "items": []}).encode())

    server.routes["/"] = route


def run(url: str, **fields: Any) -> tuple[Records, Any]:
    config = KubernetesCollector.config_model.model_validate(
        {"collector": "kubernetes", "name": "k8s", "url": url, "token_env": ENV, "timeout_s": 2, "retries": 0} | fields
    )
    collection = collect([Target(config=config, collector=KubernetesCollector)])
    records = {r.probe: r for r in collection.records}
    assert list(records) == KubernetesCollector.probe_ids()
    for record in collection.records:
        assert not record.reason.startswith("collector failed"), (record.probe, record.reason)
    return records, collection


def no_leak(collection: Any, folder: Path) -> None:
    write_bundle(folder, collection)
    for path in folder.rglob("*"):
        if path.is_file():
            assert not leaks(path.read_bytes(), FORMS), f"{path} leaks {leaks(path.read_bytes(), FORMS)}"


NAMESPACES = {"kind": "NamespaceList", "items": [ns("ml-prod", {"environment": "production"}), ns("ml-dev")]}


def test_an_expired_continue_token_costs_only_the_probes_of_that_list(home: HostileServer) -> None:
    """The Deployments' second chunk answers 410 Gone (the token expired): the workload probes are errors naming
    the 410; the namespaces, quotas and the rest keep their values."""

    def lists(h: HostileHandler, plural: str) -> Any:
        if plural != "deployments":
            return None
        if "continue=" in h.path:
            return 410
        item = deployment("reco", "ml-prod", {"model-name": "reco"})
        return {"kind": "DeploymentList", "metadata": {"continue": "chunk-2"}, "items": [item]}

    cluster(home, NAMESPACES, lists)
    records, _ = run(home.url)
    workloads = records[P + "model_workloads"]
    assert workloads.status is EvidenceStatus.error and "HTTP 410" in workloads.reason, workloads.reason
    assert "the continue token expired" in workloads.reason
    assert records[P + "namespaces"].status is EvidenceStatus.ok and records[P + "namespaces"].value == 2
    assert records[P + "serving_tools_installed"].status is EvidenceStatus.ok
    assert records[P + "inference_services"].status is EvidenceStatus.ok


def test_a_list_with_null_items_and_objects_without_metadata_are_read(home: HostileServer) -> None:
    """`items: null` is an empty list (the API leaves it out or nulls it when nothing is there); objects without
    metadata, or with null labels, are objects without names or labels, not a failure."""

    def lists(h: HostileHandler, plural: str) -> Any:
        if plural == "deployments":
            bare = deployment("x", "ml-prod", {"model-name": "reco"})
            del bare["metadata"]
            nulls = deployment("y", "ml-prod", {})
            nulls["metadata"]["labels"] = None
            nulls["metadata"]["annotations"] = None
            nulls["spec"]["template"]["spec"]["containers"] = None
            return {"kind": "DeploymentList", "metadata": {}, "items": [bare, nulls]}
        return {"kind": "List", "metadata": {"continue": None}, "items": None}

    twice = {"metadata": {"name": "ml-prod", "uid": "another"}}
    cluster(home, {"kind": "NamespaceList", "items": [ns("ml-prod"), {"kind": "Namespace"}, twice]}, lists)
    records, _ = run(home.url)
    bad = {p: r.reason for p, r in records.items() if r.status is not EvidenceStatus.ok}
    assert not bad, bad
    assert records[P + "namespaces"].value == 1, "one namespace: the unnamed one and the repeat are not counted"
    assert not [s.target for s in home.seen if "/namespaces//" in s.target], "an unnamed namespace is not listed"
    assert home.hits("/apis/apps/v1/namespaces/ml-prod/deployments") == 1, "a namespace named twice is read once"


def test_a_list_whose_metadata_or_items_have_the_wrong_type_is_an_error_for_that_list(home: HostileServer) -> None:
    def lists(h: HostileHandler, plural: str) -> Any:
        if plural == "services":
            return {"kind": "ServiceList", "metadata": None, "items": [1, "two"]}
        if plural == "horizontalpodautoscalers":
            return {"kind": "List", "items": {"not": "a list"}}
        return None

    cluster(home, NAMESPACES, lists)
    records, _ = run(home.url)
    assert records[P + "model_workloads_exposed_ratio"].status is EvidenceStatus.error
    assert records[P + "model_workloads_autoscaled_ratio"].status is EvidenceStatus.error
    assert records[P + "model_workloads"].status is EvidenceStatus.ok
    assert records[P + "model_namespaces_with_quota_ratio"].status is EvidenceStatus.ok


def test_label_values_with_terminal_escapes_and_bidi_overrides_reach_no_summary_raw(home: HostileServer) -> None:
    hostile = "\x1b]8;;http://evil.invalid\x07prod\x1b[2J\u202eexe.txt\u2066"

    def lists(h: HostileHandler, plural: str) -> Any:
        if plural == "deployments":
            labels = {"model-name": hostile, "model-version": hostile}
            return {"kind": "DeploymentList", "items": [deployment("reco" + hostile, "ml-prod", labels)]}
        return None

    cluster(home, {"kind": "NamespaceList", "items": [ns("ml-prod", {"environment": hostile})]}, lists)
    records, _ = run(home.url)
    assert all(r.status is EvidenceStatus.ok for r in records.values()), {r.reason for r in records.values()}
    for record in records.values():
        for text in (record.summary, record.reason):
            assert not any(c in text for c in "\x1b\x07\u202e\u2066"), (record.probe, text[:200])
    assert records[P + "model_workloads"].value == 1


def test_a_namespace_named_like_the_credential_is_masked_everywhere(home: HostileServer, tmp_path: Path) -> None:
    """A server lists a namespace whose name is the token: it is read (same origin) but every output masks it."""

    def lists(h: HostileHandler, plural: str) -> Any:
        if plural == "deployments" and TOKEN in h.path:
            labels = {"model-name": TOKEN, "app.kubernetes.io/environment": TOKEN}
            return {"kind": "DeploymentList", "items": [deployment(TOKEN, TOKEN, labels)]}
        return None

    cluster(home, {"kind": "NamespaceList", "items": [ns(TOKEN, {"environment": TOKEN}), ns("ml-prod")]}, lists)
    records, collection = run(home.url)
    assert records[P + "namespaces"].value == 2
    assert records[P + "model_workloads"].value == 1
    for record in collection.records:
        assert not leaks(record.model_dump_json(), FORMS), record.probe
    no_leak(collection, tmp_path / "bundle")


def test_a_refused_namespace_list_fails_the_target_with_the_reason(home: HostileServer) -> None:
    def refused(h: HostileHandler) -> None:
        h.send(403, json.dumps({"kind": "Status", "message": f"forbidden: {h.headers.get('Authorization')}"}).encode())

    home.routes["/"] = refused
    records, collection = run(home.url)
    for record in records.values():
        assert record.status is EvidenceStatus.error, record.reason
        assert "HTTP 403" in record.reason and "namespaces" in record.reason
    assert all(not leaks(r.model_dump_json(), FORMS) for r in collection.records)
    assert home.hits("/api/v1/namespaces") == 1


def test_a_named_namespace_refused_fails_the_target_and_says_which(home: HostileServer) -> None:
    home.routes["/"] = lambda h: h.send(403, b'{"kind": "Status", "code": 403}')
    records, _ = run(home.url, namespaces=["ml-prod"])
    for record in records.values():
        assert record.status is EvidenceStatus.error and "namespace 'ml-prod'" in record.reason, record.reason


@pytest.mark.parametrize("token_of", [lambda n: "again", lambda n: f"token-{n}", lambda n: "x" * 60_000])
def test_a_continue_token_without_end_stops(home: HostileServer, token_of: Callable[[int], str]) -> None:
    """A token repeated, a new token on every chunk, a token of 60 KB: reading stops at a repeat, at max_items or at
    the server's refusal of the request line, in bounded time."""
    chunks = Counter()

    def lists(h: HostileHandler, plural: str) -> Any:
        if plural != "deployments":
            return None
        n = chunks.next()
        item = deployment(f"d{n}", "ml-prod", {"model-name": f"m{n}"})
        return {"kind": "DeploymentList", "metadata": {"continue": token_of(n)}, "items": [item]}

    cluster(home, {"kind": "NamespaceList", "items": [ns("ml-prod")]}, lists)
    start = time.monotonic()
    records, _ = run(home.url, max_items=40, page_size=1)
    assert time.monotonic() - start < 15
    assert chunks.value <= 41
    workloads = records[P + "model_workloads"]
    if workloads.status is EvidenceStatus.ok:
        assert "stopped" in workloads.summary, workloads.summary
    else:
        assert workloads.reason, workloads.reason


@pytest.mark.parametrize("token_of", [lambda n: "again", lambda n: f"token-{n}"], ids=["repeated", "new"])
def test_the_same_objects_sent_under_any_continue_token_are_counted_once(
    home: HostileServer, token_of: Callable[[int], str]
) -> None:
    chunks = Counter()

    def lists(h: HostileHandler, plural: str) -> Any:
        if plural != "deployments":
            return None
        n = chunks.next()
        items = [deployment("reco", "ml-prod", {"model-name": "reco"}), deployment("fraud", "ml-prod", {})]
        items[1]["metadata"]["uid"] = "uid-fraud"
        return {"kind": "DeploymentList", "metadata": {"continue": token_of(n)}, "items": items}

    cluster(home, {"kind": "NamespaceList", "items": [ns("ml-prod")]}, lists)
    records, _ = run(home.url, max_items=1000, page_size=2)
    workloads = records[P + "model_workloads"]
    assert workloads.status is EvidenceStatus.ok and workloads.value == 2, workloads.summary  # both run Triton
    assert "stopped" in workloads.summary
    assert chunks.value == 2


def test_namespace_names_that_are_dot_segments_stay_one_path_segment(home: HostileServer) -> None:
    """A namespace listed as `..` would make /api/v1/namespaces/../services, which is /api/v1/services: every
    namespace's Services counted as those of one."""
    cluster(home, {"kind": "NamespaceList", "items": [ns(".."), ns("."), ns("a/b")]})
    records, _ = run(home.url)
    assert records[P + "namespaces"].value == 3
    for seen in home.seen:
        path = seen.target.split("?")[0]
        assert "/../" not in path and "/./" not in path and "/namespaces/services" not in path, path
    assert home.hits("/api/v1/namespaces/%2E%2E/services") == 1
    assert home.hits("/api/v1/namespaces/a%2Fb/services") == 1


def test_an_inference_service_of_the_older_schema_with_wrong_types_is_an_error_not_a_failure(
    home: HostileServer,
) -> None:
    """`spec.predictor.<framework>` (KServe's older schema) is read as a container: one whose resources are text is
    an unusable answer for the probes computed from the InferenceServices, not a crash of the collector."""

    def lists(h: HostileHandler, plural: str) -> Any:
        if plural != "inferenceservices":
            return None
        predictor = {"sklearn": {"storageUri": "s3://m/1", "resources": "lots", "livenessProbe": [1]}}
        isvc = {"metadata": {"name": "reco", "namespace": "ml-prod"}, "spec": {"predictor": predictor}}
        return {"kind": "InferenceServiceList", "items": [isvc]}

    cluster(home, {"kind": "NamespaceList", "items": [ns("ml-prod")]}, lists)
    kserve = {"kind": "APIResourceList", "resources": [{"name": "inferenceservices", "kind": "InferenceService"}]}
    home.routes["/apis/serving.kserve.io/v1beta1"] = lambda h: (
        h.send(200, json.dumps(kserve).encode()) if h.path.endswith("/v1beta1") else home.routes["/"](h)
    )
    records, _ = run(home.url)
    workloads = records[P + "model_workloads"]
    assert workloads.status is EvidenceStatus.error and "spec.predictor.sklearn" in workloads.reason, workloads.reason
    assert records[P + "inference_services"].status is EvidenceStatus.ok
    assert records[P + "namespaces"].status is EvidenceStatus.ok

"""The serving-manifest probes of the git collector (Part 2 delivery checks): traffic controls, model serving references
pinned to exact versions and GitOps applications that revert manual changes, read from real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_collectors.base import CollectContext
from evidence_collectors.git.collector import GitCollector
from evidence_collectors.git.config import GitTargetConfig
from evidence_collectors.git.serving_manifests import image_pinned, model_uri_pinned
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.collectors.git_support import RepoBuilder
from tests.collectors.test_git import _git, ml_repo  # noqa: F401  (the shared model-project fixture)

NEW_PROBES = (
    "git.traffic_controls",
    "git.serving_refs_unpinned",
    "git.gitops_apps_without_self_heal",
    "git.canary_rollouts_not_automatic",
    "git.canary_analysis_categories",
)

SERVING_FILES: dict[str, str | bytes] = {
    # Istio: a header-matched route with a timeout and retries, a weighted default route; a destination rule with
    # outlier detection (circuit breaking)
    "mesh/churn-vs.yaml": (
        "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: churn}\nspec:\n"
        "  hosts: [churn]\n  http:\n"
        "  - match:\n    - headers:\n        x-user-group: {exact: beta}\n"
        "    route: [{destination: {host: churn, subset: v4}}]\n"
        "    timeout: 2s\n    retries: {attempts: 2, perTryTimeout: 1s}\n"
        "  - route:\n    - {destination: {host: churn, subset: v3}, weight: 90}\n"
        "    - {destination: {host: churn, subset: v4}, weight: 10}\n"
        "---\napiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata: {name: churn}\nspec:\n"
        "  host: churn\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 5, interval: 30s}\n"
    ),
    # NGINX ingress: a rate limit by annotation
    "mesh/ingress.yaml": (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: models\n  annotations:\n"
        '    nginx.ingress.kubernetes.io/limit-rps: "50"\nspec: {rules: []}\n'
    ),
    # KServe: one pinned predictor (registry version, versioned image); one on a floating model stage and latest image
    "serving/churn.yaml": (
        "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: churn}\nspec:\n"
        "  predictor:\n    model:\n      modelFormat: {name: mlflow}\n      storageUri: models:/churn/4\n"
        "    containers:\n    - name: sidecar\n      image: registry.example.org/feature-proxy:1.4.2\n"
        "      readinessProbe: {httpGet: {path: /ready}, timeoutSeconds: 3}\n"
        "---\napiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: fraud}\nspec:\n"
        "  predictor:\n    model:\n      modelFormat: {name: sklearn}\n      storageUri: models:/fraud/Production\n"
        "    containers:\n    - {name: explain, image: 'registry.example.org/explainer:latest'}\n"
    ),
    # a Seldon graph whose model lives at a versioned path, and a Helm-templated image that is not judged
    "serving/graph.yaml": (
        "apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\nmetadata: {name: scoring}\nspec:\n"
        "  predictors:\n  - name: default\n    graph:\n      name: scorer\n"
        "      modelUri: s3://models/scoring/v12\n      children: []\n"
        "    componentSpecs:\n    - spec:\n        containers:\n"
        "        - {name: scorer, image: '{{ .Values.image }}'}\n"
    ),
    # GitOps: one Argo CD application with self-heal, one auto-synced without it, one Flux HelmRelease with drift
    # detection; a Flux GitRepository is a source, not an application
    "gitops/apps.yaml": (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: churn}\nspec:\n"
        "  syncPolicy: {automated: {prune: true, selfHeal: true}}\n"
        "---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: fraud}\nspec:\n"
        "  syncPolicy: {automated: {prune: true}}\n"
        "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: scoring}\nspec:\n"
        "  interval: 10m\n  driftDetection: {mode: enabled}\n"
        "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: infra}\nspec: {}\n"
    ),
    # canaries: an analysed Argo rollout with timed pauses (automatic), one waiting on a manual pause, a Flagger canary
    # behind a confirmation gate; the KServe fraud service above has no canary, the one here is moved by hand
    "delivery/rollouts.yaml": (
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: churn}\nspec:\n  strategy:\n    canary:\n"
        "      steps:\n      - setWeight: 20\n      - analysis: {templates: [{templateName: model-health}]}\n"
        "      - setWeight: 50\n      - pause: {duration: 5m}\n"
        "---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: ranker}\nspec:\n  strategy:\n"
        "    canary:\n      steps:\n      - setWeight: 20\n      - pause: {}\n"
        "---\napiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: model-health}\nspec:\n"
        "  metrics:\n  - name: latency-p99\n    provider: {prometheus: {query: 'histogram_quantile(0.99, x)'}}\n"
        "  - name: error-rate\n    provider: {prometheus: {query: 'sum(rate(errors[5m]))'}}\n"
        "  - name: prediction-drift\n    provider: {prometheus: {query: 'max(model_feature_drift_psi)'}}\n"
        "---\napiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: fraud}\nspec:\n  analysis:\n"
        "    metrics:\n    - {name: request-success-rate, thresholdRange: {min: 99}}\n"
        "    - {name: score-shift, templateRef: {name: score-shift}}\n"
        "    webhooks:\n    - {name: gate, type: confirm-promotion, url: 'http://gate/', timeout: 30s}\n"
        "---\napiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: scoring}\nspec:\n  analysis:\n"
        "    metrics:\n    - {name: request-success-rate}\n    - {name: request-duration}\n"
        "    - {name: score-shift, templateRef: {name: score-shift}}\n"
        "---\napiVersion: flagger.app/v1beta1\nkind: MetricTemplate\nmetadata: {name: score-shift}\n"
        "spec: {query: 'avg(model_prediction_score)'}\n"
        "---\napiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: ranker}\nspec:\n"
        "  predictor:\n    canaryTrafficPercent: 10\n    model: {storageUri: 'gs://models/ranker/2'}\n"
    ),
    # a Deployment's probe timeout is no traffic control
    "k8s/app.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n"
        "      containers:\n      - name: app\n        image: app:1.0\n"
        "        livenessProbe: {httpGet: {path: /live}, timeoutSeconds: 2}\n"
    ),
}


def _collect(path: Path) -> dict[str, EvidenceRecord]:
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(path)})
    records = GitCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
    return {r.probe: r for r in records}


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvidenceRecord]:
    repo = RepoBuilder(tmp_path_factory.mktemp("serving") / "platform")
    repo.commit("OPS-1 serving, mesh and gitops manifests", SERVING_FILES, days_ago=2)
    return _collect(repo.path)


def test_new_probes_are_catalogued_and_ok(serving: dict[str, EvidenceRecord]) -> None:
    ids = GitCollector.probe_ids()
    for probe in NEW_PROBES:
        assert probe in ids
        record = serving[probe]
        assert record.status is EvidenceStatus.ok, record
        assert record.summary and record.raw_sha256, probe


def test_traffic_controls(serving: dict[str, EvidenceRecord]) -> None:
    found = serving["git.traffic_controls"]
    assert found.value == ["rate_limit", "attribute_routing", "circuit_breaker", "timeout", "retry"]
    assert "rate_limit (mesh/ingress.yaml)" in found.summary


def test_serving_refs_unpinned(serving: dict[str, EvidenceRecord]) -> None:
    # 6 references judged: 3 model URIs and 2 images of KServe, 1 Seldon model URI (the templated image is skipped)
    found = serving["git.serving_refs_unpinned"]
    assert found.value == 2
    assert "2 of 6 serving reference(s)" in found.summary
    assert "models:/fraud/Production" in found.summary and "explainer:latest" in found.summary


def test_gitops_apps_without_self_heal(serving: dict[str, EvidenceRecord]) -> None:
    found = serving["git.gitops_apps_without_self_heal"]
    assert found.value == 1
    assert "1 of 3 GitOps application(s)" in found.summary and "Application/fraud" in found.summary


def test_canaries(serving: dict[str, EvidenceRecord]) -> None:
    found = serving["git.canary_rollouts_not_automatic"]
    assert found.value == 3
    assert "3 of 5 canary declaration(s)" in found.summary
    for name in ("Rollout/ranker", "Canary/fraud", "InferenceService/ranker"):
        assert name in found.summary
    # what both automatic canaries measure: the Argo rollout's template (latency, errors, drift by metric name) and the
    # Flagger canary's metrics (built-in success rate and duration, prediction scores from its MetricTemplate's query)
    categories = serving["git.canary_analysis_categories"]
    assert categories.value == ["latency", "errors"]
    assert "every one of the 2 automatically analysed canaries" in categories.summary


def test_probe_timeouts_are_not_traffic_controls_and_absence_is_reported(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "plain")
    repo.commit("OPS-2 a plain deployment", {"k8s/app.yaml": SERVING_FILES["k8s/app.yaml"]}, days_ago=1)
    found = _collect(repo.path)
    assert found["git.traffic_controls"].value == []
    assert found["git.serving_refs_unpinned"].value == 0
    assert "no image or model location" in found["git.serving_refs_unpinned"].summary
    assert found["git.gitops_apps_without_self_heal"].value == 0
    assert "no GitOps application" in found["git.gitops_apps_without_self_heal"].summary
    assert found["git.canary_rollouts_not_automatic"].value == 0
    assert found["git.canary_analysis_categories"].value == []


def test_shared_fixture(ml_repo: Path) -> None:  # noqa: F811
    # the shared model-project fixture's Argo CD application has an empty spec, so it does not heal
    shared = _collect(ml_repo)
    assert shared["git.gitops_apps_without_self_heal"].value == 1
    assert shared["git.traffic_controls"].status is EvidenceStatus.ok


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("ghcr.io/acme/model@sha256:" + "a" * 64, True),
        ("ghcr.io/acme/model:2.1.0", True),
        ("localhost:5000/model", False),
        ("model:latest", False),
        ("model:stable", False),
    ],
)
def test_image_pinning(image: str, pinned: bool) -> None:
    assert image_pinned(image) is pinned


@pytest.mark.parametrize(
    ("uri", "pinned"),
    [
        ("models:/churn/12", True),
        ("models:/churn@champion", False),
        ("gs://kfserving-examples/models/sklearn/1.0/model", True),
        ("s3://models/churn", False),
        ("s3://models/churn/latest/model.pkl", False),
        ("pvc://store/churn-v3", True),
        ("hf://meta-llama/Llama-3-8B", False),
    ],
)
def test_model_uri_pinning(uri: str, pinned: bool) -> None:
    assert model_uri_pinned(uri) is pinned

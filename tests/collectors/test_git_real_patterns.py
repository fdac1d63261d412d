"""Regression tests for the git collector's new probes on patterns met in real public repositories (operator repos that
ship CRD schemas next to their examples, Argo Rollouts experiment steps, kustomize image overrides, CI steps kept in
local actions and shell scripts, the Katib SDK, clones with absent blobs). Every repository here is synthetic and
small: each reproduces one pattern by hand, no network and no fetched repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_collectors.base import CollectContext
from evidence_collectors.git.collector import GitCollector
from evidence_collectors.git.config import GitTargetConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.secrets import Redactor
from tests.collectors.git_support import RepoBuilder

Records = dict[str, EvidenceRecord]


def _collect(path: Path) -> Records:
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(path)})
    records = GitCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
    return {r.probe.removeprefix("git."): r for r in records}


# --- manifests ------------------------------------------------------------------------------------------------------

# A CRD's schema names every field (canaryTrafficPercent, outlierDetection, timeout, retries) without setting one.
CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: inferenceservices.serving.kserve.io}
spec:
  group: serving.kserve.io
  names: {kind: InferenceService, plural: inferenceservices}
  versions:
  - name: v1beta1
    schema:
      openAPIV3Schema:
        properties:
          spec:
            properties:
              predictor:
                properties:
                  canaryTrafficPercent: {type: integer}
                  timeout: {type: integer}
                  retries: {type: integer}
              trafficPolicy:
                properties:
                  outlierDetection: {type: object}
                  rateLimit: {type: object}
"""

# Argo Rollouts: a canary whose only gate is an experiment step with an analysis (no pause), a canary using the older
# single `analysis.templateName` form, and their analysis templates (one named success-rate, one reading an error ratio)
ROLLOUTS = """apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: preview}
spec:
  strategy:
    canary:
      steps:
      - experiment:
          duration: 60s
          templates: [{name: preview, specRef: canary}]
          analyses:
          - {name: load-test, templateName: http-benchmark}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: legacy}
spec:
  strategy:
    canary:
      analysis:
        templateName: success-rate
      steps:
      - setWeight: 50
      - pause: {duration: 30s}
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: http-benchmark}
spec:
  metrics:
  - name: http-benchmark
    provider:
      job:
        spec:
          template:
            spec:
              containers:
              - name: load-tester
                image: load-tester:1.0
                args: ["wrk -d5 -s report.lua http://svc/ && jq -e '.errors_ratio <= 0.05' report.json"]
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: success-rate}
spec:
  metrics:
  - name: success-rate
    provider:
      prometheus:
        query: sum(rate(requests_total{code!~"5.*"}[1m])) / sum(rate(requests_total[1m]))
"""

# KServe runtimes written with placeholder images that kustomize rewrites: one override pins, one floats; a runtime
# written with its version stays pinned although an overlay elsewhere sets the same name to latest.
RUNTIMES = """apiVersion: serving.kserve.io/v1alpha1
kind: ClusterServingRuntime
metadata: {name: kserve-mlserver}
spec:
  containers:
  - name: kserve-container
    image: mlserver:replace
---
apiVersion: serving.kserve.io/v1alpha1
kind: ClusterServingRuntime
metadata: {name: kserve-sklearnserver}
spec:
  containers:
  - name: kserve-container
    image: kserve-sklearnserver:replace
---
apiVersion: serving.kserve.io/v1alpha1
kind: ClusterServingRuntime
metadata: {name: kserve-xgbserver}
spec:
  containers:
  - name: kserve-container
    image: kserve/xgbserver:v0.15.2
"""
KUSTOMIZATION = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [runtimes.yaml]
images:
- {name: mlserver, newName: docker.io/seldonio/mlserver, newTag: 1.7.1}
- {name: kserve-sklearnserver, newName: kserve/sklearnserver, newTag: latest}
"""
OVERLAY = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
images:
- {name: kserve/xgbserver, newTag: latest}
"""


@pytest.fixture(scope="module")
def operator_repo(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("operator") / "repo")
    repo.commit(
        "OPS-2 operator manifests and examples",
        {
            "config/crd/serving.kserve.io_inferenceservices.yaml": CRD,
            "deploy/rollouts.yaml": ROLLOUTS,  # examples/ would be teaching material, left out
            "config/runtimes/runtimes.yaml": RUNTIMES,
            "config/runtimes/kustomization.yaml": KUSTOMIZATION,
            "config/overlays/test/kustomization.yaml": OVERLAY,
        },
    )
    return _collect(repo.path)


def test_crd_schemas_are_neither_canaries_nor_traffic_controls(operator_repo: Records) -> None:
    # before: the CRD counted as a KServe canary moved by hand, and its schema keys as a circuit breaker and rate limit
    assert operator_repo["traffic_controls"].value == []
    canary = operator_repo["canary_rollouts_not_automatic"]
    assert "CustomResourceDefinition" not in canary.summary


def test_experiment_step_analysis_makes_a_canary_automatic(operator_repo: Records) -> None:
    # before: both rollouts were "not automatic" (experiment analyses and the single templateName form were not read)
    canary = operator_repo["canary_rollouts_not_automatic"]
    assert canary.status is EvidenceStatus.ok
    assert canary.value == 0, canary.summary
    assert "all 2 canary declaration(s)" in canary.summary


def test_canary_categories_read_experiment_and_legacy_template_references(operator_repo: Records) -> None:
    # http-benchmark checks an error ratio; a metric named success-rate is the share of non-error responses
    assert operator_repo["canary_analysis_categories"].value == ["errors"]


def test_kustomize_image_overrides_decide_placeholders_only(operator_repo: Records) -> None:
    refs = operator_repo["serving_refs_unpinned"]
    assert refs.value == 1, refs.summary  # before: 2 (mlserver:replace counted although kustomize pins 1.7.1)
    assert "kserve-sklearnserver:replace" in refs.summary
    assert "mlserver:replace" not in refs.summary.replace("kserve-sklearnserver:replace", "")
    assert "kserve/xgbserver:v0.15.2" not in refs.summary  # an overlay's latest does not unpin a written version


# --- CI -------------------------------------------------------------------------------------------------------------

WORKFLOW = """name: tests
on: {pull_request: {paths: ['sdk/**']}}
jobs:
  unit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/e2e
      - name: Unit tests
        run: ./test/presubmit-unit.sh
      - name: Validate manifests
        run: kubectl kustomize ./deploy | flux-schema validate -s ecosystem
"""
LOCAL_ACTION = """name: e2e
description: runs the end-to-end suite
runs:
  using: composite
  steps:
    - shell: bash
      run: |
        export GOPROXY="${GOPROXY:-https://proxy.golang.org|direct}"
        go run github.com/onsi/ginkgo/v2/ginkgo -r --junit-report=junit.xml ./test/e2e
"""
UNIT_SCRIPT = """#!/bin/bash
set -euo pipefail
# --junitxml is written below
python -m pytest sdk/python --junitxml="${JUNIT_XML:-junit.xml}"
"""
UNUSED_SCRIPT = """#!/bin/bash
cosign sign --yes "$IMAGE"
"""


@pytest.fixture(scope="module")
def ci_repo(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("ci") / "repo")
    repo.commit(
        "OPS-3 CI with a local action and a test script",
        {
            ".github/workflows/tests.yml": WORKFLOW,
            ".github/actions/e2e/action.yml": LOCAL_ACTION,
            "test/presubmit-unit.sh": UNIT_SCRIPT,
            "hack/sign.sh": UNUSED_SCRIPT,  # no CI line runs it
        },
    )
    return _collect(repo.path)


def test_reports_written_by_a_script_ci_runs_count(ci_repo: Records) -> None:
    found = ci_repo["ci_publishes_test_reports"]
    assert found.value is True, found.summary
    assert "report" in found.summary


def test_local_composite_actions_are_ci(ci_repo: Records) -> None:
    public = ci_repo["public_package_index_refs"]
    assert public.value == 1, public.summary
    assert ".github/actions/e2e/action.yml" in public.summary


def test_scripts_no_ci_line_runs_are_not_read(ci_repo: Records) -> None:
    assert ci_repo["supply_chain_steps"].value == []


def test_flux_schema_validation_is_a_manifest_linter(ci_repo: Records) -> None:
    assert ci_repo["ci_config_linters"].value == ["k8s_schema"]


def test_ginkgo_junit_report_counts(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "go")
    repo.commit("OPS-4 e2e", {".github/workflows/e2e.yml": WORKFLOW.replace("./test/presubmit-unit.sh", "true")})
    repo.commit("OPS-4 action", {".github/actions/e2e/action.yml": LOCAL_ACTION})
    found = _collect(repo.path)["ci_publishes_test_reports"]
    assert found.value is True
    assert "--junit-report" in found.summary


# --- code -----------------------------------------------------------------------------------------------------------


def _notebook(*cells: str) -> str:
    return json.dumps(
        {"cells": [{"cell_type": "code", "source": cell, "metadata": {}, "outputs": []} for cell in cells]}
    )


def test_katib_sdk_early_stopping_counts_but_its_class_definition_does_not(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "hpo")
    repo.commit(
        "OPS-5 katib SDK",
        {
            "sdk/kubeflow/katib/models/v1beta1_early_stopping_spec.py": (
                "from kubeflow.katib.configuration import Configuration\n\n\n"
                "class V1beta1EarlyStoppingSpec(object):\n    pass\n"
            ),
        },
    )
    assert _collect(repo.path)["hpo_early_stopping"].value == []
    repo.commit(
        "OPS-5 early stopping in the tuning notebook",
        {
            "notebooks/tune.ipynb": _notebook(
                "from kubeflow.katib import KatibClient, V1beta1EarlyStoppingSpec\n",
                "early_stopping = V1beta1EarlyStoppingSpec(algorithm_name='medianstop')\n",
            )
        },
    )
    found = _collect(repo.path)["hpo_early_stopping"]
    assert found.value == ["katib_early_stopping"]
    assert "notebooks/tune.ipynb" in found.summary and "v1beta1_early_stopping_spec.py" not in found.summary


# --- clones with absent blobs ---------------------------------------------------------------------------------------


def test_a_blob_absent_from_the_clone_does_not_fail_the_tree_probes(tmp_path: Path) -> None:
    # a partial or damaged clone lists a path whose object is absent (ls-tree -l prints size "BAD"); before, every
    # tree probe failed with a ValueError
    repo = RepoBuilder(tmp_path / "partial")
    repo.commit(
        "OPS-6 docs and config", {"docs/diagram.png": b"\x89PNG" + b"\0" * 64, ".github/dependabot.yml": "v: 2\n"}
    )
    oid = repo.git("rev-parse", "HEAD:docs/diagram.png")
    (repo.path / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    found = _collect(repo.path)
    assert found["tracked_files"].status is EvidenceStatus.ok
    assert found["tracked_files"].value == 2
    assert found["dependency_update_bots"].value == ["dependabot"]


# --- kustomize patches and trailing comments ------------------------------------------------------------------------

RELEASE = """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: podinfo}
spec:
  interval: 50m
  chart:
    spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: podinfo}}
  driftDetection: {mode: enabled}
"""
VALUES_PATCH = """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: podinfo}
spec:
  values: {replicaCount: 3}
"""
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
  labels: {app: scorer, team: risk-models}
spec:
  template:
    spec:
      containers: [{name: scorer, image: "scorer:1.4.2"}]
"""
DEPLOYMENT_PATCH = """apiVersion: apps/v1
kind: Deployment
metadata: {name: scorer}
spec:
  template:
    spec:
      containers: [{name: scorer, args: [-log-level=debug]}]
"""


@pytest.fixture(scope="module")
def overlay_repo(tmp_path_factory: pytest.TempPathFactory) -> Records:
    repo = RepoBuilder(tmp_path_factory.mktemp("overlays") / "repo")
    repo.commit(
        "OPS-7 base and overlays",
        {
            "apps/base/release.yaml": RELEASE,
            "apps/base/deployment.yaml": DEPLOYMENT,
            "apps/base/kustomization.yaml": "resources: [release.yaml, deployment.yaml]\n",
            # a modern patch list with apiVersion, and the older key in a file without apiVersion
            "apps/production/kustomization.yaml": (
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\n"
                "patches:\n  - path: values.yaml\n    target: {kind: HelmRelease}\n"
            ),
            "apps/production/values.yaml": VALUES_PATCH,
            "apps/debug/kustomization.yaml": "bases: [../base]\npatchesStrategicMerge:\n  - patch.yaml\n",
            "apps/debug/patch.yaml": DEPLOYMENT_PATCH,
            ".github/workflows/release.yml": (
                "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions:\n"
                "      packages: write # for attestations, see slsa-framework/slsa-github-generator and cosign verify\n"
                "    steps:\n      - run: make release\n"
            ),
        },
    )
    return _collect(repo.path)


def test_patches_are_not_applications_of_their_own(overlay_repo: Records) -> None:
    # before: the values patch counted as a HelmRelease without drift detection
    heal = overlay_repo["gitops_apps_without_self_heal"]
    assert heal.value == 0, heal.summary
    assert "all 1 GitOps application(s)" in heal.summary


def test_patches_are_not_workloads_of_their_own(overlay_repo: Records) -> None:
    # before: the debug patch (in a kustomization without apiVersion) counted as an unlabelled Deployment
    owners = overlay_repo["k8s_workloads_without_owner_label"]
    assert owners.value == 0, owners.summary
    assert "all 1 workload(s)" in owners.summary


def test_tools_named_in_a_trailing_comment_are_not_steps(overlay_repo: Records) -> None:
    assert overlay_repo["supply_chain_steps"].value == []

"""What a kubernetes target names: the API server, the namespaces, how namespaces map to environments, and which keys
say what model a workload serves.

The API server takes a ServiceAccount token as a bearer token (token_env / token_file) and usually presents a
certificate of the cluster's own CA (ca_file). Only GET is sent, so a ServiceAccount bound to the `view` ClusterRole
(plus `get`/`list` on the serving CRDs) is enough.

Environments, by default: a namespace's label `environment`, `env` or `app.kubernetes.io/environment` (its value
lower-cased, with the usual aliases folded: production/prd -> prod, stage/preprod -> staging, qa/sit/uat -> test,
development -> dev); without such a label, its name against `environment_patterns` (`*-dev`, `*-test`, `*-staging`,
`*-prod` and their usual variants); a namespace matching neither has no environment.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from evidence_collectors.config import HttpTargetConfig

Namespace = Annotated[str, Field(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max_length=63)]
Key = Annotated[str, Field(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9][-A-Za-z0-9_./]*$")]
Pattern = Annotated[str, Field(min_length=1, max_length=100)]

ENVIRONMENT_LABELS = ["environment", "env", "app.kubernetes.io/environment"]
ENVIRONMENT_PATTERNS: dict[str, list[str]] = {
    "dev": ["*-dev", "dev-*", "*-development"],
    "test": ["*-test", "test-*", "*-qa", "*-sit", "*-uat"],
    "staging": ["*-staging", "staging-*", "*-stage", "*-preprod", "*-pre"],
    "prod": ["*-prod", "prod-*", "*-production", "*-prd"],
}
ENVIRONMENT_ALIASES = {
    "production": "prod",
    "prd": "prod",
    "live": "prod",
    "stage": "staging",
    "preprod": "staging",
    "pre": "staging",
    "qa": "test",
    "sit": "test",
    "uat": "test",
    "testing": "test",
    "development": "dev",
}
MODEL_NAME_KEYS = [
    "model-name",
    "model_name",
    "model",
    "app.kubernetes.io/model",
    "mlops.io/model-name",
    "ml.model/name",
    "mlflow.org/model-name",
]
MODEL_VERSION_KEYS = [
    "model-version",
    "model_version",
    "app.kubernetes.io/model-version",
    "mlops.io/model-version",
    "ml.model/version",
    "mlflow.org/model-version",
]
MODEL_URI_KEYS = ["mlflow.org/model-uri", "model-uri", "mlops.io/model-uri"]
SERVING_COMPONENTS = ["model-serving", "model-server", "inference", "predictor", "serving"]
SERVING_IMAGES = [
    "tritonserver",
    "tensorflow/serving",
    "torchserve",
    "kserve",
    "seldonio",
    "mlserver",
    "vllm",
    "text-generation-inference",
    "bentoml",
    "openvino/model_server",
    "onnxruntime-server",
    "mlflow-serving",
]


class KubernetesConfig(HttpTargetConfig):
    url: Annotated[
        str,
        Field(pattern=r"^https?://", description="Base URL of the Kubernetes API server (https://HOST:6443)"),
    ]
    namespaces: list[Namespace] = Field(
        default_factory=list,
        description="Namespaces to read; empty: every namespace the account can list (GET /api/v1/namespaces), up "
        "to max_namespaces",
    )
    gitops_namespaces: list[Namespace] = Field(
        default_factory=lambda: ["argocd", "flux-system"],
        description="Namespaces where the GitOps controllers' objects live (Argo CD Applications, Flux Kustomizations "
        "and HelmReleases), read besides those the model workloads' markers name",
    )
    label_selector: Annotated[str, Field(max_length=1000, pattern=r"^[\x20-\x7e]*$")] | None = Field(
        default=None,
        description="Label selector passed to the workload lists (Deployments, StatefulSets, Rollouts, "
        "InferenceServices, SeldonDeployments); when set, every Deployment, StatefulSet or Rollout it selects counts "
        "as a model workload",
    )
    environment_labels: list[Key] = Field(
        default_factory=lambda: list(ENVIRONMENT_LABELS),
        description="Namespace label keys whose value names the environment (first one present wins)",
    )
    environment_patterns: dict[Annotated[str, Field(min_length=1, max_length=40)], list[Pattern]] = Field(
        default_factory=lambda: {k: list(v) for k, v in ENVIRONMENT_PATTERNS.items()},
        description="Environment -> namespace name patterns (shell-style), used when no environment label is set",
    )
    production_environments: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=lambda: ["prod"], description="Environments (after alias folding) that are production"
    )
    model_name_keys: list[Key] = Field(
        default_factory=lambda: list(MODEL_NAME_KEYS),
        description="Label or annotation keys naming the model a workload serves",
    )
    model_version_keys: list[Key] = Field(
        default_factory=lambda: list(MODEL_VERSION_KEYS),
        description="Label or annotation keys giving the model version a workload serves",
    )
    model_uri_keys: list[Key] = Field(
        default_factory=lambda: list(MODEL_URI_KEYS),
        description="Annotation keys holding a registry URI models:/NAME/VERSION (name and version at once)",
    )
    serving_components: list[Annotated[str, Field(min_length=1, max_length=63)]] = Field(
        default_factory=lambda: list(SERVING_COMPONENTS),
        description="Values of app.kubernetes.io/component that mark a model-serving workload",
    )
    serving_images: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=lambda: list(SERVING_IMAGES),
        description="Container image name parts that mark a model server (Triton, TF Serving, TorchServe, ...)",
    )
    max_namespaces: Annotated[int, Field(ge=1, le=10_000, description="Namespaces read at most")] = 200
    max_items: Annotated[
        int, Field(ge=1, le=1_000_000, description="Objects read per resource and namespace at most")
    ] = 5_000
    page_size: Annotated[int, Field(ge=1, le=5000, description="Objects asked for per page (`limit`)")] = 500

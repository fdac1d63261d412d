"""What a Kubeflow Pipelines target names: the KFP API endpoint, the namespace (multi-user deployments), the pipelines
and experiments in scope, and the time window of the runs.

The KFP API server is reached at its own address (http://ml-pipeline-ui.kubeflow/pipeline, or the Kubeflow central
dashboard's /pipeline path); a deployment behind an identity proxy takes a bearer token (token_env/token_file).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from evidence_collectors.config import HttpTargetConfig

Name = Annotated[str, Field(min_length=1, max_length=250)]


class KubeflowConfig(HttpTargetConfig):
    url: Annotated[
        str,
        Field(
            pattern=r"^https?://",
            description="Base URL of the KFP API, with its path prefix if any (https://HOST/pipeline); the API is read "
            "under /apis/v2beta1",
        ),
    ]
    namespace: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=63,
            pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
            description="Kubeflow profile namespace to read (multi-user deployments); none: the shared namespace",
        ),
    ] = None
    pipelines: list[Name] = Field(
        default_factory=list, description="Pipeline display names or ids in scope; empty: every pipeline"
    )
    experiments: list[Name] = Field(
        default_factory=list,
        description="Experiment display names or ids whose runs and recurring runs are read; empty: every experiment",
    )
    window_days: Annotated[int, Field(ge=1, le=3660, description="Runs created in the last N days")] = 30
    min_tasks: Annotated[
        int, Field(ge=2, le=1000, description="Tasks a pipeline needs to count as a multi-stage pipeline")
    ] = 3
    max_items: Annotated[
        int, Field(ge=1, le=1_000_000, description="Items read per listing (pipelines, runs, ...) at most")
    ] = 5_000
    page_size: Annotated[int, Field(ge=1, le=1000, description="Items asked for per page (`page_size`)")] = 100

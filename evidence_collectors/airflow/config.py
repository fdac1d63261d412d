"""What an Airflow target names: the webserver (its API is read under /api/v1 or /api/v2), how to sign in, which DAGs
are in scope and the time window of the runs.

Airflow 2's stable REST API takes HTTP basic auth (`username` with the password in token_env/token_file) or, behind
an auth manager or proxy that issues one, a bearer token (token_env/token_file without username). Airflow 3's API
(/api/v2) takes a bearer token (a JWT from /auth/token), given the same way.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from evidence_collectors.config import HttpTargetConfig

DagPrefix = Annotated[str, Field(min_length=1, max_length=250, pattern=r"^[A-Za-z0-9_.-]+$")]
Tag = Annotated[str, Field(min_length=1, max_length=100)]


class AirflowConfig(HttpTargetConfig):
    url: Annotated[
        str,
        Field(
            pattern=r"^https?://",
            description="Base URL of the Airflow webserver or API server, with its path prefix if any "
            "(https://HOST/airflow); the API is read under /api/v1 or /api/v2",
        ),
    ]
    api_version: Literal["auto", "v1", "v2"] = Field(
        default="auto",
        description="REST API to read: v1 (Airflow 2 stable API), v2 (Airflow 3), or auto (v2 when /api/v2/version "
        "answers, else v1)",
    )
    dag_id_prefixes: list[DagPrefix] = Field(
        default_factory=list, description="Only DAGs whose id starts with one of these; empty: every DAG"
    )
    tags: list[Tag] = Field(default_factory=list, description="Only DAGs with at least one of these tags; empty: any")
    window_days: Annotated[int, Field(ge=1, le=3660, description="Runs started in the last N days")] = 30
    min_tasks: Annotated[
        int, Field(ge=2, le=1000, description="Tasks a DAG needs to count as a multi-stage pipeline")
    ] = 3
    max_dags: Annotated[int, Field(ge=1, le=100_000, description="DAGs read at most")] = 500
    max_runs_per_dag: Annotated[int, Field(ge=1, le=100_000, description="Runs of one DAG read at most")] = 1_000
    max_task_instance_reads: Annotated[
        int,
        Field(ge=0, le=100_000, description="Runs whose task instances are read (newest first) for the retries"),
    ] = 200
    page_size: Annotated[int, Field(ge=1, le=1000, description="Items asked for per page (`limit`)")] = 100

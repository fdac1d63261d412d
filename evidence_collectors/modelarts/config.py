"""What a ModelArts target names: the regional endpoint, the project, how to get an IAM token, scope and window.

ModelArts takes an IAM project-scoped token in the `X-Auth-Token` header. The token is either issued beforehand
(token_env / token_file) or asked for at the start of the collection from IAM with a user's password (POST
{iam_url}/v3/auth/tokens; the token comes back in the X-Subject-Token header). The password, like every credential,
comes only from an environment variable or a file; the targets file names the variable or the file, never the value.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator

from evidence_collectors.config import HttpTargetConfig, resolve_relative

Pattern = Annotated[str, Field(min_length=1, max_length=200)]


class ModelArtsConfig(HttpTargetConfig):
    url: Annotated[
        str,
        Field(
            pattern=r"^https?://",
            description="ModelArts endpoint of the region, e.g. https://modelarts.cn-north-4.myhuaweicloud.com",
        ),
    ]
    project_id: Annotated[
        str,
        Field(pattern=r"^[A-Za-z0-9-]{1,64}$", description="IAM project id of the region (the {project_id} of paths)"),
    ]
    workspace_id: Annotated[
        str | None,
        Field(
            pattern=r"^[A-Za-z0-9-]{1,64}$",
            description="Workspace to read (workflows, models, services); default: what the API reads without one",
        ),
    ] = None
    iam_url: Annotated[
        str | None,
        Field(
            pattern=r"^https?://",
            description="IAM endpoint for password sign-in, e.g. https://iam.cn-north-4.myhuaweicloud.com",
        ),
    ] = None
    iam_user: Annotated[str | None, Field(min_length=1, max_length=64, description="IAM user signing in")] = None
    iam_domain: Annotated[
        str | None, Field(min_length=1, max_length=64, description="Account (domain) name the IAM user belongs to")
    ] = None
    password_env: str | None = Field(default=None, description="Environment variable holding the IAM user's password")
    password_file: Path | None = Field(default=None, description="File holding the IAM user's password")
    workflows: list[Pattern] = Field(
        default_factory=list, description="Workflow name patterns (fnmatch, e.g. 'reco-*'); empty: every workflow"
    )
    models: list[Pattern] = Field(default_factory=list, description="Model name patterns (fnmatch); empty: every model")
    services: list[Pattern] = Field(
        default_factory=list, description="Service name patterns (fnmatch); empty: every service"
    )
    window_days: Annotated[
        int, Field(ge=1, le=3660, description="Executions, training jobs and service updates of the last N days")
    ] = 90
    page_size: Annotated[int, Field(ge=1, le=50, description="Items asked for per page (`limit`)")] = 50
    max_items: Annotated[
        int, Field(ge=1, le=1_000_000, description="Items read per listing (workflows, one workflow's executions, ...)")
    ] = 2_000
    max_detail_reads: Annotated[
        int,
        Field(
            ge=0,
            le=100_000,
            description="Single-item reads (a workflow's steps and schedules, a model's lineage, a service's "
            "configuration, monitoring and events) at most",
        ),
    ] = 2_000

    @field_validator("password_file")
    @classmethod
    def _password_relative_to_targets_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        return resolve_relative(value, info)

    @field_validator("iam_url")
    @classmethod
    def _plain_iam_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?", value):
            raise ValueError("iam_url is a scheme, a host and an optional port, with no path, user or query")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _one_way_to_sign_in(self) -> ModelArtsConfig:
        if self.username:
            raise ValueError("ModelArts signs in with an IAM token or iam_user with its password; remove username")
        has_token = bool(self.token_env or self.token_file)
        has_password = bool(self.password_env or self.password_file)
        named = [self.iam_url, self.iam_user, self.iam_domain]
        if has_password and not all(named):
            raise ValueError("password sign-in needs iam_url, iam_user and iam_domain")
        if any(named) and not has_password:
            raise ValueError(
                "iam_url, iam_user and iam_domain need the user's password: set password_env or password_file"
            )
        if has_token and has_password:
            raise ValueError("give either a token (token_env/token_file) or an IAM password, not both")
        return self

    @property
    def signs_in(self) -> bool:
        """Whether a token is asked for from IAM with a password (else a pre-issued token, or none, is used)."""
        return self.iam_user is not None

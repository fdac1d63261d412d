"""What a GitLab target names: the instance, the project (path or numeric id) and the time window."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from evidence_collectors.config import HttpTargetConfig

INSTANCE = "https://gitlab.com"


class GitLabConfig(HttpTargetConfig):
    url: Annotated[
        str, Field(pattern=r"^https?://", description="Instance URL; /api/v4 is appended unless already there")
    ] = INSTANCE
    project: Annotated[
        str,
        Field(
            pattern=r"^(\d+|[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+)$",
            description="group/name (subgroups allowed) or the numeric project id",
        ),
    ]
    window_days: Annotated[int, Field(ge=1, le=366, description="Pipelines, merge requests, deployments of N days")] = (
        30
    )
    max_pages: Annotated[int, Field(ge=1, le=1000, description="Pages of 100 items read per list at most")] = 50

    @model_validator(mode="after")
    def _token_goes_in_its_header(self) -> GitLabConfig:
        if self.username:
            raise ValueError("GitLab tokens are sent in the PRIVATE-TOKEN header; remove username")
        return self

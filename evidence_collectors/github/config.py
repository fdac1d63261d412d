"""What a GitHub target names: the repository, the API root (GitHub.com or Enterprise Server) and the time window."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from evidence_collectors.config import HttpTargetConfig

API_ROOT = "https://api.github.com"


class GitHubConfig(HttpTargetConfig):
    url: Annotated[
        str,
        Field(pattern=r"^https?://", description="REST API root (https://HOST/api/v3 for GitHub Enterprise Server)"),
    ] = API_ROOT
    repository: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="owner/name")]
    window_days: Annotated[int, Field(ge=1, le=366, description="Runs, deployments, releases of the last N days")] = 30
    max_pages: Annotated[int, Field(ge=1, le=1000, description="Pages of 100 items read per list at most")] = 50

    @model_validator(mode="after")
    def _token_is_a_bearer_token(self) -> GitHubConfig:
        if self.username:
            raise ValueError("GitHub tokens are sent as 'Authorization: Bearer'; remove username")
        return self

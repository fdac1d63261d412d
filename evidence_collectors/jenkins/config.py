"""What a Jenkins target names: the server (with its context path), optionally the jobs, and the time window.

Jenkins API tokens are sent with the user name as HTTP basic auth, so a token needs `username`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from evidence_collectors.config import HttpTargetConfig


class JenkinsConfig(HttpTargetConfig):
    jobs: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="Full job names (folder/job) to read; a folder stands for its jobs; empty: every job",
    )
    window_days: Annotated[int, Field(ge=1, le=366, description="Builds of the last N days")] = 30
    max_pages: Annotated[int, Field(ge=1, le=1000, description="Pages of 100 builds read per job at most")] = 10
    max_jobs: Annotated[int, Field(ge=1, le=10000, description="Jobs read at most")] = 500
    max_folders: Annotated[int, Field(ge=1, le=100_000, description="Folders listed at most (the root included)")] = 500
    max_folder_depth: Annotated[
        int, Field(ge=0, le=100, description="Folders inside folders opened at most this deep (0: the top level only)")
    ] = 8

    @model_validator(mode="after")
    def _token_needs_user(self) -> JenkinsConfig:
        if (self.token_env or self.token_file) and not self.username:
            raise ValueError("a Jenkins API token is sent with its user name (basic auth): set username")
        return self

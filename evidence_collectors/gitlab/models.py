"""The parts of GitLab REST API v4 responses the probes read; unknown fields are ignored, missing required ones are
reported as an unexpected response rather than guessed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

NO_ONE = 0  # access_level of "No one"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Project(_Model):
    id: int
    path_with_namespace: str
    default_branch: str | None = None  # None for an empty repository
    only_allow_merge_if_pipeline_succeeds: bool = False
    merge_trains_enabled: bool | None = None  # Premium and up; absent on Free


class Pipeline(_Model):
    id: int
    status: str  # created | pending | running | success | failed | canceled | skipped | manual | scheduled | ...
    source: str | None = None  # push | web | schedule | merge_request_event | api | trigger | ...
    ref: str | None = None
    sha: str | None = None
    created_at: dt.datetime


class JobUser(_Model):
    username: str = ""


class JobPipeline(_Model):
    id: int


class Job(_Model):
    """A CI job (GET /projects/:id/jobs): the user it ran for (the pipeline's starter), its pipeline, and the files it
    kept (its log is the artifact of file_type trace until the log is erased or expires). started_at and artifacts are
    read leniently: an odd value there costs only the run-record figure, not the jobs listing."""

    id: int
    created_at: dt.datetime
    started_at: Any = None  # None: the job never ran (skipped, manual, canceled before start)
    user: JobUser | None = None
    pipeline: JobPipeline | None = None
    artifacts: Any = None  # [{"file_type": "archive" | "metadata" | "trace" | "junit" | ..., ...}]

    @property
    def ran(self) -> bool:
        return self.started_at is not None

    @property
    def log_kept(self) -> bool:
        found = self.artifacts if isinstance(self.artifacts, list) else []
        return any(isinstance(a, dict) and a.get("file_type") == "trace" for a in found)


class ReportTotals(_Model):
    count: int = 0
    success: int = 0
    failed: int = 0
    skipped: int = 0
    error: int = 0


class PipelineTestReport(_Model):
    """GET /projects/:id/pipelines/:pipeline_id/test_report_summary: the JUnit reports the pipeline's jobs uploaded."""

    total: ReportTotals = Field(default_factory=ReportTotals)


class AccessLevel(_Model):
    access_level: int | None = None
    access_level_description: str = ""
    user_id: int | None = None
    group_id: int | None = None
    deploy_key_id: int | None = None

    @property
    def no_one(self) -> bool:
        return (
            self.access_level == NO_ONE
            and self.user_id is None
            and self.group_id is None
            and (self.deploy_key_id is None)
        )


class ProtectedBranch(_Model):
    name: str  # a branch name or a wildcard pattern such as release/*
    push_access_levels: list[AccessLevel] = Field(default_factory=list)
    merge_access_levels: list[AccessLevel] = Field(default_factory=list)
    allow_force_push: bool = False
    code_owner_approval_required: bool = False


class RepoBranch(_Model):
    """A repository branch (GET /projects/:id/repository/branches)."""

    name: str
    protected: bool = False


class NamedBranch(_Model):
    name: str


class ApprovalRule(_Model):
    id: int
    name: str
    rule_type: str = "regular"  # any_approver | regular | code_owner | report_approver
    approvals_required: int = 0
    protected_branches: list[NamedBranch] = Field(default_factory=list)
    applies_to_all_protected_branches: bool = False


class ApprovalSettings(_Model):
    reset_approvals_on_push: bool = False
    merge_requests_author_approval: bool | None = None  # True: authors may approve their own merge requests


class MergeRequest(_Model):
    iid: int
    target_branch: str = ""
    merged_at: dt.datetime | None = None
    updated_at: dt.datetime
    sha: str | None = None  # head of the source branch
    merge_commit_sha: str | None = None  # None for fast-forward merges
    squash_commit_sha: str | None = None

    @property
    def mainline_sha(self) -> str | None:
        """The commit the merge put on the target branch: merge or squash commit, else the head (fast-forward)."""
        return self.merge_commit_sha or self.squash_commit_sha or self.sha


class CommitStatus(_Model):
    """A commit status: one per CI job (GitLab CI or an external CI server reporting to GitLab)."""

    name: str = ""  # the job name, or an external status's context
    status: str  # pending | running | success | failed | canceled | skipped | ...
    created_at: dt.datetime
    finished_at: dt.datetime | None = None


class Approver(_Model):
    user: dict[str, object] = Field(default_factory=dict)


class MergeRequestApprovals(_Model):
    approved_by: list[Approver] = Field(default_factory=list)


class Environment(_Model):
    id: int
    name: str
    state: str = "available"  # available | stopping | stopped
    tier: str | None = None  # production | staging | testing | development | other


class FreezePeriod(_Model):
    """A deploy freeze period (GET /projects/:id/freeze_periods): cron start and end, with their time zone."""

    freeze_start: str = ""
    freeze_end: str = ""
    cron_timezone: str | None = None


class EnvironmentApprovalRule(_Model):
    required_approvals: int = 0


class ProtectedEnvironment(_Model):
    name: str
    required_approval_count: int = 0
    approval_rules: list[EnvironmentApprovalRule] = Field(default_factory=list)
    deploy_access_levels: list[AccessLevel] = Field(default_factory=list)

    @property
    def approvals_required(self) -> int:
        return max([self.required_approval_count, *(r.required_approvals for r in self.approval_rules)])


class DeploymentEnvironment(_Model):
    name: str


class DeploymentJob(_Model):
    id: int


class Deployment(_Model):
    id: int
    status: str  # created | running | success | failed | canceled | skipped | blocked
    ref: str = ""
    created_at: dt.datetime
    environment: DeploymentEnvironment
    deployable: DeploymentJob | None = None  # the CI job that deployed; None for a deployment recorded through the API

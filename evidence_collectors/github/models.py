"""The parts of GitHub REST API v3 responses the probes read; unknown fields are ignored, missing required ones are
reported as an unexpected response rather than guessed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Repository(_Model):
    full_name: str
    default_branch: str


class Workflow(_Model):
    id: int
    name: str
    path: str
    state: str  # active | deleted | disabled_fork | disabled_inactivity | disabled_manually


class Account(_Model):
    login: str = ""


class ReferencedWorkflow(_Model):
    """A reusable workflow a run called: its path (owner/repo/.github/workflows/x.yml@ref) and the commit used."""

    path: str = ""
    sha: str | None = None
    ref: str | None = None


class WorkflowRun(_Model):
    id: int
    event: str
    # read leniently (an odd value costs only the definition figure, not the run listing): the workflow file the run
    # used, e.g. .github/workflows/ci.yml (dynamic/... for GitHub-managed ones), and the reusable workflows it called
    path: Any = ""
    referenced_workflows: Any = None

    @property
    def workflow_path(self) -> str:
        return self.path if isinstance(self.path, str) else ""

    @property
    def called(self) -> list[ReferencedWorkflow]:
        """The reusable workflows called; an entry that is not an object counts as one without a recorded commit."""
        found = self.referenced_workflows if isinstance(self.referenced_workflows, list) else []
        return [
            ReferencedWorkflow.model_validate(w)
            if isinstance(w, dict) and isinstance(w.get("sha"), str | None)
            else ReferencedWorkflow()
            for w in found
        ]

    status: str | None = None  # queued | in_progress | completed | ...
    conclusion: str | None = None  # success | failure | cancelled | skipped | timed_out | ...
    head_branch: str | None = None
    head_sha: str | None = None
    actor: Account | None = None
    triggering_actor: Account | None = None  # who started it (differs from actor on re-runs)
    workflow_id: int | None = None
    created_at: dt.datetime
    updated_at: dt.datetime | None = None  # for a completed run: when it finished


class ProtectionRule(_Model):
    type: str  # required_reviewers | wait_timer | branch_policy
    reviewers: list[dict[str, Any]] = Field(default_factory=list)


class DeploymentBranchPolicy(_Model):
    protected_branches: bool = False
    custom_branch_policies: bool = False


class Environment(_Model):
    name: str
    protection_rules: list[ProtectionRule] = Field(default_factory=list)
    deployment_branch_policy: DeploymentBranchPolicy | None = None


class StatusCheck(_Model):
    context: str


class RequiredStatusChecks(_Model):
    contexts: list[str] = Field(default_factory=list)
    checks: list[StatusCheck] = Field(default_factory=list)

    def names(self) -> set[str]:
        return set(self.contexts) | {c.context for c in self.checks}


class ProtectionSummary(_Model):
    enabled: bool = False
    required_status_checks: RequiredStatusChecks | None = None


class Branch(_Model):
    name: str
    protected: bool = False
    protection: ProtectionSummary | None = None


class BranchName(_Model):
    """A branch as GET /repos/{owner}/{repo}/branches lists it."""

    name: str
    protected: bool = False


class Enabled(_Model):
    enabled: bool = False


class Slugged(_Model):
    slug: str = ""


class BypassAllowances(_Model):
    """Who may merge without the required reviews (classic protection's bypass_pull_request_allowances)."""

    users: list[Account] = Field(default_factory=list)
    teams: list[Slugged] = Field(default_factory=list)
    apps: list[Slugged] = Field(default_factory=list)

    def names(self) -> list[str]:
        teams = [f"team {t.slug}" for t in self.teams]
        return sorted([u.login for u in self.users] + teams + [f"app {a.slug}" for a in self.apps])


class RequiredReviews(_Model):
    required_approving_review_count: int = 0
    bypass_pull_request_allowances: Any = None  # read leniently: an odd value must not cost the other settings

    @property
    def bypassers(self) -> list[str]:
        """Who may skip the reviews; an allowance that cannot be read counts as one unnamed account."""
        allowed = self.bypass_pull_request_allowances
        if allowed is None:
            return []
        try:
            return BypassAllowances.model_validate(allowed).names()
        except ValueError:
            return ["(unreadable bypass allowances)"]


class BranchProtection(_Model):
    """Classic branch protection (GET .../branches/{branch}/protection, admin rights needed)."""

    required_status_checks: RequiredStatusChecks | None = None
    required_pull_request_reviews: RequiredReviews | None = None
    enforce_admins: Enabled | None = None
    allow_force_pushes: Enabled | None = None


class BranchRule(_Model):
    """A ruleset rule that applies to a branch (GET .../rules/branches/{branch}, read access is enough)."""

    type: str  # pull_request | required_status_checks | non_fast_forward | deletion | ...
    parameters: dict[str, Any] = Field(default_factory=dict)


class App(_Model):
    slug: str = ""


class Deployment(_Model):
    id: int
    environment: str
    created_at: dt.datetime
    # read leniently (an odd value costs only the workflow figure): who created it, and the GitHub App it was created
    # through (github-actions for a workflow job)
    creator: Any = None
    performed_via_github_app: Any = None

    @property
    def creator_login(self) -> str:
        login = self.creator.get("login") if isinstance(self.creator, dict) else None
        return login if isinstance(login, str) else ""

    @property
    def app_slug(self) -> str:
        app = self.performed_via_github_app
        slug = app.get("slug") if isinstance(app, dict) else None
        return slug if isinstance(slug, str) else ""


class DeploymentStatus(_Model):
    id: int
    state: str  # error | failure | inactive | in_progress | queued | pending | success
    created_at: dt.datetime


class Release(_Model):
    tag_name: str
    draft: bool = False
    prerelease: bool = False
    published_at: dt.datetime | None = None
    body: str | None = None


class Tag(_Model):
    name: str


class PullHead(_Model):
    sha: str


class PullRequest(_Model):
    """A closed pull request (GET /repos/{owner}/{repo}/pulls?state=closed)."""

    number: int
    updated_at: dt.datetime
    merged_at: dt.datetime | None = None
    merge_commit_sha: str | None = None  # the commit the merge put on the base branch
    head: PullHead
    user: Account | None = None  # the author


class Review(_Model):
    """A pull request review (GET /repos/{owner}/{repo}/pulls/{number}/reviews)."""

    user: Account | None = None
    state: str = ""  # APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED | PENDING
    submitted_at: dt.datetime | None = None


class CheckRun(_Model):
    """A check run on a commit (GitHub Actions jobs and other GitHub Apps)."""

    name: str = ""
    app: App | None = None
    status: str  # queued | in_progress | completed | ...
    conclusion: str | None = None
    completed_at: dt.datetime | None = None


class CommitStatus(_Model):
    """A commit status, as external CI servers (e.g. Jenkins) report them."""

    context: str = ""
    state: str  # error | failure | pending | success
    created_at: dt.datetime

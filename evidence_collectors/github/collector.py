"""GitHub Actions collector: facts about one repository's CI/CD as GitHub's REST API v3 reports them.

Reads workflows and their runs over a time window, environments and their protection rules, the default branch's
protection (classic rules and rulesets), deployments with their latest status, releases and tags. One failing endpoint
only costs the probes that need it; an unreadable repository fails the whole target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import quote

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.github.api import GitHubApi
from evidence_collectors.github.config import GitHubConfig
from evidence_collectors.github.definitions import definition_findings
from evidence_collectors.github.deployed_by import deployed_by_workflow_findings
from evidence_collectors.github.figures import (
    CommitChecks,
    deployment_findings,
    environment_findings,
    latest_status,
    protection_detail_findings,
    protection_findings,
    pull_findings,
    queue_findings,
    recheck_findings,
    release_findings,
    review_findings,
    run_findings,
    tag_findings,
    workflow_findings,
)
from evidence_collectors.github.models import (
    Branch,
    BranchName,
    BranchProtection,
    BranchRule,
    CheckRun,
    CommitStatus,
    Deployment,
    DeploymentStatus,
    Environment,
    PullRequest,
    Release,
    Repository,
    Review,
    Tag,
    Workflow,
    WorkflowRun,
)
from evidence_collectors.github.release_branches import (
    RELEASE_BRANCH,
    bypass_findings,
    release_branch_findings,
    release_branch_gaps,
)
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.outcome import ProbeFinding, failed_read, in_catalogue_order, probe_section, recorded
from evidence_collectors.records import EvidenceRecord, utc_now
from evidence_collectors.rest import Pages

T = TypeVar("T")
PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))
MAX_STATUS_LOOKUPS = 300  # one request per deployment; the newest ones are read first
MAX_PULL_LOOKUPS = 50  # four requests per merged pull request (checks and statuses of two commits); newest first

WORKFLOW_PROBES = ("github.active_workflow_count", "github.workflow_paths")
RUN_PROBES = (
    "github.runs_in_window",
    "github.run_success_ratio",
    "github.run_events",
    "github.automatic_run_ratio",
    "github.runs_with_trigger_record_ratio",
    "github.default_branch_run_success_ratio",
    "github.default_branch_longest_broken_hours",
    "github.default_branch_last_conclusion",
)
DEFINITION_PROBES = ("github.runs_with_definition_version_ratio",)
PULL_PROBES = (
    "github.merged_pulls_checked_ratio",
    "github.merged_pulls_mainline_checked_ratio",
    "github.merged_pulls_mainline_rechecked_ratio",
)
REVIEW_PROBES = ("github.merged_pulls_approved_ratio",)
QUEUE_PROBES = ("github.merged_pulls_via_merge_queue_ratio",)
PROTECTION_PROBES = ("github.default_branch_protected", "github.default_branch_required_status_checks")
DETAIL_PROBES = (
    "github.default_branch_required_approvals",
    "github.default_branch_enforce_admins",
    "github.default_branch_force_push_blocked",
    "github.default_branch_review_bypassers",
)
RELEASE_BRANCH_PROBES = ("github.release_branches_unguarded",)
MAX_RELEASE_BRANCHES = 20  # two or three requests per release branch
ENVIRONMENT_PROBES = (
    "github.environments",
    "github.environments_with_required_reviewers",
    "github.environments_with_branch_policy",
)
DEPLOYMENT_PROBES = (
    "github.deployments_in_window",
    "github.deployment_success_ratio",
    "github.deployments_with_outcome_ratio",
    "github.deployment_environments",
    "github.deployments_by_workflow_ratio",
)
RELEASE_PROBES = ("github.release_count", "github.releases_in_window", "github.releases_with_notes_ratio")
TAG_PROBES = ("github.tag_count",)


class GitHubCollector(Collector):
    name = "github"
    version = "1.0.0"
    system = "ci"
    config_model = GitHubConfig
    probes = PROBES

    def source_url(self, config: TargetConfig) -> str:
        if isinstance(config, GitHubConfig):
            return f"{config.url}/repos/{config.repository}"
        return super().source_url(config)

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, GitHubConfig):
            raise TypeError(f"expected a GitHubConfig, got {type(config).__name__}")
        start = utc_now() - dt.timedelta(days=config.window_days)
        days = config.window_days
        with GitHubApi(config, ctx) as api:
            repo, repo_sha = api.get(api.repo, Repository)  # unreadable repository: the runner fails every probe
            branch = repo.default_branch
            records = recorded(
                self,
                config,
                ctx,
                [
                    ProbeFinding(
                        "github.default_branch",
                        branch,
                        f"default branch of {repo.full_name}: {branch}",
                        (repo_sha,),
                        api.url(api.repo),
                    )
                ],
            )

            def section(what: str, probes: tuple[str, ...], compute: Callable[[], list[ProbeFinding]]) -> None:
                records.extend(probe_section(self, config, ctx, what, probes, compute))

            section(
                "workflows",
                WORKFLOW_PROBES,
                lambda: workflow_findings(api.pages(f"{api.repo}/actions/workflows", Workflow, items_key="workflows")),
            )
            runs = _Once(
                lambda: api.pages(
                    f"{api.repo}/actions/runs",
                    WorkflowRun,
                    items_key="workflow_runs",
                    params={"exclude_pull_requests": "true"},
                    stop=lambda page: any(r.created_at < start for r in page),
                )
            )
            section("workflow runs", RUN_PROBES, lambda: run_findings(runs.get(), start, branch, days))
            section("workflow runs", DEFINITION_PROBES, lambda: definition_findings(runs.get(), start, days))
            merged = _Merged(api, start, branch)
            section("merged pull requests", PULL_PROBES, lambda: self._pulls(api, merged, branch, days))
            section("pull request reviews", REVIEW_PROBES, lambda: self._reviews(api, merged, branch, days))
            section(
                "merge queue (merged pull requests and workflow runs)",
                QUEUE_PROBES,
                lambda: self._queue(merged, runs, branch, days),
            )
            records.extend(self._protection(config, ctx, api, branch))
            section(
                "release branches and their protection (reading it needs admin rights on the repository)",
                RELEASE_BRANCH_PROBES,
                lambda: self._release_branches(api),
            )
            section(
                "environments",
                ENVIRONMENT_PROBES,
                lambda: environment_findings(
                    api.pages(f"{api.repo}/environments", Environment, items_key="environments")
                ),
            )
            section("deployments", DEPLOYMENT_PROBES, lambda: self._deployments(api, start, days))
            section(
                "releases",
                RELEASE_PROBES,
                lambda: release_findings(api.pages(f"{api.repo}/releases", Release), start, days),
            )
            section("tags", TAG_PROBES, lambda: tag_findings(api.pages(f"{api.repo}/tags", Tag)))
        return in_catalogue_order(self, records)

    # --- sections -----------------------------------------------------------------------------------------

    def _protection(
        self, config: GitHubConfig, ctx: CollectContext, api: GitHubApi, branch: str
    ) -> list[EvidenceRecord]:
        """Protection and required checks need read access only; review counts and admin enforcement need admin."""
        path = api.branch_path(branch)
        try:
            info, sha = api.get(path, Branch)
            rules = api.pages(f"{api.repo}/rules/branches/{quote(branch, safe='')}", BranchRule)
        except (Unavailable, CollectError) as exc:
            return failed_read(self, config, ctx, "default-branch protection", PROTECTION_PROBES + DETAIL_PROBES, exc)
        raw, url = (sha, *rules.raw), api.url(path)
        records = recorded(self, config, ctx, protection_findings(info, rules, raw, url))

        def details() -> list[ProbeFinding]:
            classic: BranchProtection | None = None
            more: tuple[str, ...] = ()
            if info.protected:
                classic, classic_sha = api.get(f"{path}/protection", BranchProtection)
                more = (classic_sha,)
            found = protection_detail_findings(branch, classic, rules.items, raw + more, url)
            return found + bypass_findings(branch, classic, raw + more, url)

        what = "branch protection settings (reading them needs admin rights on the repository)"
        return records + probe_section(self, config, ctx, what, DETAIL_PROBES, details)

    def _release_branches(self, api: GitHubApi) -> list[ProbeFinding]:
        """Branches named release*, newest listed first, each with its classic protection and ruleset rules."""
        listing = api.pages(f"{api.repo}/branches", BranchName)
        release = [b for b in listing.items if RELEASE_BRANCH.match(b.name)]
        raw = list(listing.raw)
        gaps: dict[str, list[str]] = {}
        for found in release[:MAX_RELEASE_BRANCHES]:
            path = api.branch_path(found.name)
            rules = api.pages(f"{api.repo}/rules/branches/{quote(found.name, safe='')}", BranchRule)
            raw += rules.raw
            classic: BranchProtection | None = None
            if found.protected:
                classic, sha = api.get(f"{path}/protection", BranchProtection)
                raw.append(sha)
            gaps[found.name] = release_branch_gaps(classic, rules.items)
        note = listing.cap_note("branches")
        if len(release) > MAX_RELEASE_BRANCHES:
            note += f" (protection read for the first {MAX_RELEASE_BRANCHES} release branches)"
        return release_branch_findings(gaps, (tuple(raw), listing.url), note)

    def _pulls(self, api: GitHubApi, pulls: _Merged, branch: str, days: int) -> list[ProbeFinding]:
        """Pull requests merged into the default branch in the window, and the checks on their two commits."""
        listing, merged = pulls.read()
        raw = list(listing.raw)

        def checks(sha: str) -> CommitChecks:
            path = f"{api.repo}/commits/{quote(sha, safe='')}"
            runs = api.pages(f"{path}/check-runs", CheckRun, items_key="check_runs", max_pages=1)
            statuses = api.pages(f"{path}/status", CommitStatus, items_key="statuses", max_pages=1)
            raw.extend(runs.raw + statuses.raw)
            return CommitChecks(tuple(runs.items), tuple(statuses.items))

        looked = merged[:MAX_PULL_LOOKUPS]
        head_checks = {p.number: checks(p.head.sha) for p in looked}
        merge_checks = {p.number: checks(p.merge_commit_sha) for p in looked if p.merge_commit_sha}
        note = listing.cap_note("pull requests")
        if len(merged) > MAX_PULL_LOOKUPS:
            note += f" (checks read for the newest {MAX_PULL_LOOKUPS} merged pull requests)"
        period = f"in the last {days} days{note}"
        source = (tuple(raw), listing.url)
        return pull_findings(looked, head_checks, merge_checks, branch, source, period) + recheck_findings(
            looked, head_checks, merge_checks, branch, source, period
        )

    def _reviews(self, api: GitHubApi, pulls: _Merged, branch: str, days: int) -> list[ProbeFinding]:
        """The reviews of the same merged pull requests (one request each, newest MAX_PULL_LOOKUPS)."""
        listing, merged = pulls.read()
        raw = list(listing.raw)
        reviews: dict[int, list[Review]] = {}
        looked = merged[:MAX_PULL_LOOKUPS]
        for pull in looked:
            found = api.pages(f"{api.repo}/pulls/{pull.number}/reviews", Review, max_pages=1)
            reviews[pull.number] = found.items
            raw += found.raw
        note = listing.cap_note("pull requests")
        if len(merged) > MAX_PULL_LOOKUPS:
            note += f" (reviews read for the newest {MAX_PULL_LOOKUPS} merged pull requests)"
        return review_findings(looked, reviews, branch, (tuple(raw), listing.url), f"in the last {days} days{note}")

    def _queue(self, pulls: _Merged, runs: _Once[Pages[WorkflowRun]], branch: str, days: int) -> list[ProbeFinding]:
        listing, merged = pulls.read()
        found = runs.get()
        looked = merged[:MAX_PULL_LOOKUPS]
        note = listing.cap_note("pull requests") + found.cap_note("workflow runs")
        source = ((*listing.raw, *found.raw), listing.url)
        return queue_findings(looked, found.items, branch, source, f"in the last {days} days{note}")

    def _deployments(self, api: GitHubApi, start: dt.datetime, days: int) -> list[ProbeFinding]:
        listing = api.pages(
            f"{api.repo}/deployments", Deployment, stop=lambda page: any(d.created_at < start for d in page)
        )
        window = [d for d in listing.items if d.created_at >= start]
        states: dict[int, str | None] = {}
        raw = list(listing.raw)
        for deployment in window[:MAX_STATUS_LOOKUPS]:
            # statuses come newest first: the first page holds the latest one
            statuses = api.pages(f"{api.repo}/deployments/{deployment.id}/statuses", DeploymentStatus, max_pages=1)
            states[deployment.id] = latest_status(statuses.items)
            raw += statuses.raw
        note = listing.cap_note("deployments")
        if len(window) > MAX_STATUS_LOOKUPS:
            note += f" (outcomes read for the newest {MAX_STATUS_LOOKUPS} deployments)"
        capped = listing.cap_note("deployments")
        by_workflow = deployed_by_workflow_findings(window, tuple(listing.raw), listing.url, days, capped)
        return deployment_findings(window, states, tuple(raw), listing.url, days, note) + by_workflow


class _Merged:
    """The pull requests merged into the default branch in the window, listed once for the sections that need them."""

    def __init__(self, api: GitHubApi, start: dt.datetime, branch: str) -> None:
        self.api, self.start, self.branch = api, start, branch
        self._read: tuple[Pages[PullRequest], list[PullRequest]] | None = None

    def read(self) -> tuple[Pages[PullRequest], list[PullRequest]]:
        """(the listing, merged pull requests newest first); a failed listing is tried again by the next caller."""
        if self._read is None:
            start = self.start
            listing = self.api.pages(
                f"{self.api.repo}/pulls",
                PullRequest,
                params={"state": "closed", "base": self.branch, "sort": "updated", "direction": "desc"},
                stop=lambda page: any(p.updated_at < start for p in page),  # merged_at <= updated_at
            )
            merged = sorted(
                (p for p in listing.items if p.merged_at is not None and p.merged_at >= start),
                key=lambda p: (p.merged_at or start, p.number),
                reverse=True,
            )
            self._read = (listing, merged)
        return self._read


class _Once(Generic[T]):
    """A read done at most once for the sections that share it; a failed read is tried again by the next caller."""

    def __init__(self, read: Callable[[], T]) -> None:
        self._read_it = read
        self._value: T | None = None

    def get(self) -> T:
        if self._value is None:
            self._value = self._read_it()
        return self._value

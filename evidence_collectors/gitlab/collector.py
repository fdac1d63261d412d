"""GitLab CI collector: facts about one project's CI/CD as GitLab's REST API v4 reports them.

Reads project merge settings, pipelines over a time window, protected branches, merge request approval rules and
settings, merged merge requests with their approvals, environments (protected ones too) and deployments. Premium
features (approval rules, protected environments) that a Free instance refuses only cost their own probes; an
unreadable project fails the whole target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.gitlab.api import GitLabApi, project_path
from evidence_collectors.gitlab.config import GitLabConfig
from evidence_collectors.gitlab.figures import (
    approval_rule_findings,
    approval_settings_findings,
    deployment_findings,
    environment_findings,
    freeze_findings,
    merge_request_check_findings,
    merge_request_findings,
    pipeline_findings,
    project_findings,
    protected_branch_findings,
    protected_environment_findings,
    protecting,
    recheck_findings,
    train_findings,
    trigger_record_findings,
)
from evidence_collectors.gitlab.models import (
    ApprovalRule,
    ApprovalSettings,
    CommitStatus,
    Deployment,
    Environment,
    FreezePeriod,
    Job,
    MergeRequest,
    MergeRequestApprovals,
    Pipeline,
    PipelineTestReport,
    Project,
    ProtectedBranch,
    ProtectedEnvironment,
    RepoBranch,
)
from evidence_collectors.gitlab.release_branches import release_branch_findings
from evidence_collectors.gitlab.run_records import (
    commit_pipelines,
    deployed_by_pipeline_findings,
    report_findings,
    run_record_findings,
)
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.outcome import ProbeFinding, in_catalogue_order, probe_section, recorded
from evidence_collectors.records import EvidenceRecord, utc_now
from evidence_collectors.rest import Pages

PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))
MAX_APPROVAL_LOOKUPS = 200  # one request per merged merge request; the most recently updated are read first
PREMIUM = "a GitLab Premium feature: Free instances answer 403 or 404"

PIPELINE_PROBES = (
    "gitlab.pipelines_in_window",
    "gitlab.pipeline_success_ratio",
    "gitlab.pipeline_sources",
    "gitlab.automatic_pipeline_ratio",
    "gitlab.default_branch_pipeline_success_ratio",
    "gitlab.default_branch_last_status",
)
BRANCH_PROBES = (
    "gitlab.default_branch_protected",
    "gitlab.default_branch_direct_push_blocked",
    "gitlab.default_branch_force_push_blocked",
    "gitlab.default_branch_code_owner_approval",
)
RULE_PROBES = ("gitlab.default_branch_required_approvals",)
RELEASE_BRANCH_PROBES = ("gitlab.release_branches_unguarded",)
SETTING_PROBES = ("gitlab.author_approval_prevented", "gitlab.approvals_reset_on_push")
MR_PROBES = ("gitlab.merged_mrs_in_window", "gitlab.merged_mr_approved_ratio")
MR_CHECK_PROBES = (
    "gitlab.merged_mrs_checked_ratio",
    "gitlab.merged_mrs_mainline_checked_ratio",
    "gitlab.merged_mrs_mainline_rechecked_ratio",
)
MAX_STATUS_LOOKUPS = 50  # two requests per merged merge request (head and mainline commit); newest merges first
ENVIRONMENT_PROBES = ("gitlab.environments", "gitlab.production_environments")
PROTECTED_ENV_PROBES = ("gitlab.protected_environments", "gitlab.environments_with_required_approval")
FREEZE_PROBES = ("gitlab.deploy_freeze_periods",)
TRAIN_PROBES = ("gitlab.merged_mrs_via_merge_train_ratio",)
TRIGGER_PROBES = ("gitlab.pipelines_with_trigger_record_ratio", "gitlab.pipelines_with_run_record_ratio")
TEST_REPORT_PROBES = ("gitlab.pipelines_with_test_report_ratio",)
MAX_REPORT_LOOKUPS = 50  # one request per pipeline started by a commit or merge request; newest first
DEPLOYMENT_PROBES = (
    "gitlab.deployments_in_window",
    "gitlab.deployment_success_ratio",
    "gitlab.deployments_with_outcome_ratio",
    "gitlab.deployment_environments",
    "gitlab.deployments_by_pipeline_ratio",
)

Compute = Callable[[], list[ProbeFinding]]
Dated = TypeVar("Dated", Pipeline, Deployment, Job)


class GitLabCollector(Collector):
    name = "gitlab"
    version = "1.0.0"
    system = "ci"
    config_model = GitLabConfig
    probes = PROBES

    def source_url(self, config: TargetConfig) -> str:
        if isinstance(config, GitLabConfig):
            return config.url + project_path(config)
        return super().source_url(config)

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, GitLabConfig):
            raise TypeError(f"expected a GitLabConfig, got {type(config).__name__}")
        start = utc_now() - dt.timedelta(days=config.window_days)
        days = config.window_days
        with GitLabApi(config, ctx) as api:
            project, project_sha = api.get(api.project, Project)  # unreadable project: the runner fails every probe
            branch = project.default_branch or ""
            records = recorded(self, config, ctx, project_findings(project, (project_sha,), api.url(api.project)))

            def section(what: str, probes: tuple[str, ...], compute: Compute) -> None:
                records.extend(probe_section(self, config, ctx, what, probes, compute))

            try:
                pipelines: Pages[Pipeline] | Exception = _newest_first(api, "pipelines", Pipeline, start)
            except Exception as exc:  # raised again, unchanged, by every section that needs the pipelines
                pipelines = exc
            section(
                "pipelines",
                PIPELINE_PROBES,
                lambda: pipeline_findings(_again(pipelines), start, branch, days),
            )
            section(
                "pipeline jobs (who each pipeline ran for)",
                TRIGGER_PROBES,
                lambda: self._run_records(api, _again(pipelines), start, days),
            )
            section(
                "pipeline test reports",
                TEST_REPORT_PROBES,
                lambda: self._test_reports(api, _again(pipelines), start, days),
            )
            try:
                protected: Pages[ProtectedBranch] | Exception = api.pages(
                    f"{api.project}/protected_branches", ProtectedBranch
                )
            except (Unavailable, CollectError) as exc:
                protected = exc
            section("protected branches", BRANCH_PROBES, lambda: protected_branch_findings(branch, _ok(protected)))
            section(
                f"merge request approval rules ({PREMIUM})",
                RULE_PROBES,
                lambda: self._approval_rules(api, branch, protected),
            )
            section(
                f"release branches and their protection and approval rules ({PREMIUM})",
                RELEASE_BRANCH_PROBES,
                lambda: self._release_branches(api, protected),
            )
            section(
                f"merge request approval settings ({PREMIUM})", SETTING_PROBES, lambda: self._approval_settings(api)
            )
            try:
                listing: Pages[MergeRequest] | Exception = self._merged_listing(api, start)
            except (Unavailable, CollectError) as exc:
                listing = exc
            section(
                "merged merge requests", MR_PROBES, lambda: self._merge_requests(api, _reraise(listing), start, days)
            )
            section(
                "merged merge requests",
                MR_CHECK_PROBES,
                lambda: self._merge_request_checks(api, _reraise(listing), start, branch, days),
            )
            section(
                "merge trains (merged merge requests and pipelines)",
                TRAIN_PROBES,
                lambda: self._trains(_reraise(listing), _again(pipelines), start, branch, days),
            )
            section(
                "environments",
                ENVIRONMENT_PROBES,
                lambda: environment_findings(api.pages(f"{api.project}/environments", Environment)),
            )
            section(
                f"protected environments ({PREMIUM})",
                PROTECTED_ENV_PROBES,
                lambda: protected_environment_findings(
                    api.pages(f"{api.project}/protected_environments", ProtectedEnvironment)
                ),
            )
            section(
                "deploy freeze periods",
                FREEZE_PROBES,
                lambda: freeze_findings(api.pages(f"{api.project}/freeze_periods", FreezePeriod)),
            )
            section(
                "deployments",
                DEPLOYMENT_PROBES,
                lambda: self._deployments(api, start, days),
            )
        return in_catalogue_order(self, records)

    # --- sections -----------------------------------------------------------------------------------------

    def _approval_rules(
        self, api: GitLabApi, branch: str, protected: Pages[ProtectedBranch] | Exception
    ) -> list[ProbeFinding]:
        rules = api.pages(f"{api.project}/approval_rules", ApprovalRule)
        raw = tuple(rules.raw)
        is_protected = False
        if any(r.applies_to_all_protected_branches for r in rules.items):
            # such a rule covers the default branch only if it is protected, so that must be known
            branches = _ok(protected, "a rule applies to all protected branches, which could not be read: ")
            is_protected = bool(protecting(branch, branches.items))
            raw += tuple(branches.raw)
        return approval_rule_findings(branch, rules, is_protected, raw)

    def _run_records(
        self, api: GitLabApi, pipelines: Pages[Pipeline], start: dt.datetime, days: int
    ) -> list[ProbeFinding]:
        jobs = _newest_first(api, "jobs", Job, start, sort=False)
        return trigger_record_findings(pipelines, jobs, start, days) + run_record_findings(pipelines, jobs, start, days)

    def _test_reports(
        self, api: GitLabApi, pipelines: Pages[Pipeline], start: dt.datetime, days: int
    ) -> list[ProbeFinding]:
        """The test report summary of the newest pipelines that a commit or merge request started."""
        chosen = commit_pipelines(pipelines.items, start)
        looked = chosen[:MAX_REPORT_LOOKUPS]
        raw = list(pipelines.raw)
        reports: dict[int, PipelineTestReport] = {}
        for pipeline in looked:
            report, sha = api.get(f"{api.project}/pipelines/{pipeline.id}/test_report_summary", PipelineTestReport)
            reports[pipeline.id] = report
            raw.append(sha)
        note = pipelines.cap_note("pipelines")
        if len(chosen) > MAX_REPORT_LOOKUPS:
            note += f" (test reports read for the newest {MAX_REPORT_LOOKUPS})"
        return report_findings(looked, reports, (tuple(raw), pipelines.url), f"in the last {days} days{note}")

    def _deployments(self, api: GitLabApi, start: dt.datetime, days: int) -> list[ProbeFinding]:
        deployments = _newest_first(api, "deployments", Deployment, start)
        return deployment_findings(deployments, start, days) + deployed_by_pipeline_findings(deployments, start, days)

    def _release_branches(self, api: GitLabApi, protected: Pages[ProtectedBranch] | Exception) -> list[ProbeFinding]:
        """Branches named release*, checked against the protected branches and the approval rules."""
        branches = api.pages(f"{api.project}/repository/branches", RepoBranch, params={"search": "^release"})
        if not branches.items:  # nothing to guard: the rules are not needed
            return release_branch_findings([], [], [], (tuple(branches.raw), branches.url), "")
        rules = api.pages(f"{api.project}/approval_rules", ApprovalRule)
        guards = _ok(protected, "protected branches: ")
        note = branches.cap_note("branches") + guards.cap_note("protected branches") + rules.cap_note("rules")
        raw = (*branches.raw, *guards.raw, *rules.raw)
        return release_branch_findings(branches.items, guards.items, rules.items, (raw, branches.url), note)

    def _approval_settings(self, api: GitLabApi) -> list[ProbeFinding]:
        path = f"{api.project}/approvals"
        settings, sha = api.get(path, ApprovalSettings)
        return approval_settings_findings(settings, (sha,), api.url(path))

    def _merged_listing(self, api: GitLabApi, start: dt.datetime) -> Pages[MergeRequest]:
        return api.pages(
            f"{api.project}/merge_requests",
            MergeRequest,
            params={"state": "merged", "order_by": "updated_at", "sort": "desc"},
            stop=lambda page: any(m.updated_at < start for m in page),  # merged_at <= updated_at
        )

    def _merge_request_checks(
        self, api: GitLabApi, listing: Pages[MergeRequest], start: dt.datetime, branch: str, days: int
    ) -> list[ProbeFinding]:
        """Commit statuses (CI jobs) on the head and on the resulting mainline commit of each merge in the window."""
        into = [m for m in listing.items if m.merged_at and m.merged_at >= start and m.target_branch == branch]
        merged = sorted(into, key=lambda m: (m.merged_at, m.iid), reverse=True)[:MAX_STATUS_LOOKUPS]
        raw = list(listing.raw)
        cache: dict[str, list[CommitStatus]] = {}

        def statuses(sha: str | None) -> list[CommitStatus]:
            if not sha:
                return []
            if sha not in cache:
                read = api.pages(
                    f"{api.project}/repository/commits/{quote(sha, safe='')}/statuses", CommitStatus, max_pages=1
                )
                cache[sha] = read.items
                raw.extend(read.raw)
            return cache[sha]

        head = {m.iid: statuses(m.sha) for m in merged}
        mainline = {m.iid: statuses(m.mainline_sha) for m in merged}
        note = listing.cap_note("merge requests")
        period = f"in the last {days} days{note}"
        source = (tuple(raw), listing.url)
        return merge_request_check_findings(merged, head, mainline, branch, source, period) + recheck_findings(
            merged, head, mainline, branch, source, period
        )

    def _trains(
        self, listing: Pages[MergeRequest], pipelines: Pages[Pipeline], start: dt.datetime, branch: str, days: int
    ) -> list[ProbeFinding]:
        into = [m for m in listing.items if m.merged_at and m.merged_at >= start and m.target_branch == branch]
        merged = sorted(into, key=lambda m: (m.merged_at, m.iid), reverse=True)[:MAX_STATUS_LOOKUPS]
        note = listing.cap_note("merge requests") + pipelines.cap_note("pipelines")
        source = ((*listing.raw, *pipelines.raw), listing.url)
        return train_findings(merged, pipelines.items, branch, source, f"in the last {days} days{note}")

    def _merge_requests(
        self, api: GitLabApi, listing: Pages[MergeRequest], start: dt.datetime, days: int
    ) -> list[ProbeFinding]:
        merged = [m for m in listing.items if m.merged_at is not None and m.merged_at >= start]
        approvals: dict[int, int] = {}
        raw = list(listing.raw)
        for mr in merged[:MAX_APPROVAL_LOOKUPS]:
            state, sha = api.get(f"{api.project}/merge_requests/{mr.iid}/approvals", MergeRequestApprovals)
            approvals[mr.iid] = len(state.approved_by)
            raw.append(sha)
        note = listing.cap_note("merge requests")
        if len(merged) > MAX_APPROVAL_LOOKUPS:
            note += f" (approvals read for the {MAX_APPROVAL_LOOKUPS} most recently updated)"
        return merge_request_findings(merged, approvals, tuple(raw), listing.url, days, note)


def _newest_first(
    api: GitLabApi, what: str, model: type[Dated], start: dt.datetime, *, sort: bool = True
) -> Pages[Dated]:
    """The project's pipelines, deployments or jobs, newest first, until a page reaches back past `start` (the jobs
    API lists newest first by itself and takes no ordering parameters)."""
    return api.pages(
        f"{api.project}/{what}",
        model,
        params={"order_by": "id", "sort": "desc"} if sort else None,
        stop=lambda page: any(item.created_at < start for item in page),
    )


def _again(result: Pages[Pipeline] | Exception) -> Pages[Pipeline]:
    """The pipeline listing, or the very exception its read raised."""
    if isinstance(result, Exception):
        raise result
    return result


def _reraise(result: Pages[MergeRequest] | Exception) -> Pages[MergeRequest]:
    """The merge request listing, or its read failure raised again (same kind) for every section that needs it."""
    if isinstance(result, Unavailable | CollectError):
        raise result
    if isinstance(result, Exception):
        raise CollectError(str(result))
    return result


def _ok(result: Pages[ProtectedBranch] | Exception, context: str = "") -> Pages[ProtectedBranch]:
    """The protected branches, or their read failure raised again (same kind) for the probes that need them."""
    if isinstance(result, Unavailable):
        raise Unavailable(context + str(result))
    if isinstance(result, Exception):
        raise CollectError(context + str(result))
    return result

"""Turning GitLab API objects into probe values with one-line summaries. Pure functions: no I/O, easy to check."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from evidence_collectors.gitlab.models import (
    ApprovalRule,
    ApprovalSettings,
    CommitStatus,
    Deployment,
    Environment,
    FreezePeriod,
    Job,
    MergeRequest,
    Pipeline,
    Project,
    ProtectedBranch,
    ProtectedEnvironment,
)
from evidence_collectors.outcome import ProbeFinding, counts, of, ratio, share_finding
from evidence_collectors.rest import Pages

MANUAL_SOURCES = frozenset({"web", "webide", "chat"})  # started by a person in the UI or chat
PIPELINE_DECIDED = frozenset({"success", "failed"})
PIPELINE_FINISHED = frozenset({"success", "failed", "canceled", "skipped"})
DEPLOY_FINISHED = frozenset({"success", "failed", "canceled"})


def names(items: Iterable[str]) -> str:
    return ", ".join(items) or "none"


def matches(branch: str, pattern: str) -> bool:
    """GitLab protected-branch names may hold `*` wildcards (e.g. release/*); nothing else is special."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), branch) is not None


# --- project settings ------------------------------------------------------------------------------------------


def project_findings(project: Project, raw: tuple[str, ...], url: str) -> list[ProbeFinding]:
    branch = project.default_branch or ""
    trains = project.merge_trains_enabled
    return [
        ProbeFinding(
            "gitlab.default_branch",
            branch,
            f"default branch of {project.path_with_namespace}: {branch or 'none (empty repository)'}",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.merge_requires_pipeline_success",
            project.only_allow_merge_if_pipeline_succeeds,
            "merge requests "
            + (
                "can only be merged when the pipeline succeeds"
                if project.only_allow_merge_if_pipeline_succeeds
                else "can be merged without a successful pipeline"
            )
            + " (only_allow_merge_if_pipeline_succeeds)",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.merge_trains_enabled",
            bool(trains),
            "merge trains "
            + ("enabled" if trains else "not enabled")
            + (
                " (the project does not report merge_trains_enabled: a GitLab Premium feature)"
                if trains is None
                else ""
            ),
            raw,
            url,
        ),
    ]


# --- pipelines ---------------------------------------------------------------------------------------------------


def trigger_record_findings(
    pipelines: Pages[Pipeline], jobs: Pages[Job], start: dt.datetime, days: int
) -> list[ProbeFinding]:
    """Pipelines in the window that record their source, their commit and the user they ran for (from their jobs)."""
    window = [p for p in pipelines.items if p.created_at >= start]
    users = {j.pipeline.id for j in jobs.items if j.pipeline is not None and j.user is not None and j.user.username}
    recorded_ = [p for p in window if p.source and p.sha and p.id in users]
    note = pipelines.cap_note("pipelines") + jobs.cap_note("jobs")
    return [
        ProbeFinding(
            "gitlab.pipelines_with_trigger_record_ratio",
            ratio(len(recorded_), len(window)),
            f"{of(len(recorded_), len(window))} pipelines in the last {days} days{note} record their source, their "
            "commit and the user they ran for",
            (*pipelines.raw, *jobs.raw),
            jobs.url,
        )
    ]


def pipeline_findings(pipelines: Pages[Pipeline], start: dt.datetime, branch: str, days: int) -> list[ProbeFinding]:
    window = [p for p in pipelines.items if p.created_at >= start]
    raw, url = tuple(pipelines.raw), pipelines.url
    period = f"in the last {days} days{pipelines.cap_note('pipelines')}"

    def decided(items: list[Pipeline]) -> tuple[int, int]:
        done = [p for p in items if p.status in PIPELINE_DECIDED]
        return sum(p.status == "success" for p in done), len(done)

    ok, done = decided(window)
    mainline = [p for p in window if p.ref == branch]
    main_ok, main_done = decided(mainline)
    latest = next(
        (p for p in sorted(mainline, key=lambda p: p.id, reverse=True) if p.status in PIPELINE_FINISHED), None
    )
    automatic = sum(p.source not in MANUAL_SOURCES for p in window)
    return [
        ProbeFinding(
            "gitlab.pipelines_in_window",
            len(window),
            f"{len(window)} pipeline(s) {period}; statuses: {counts(p.status for p in window)}",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.pipeline_success_ratio",
            ratio(ok, done),
            f"{of(ok, done)} pipelines that passed or failed {period} succeeded (canceled, skipped, manual and "
            "unfinished ones left out)",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.pipeline_sources",
            sorted({p.source or "unknown" for p in window}),
            f"pipeline sources {period}: {counts((p.source for p in window), 'unknown')}",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.automatic_pipeline_ratio",
            ratio(automatic, len(window)),
            f"{of(automatic, len(window))} pipelines {period} were started by an event, schedule or API rather "
            "than by hand (web, webide, chat)",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.default_branch_pipeline_success_ratio",
            ratio(main_ok, main_done),
            f"{of(main_ok, main_done)} pipelines on {branch or 'the default branch'} that passed or failed "
            f"{period} succeeded",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.default_branch_last_status",
            latest.status if latest else "",
            f"latest finished pipeline on {branch or 'the default branch'}: "
            + (
                f"#{latest.id} {latest.status} ({latest.created_at:%Y-%m-%d %H:%M} UTC)" if latest else f"none {period}"
            ),
            raw,
            url,
        ),
    ]


# --- protected branches and approvals ----------------------------------------------------------------------


def protecting(branch: str, rules: list[ProtectedBranch]) -> list[ProtectedBranch]:
    return [r for r in rules if branch and matches(branch, r.name)]


def protected_branch_findings(branch: str, rules: Pages[ProtectedBranch]) -> list[ProbeFinding]:
    """When several rules match a branch, GitLab grants the most permissive one; the values follow that."""
    applying = protecting(branch, rules.items)
    raw, url = tuple(rules.raw), rules.url
    push = sorted({a.access_level_description or str(a.access_level) for r in applying for a in r.push_access_levels})
    no_push = bool(applying) and all(a.no_one for r in applying for a in r.push_access_levels)
    no_force = bool(applying) and not any(r.allow_force_push for r in applying)
    owners = any(r.code_owner_approval_required for r in applying)
    rule_names = names(r.name for r in applying)
    return [
        ProbeFinding(
            "gitlab.default_branch_protected",
            bool(applying),
            f"{branch or 'default branch'} is protected by: {rule_names}",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.default_branch_direct_push_blocked",
            no_push,
            f"allowed to push to {branch or 'default branch'}: {names(push)}"
            + (" (changes arrive through merge requests only)" if no_push else ""),
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.default_branch_force_push_blocked",
            no_force,
            f"force push to {branch or 'default branch'}: {'blocked' if no_force else 'allowed'} "
            f"(protection rules: {rule_names})",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.default_branch_code_owner_approval",
            owners,
            f"code owner approval {'required' if owners else 'not required'} for {branch or 'default branch'}",
            raw,
            url,
        ),
    ]


def applies_to(rule: ApprovalRule, branch: str, protected: bool) -> bool:
    """A rule without branches covers every branch; `protected` says whether the branch itself is protected."""
    if rule.applies_to_all_protected_branches:
        return protected
    return not rule.protected_branches or any(matches(branch, b.name) for b in rule.protected_branches)


def approval_rule_findings(
    branch: str, rules: Pages[ApprovalRule], protected: bool, raw: tuple[str, ...]
) -> list[ProbeFinding]:
    applying = [r for r in rules.items if applies_to(r, branch, protected)]
    required = max((r.approvals_required for r in applying), default=0)
    listed = names(f"{r.name} ({r.rule_type}, {r.approvals_required})" for r in applying)
    return [
        ProbeFinding(
            "gitlab.default_branch_required_approvals",
            required,
            f"at least {required} approval(s) required for merge requests into {branch or 'the default branch'}; "
            f"rules: {listed}{rules.cap_note('rules')}",
            raw,
            rules.url,
        ),
    ]


def approval_settings_findings(settings: ApprovalSettings, raw: tuple[str, ...], url: str) -> list[ProbeFinding]:
    prevented = settings.merge_requests_author_approval is False
    return [
        ProbeFinding(
            "gitlab.author_approval_prevented",
            prevented,
            "authors "
            + ("cannot" if prevented else "can")
            + " approve their own merge requests"
            + (
                ""
                if settings.merge_requests_author_approval is not None
                else " (merge_requests_author_approval not reported)"
            ),
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.approvals_reset_on_push",
            settings.reset_approvals_on_push,
            "approvals "
            + ("are" if settings.reset_approvals_on_push else "are not")
            + " removed when new commits are pushed",
            raw,
            url,
        ),
    ]


def merge_request_findings(
    merged: list[MergeRequest], approvals: dict[int, int], raw: tuple[str, ...], url: str, days: int, note: str
) -> list[ProbeFinding]:
    """`merged` are merged in the window; `approvals` maps the ones whose approvals were read to their count."""
    read = [approvals[m.iid] for m in merged if m.iid in approvals]
    approved = sum(n > 0 for n in read)
    return [
        ProbeFinding(
            "gitlab.merged_mrs_in_window",
            len(merged),
            f"{len(merged)} merge request(s) merged in the last {days} days{note}",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.merged_mr_approved_ratio",
            ratio(approved, len(read)),
            f"{of(approved, len(read))} merged merge requests in the last {days} days had at least one approval{note}",
            raw,
            url,
        ),
    ]


FINISHED = frozenset({"success", "failed"})  # a job that ran to a result
# statuses that do not integrate anything (contributor agreements, sign-off, title and label bots): not counted
BOOKKEEPING = re.compile(
    r"(?<![a-z])(cla|dco|signed[-_ ]?off|semantic[-_ ]?(pr|pull|title)|pr[-_ ]title|labell?er|stale|welcome)"
    r"(?![a-z])",
    re.IGNORECASE,
)


def integrating(statuses: list[CommitStatus]) -> list[CommitStatus]:
    return [s for s in statuses if not BOOKKEEPING.search(s.name)]


def checked_by(statuses: list[CommitStatus], moment: dt.datetime) -> bool:
    """A job on the commit reached a result no later than `moment`."""
    return any(s.status in FINISHED and (s.finished_at or s.created_at) <= moment for s in integrating(statuses))


MERGE_SLACK = dt.timedelta(minutes=1)  # a mainline pipeline may be created a moment before merged_at is stamped
_CONTEXT_VARIANT = re.compile(r"/(pr-merge|pr-head|mr-merge|mr-head|branch|push|pr|merge|head)$")


def job_name(name: str) -> str:
    """A job's name with the event-specific tail external CI servers add (Jenkins '/mr-merge' vs '/branch')."""
    return _CONTEXT_VARIANT.sub("", name.strip().lower())


def rechecked(mr: MergeRequest, head: list[CommitStatus], mainline: list[CommitStatus]) -> bool:
    """Every job that had a result on the head before the merge also ran (finished or not) on the mainline commit
    after the merge (a fast-forward merge leaves the head as the mainline commit: its earlier jobs do not count)."""
    if mr.merged_at is None:
        return False
    merged_at = mr.merged_at
    gating = {
        job_name(s.name)
        for s in integrating(head)
        if s.status in FINISHED and (s.finished_at or s.created_at) <= merged_at
    }
    after = {job_name(s.name) for s in integrating(mainline) if s.created_at >= merged_at - MERGE_SLACK}
    return bool(gating) and gating <= after


def recheck_findings(
    merged: list[MergeRequest],
    head: dict[int, list[CommitStatus]],
    mainline: dict[int, list[CommitStatus]],
    branch: str,
    source: tuple[tuple[str, ...], str],
    period: str,
) -> list[ProbeFinding]:
    return [
        share_finding(
            "gitlab.merged_mrs_mainline_rechecked_ratio",
            merged,
            lambda m: rechecked(m, head.get(m.iid, []), mainline.get(m.iid, [])),
            f"merge requests merged into {branch} {period} had every job that gated them (a result on the head "
            f"before the merge) run again on the commit the merge put on {branch}",
            source,
            label=lambda m: f"!{m.iid}",
        )
    ]


def via_merge_train(mr: MergeRequest, pipelines: list[Pipeline]) -> bool:
    """A merge train pipeline for this merge request (ref refs/merge-requests/<iid>/train) succeeded by the merge."""
    if mr.merged_at is None:
        return False
    ref = f"refs/merge-requests/{mr.iid}/train"
    return any(p.ref == ref and p.status == "success" and p.created_at <= mr.merged_at for p in pipelines)


def train_findings(
    merged: list[MergeRequest],
    pipelines: list[Pipeline],
    branch: str,
    source: tuple[tuple[str, ...], str],
    period: str,
) -> list[ProbeFinding]:
    return [
        share_finding(
            "gitlab.merged_mrs_via_merge_train_ratio",
            merged,
            lambda m: via_merge_train(m, pipelines),
            f"merge requests merged into {branch} {period} went through a merge train (a successful train pipeline "
            "for them before the merge)",
            source,
            label=lambda m: f"!{m.iid}",
        )
    ]


def merge_request_check_findings(
    merged: list[MergeRequest],
    head: dict[int, list[CommitStatus]],
    mainline: dict[int, list[CommitStatus]],
    branch: str,
    source: tuple[tuple[str, ...], str],
    period: str,
) -> list[ProbeFinding]:
    """`merged` are the merge requests merged into `branch` in the window whose commit statuses were read."""
    return [
        share_finding(
            "gitlab.merged_mrs_checked_ratio",
            merged,
            lambda m: m.merged_at is not None and checked_by(head.get(m.iid, []), m.merged_at),
            f"merge requests merged into {branch} {period} had a finished CI job on their head commit before the merge",
            source,
            label=lambda m: f"!{m.iid}",
            missing="without",
        ),
        share_finding(
            "gitlab.merged_mrs_mainline_checked_ratio",
            merged,
            lambda m: bool(integrating(mainline.get(m.iid, []))),
            f"merge requests merged into {branch} {period} got a CI job on the commit the merge put on {branch}",
            source,
        ),
    ]


# --- environments and deployments --------------------------------------------------------------------------


def environment_findings(envs: Pages[Environment]) -> list[ProbeFinding]:
    available = sorted(e.name for e in envs.items if e.state != "stopped")
    production = sorted(e.name for e in envs.items if e.state != "stopped" and e.tier == "production")
    raw, url, note = tuple(envs.raw), envs.url, envs.cap_note("environments")
    stopped = sum(e.state == "stopped" for e in envs.items)
    return [
        ProbeFinding(
            "gitlab.environments",
            available,
            f"{len(available)} environment(s) not stopped: {names(available)} ({stopped} stopped){note}",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.production_environments",
            production,
            f"{len(production)} environment(s) of tier production: {names(production)}{note}",
            raw,
            url,
        ),
    ]


def freeze_findings(periods: Pages[FreezePeriod]) -> list[ProbeFinding]:
    """Deploy freeze periods; CI jobs see an active one as $CI_DEPLOY_FREEZE."""
    shown = "; ".join(
        f"{p.freeze_start} -> {p.freeze_end}" + (f" ({p.cron_timezone})" if p.cron_timezone else "")
        for p in periods.items[:5]
    )
    more = f" (+{len(periods.items) - 5} more)" if len(periods.items) > 5 else ""
    return [
        ProbeFinding(
            "gitlab.deploy_freeze_periods",
            len(periods.items),
            f"{len(periods.items)} deploy freeze period(s)"
            + (f": {shown}{more}" if shown else "")
            + periods.cap_note("freeze periods"),
            tuple(periods.raw),
            periods.url,
        )
    ]


def protected_environment_findings(envs: Pages[ProtectedEnvironment]) -> list[ProbeFinding]:
    protected = sorted(e.name for e in envs.items)
    gated = sorted(e.name for e in envs.items if e.approvals_required > 0)
    raw, url, note = tuple(envs.raw), envs.url, envs.cap_note("protected environments")
    return [
        ProbeFinding(
            "gitlab.protected_environments",
            protected,
            f"{len(protected)} protected environment(s): {names(protected)}{note}",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.environments_with_required_approval",
            gated,
            f"{len(gated)} of {len(protected)} protected environment(s) need approval before deployment: "
            + names(f"{e.name} ({e.approvals_required})" for e in envs.items if e.approvals_required > 0)
            + note,
            raw,
            url,
        ),
    ]


def deployment_findings(deployments: Pages[Deployment], start: dt.datetime, days: int) -> list[ProbeFinding]:
    window = [d for d in deployments.items if d.created_at >= start]
    finished = [d for d in window if d.status in DEPLOY_FINISHED]
    succeeded = sum(d.status == "success" for d in finished)
    failed = sum(d.status == "failed" for d in finished)
    envs = sorted({d.environment.name for d in window})
    raw, url = tuple(deployments.raw), deployments.url
    period = f"in the last {days} days{deployments.cap_note('deployments')}"
    return [
        ProbeFinding(
            "gitlab.deployments_in_window",
            len(window),
            f"{len(window)} deployment(s) {period}: {counts(d.environment.name for d in window)}",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.deployment_success_ratio",
            ratio(succeeded, succeeded + failed),
            f"{of(succeeded, succeeded + failed)} deployments that succeeded or failed {period} succeeded; "
            f"statuses: {counts(d.status for d in window)}",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.deployments_with_outcome_ratio",
            ratio(len(finished), len(window)),
            f"{of(len(finished), len(window))} deployments {period} record a final outcome "
            "(success, failed or canceled)",
            raw,
            url,
        ),
        ProbeFinding(
            "gitlab.deployment_environments",
            envs,
            f"deployed to {len(envs)} environment(s) {period}: {names(envs)}",
            raw,
            url,
        ),
    ]

"""Turning GitHub API objects into probe values with one-line summaries. Pure functions: no I/O, easy to check."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from evidence_collectors.github.models import (
    Branch,
    BranchProtection,
    BranchRule,
    CheckRun,
    CommitStatus,
    Deployment,
    DeploymentStatus,
    Environment,
    PullRequest,
    Release,
    Review,
    Tag,
    Workflow,
    WorkflowRun,
)
from evidence_collectors.outcome import ProbeFinding, counts, of, ratio, share_finding
from evidence_collectors.rest import Pages

MANUAL_EVENTS = frozenset({"workflow_dispatch"})
# completed runs that neither passed nor failed: left out of success ratios, shown in the summary
UNDECIDED = frozenset({"cancelled", "skipped", "neutral", "stale"})
# checks that do not integrate anything (contributor agreements, sign-off, title and label bots): not counted
BOOKKEEPING = re.compile(
    r"(?<![a-z])(cla|dco|signed[-_ ]?off|semantic[-_ ]?(pr|pull|title)|pr[-_ ]title|labell?er|stale|welcome)"
    r"(?![a-z])",
    re.IGNORECASE,
)
NO_RESULT = frozenset({"cancelled", "skipped", "stale"})  # completed check runs that did not check anything
DEPLOY_SUCCEEDED = frozenset({"success", "inactive"})  # inactive = succeeded, then superseded by a newer deployment
DEPLOY_FAILED = frozenset({"failure", "error"})


def in_window(moment: dt.datetime | None, start: dt.datetime) -> bool:
    return moment is not None and moment >= start


# --- workflows and runs -------------------------------------------------------------------------------------


def workflow_findings(workflows: Pages[Workflow]) -> list[ProbeFinding]:
    active = [w for w in workflows.items if w.state == "active"]
    raw, url = tuple(workflows.raw), workflows.url
    others = len(workflows.items) - len(active)
    note = workflows.cap_note("workflows")
    return [
        ProbeFinding(
            "github.active_workflow_count",
            len(active),
            f"{len(active)} active workflow(s); {others} disabled or deleted{note}",
            raw,
            url,
        ),
        ProbeFinding(
            "github.workflow_paths",
            sorted(w.path for w in active),
            "active workflow files: " + (", ".join(sorted(w.path for w in active)) or "none") + note,
            raw,
            url,
        ),
    ]


def trigger_recorded(run: WorkflowRun) -> bool:
    """The run record says what started it (event), who (triggering actor, else actor) and which commit it built."""
    who = (run.triggering_actor and run.triggering_actor.login) or (run.actor and run.actor.login)
    return bool(run.event and run.head_sha and who)


def broken_spells(mainline: list[WorkflowRun], now: dt.datetime) -> list[float]:
    """Hours each workflow stayed red on the mainline: from a failed run to the next successful run of the same
    workflow (finish times; until `now` when not yet repaired). `mainline` holds completed runs in the window."""
    spells: list[float] = []
    by_workflow: dict[int | None, list[WorkflowRun]] = {}
    for run in sorted(mainline, key=lambda r: r.created_at):
        by_workflow.setdefault(run.workflow_id, []).append(run)
    for runs in by_workflow.values():
        broken_since: dt.datetime | None = None
        for run in runs:
            finished = run.updated_at or run.created_at
            if run.conclusion == "failure" and broken_since is None:
                broken_since = finished
            elif run.conclusion == "success" and broken_since is not None:
                spells.append((finished - broken_since).total_seconds() / 3600)
                broken_since = None
        if broken_since is not None:
            spells.append((now - broken_since).total_seconds() / 3600)
    return spells


def run_findings(
    runs: Pages[WorkflowRun], start: dt.datetime, default_branch: str, days: int, now: dt.datetime | None = None
) -> list[ProbeFinding]:
    window = [r for r in runs.items if in_window(r.created_at, start)]
    raw, url = tuple(runs.raw), runs.url
    period = f"in the last {days} days{runs.cap_note('runs')}"

    def decided(items: list[WorkflowRun]) -> tuple[int, int]:
        done = [r for r in items if r.status == "completed" and r.conclusion not in UNDECIDED]
        return sum(r.conclusion == "success" for r in done), len(done)

    ok, done = decided(window)
    events = sorted({r.event for r in window})
    automatic = sum(r.event not in MANUAL_EVENTS for r in window)
    traced = sum(trigger_recorded(r) for r in window)
    mainline = [r for r in window if r.head_branch == default_branch]
    main_ok, main_done = decided(mainline)
    latest = next(
        (r for r in sorted(mainline, key=lambda r: r.created_at, reverse=True) if r.status == "completed"), None
    )
    spells = broken_spells([r for r in mainline if r.status == "completed"], now or dt.datetime.now(dt.UTC))
    longest = round(max(spells, default=0.0), 2)
    return [
        ProbeFinding(
            "github.runs_in_window",
            len(window),
            f"{len(window)} workflow run(s) {period}; conclusions: "
            + counts((r.conclusion for r in window), "unfinished"),
            raw,
            url,
        ),
        ProbeFinding(
            "github.run_success_ratio",
            ratio(ok, done),
            f"{of(ok, done)} decided runs succeeded {period} (cancelled, skipped and unfinished runs left out)",
            raw,
            url,
        ),
        ProbeFinding(
            "github.run_events", events, f"trigger events {period}: {counts(r.event for r in window)}", raw, url
        ),
        ProbeFinding(
            "github.automatic_run_ratio",
            ratio(automatic, len(window)),
            f"{of(automatic, len(window))} runs {period} were started by an event rather than by hand "
            "(workflow_dispatch)",
            raw,
            url,
        ),
        ProbeFinding(
            "github.runs_with_trigger_record_ratio",
            ratio(traced, len(window)),
            f"{of(traced, len(window))} runs {period} record their trigger event, the account that started them "
            "and the commit they built",
            raw,
            url,
        ),
        ProbeFinding(
            "github.default_branch_run_success_ratio",
            ratio(main_ok, main_done),
            f"{of(main_ok, main_done)} decided runs on {default_branch} succeeded {period}",
            raw,
            url,
        ),
        ProbeFinding(
            "github.default_branch_longest_broken_hours",
            longest,
            f"{len(spells)} time(s) a workflow turned red on {default_branch} {period}; longest until the next green "
            f"run: {longest} h" + ("" if spells else " (never red)"),
            raw,
            url,
        ),
        ProbeFinding(
            "github.default_branch_last_conclusion",
            (latest.conclusion or "") if latest else "",
            f"latest completed run on {default_branch}: "
            + (
                f"#{latest.id} {latest.conclusion} ({latest.created_at:%Y-%m-%d %H:%M} UTC)"
                if latest
                else f"none {period}"
            ),
            raw,
            url,
        ),
    ]


# --- merged pull requests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitChecks:
    """The check runs and commit statuses recorded on one commit, bookkeeping bots left out."""

    check_runs: tuple[CheckRun, ...] = ()
    statuses: tuple[CommitStatus, ...] = ()

    def __post_init__(self) -> None:
        runs = tuple(c for c in self.check_runs if not BOOKKEEPING.search(f"{c.name} {c.app.slug if c.app else ''}"))
        object.__setattr__(self, "check_runs", runs)
        object.__setattr__(self, "statuses", tuple(s for s in self.statuses if not BOOKKEEPING.search(s.context)))

    def exists(self) -> bool:
        return bool(self.check_runs or self.statuses)

    def finished_by(self, moment: dt.datetime) -> bool:
        """A check or status with a result was recorded no later than `moment`."""
        runs = any(
            c.status == "completed"
            and c.conclusion not in NO_RESULT
            and c.completed_at is not None
            and c.completed_at <= moment
            for c in self.check_runs
        )
        return runs or any(s.state != "pending" and s.created_at <= moment for s in self.statuses)


_CONTEXT_VARIANT = re.compile(r"/(pr-merge|pr-head|mr-merge|mr-head|branch|push|pr|merge|head)$")


def check_name(name: str) -> str:
    """A check's name with the event-specific tail external CI servers add (Jenkins '/pr-merge' vs '/branch')."""
    return _CONTEXT_VARIANT.sub("", name.strip().lower())


def gating_names(checks: CommitChecks, moment: dt.datetime) -> set[str]:
    """Names of the checks with a result on a pull request's head no later than the merge: its integration checks."""
    runs = {
        check_name(c.name)
        for c in checks.check_runs
        if c.status == "completed"
        and c.conclusion not in NO_RESULT
        and c.completed_at is not None
        and c.completed_at <= moment
    }
    return runs | {check_name(s.context) for s in checks.statuses if s.state != "pending" and s.created_at <= moment}


def rechecked(pull: PullRequest, head: CommitChecks, mainline: CommitChecks) -> bool:
    """Every integration check that gated the merge also ran (finished or not) on the commit the merge produced."""
    if pull.merged_at is None:
        return False
    gating = gating_names(head, pull.merged_at)
    after = {check_name(c.name) for c in mainline.check_runs} | {check_name(s.context) for s in mainline.statuses}
    return bool(gating) and gating <= after


def recheck_findings(
    merged: list[PullRequest],
    head_checks: dict[int, CommitChecks],
    merge_checks: dict[int, CommitChecks],
    branch: str,
    source: tuple[tuple[str, ...], str],
    period: str,
) -> list[ProbeFinding]:
    return [
        share_finding(
            "github.merged_pulls_mainline_rechecked_ratio",
            merged,
            lambda p: rechecked(
                p, head_checks.get(p.number, CommitChecks()), merge_checks.get(p.number, CommitChecks())
            ),
            f"pull requests merged into {branch} {period} had every check that gated them (a result on the head "
            f"before the merge) run again on the commit the merge put on {branch}",
            source,
            label=lambda p: f"#{p.number}",
        )
    ]


def via_merge_queue(pull: PullRequest, runs: list[WorkflowRun], branch: str) -> bool:
    """A merge_group run for this pull request (on the queue's gh-readonly-queue/<branch>/pr-<n>- branch, or on the
    commit the merge put on the branch) succeeded no later than the merge."""
    if pull.merged_at is None:
        return False
    prefix = f"gh-readonly-queue/{branch}/pr-{pull.number}-"
    return any(
        r.event == "merge_group"
        and r.conclusion == "success"
        and r.created_at <= pull.merged_at
        and ((r.head_branch or "").startswith(prefix) or bool(r.head_sha and r.head_sha == pull.merge_commit_sha))
        for r in runs
    )


def queue_findings(
    merged: list[PullRequest],
    runs: list[WorkflowRun],
    branch: str,
    source: tuple[tuple[str, ...], str],
    period: str,
) -> list[ProbeFinding]:
    return [
        share_finding(
            "github.merged_pulls_via_merge_queue_ratio",
            merged,
            lambda p: via_merge_queue(p, runs, branch),
            f"pull requests merged into {branch} {period} went through the merge queue (a successful merge_group "
            "run for them before the merge)",
            source,
            label=lambda p: f"#{p.number}",
        )
    ]


def pull_findings(
    merged: list[PullRequest],
    head_checks: dict[int, CommitChecks],
    merge_checks: dict[int, CommitChecks],
    branch: str,
    source: tuple[tuple[str, ...], str],
    period: str,
) -> list[ProbeFinding]:
    """`merged` are the pull requests merged into `branch` in the window whose commits were looked up."""
    return [
        share_finding(
            "github.merged_pulls_checked_ratio",
            merged,
            lambda p: p.merged_at is not None and head_checks.get(p.number, CommitChecks()).finished_by(p.merged_at),
            f"pull requests merged into {branch} {period} had a finished check run or commit status on their head "
            "commit before the merge",
            source,
            label=lambda p: f"#{p.number}",
            missing="without",
        ),
        share_finding(
            "github.merged_pulls_mainline_checked_ratio",
            merged,
            lambda p: merge_checks.get(p.number, CommitChecks()).exists(),
            f"pull requests merged into {branch} {period} got a check run or commit status on the commit the merge "
            f"put on {branch}",
            source,
        ),
    ]


def approved_by_other(pull: PullRequest, reviews: list[Review]) -> bool:
    """Someone other than the author approved the pull request, and that approval stood at the merge.

    A dismissed approval has state DISMISSED and does not count; neither does an approval submitted after the merge.
    """
    author = pull.user.login if pull.user else ""
    return any(
        r.state == "APPROVED"
        and r.user is not None
        and r.user.login
        and r.user.login != author
        and r.submitted_at is not None
        and pull.merged_at is not None
        and r.submitted_at <= pull.merged_at
        for r in reviews
    )


def review_findings(
    merged: list[PullRequest],
    reviews: dict[int, list[Review]],
    branch: str,
    source: tuple[tuple[str, ...], str],
    period: str,
) -> list[ProbeFinding]:
    """`merged` are the pull requests merged into `branch` in the window whose reviews were read."""
    return [
        share_finding(
            "github.merged_pulls_approved_ratio",
            merged,
            lambda p: approved_by_other(p, reviews.get(p.number, [])),
            f"pull requests merged into {branch} {period} had an approving review by someone other than their "
            "author, submitted before the merge and not dismissed",
            source,
            label=lambda p: f"#{p.number}",
            missing="without",
        )
    ]


# --- default-branch protection ------------------------------------------------------------------------------


def ruleset_checks(rules: list[BranchRule]) -> set[str]:
    names: set[str] = set()
    for rule in rules:
        if rule.type == "required_status_checks":
            for check in rule.parameters.get("required_status_checks") or []:
                if isinstance(check, dict) and isinstance(check.get("context"), str):
                    names.add(check["context"])
    return names


def ruleset_approvals(rules: list[BranchRule]) -> int:
    counts_ = [_count(r.parameters.get("required_approving_review_count")) for r in rules if r.type == "pull_request"]
    return max(counts_, default=0)


def _count(value: Any) -> int:
    """A count as the API gives it (a number, or digits in a string); 0 for anything else a server may send."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return 0


def protection_findings(branch: Branch, rules: Pages[BranchRule], raw: tuple[str, ...], url: str) -> list[ProbeFinding]:
    """What read access shows: whether the branch is protected and which status checks must pass."""
    summary_checks = branch.protection.required_status_checks if branch.protection else None
    checks = sorted((summary_checks.names() if summary_checks else set()) | ruleset_checks(rules.items))
    rule_types = sorted({r.type for r in rules.items})
    protected = branch.protected or bool(rules.items)
    return [
        ProbeFinding(
            "github.default_branch_protected",
            protected,
            f"{branch.name}: classic protection {'on' if branch.protected else 'off'}; ruleset rules: "
            + (", ".join(rule_types) or "none"),
            raw,
            url,
        ),
        ProbeFinding(
            "github.default_branch_required_status_checks",
            checks,
            f"{len(checks)} status check(s) must pass before merging into {branch.name}"
            + (": " + ", ".join(checks) if checks else ""),
            raw,
            url,
        ),
    ]


def protection_detail_findings(
    branch: str, classic: BranchProtection | None, rules: list[BranchRule], raw: tuple[str, ...], url: str
) -> list[ProbeFinding]:
    """What needs the classic protection settings (admin rights) combined with ruleset rules."""
    classic_reviews = classic.required_pull_request_reviews if classic else None
    classic_count = classic_reviews.required_approving_review_count if classic_reviews else 0
    approvals = max(classic_count, ruleset_approvals(rules))
    admins = bool(classic and classic.enforce_admins and classic.enforce_admins.enabled)
    classic_blocks = bool(classic and not (classic.allow_force_pushes and classic.allow_force_pushes.enabled))
    ruleset_blocks = any(r.type == "non_fast_forward" for r in rules)
    source = "classic protection " + ("on" if classic else "off")
    return [
        ProbeFinding(
            "github.default_branch_required_approvals",
            approvals,
            f"{approvals} approving review(s) required to merge into {branch} ({source}: {classic_count}; "
            f"rulesets: {ruleset_approvals(rules)})",
            raw,
            url,
        ),
        ProbeFinding(
            "github.default_branch_enforce_admins",
            admins,
            f"classic protection of {branch} {'applies' if admins else 'does not apply'} to administrators"
            + ("" if classic else " (no classic protection; ruleset bypass lists are not read)"),
            raw,
            url,
        ),
        ProbeFinding(
            "github.default_branch_force_push_blocked",
            classic_blocks or ruleset_blocks,
            f"force pushes to {branch}: "
            + ("blocked" if classic_blocks or ruleset_blocks else "allowed")
            + f" ({source}; ruleset non_fast_forward rule: {'yes' if ruleset_blocks else 'no'})",
            raw,
            url,
        ),
    ]


# --- environments ------------------------------------------------------------------------------------------


def has_reviewers(env: Environment) -> bool:
    return any(r.type == "required_reviewers" and r.reviewers for r in env.protection_rules)


def has_branch_policy(env: Environment) -> bool:
    policy = env.deployment_branch_policy
    return bool(policy and (policy.protected_branches or policy.custom_branch_policies))


def environment_findings(envs: Pages[Environment]) -> list[ProbeFinding]:
    names = sorted(e.name for e in envs.items)
    reviewed = sorted(e.name for e in envs.items if has_reviewers(e))
    restricted = sorted(e.name for e in envs.items if has_branch_policy(e))
    raw, url, note = tuple(envs.raw), envs.url, envs.cap_note("environments")
    return [
        ProbeFinding(
            "github.environments", names, f"{len(names)} environment(s): {', '.join(names) or 'none'}{note}", raw, url
        ),
        ProbeFinding(
            "github.environments_with_required_reviewers",
            reviewed,
            f"{len(reviewed)} of {len(names)} environment(s) need a reviewer's approval before a job deploys: "
            f"{', '.join(reviewed) or 'none'}{note}",
            raw,
            url,
        ),
        ProbeFinding(
            "github.environments_with_branch_policy",
            restricted,
            f"{len(restricted)} of {len(names)} environment(s) accept deployments only from protected or "
            f"named branches: {', '.join(restricted) or 'none'}{note}",
            raw,
            url,
        ),
    ]


# --- deployments ---------------------------------------------------------------------------------------------


def latest_status(statuses: list[DeploymentStatus]) -> str | None:
    return max(statuses, key=lambda s: (s.created_at, s.id)).state if statuses else None


def deployment_findings(
    deployments: list[Deployment], states: dict[int, str | None], raw: tuple[str, ...], url: str, days: int, note: str
) -> list[ProbeFinding]:
    """`deployments` are those in the window; `states` maps the ones whose statuses were read to the latest state."""
    period = f"in the last {days} days{note}"
    read = [states[d.id] for d in deployments if d.id in states]
    finished = [s for s in read if s in DEPLOY_SUCCEEDED | DEPLOY_FAILED]
    succeeded = sum(s in DEPLOY_SUCCEEDED for s in finished)
    envs = sorted({d.environment for d in deployments})
    return [
        ProbeFinding(
            "github.deployments_in_window",
            len(deployments),
            f"{len(deployments)} deployment(s) {period}: " + counts(d.environment for d in deployments),
            raw,
            url,
        ),
        ProbeFinding(
            "github.deployment_success_ratio",
            ratio(succeeded, len(finished)),
            f"{of(succeeded, len(finished))} finished deployments {period} succeeded; latest states: "
            + counts(read, "without status"),
            raw,
            url,
        ),
        ProbeFinding(
            "github.deployments_with_outcome_ratio",
            ratio(len(finished), len(read)),
            f"{of(len(finished), len(read))} deployments {period} record a final outcome "
            "(success, failure, error or inactive)",
            raw,
            url,
        ),
        ProbeFinding(
            "github.deployment_environments",
            envs,
            f"deployed to {len(envs)} environment(s) {period}: {', '.join(envs) or 'none'}",
            raw,
            url,
        ),
    ]


# --- releases and tags ---------------------------------------------------------------------------------------


def release_findings(releases: Pages[Release], start: dt.datetime, days: int) -> list[ProbeFinding]:
    published = [r for r in releases.items if not r.draft]
    recent = [r for r in published if in_window(r.published_at, start)]
    noted = [r for r in published if (r.body or "").strip()]
    raw, url, note = tuple(releases.raw), releases.url, releases.cap_note("releases")
    return [
        ProbeFinding(
            "github.release_count",
            len(published),
            f"{'at least ' if releases.capped else ''}{len(published)} published release(s) "
            f"({sum(r.prerelease for r in published)} pre-release(s); drafts left out){note}",
            raw,
            url,
        ),
        ProbeFinding(
            "github.releases_in_window",
            len(recent),
            f"{len(recent)} release(s) published in the last {days} days: "
            + (", ".join(r.tag_name for r in recent) or "none")
            + note,
            raw,
            url,
        ),
        ProbeFinding(
            "github.releases_with_notes_ratio",
            ratio(len(noted), len(published)),
            f"{of(len(noted), len(published))} published releases have release notes{note}",
            raw,
            url,
        ),
    ]


def tag_findings(tags: Pages[Tag]) -> list[ProbeFinding]:
    return [
        ProbeFinding(
            "github.tag_count",
            len(tags.items),
            f"{'at least ' if tags.capped else ''}{len(tags.items)} tag(s){tags.cap_note('tags')}",
            tuple(tags.raw),
            tags.url,
        )
    ]

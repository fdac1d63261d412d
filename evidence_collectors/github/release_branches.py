"""Release branches and whether they are guarded like the mainline probes require of it (at least one approving
review, no exemption for administrators or named accounts), and who may skip the mainline's reviews. Pure
functions: no I/O."""

from __future__ import annotations

import re

from evidence_collectors.github.figures import ruleset_approvals
from evidence_collectors.github.models import BranchProtection, BranchRule
from evidence_collectors.outcome import ProbeFinding

# release, release/2.1, release-2.1, releases/2026-q1 ...
RELEASE_BRANCH = re.compile(r"^releases?([/_-].*)?$", re.IGNORECASE)


def release_branch_gaps(classic: BranchProtection | None, rules: list[BranchRule]) -> list[str]:
    """What a release branch lacks: a required approving review (classic protection or a ruleset), and classic
    protection that also binds administrators (ruleset bypass lists are not read, as for the default branch)."""
    reviews = classic.required_pull_request_reviews if classic else None
    approvals = max(reviews.required_approving_review_count if reviews else 0, ruleset_approvals(rules))
    gaps = []
    if approvals < 1:
        gaps.append("no approving review required")
    if not (classic and classic.enforce_admins and classic.enforce_admins.enabled):
        gaps.append("administrators exempt")
    if bypassers(classic):
        gaps.append("named accounts may skip the review")
    return gaps


def bypassers(classic: BranchProtection | None) -> list[str]:
    """Users, teams and apps the classic protection lets merge without the required reviews."""
    reviews = classic.required_pull_request_reviews if classic else None
    return reviews.bypassers if reviews else []


def bypass_findings(
    branch: str, classic: BranchProtection | None, raw: tuple[str, ...], url: str
) -> list[ProbeFinding]:
    names = bypassers(classic)
    return [
        ProbeFinding(
            "github.default_branch_review_bypassers",
            len(names),
            f"{len(names)} account(s) may merge into {branch} without the required reviews"
            + (f": {', '.join(names)}" if names else "")
            + ("" if classic else " (no classic protection; ruleset bypass lists are not read)"),
            raw,
            url,
        )
    ]


def release_branch_findings(
    gaps: dict[str, list[str]], source: tuple[tuple[str, ...], str], note: str
) -> list[ProbeFinding]:
    open_ = [f"{name} ({', '.join(g)})" for name, g in sorted(gaps.items()) if g]
    shown = "; ".join(open_[:10]) + (f" (+{len(open_) - 10} more)" if len(open_) > 10 else "")
    return [
        ProbeFinding(
            "github.release_branches_unguarded",
            len(open_),
            f"{len(open_)} of {len(gaps)} release branch(es) can be pushed to directly or merged into without an "
            f"approving review{note}" + (f": {shown}" if shown else ""),
            *source,
        )
    ]

"""Release branches and whether they are guarded like the mainline: no direct pushes, approval before merging.
Pure functions: no I/O."""

from __future__ import annotations

import re

from evidence_collectors.gitlab.figures import applies_to, protecting
from evidence_collectors.gitlab.models import ApprovalRule, ProtectedBranch, RepoBranch
from evidence_collectors.outcome import ProbeFinding

# release, release/2.1, release-2.1, releases/2026-q1 ... (GitLab's search=^release lists the candidates)
RELEASE_BRANCH = re.compile(r"^releases?([/_-].*)?$", re.IGNORECASE)


def release_branch_gaps(name: str, protected: list[ProtectedBranch], rules: list[ApprovalRule]) -> list[str]:
    """What a release branch lacks: protection, a ban on direct pushes, a rule asking for at least one approval."""
    applying = protecting(name, protected)
    if not applying:
        return ["not protected"]
    gaps = []
    if not all(a.no_one for r in applying for a in r.push_access_levels):
        gaps.append("direct pushes allowed")
    if max((r.approvals_required for r in rules if applies_to(r, name, True)), default=0) < 1:
        gaps.append("no approval required")
    return gaps


def release_branch_findings(
    branches: list[RepoBranch],
    protected: list[ProtectedBranch],
    rules: list[ApprovalRule],
    source: tuple[tuple[str, ...], str],
    note: str,
) -> list[ProbeFinding]:
    release = sorted(b.name for b in branches if RELEASE_BRANCH.match(b.name))
    gaps = {name: release_branch_gaps(name, protected, rules) for name in release}
    open_ = [f"{name} ({', '.join(g)})" for name, g in gaps.items() if g]
    shown = "; ".join(open_[:10]) + (f" (+{len(open_) - 10} more)" if len(open_) > 10 else "")
    return [
        ProbeFinding(
            "gitlab.release_branches_unguarded",
            len(open_),
            f"{len(open_)} of {len(release)} release branch(es) can be pushed to directly or merged into without an "
            f"approval{note}" + (f": {shown}" if shown else ""),
            *source,
        )
    ]

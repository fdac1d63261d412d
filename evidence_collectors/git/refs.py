"""Branches and tags: the branch model (mainline, naming, release and stale branches) and release tagging."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.gitcmd import GitRepo
from evidence_collectors.outcome import of, ratio

MAINLINES = ("main", "master", "trunk", "mainline", "default")
MAX_LISTED = 500
_CONVENTIONAL = re.compile(
    r"^(feature|features|feat|fix|fixes|bugfix|bug|hotfix|release|releases|rel|exp|experiment|experiments|chore|docs?|"
    r"refactor|tests?|perf|ci|build|dependabot|renovate|support|model|models|data|spike|task|story|issue|epic|"
    r"improvement|enhancement|style|revert|security|deps)[/-]|^[A-Z][A-Z0-9]+-\d+|^(develop|development|dev|staging|"
    r"production|prod|qa|uat|gh-pages)$|^\d+[-_]\w"
)
_RELEASE_BRANCH = re.compile(r"^(release|releases|rel)[/-]|^v?\d+\.\d+(\.x)?$|^(stable|maintenance)[/-]")
_RELEASE_TAG = re.compile(r"^(?:[\w.-]*?[/-])?v?\d+\.\d+(?:\.\d+)?(?:[-+.][\w.]+)?$")


@dataclass
class Refs:
    branches: dict[str, int] = field(default_factory=dict)  # short name -> newest tip date (unix)
    origin_head: str = ""
    tags: dict[str, int] = field(default_factory=dict)  # tag -> creation date (tagger date, else commit date)
    raw: str = ""

    @property
    def mainline(self) -> str:
        if self.origin_head in self.branches:
            return self.origin_head
        return next((b for b in MAINLINES if b in self.branches), "")


def read_refs(repo: GitRepo) -> Refs:
    out, sha = repo.run(
        "for-each-ref",
        "--format=%(refname)%00%(symref)%00%(creatordate:unix)",
        "refs/heads",
        "refs/remotes",
        "refs/tags",
    )
    refs = Refs(raw=sha)
    for line in out.decode("utf-8", "replace").splitlines():
        name, symref, date = [*line.split("\0"), "", ""][:3]
        stamp = int(date) if date.strip().isdigit() else 0
        if name.startswith("refs/tags/"):
            refs.tags[name.removeprefix("refs/tags/")] = stamp
            continue
        if name.startswith("refs/heads/"):
            short = name.removeprefix("refs/heads/")
        else:
            short = name.removeprefix("refs/remotes/").split("/", 1)[-1]
            if short == "HEAD":
                if symref and not refs.origin_head:
                    refs.origin_head = symref.removeprefix("refs/remotes/").split("/", 1)[-1]
                continue
        refs.branches[short] = max(stamp, refs.branches.get(short, 0))
    return refs


def ref_findings(refs: Refs, history_days: int, now: float | None = None) -> Findings:
    now = time.time() if now is None else now
    cutoff = now - history_days * 86400
    raw = [refs.raw]
    mainline = refs.mainline
    others = sorted(b for b in refs.branches if b != mainline)
    conventional = [b for b in others if _CONVENTIONAL.search(b)]
    odd = [b for b in others if not _CONVENTIONAL.search(b)]
    release_branches = [b for b in others if _RELEASE_BRANCH.search(b)]
    stale = [b for b in others if refs.branches[b] < cutoff]
    release_tags = {t: d for t, d in refs.tags.items() if _RELEASE_TAG.match(t)}
    recent = [t for t, d in release_tags.items() if d >= cutoff]
    latest = max(release_tags, key=lambda t: (release_tags[t], t)) if release_tags else ""
    names = sorted(refs.branches)
    capped = f" (first {MAX_LISTED} listed)" if len(names) > MAX_LISTED else ""
    return {
        "git.branches": Finding(
            value=names[:MAX_LISTED], raw=raw, summary=f"{len(names)} branch(es){capped}: {sample(names, 8)}"
        ),
        "git.branch_count": Finding(
            value=len(names), raw=raw, summary=f"{len(names)} branch(es), local and remote-tracking, by name"
        ),
        "git.mainline_branch": Finding(
            value=mainline,
            raw=raw,
            summary=(f"mainline branch: {mainline}" + (" (origin/HEAD)" if mainline == refs.origin_head else ""))
            if mainline
            else "no main/master/trunk branch and no origin/HEAD",
        ),
        "git.branch_naming_ratio": Finding(
            value=ratio(len(conventional), len(others)),
            raw=raw,
            summary=(
                f"{of(len(conventional), len(others))} branches besides the mainline follow a typed naming "
                f"scheme (feature/, fix/, release/, issue key, ...)" + (f"; others: {sample(odd, 4)}" if odd else "")
            )
            if others
            else "no branches besides the mainline",
        ),
        "git.release_branches": Finding(
            value=len(release_branches),
            raw=raw,
            summary=f"{len(release_branches)} release branch(es)"
            + (f": {sample(release_branches, 4)}" if release_branches else ""),
        ),
        "git.stale_branches": Finding(
            value=len(stale),
            raw=raw,
            summary=f"{len(stale)} of {len(others)} branch(es) besides the mainline have no commit in the last "
            f"{history_days} days" + (f": {sample(stale, 4)}" if stale else ""),
        ),
        "git.tags": Finding(value=len(refs.tags), raw=raw, summary=f"{len(refs.tags)} tag(s)"),
        "git.release_tags": Finding(
            value=len(release_tags),
            raw=raw,
            summary=f"{len(release_tags)} of {len(refs.tags)} tag(s) are version tags (v1.2.3, model-1.4, ...)"
            + (f"; latest {latest}" if latest else ""),
        ),
        "git.latest_release_tag": Finding(
            value=latest,
            raw=raw,
            summary=(
                f"latest version tag: {latest} ({time.strftime('%Y-%m-%d', time.gmtime(release_tags[latest]))})"
                if latest
                else "no version tags"
            ),
        ),
        "git.release_tags_in_window": Finding(
            value=len(recent),
            raw=raw,
            summary=f"{len(recent)} version tag(s) created in the last {history_days} days"
            + (f": {sample(recent, 5)}" if recent else ""),
        ),
    }

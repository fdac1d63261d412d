"""Commit history over the window: how many changes, how many reference an issue, how many have a real message, and
how the mainline receives changes (merges and squash-merged pull/merge requests vs. direct commits)."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass

from evidence_collectors.git.findings import Finding, Findings
from evidence_collectors.git.gitcmd import GitRepo
from evidence_collectors.outcome import of, ratio

MAX_COMMITS = 100_000
_NOT_ISSUE_KEYS = (
    "UTF",
    "SHA",
    "ISO",
    "RFC",
    "PEP",
    "CVE",
    "TLS",
    "SSL",
    "HTTP",
    "HTTPS",
    "MD",
    "AES",
    "RSA",
    "GPT",
    "BERT",
    "COVID",
    "ARM",
    "IPV",
    "CUDA",
    "IEEE",
    "ANSI",
    "ASCII",
    "UCS",
    "ES",
    "FIPS",
    "CWE",
    "UTC",
    "GMT",
    "LLAMA",
    "YOLO",
    "T5",
    "FP",
    "INT",
    "X",
    "PY",
    "WIN",
    "MAC",
)
ISSUE_REFERENCE = re.compile(
    r"(?<![\w/&])#\d+\b|\bGH-\d+\b|(?<![\w/])!\d+\b|/(issues|pull|pulls|merge_requests|browse|work_items)/[\w-]*\d+"
    r"|\bAB#\d+\b|\b(?!(?:" + "|".join(_NOT_ISSUE_KEYS) + r")-)[A-Z][A-Z0-9]{1,9}-\d+\b"
)
_REVIEWED = re.compile(
    r"\(#\d+\)\s*$|^Merge (pull request|branch|remote-tracking)|See merge request|^Merged in "
    r"|Pull request #\d+|Reviewed-on:|Differential Revision:|Change-Id:|Approved-by:",
    re.MULTILINE,
)
_PLACEHOLDER = re.compile(
    r"^(wip|update[sd]?|fix(es|ed)?|changes?|misc|tmp|temp|tests?|testing|minor|stuff|save|"
    r"commit|asdf|foo|bar|x+|\.+|-+|checkpoint|small fix|typo|cleanup|edits?|work)\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    timestamp: int
    message: str

    @property
    def subject(self) -> str:
        return self.message.strip().splitlines()[0] if self.message.strip() else ""

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


def read_history(
    repo: GitRepo, commit: str, history_days: int, now: float | None = None
) -> tuple[list[Commit], str, bool]:
    """Commits reachable from `commit` in the window (newest first), the raw hash, and whether the cap was hit."""
    since = dt.datetime.fromtimestamp((time.time() if now is None else now) - history_days * 86400, dt.UTC)
    out, sha = repo.run(
        "log",
        "--no-color",
        "--no-show-signature",
        f"--max-count={MAX_COMMITS}",
        f"--since={since.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "--format=%H%x1f%P%x1f%ct%x1f%B%x1e",
        commit,
        "--",
    )
    commits = []
    for chunk in out.decode("utf-8", "replace").split("\x1e"):
        fields = chunk.strip("\n").split("\x1f")
        if len(fields) < 4:
            continue
        commits.append(Commit(fields[0], tuple(fields[1].split()), int(fields[2] or 0), fields[3]))
    return commits, sha, len(commits) >= MAX_COMMITS


def first_parent_chain(commits: list[Commit], head: str) -> list[Commit]:
    by_sha = {c.sha: c for c in commits}
    chain: list[Commit] = []
    current = by_sha.get(head)
    while current is not None and len(chain) < len(commits):
        chain.append(current)
        current = by_sha.get(current.parents[0]) if current.parents else None
    return chain


def is_descriptive(subject: str) -> bool:
    words = subject.split()
    return (
        len(subject) >= 10
        and len(words) >= 2
        and not _PLACEHOLDER.match(subject)
        and not subject.lower().startswith(("wip", "fixup!", "squash!", "amend!"))
    )


def history_findings(
    commits: list[Commit], head: str, raw_sha: str, history_days: int, capped: bool, shallow: bool
) -> Findings:
    raw = [raw_sha]
    window = f"in the last {history_days} days"
    notes = (" (history is a shallow clone: older commits are missing)" if shallow else "") + (
        f" (capped at {MAX_COMMITS} commits)" if capped else ""
    )
    changes = [c for c in commits if not c.is_merge]
    referencing = [c for c in changes if ISSUE_REFERENCE.search(c.message)]
    descriptive = [c for c in changes if is_descriptive(c.subject)]
    chain = first_parent_chain(commits, head)
    reviewed = [c for c in chain if c.is_merge or _REVIEWED.search(c.message)]
    none = f"no commits {window}{notes}"
    return {
        "git.commits_in_window": Finding(
            value=len(changes),
            raw=raw,
            summary=f"{len(changes)} non-merge commit(s) and {len(commits) - len(changes)} merge commit(s) {window}"
            + notes,
        ),
        "git.issue_reference_ratio": Finding(
            value=ratio(len(referencing), len(changes)),
            raw=raw,
            summary=f"{of(len(referencing), len(changes))} non-merge commits {window} reference an issue or "
            f"request (#123, ABC-123, !45, issue URL){notes}"
            if changes
            else none,
        ),
        "git.descriptive_commit_ratio": Finding(
            value=ratio(len(descriptive), len(changes)),
            raw=raw,
            summary=f"{of(len(descriptive), len(changes))} non-merge commits {window} have a descriptive subject "
            f"(not 'wip', 'fix', 'update', ...){notes}"
            if changes
            else none,
        ),
        "git.mainline_merge_ratio": Finding(
            value=ratio(len(reviewed), len(chain)),
            raw=raw,
            summary=f"{of(len(reviewed), len(chain))} commits on the ref's first-parent line {window} arrived "
            f"by merge or as a squash-merged pull/merge request{notes}"
            if chain
            else none,
        ),
    }

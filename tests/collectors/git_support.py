"""Builds real git repositories for the git collector's tests: files, dated commits, branches, merges and tags."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

DAY = 86400.0


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, "GIT_CONFIG_NOSYSTEM": "1", "HOME": env.get("HOME", "/tmp"), "LC_ALL": "C"}


class RepoBuilder:
    """A repository in `path` whose history is written with explicit dates (days before now)."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        self.now = time.time()
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", "Test Author")
        self.git("config", "user.email", "author@example.org")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "tag.gpgsign", "false")

    def git(self, *args: str, days_ago: float | None = None, stdin: bytes | None = None) -> str:
        env = _clean_env()
        if days_ago is not None:
            stamp = f"@{int(self.now - days_ago * DAY)} +0000"
            env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], input=stdin, capture_output=True, env=env, check=False, timeout=120
        )
        if done.returncode:
            raise RuntimeError(f"git {' '.join(args)}: {done.stderr.decode()}")
        return done.stdout.decode().strip()

    def write(self, files: dict[str, str | bytes]) -> None:
        for rel, content in files.items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")

    def commit(self, message: str, files: dict[str, str | bytes] | None = None, *, days_ago: float = 1.0) -> str:
        self.write(files or {})
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, days_ago=days_ago)
        return self.git("rev-parse", "HEAD")

    def checkout(self, branch: str, *, create: bool = False) -> None:
        self.git("checkout", "-q", *(["-b"] if create else []), branch)

    def merge(self, branch: str, message: str, *, days_ago: float) -> str:
        self.git("merge", "-q", "--no-ff", "-m", message, branch, days_ago=days_ago)
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str, *, days_ago: float, annotated: bool = False, ref: str = "HEAD") -> None:
        self.git("tag", *(["-a", "-m", f"release {name}"] if annotated else []), name, ref, days_ago=days_ago)

    def many_files(self, count: int, content: bytes, pattern: str, message: str, *, days_ago: float = 1.0) -> str:
        """Commit `count` paths sharing one blob without touching the work tree (fast, for huge-tree tests)."""
        oid = self.git("hash-object", "-w", "--stdin", stdin=content)
        listing = "".join(f"100644 blob {oid}\t{pattern.format(i=i, d=i // 1000)}\n" for i in range(count))
        self.git("update-index", "--add", "--index-info", stdin=listing.encode())
        tree = self.git("write-tree")
        parent = self.git("rev-parse", "HEAD")
        commit = self.git("commit-tree", tree, "-p", parent, "-m", message, days_ago=days_ago)
        self.git("update-ref", "HEAD", commit)
        self.git("reset", "-q")
        return commit


def fingerprint(path: Path) -> dict[str, str]:
    """Hash of every file under `path` (work tree and .git) with its mtime, to prove a collection changed nothing."""
    found: dict[str, str] = {}
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        stat = file.stat()
        found[str(file.relative_to(path))] = f"{hashlib.sha256(file.read_bytes()).hexdigest()}:{stat.st_mtime_ns}"
    return found

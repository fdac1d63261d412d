"""The repository tree at one commit: every path with its size, and the content of the files the probes read."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from evidence_collectors.git.gitcmd import GitRepo
from evidence_collectors.git.masking import mask_credentials

MAX_TEXT_BYTES = 1 << 20  # larger files are counted by path but not read
MAX_NOTEBOOK_BYTES = 5 << 20

CONFIG_SUFFIXES = (
    ".yml",
    ".yaml",
    ".toml",
    ".cfg",
    ".ini",
    ".txt",
    ".lock",
    ".sh",
    ".groovy",
    ".dvc",
    ".md",
    ".rst",
    ".tf",
    ".hcl",
    ".json",
    ".jenkinsfile",
    ".pbtxt",
    ".in",
)
CODE_SUFFIXES = (".py", ".ipynb", ".go", ".js", ".ts", ".java", ".kt", ".scala", ".r", ".jl")
CONFIG_NAMES = {
    "dockerfile",
    "containerfile",
    "jenkinsfile",
    "makefile",
    "mlproject",
    "pipfile",
    "gemfile",
    "codeowners",
    ".gitattributes",
    "config",
    "justfile",
    "procfile",
    "snakefile",
    "license",
}


class TreeEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    oid: str
    size: int
    mode: str

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    @property
    def lower(self) -> str:
        return self.path.lower()


def _priority(entry: TreeEntry) -> int | None:
    """0 = configuration (read first), 1 = code; None = never read (data, binaries, too large, symlinks)."""
    if entry.mode == "120000" or entry.size < 0:
        return None
    name = entry.name.lower()
    limit = MAX_NOTEBOOK_BYTES if name.endswith(".ipynb") else MAX_TEXT_BYTES
    if entry.size > limit:
        return None
    if (
        name in CONFIG_NAMES
        or name.startswith(("dockerfile", "containerfile", "requirements", "jenkinsfile"))
        or name.endswith((".dockerfile", ".containerfile"))
        or name.endswith(CONFIG_SUFFIXES)
    ):
        if name.endswith(".json") and entry.size > 256 << 10:
            return None
        return 0
    if name.endswith(CODE_SUFFIXES):
        return 1
    return None


@dataclass
class Snapshot:
    """What one `ls-tree` saw, plus the content of up to `max_files_read` text files (configuration first)."""

    repo: GitRepo
    commit: str
    entries: list[TreeEntry]
    listing_sha: str
    submodules: list[str] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)
    not_read: int = 0  # files that would have been read but for the cap
    _raw: dict[str, str] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)  # decoded once: most files are read by several probes

    @classmethod
    def load(cls, repo: GitRepo, commit: str, max_files_read: int) -> Snapshot:
        out, sha = repo.run("ls-tree", "-r", "-l", "-z", "--full-tree", commit)
        entries: list[TreeEntry] = []
        submodules: list[str] = []
        for item in out.split(b"\0"):
            if not item:
                continue
            meta, _, path = item.partition(b"\t")
            mode, kind, oid, size = meta.decode().split()
            name = path.decode("utf-8", "replace")
            if kind == "commit":
                submodules.append(name)
            elif kind == "blob":  # size "BAD" when the object is absent (partial or damaged clone): listed, never read
                entries.append(TreeEntry(path=name, oid=oid, size=int(size) if size.isdigit() else -1, mode=mode))
        snap = cls(repo=repo, commit=commit, entries=entries, listing_sha=sha, submodules=submodules)
        wanted = sorted(((p, e.path, e) for e in entries if (p := _priority(e)) is not None), key=lambda t: t[:2])
        chosen = [e for _, _, e in wanted[:max_files_read]]
        snap.not_read = max(0, len(wanted) - max_files_read)
        blobs = repo.read_blobs(sorted({e.oid for e in chosen}))
        snap.contents = {e.path: blobs[e.oid] for e in chosen if e.oid in blobs}
        return snap

    def text(self, path: str) -> str:
        """Decoded content of a read file ("" when it was not read)."""
        text = self._texts.get(path)
        if text is None:
            text = self._texts[path] = self.contents.get(path, b"").decode("utf-8", "replace")
        return text

    def raw_of(self, path: str) -> str:
        """Store a read file's content as raw evidence (once) and return its SHA-256."""
        if path not in self._raw:
            body = mask_credentials(self.repo.redactor.bytes(self.contents.get(path, b"")))
            self._raw[path] = self.repo.raw.add(
                body, url=self.repo.where(("show", f"{self.commit}:{path}")), content_type="text/plain"
            )
        return self._raw[path]

    def raws(self, paths: list[str] | set[str], limit: int = 200) -> list[str]:
        """Raw hashes for a group of files; the tree listing stands for them beyond `limit` files, and when there are
        none (an absence is established from the listing)."""
        chosen = sorted(paths)
        if not chosen:
            return [self.listing_sha]
        return [self.raw_of(p) for p in chosen[:limit]] + ([self.listing_sha] if len(chosen) > limit else [])

    def find(self, predicate: Callable[[TreeEntry], bool]) -> list[TreeEntry]:
        return [e for e in self.entries if predicate(e)]

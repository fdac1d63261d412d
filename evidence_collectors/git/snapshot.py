"""The repository tree at one commit: every path with its size, and the content of the files the probes read."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pydantic import BaseModel, ConfigDict

from evidence_collectors.git.contents import Contents
from evidence_collectors.git.gitcmd import GitRepo
from evidence_collectors.git.masking import mask_credentials

MAX_TEXT_BYTES = 1 << 20  # larger files are counted by path but not read
MAX_NOTEBOOK_BYTES = 5 << 20
# A probe's group of files keeps the content of this many; a larger group is named in full by a file index instead:
# a copy of every file (hundreds of test files or compiled pipelines) cost more than the rest of the collection.
FULL_CONTENT_FILES = 20
MAX_INDEXED_LINES = 50  # line numbers per file in a file index

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
DEFERRED_SUFFIXES = tuple(s for s in CODE_SUFFIXES if s not in {".py", ".ipynb"})  # read when asked: see Contents
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

    @cached_property
    def name(self) -> str:  # cached: every probe asks for it on every entry
        return posixpath.basename(self.path)

    @cached_property
    def lower(self) -> str:
        return self.path.lower()


def file_list_json(commit: str, files: list[dict[str, object]]) -> bytes:
    """`{"commit": ..., "files": [...]}` with one file a line: readable, and written by json's C encoder (an indented
    dump goes through its slower Python encoder)."""
    rows = ",\n".join(json.dumps(f) for f in files)
    return f'{{"commit": {json.dumps(commit)}, "files": [\n{rows}\n]}}\n'.encode()


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
    contents: Mapping[str, bytes] = field(default_factory=dict)
    not_read: int = 0  # files that would have been read but for the cap
    _raw: dict[str, str] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)  # decoded once: most files are read by several probes
    _oid_of: dict[str, str] = field(default_factory=dict)

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
        deferred = {
            e.path: e.oid for p, _, e in wanted[:max_files_read] if p == 1 and e.lower.endswith(DEFERRED_SUFFIXES)
        }
        blobs = repo.read_blobs(sorted({e.oid for e in chosen if e.path not in deferred}))
        loaded = {e.path: blobs[e.oid] for e in chosen if e.oid in blobs}
        order = [e.path for e in chosen if e.path in loaded or e.path in deferred]
        snap.contents = Contents(order, loaded, deferred, repo.read_blobs)
        return snap

    def prefetch(self, paths: Iterable[str]) -> None:
        """Read a group of files whose reading was deferred in one go (see `Contents`)."""
        if isinstance(self.contents, Contents):
            self.contents.prefetch(paths)

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

    def raws(
        self, paths: list[str] | set[str], limit: int = 200, lines: Mapping[str, Sequence[int]] | None = None
    ) -> list[str]:
        """Raw hashes for a group of files: the content of each file of a small group; for a group of more than
        `FULL_CONTENT_FILES` files, the content of the first ones (at most `limit`) and one file index naming every
        file by path and blob id, with the `lines` that gave the value where the caller knows them. The tree listing
        stands for an empty group (an absence is established from the listing)."""
        chosen = sorted(paths)
        if not chosen:
            return [self.listing_sha]
        if len(chosen) <= min(limit, FULL_CONTENT_FILES):
            return [self.raw_of(p) for p in chosen]
        kept = chosen[: min(limit, FULL_CONTENT_FILES)]
        return [*(self.raw_of(p) for p in kept), self.file_index(chosen, kept, lines or {})]

    def file_index(self, paths: list[str], kept: list[str], lines: Mapping[str, Sequence[int]]) -> str:
        """Store one record naming a group of files by path and blob id (`git cat-file -p BLOB` in the repository
        shows each one) and return its SHA-256."""
        oids = self._oids()
        files: list[dict[str, object]] = []
        for path in paths:
            entry: dict[str, object] = {"path": path, "blob": oids.get(path, ""), "content_kept": path in kept}
            numbers = list(lines.get(path, ()))
            if numbers:
                entry["lines"] = numbers[:MAX_INDEXED_LINES]
                if len(numbers) > MAX_INDEXED_LINES:
                    entry["more_lines"] = len(numbers) - MAX_INDEXED_LINES
            files.append(entry)
        return self.repo.raw.add(
            self.repo.redactor.bytes(file_list_json(self.commit, files)),
            url=self.repo.where(("file-index", self.commit, f"{len(paths)} files")),
            content_type="application/json",
        )

    def _oids(self) -> dict[str, str]:
        if not self._oid_of:
            self._oid_of = {e.path: e.oid for e in self.entries}
        return self._oid_of

    def find(self, predicate: Callable[[TreeEntry], bool]) -> list[TreeEntry]:
        return [e for e in self.entries if predicate(e)]

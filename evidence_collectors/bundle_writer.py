"""Write an evidence bundle as the collection goes, so that stopping it at any moment loses only unfinished targets.

Every file is replaced atomically (temporary file, rename). The state files (raw index, records.jsonl, bundle.json,
manifest) are each fsynced before their rename. Raw responses are many and new: they are written and renamed without
a flush each, then made durable together by one `syncfs` of the bundle's file system (one fsync per file where the
platform lacks it) before the raw index that lists them is written. When a target finishes, its raw responses land
first, then the raw index, then records.jsonl, then bundle.json marking it collected: bundle.json never claims more
than what is on disk. `finish` seals the bundle with its manifest.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from capability_model.atomicfile import fsync_dir, write_atomic
from evidence_collectors.bundle_format import (
    INFO,
    MANIFEST,
    RAW_DIR,
    RAW_INDEX,
    RECORDS,
    BundleInfo,
    RawIndexEntry,
    TargetState,
    TargetStateName,
)
from evidence_collectors.raw import RawItem
from evidence_collectors.records import EvidenceRecord, utc_now
from evidence_collectors.runner import TargetResult
from evidence_collectors.secrets import Redactor


@cache
def _syncfs() -> object | None:
    """libc's syncfs (Linux), or None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        return getattr(libc, "syncfs", None)
    except OSError:
        return None


def _write_unsynced(path: Path, data: bytes) -> None:
    """Write a new file whole under a temporary name and rename it; durability is left to `sync_files`."""
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("wb") as fh:
        fh.write(data)
    os.replace(temp, path)


def sync_files(folder: Path, paths: Sequence[Path]) -> None:
    """Make the files' content and their names in `folder` durable: one syncfs when available, else an fsync each."""
    syncfs = _syncfs()
    fd = os.open(folder, os.O_RDONLY)
    try:
        if callable(syncfs) and syncfs(fd) == 0:
            return
        for path in paths:
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        os.fsync(fd)
    finally:
        os.close(fd)


def sha_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bundle_files(root: Path) -> list[str]:
    """Every file of the bundle but the manifest, as relative POSIX paths."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


class BundleWriter:
    """One bundle being written by one process; targets are named up front so that the state file lists them all."""

    def __init__(
        self, root: Path, targets: Sequence[tuple[str, str]], redactor: Redactor, deadline_s: float | None = None
    ) -> None:
        self.root = root
        self.redactor = redactor
        self.deadline_s = deadline_s
        self.created_at = utc_now().isoformat()
        self.states = {name: TargetState(name=name, collector=collector) for name, collector in targets}
        self.records: dict[str, list[EvidenceRecord]] = {}
        self.index: dict[str, RawIndexEntry] = {}

    @classmethod
    def create(
        cls, root: Path, targets: Sequence[tuple[str, str]], redactor: Redactor, deadline_s: float | None = None
    ) -> BundleWriter:
        """Start a bundle in a new or empty directory (bundles are never overwritten), every target pending."""
        root.mkdir(parents=True, exist_ok=True)
        if any(root.iterdir()):
            raise FileExistsError(f"{root} is not empty; evidence bundles are never overwritten")
        writer = cls(root, targets, redactor, deadline_s)
        (root / RAW_DIR).mkdir()
        writer._write_index()
        writer._write_records()
        writer._write_info(complete=False)
        fsync_dir(root)
        return writer

    def add(
        self,
        name: str,
        records: list[EvidenceRecord],
        raw: Iterable[RawItem],
        state: TargetStateName = "collected",
        reason: str = "",
    ) -> None:
        """Put one finished target's raw responses and records in the bundle and mark it `state`."""
        self.add_raw(raw)
        self.records[name] = records
        self._write_records()
        collector = records[0].collector.name if records else ""
        current = self.states.get(name) or TargetState(name=name, collector=collector)
        self.states[name] = current.model_copy(update={"state": state, "records": len(records), "reason": reason})
        self._write_info(complete=False)

    def add_result(self, result: TargetResult) -> None:
        """Put one target's result from the runner in the bundle."""
        reason = result.records[0].reason if result.deadline and result.records else ""
        self.add(result.name, result.records, result.raw, "deadline" if result.deadline else "collected", reason)

    def add_raw(self, raw: Iterable[RawItem]) -> None:
        """Write raw responses not yet in the bundle, then the raw index that lists them."""
        raw_dir = self.root / RAW_DIR
        new = [item for item in raw if item.sha256 not in self.index]
        for item in new:
            _write_unsynced(raw_dir / item.sha256, item.body)
            self.index[item.sha256] = RawIndexEntry(
                sha256=item.sha256,
                url=item.url,  # redacted when written, with every secret known by then
                status=item.status,
                content_type=item.content_type,
                bytes=len(item.body),
            )
        if new:
            sync_files(raw_dir, [raw_dir / item.sha256 for item in new])  # before the index names them
            self._write_index()

    def finish(self, interrupted: str = "") -> str:
        """Mark targets without records as not collected, write the manifest; return its SHA-256 (the fingerprint)."""
        why = f"collection interrupted by {interrupted} before this target finished" if interrupted else "not collected"
        for name, target in self.states.items():
            if target.state == "pending":
                self.states[name] = target.model_copy(update={"state": "not_collected", "reason": why})
        complete = not any(t.state == "not_collected" for t in self.states.values())
        self._write_info(complete=complete, interrupted=interrupted, finished=True)
        manifest = "".join(f"{self._digest(rel)}  {rel}\n" for rel in bundle_files(self.root)).encode()
        write_atomic(self.root / MANIFEST, manifest)
        return hashlib.sha256(manifest).hexdigest()

    def _digest(self, rel: str) -> str:
        """SHA-256 of a bundle file; a raw response written here is named by it, so it is not read back."""
        folder, _, name = rel.partition("/")
        return name if folder == RAW_DIR and name in self.index else sha_file(self.root / rel)

    # --- the files ------------------------------------------------------------------------------------------------

    def _ordered_records(self) -> list[EvidenceRecord]:
        order = [*self.states, *(n for n in self.records if n not in self.states)]
        return [r for name in order for r in self.records.get(name, [])]

    def _write_index(self) -> None:
        lines = "".join(
            e.model_copy(update={"url": self.redactor(e.url)}).model_dump_json() + "\n"
            for _, e in sorted(self.index.items())
        )
        write_atomic(self.root / RAW_INDEX, lines.encode())

    def _write_records(self) -> None:
        lines = "".join(self.redactor(r.model_dump_json()) + "\n" for r in self._ordered_records())
        write_atomic(self.root / RECORDS, lines.encode())

    def _write_info(self, *, complete: bool, interrupted: str = "", finished: bool = False) -> None:
        records = self._ordered_records()
        info = BundleInfo(
            created_at=self.created_at,
            finished_at=utc_now().isoformat() if finished else None,
            complete=complete,
            interrupted=interrupted,
            deadline_s=self.deadline_s,
            collectors={r.collector.name: r.collector.version for r in records},
            targets=sorted({r.target for r in records}),
            records=len(records),
            raw_responses=len(self.index),
            collection=list(self.states.values()),
        )
        write_atomic(self.root / INFO, (info.model_dump_json(indent=2) + "\n").encode())

"""Write an evidence bundle as the collection goes, so that stopping it at any moment loses only unfinished targets.

Every file is replaced atomically (temporary file, fsync, rename, fsync of the directory). When a target finishes, its
raw responses land first, then the raw index, then records.jsonl, then bundle.json marking it collected: bundle.json
never claims more than what is on disk. `finish` seals the bundle with its manifest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
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
            write_atomic(raw_dir / item.sha256, item.body, sync_dir=False)
            self.index[item.sha256] = RawIndexEntry(
                sha256=item.sha256,
                url=item.url,  # redacted when written, with every secret known by then
                status=item.status,
                content_type=item.content_type,
                bytes=len(item.body),
            )
        if new:
            fsync_dir(raw_dir)
            self._write_index()

    def finish(self, interrupted: str = "") -> str:
        """Mark targets without records as not collected, write the manifest; return its SHA-256 (the fingerprint)."""
        why = f"collection interrupted by {interrupted} before this target finished" if interrupted else "not collected"
        for name, target in self.states.items():
            if target.state == "pending":
                self.states[name] = target.model_copy(update={"state": "not_collected", "reason": why})
        complete = not any(t.state == "not_collected" for t in self.states.values())
        self._write_info(complete=complete, interrupted=interrupted, finished=True)
        manifest = "".join(f"{sha_file(self.root / rel)}  {rel}\n" for rel in bundle_files(self.root)).encode()
        write_atomic(self.root / MANIFEST, manifest)
        return hashlib.sha256(manifest).hexdigest()

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

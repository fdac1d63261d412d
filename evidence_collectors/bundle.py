"""Evidence bundles: records (JSON Lines), the raw responses behind them, and a SHA-256 manifest.

Layout:  BUNDLE/records.jsonl  BUNDLE/raw/index.jsonl  BUNDLE/raw/<sha256>  BUNDLE/bundle.json  BUNDLE/MANIFEST.sha256

The format, writing and checking live in `bundle_format`, `bundle_writer` and `bundle_verify`; this module is the
entry point most callers need. `collect` writes a bundle target by target with `BundleWriter`; `write_bundle` writes
an already finished collection in one go.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from evidence_collectors.bundle_format import (
    INFO,
    MANIFEST,
    RECORDS,
    BundleInfo,
    BundleReadError,
    TargetState,
    read_info,
    read_records,
)
from evidence_collectors.bundle_verify import VerifyReport, verify_bundle
from evidence_collectors.bundle_writer import BundleWriter
from evidence_collectors.records import EvidenceRecord
from evidence_collectors.runner import Collection, StopRequest, TargetResult, collect
from evidence_collectors.secrets import Redactor
from evidence_collectors.targets import Target

__all__ = [
    "INFO",
    "MANIFEST",
    "RECORDS",
    "BundleInfo",
    "BundleReadError",
    "BundleWriter",
    "TargetState",
    "VerifyReport",
    "collect_bundle",
    "read_info",
    "read_records",
    "verify_bundle",
    "write_bundle",
]


def collect_bundle(
    root: Path,
    targets: list[Target],
    *,
    workers: int = 4,
    deadline_s: float | None = None,
    stop: StopRequest | None = None,
    on_result: Callable[[TargetResult], None] | None = None,
) -> tuple[Collection, str]:
    """Collect `targets` into a new bundle at `root`, writing each target as it finishes; return the collection and
    the manifest's SHA-256.

    Raises FileExistsError when `root` is not empty (before probing anything). `on_result` runs after the target is
    on disk.
    """
    redactor = Redactor()
    writer = BundleWriter.create(root, [(t.config.name, t.collector.name) for t in targets], redactor, deadline_s)

    def written(result: TargetResult) -> None:
        writer.add_result(result)
        if on_result:
            on_result(result)

    collection = collect(
        targets, workers=workers, deadline_s=deadline_s, stop=stop, on_result=written, redactor=redactor
    )
    return collection, writer.finish(interrupted=collection.stopped or "")


def write_bundle(root: Path, collection: Collection) -> str:
    """Write a finished collection as a sealed bundle; return the SHA-256 of its manifest (the bundle's fingerprint).

    A collection that was stopped early is written with its missing targets marked not collected.
    """
    if collection.results or collection.not_collected:
        targets = [(r.name, r.target.collector.name) for r in collection.results]
        targets += [(t.config.name, t.collector.name) for t in collection.not_collected]
        writer = BundleWriter.create(root, targets, collection.redactor)
        for result in collection.results:
            writer.add_result(result)
        return writer.finish(interrupted=collection.stopped or "")
    by_target: dict[str, list[EvidenceRecord]] = {}
    for record in collection.records:
        by_target.setdefault(record.target, []).append(record)
    writer = BundleWriter.create(root, [(t, rs[0].collector.name) for t, rs in by_target.items()], collection.redactor)
    writer.add_raw(collection.raw.items())
    for name, records in by_target.items():
        writer.add(name, records, [])
    return writer.finish()

"""Evidence bundles: records (JSON Lines), the raw responses behind them, and a SHA-256 manifest.

Layout:  BUNDLE/records.jsonl  BUNDLE/raw/index.jsonl  BUNDLE/raw/<sha256>  BUNDLE/bundle.json  BUNDLE/MANIFEST.sha256
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel

from evidence_collectors.records import EvidenceRecord, utc_now
from evidence_collectors.runner import Collection

MANIFEST = "MANIFEST.sha256"
RECORDS = "records.jsonl"


class BundleInfo(BaseModel):
    format: int = 1
    created_at: str
    collectors: dict[str, str]
    targets: list[str]
    records: int
    raw_responses: int


class VerifyReport(BaseModel):
    altered: list[str]
    added: list[str]
    missing: list[str]
    manifest_sha256: str

    @property
    def ok(self) -> bool:
        return not (self.altered or self.added or self.missing)


def _sha_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def write_bundle(root: Path, collection: Collection) -> str:
    """Write the bundle and return the SHA-256 of its manifest (the bundle's fingerprint)."""
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty; evidence bundles are never overwritten")
    raw_dir = root / "raw"
    raw_dir.mkdir()
    index = []
    for item in collection.raw.items():
        (raw_dir / item.sha256).write_bytes(item.body)
        index.append(
            {
                "sha256": item.sha256,
                "url": collection.redactor(item.url),
                "status": item.status,
                "content_type": item.content_type,
                "bytes": len(item.body),
            }
        )
    (raw_dir / "index.jsonl").write_text("".join(json.dumps(i) + "\n" for i in index), encoding="utf-8")
    lines = [collection.redactor(r.model_dump_json()) + "\n" for r in collection.records]
    (root / RECORDS).write_text("".join(lines), encoding="utf-8")
    info = BundleInfo(
        created_at=utc_now().isoformat(),
        collectors={r.collector.name: r.collector.version for r in collection.records},
        targets=sorted({r.target for r in collection.records}),
        records=len(collection.records),
        raw_responses=len(index),
    )
    (root / "bundle.json").write_text(info.model_dump_json(indent=2) + "\n", encoding="utf-8")
    manifest = "".join(f"{_sha_file(root / rel)}  {rel}\n" for rel in _files(root))
    (root / MANIFEST).write_text(manifest, encoding="utf-8")
    return hashlib.sha256(manifest.encode()).hexdigest()


def verify_bundle(root: Path) -> VerifyReport:
    """Compare the files on disk with the manifest: altered, added and missing files."""
    manifest_path = root / MANIFEST
    text = manifest_path.read_text(encoding="utf-8") if manifest_path.exists() else ""
    listed = {}
    for line in text.splitlines():
        sha, _, rel = line.partition("  ")
        listed[rel] = sha
    present = set(_files(root))
    altered = sorted(rel for rel in present & set(listed) if _sha_file(root / rel) != listed[rel])
    return VerifyReport(
        altered=altered,
        added=sorted(present - set(listed)),
        missing=sorted(set(listed) - present) + ([MANIFEST] if not manifest_path.exists() else []),
        manifest_sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def read_records(root: Path) -> list[EvidenceRecord]:
    path = root / RECORDS
    return [
        EvidenceRecord.model_validate_json(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]

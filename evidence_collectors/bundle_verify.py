"""Check an evidence bundle: against its manifest, and against itself.

The manifest alone cannot catch a bundle edited and re-sealed, so the contents are checked too: every raw response
hashes to its own name, every record's raw responses are present, the raw index and the raw files agree, and
bundle.json counts what is there. A bundle whose collection did not finish is reported with the targets it lacks.
Contents that agree can still have been rewritten whole: with a public key, the bundle's signature
(`attestation.dsse.json`, written after the manifest and outside it) must verify and sign the manifest there now.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from evidence_collectors.bundle_format import (
    INFO,
    MANIFEST,
    MAX_PROBLEMS,
    RAW_DIR,
    RAW_INDEX,
    RECORDS,
    SHA256,
    BundleInfo,
    BundleReadError,
    RawIndexEntry,
    parse_info,
    parse_jsonl,
    parse_manifest,
    read_bounded,
)
from evidence_collectors.bundle_writer import bundle_files, sha_file
from evidence_collectors.records import EvidenceRecord

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ATTESTATION = "attestation.dsse.json"  # the bundle's signature envelope: not in the manifest, which it signs


class VerifyReport(BaseModel):
    altered: list[str] = []
    added: list[str] = []
    missing: list[str] = []
    unreadable: list[str] = []  # FILE:LINE: what is wrong
    inconsistent: list[str] = []  # contents that disagree with each other
    incomplete: str = ""  # why the collection did not finish; empty for a complete bundle
    not_collected: list[str] = []  # "target: reason"
    signature: list[str] = []  # problems with the signature, when a public key was given
    signature_checked: bool = False
    manifest_sha256: str

    @property
    def ok(self) -> bool:
        return not (
            self.altered
            or self.added
            or self.missing
            or self.unreadable
            or self.inconsistent
            or self.incomplete
            or self.not_collected
            or self.signature
        )

    def problems(self) -> list[str]:
        """One line per problem, `kind: detail`, in a stable order."""
        lines = [f"incomplete: {self.incomplete}"] if self.incomplete else []
        lines += [f"not collected: {t}" for t in self.not_collected]
        for kind in ("unreadable", "altered", "added", "missing", "inconsistent"):
            lines += [f"{kind}: {item}" for item in getattr(self, kind)]
        return lines + self.signature


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], f"... and {len(problems) - MAX_PROBLEMS} more in the same file"]


def _check_manifest(root: Path, hashes: dict[str, str], report: VerifyReport) -> None:
    path = root / MANIFEST
    if not path.is_file():
        report.missing.append(MANIFEST)
        return
    try:
        data = read_bounded(path, MANIFEST)
    except OSError as exc:
        report.unreadable.append(f"{MANIFEST}: cannot read ({exc.strerror})")
        return
    except BundleReadError as exc:
        report.unreadable += exc.problems
        return
    report.manifest_sha256 = hashlib.sha256(data).hexdigest()
    entries, problems = parse_manifest(data)
    if problems:  # a partly readable manifest proves nothing about the files it fails to list
        report.unreadable += _capped(problems)
        return
    listed = {e.path: e.sha256 for e in entries if e.path != ATTESTATION}
    report.altered += sorted(rel for rel in set(hashes) & set(listed) if hashes[rel] != listed[rel])
    report.added += sorted(set(hashes) - set(listed))
    report.missing += sorted(set(listed) - set(hashes))


def _check_raw(hashes: dict[str, str], index: list[tuple[int, RawIndexEntry]], sizes: dict[str, int]) -> list[str]:
    found: list[str] = []
    prefix = f"{RAW_DIR}/"
    present = {rel.removeprefix(prefix) for rel in hashes if rel.startswith(prefix) and rel != RAW_INDEX}
    for name in sorted(present):
        if not SHA256.match(name):
            found.append(f"{prefix}{name}: not a raw response (raw responses are named by their SHA-256)")
        elif hashes[prefix + name] != name:
            found.append(f"{prefix}{name}: content hashes to {hashes[prefix + name]}, not to its name")
    indexed: Counter[str] = Counter()
    for line, entry in index:
        indexed[entry.sha256] += 1
        if indexed[entry.sha256] == 2:
            found.append(f"{RAW_INDEX}:{line}: {entry.sha256} is listed twice")
        if entry.sha256 not in present:
            found.append(f"{RAW_INDEX}:{line}: lists {prefix}{entry.sha256}, which the bundle lacks")
        elif sizes[entry.sha256] != entry.bytes:
            found.append(
                f"{RAW_INDEX}:{line}: says {prefix}{entry.sha256} has {entry.bytes} bytes; it has {sizes[entry.sha256]}"
            )
    found += [f"{prefix}{name}: not listed in {RAW_INDEX}" for name in sorted(present - set(indexed))]
    return found


def _check_records(records: list[tuple[int, EvidenceRecord]], raw: set[str]) -> list[str]:
    return [
        f"{RECORDS}:{line}: record {r.id} ({r.target} {r.probe}) cites {RAW_DIR}/{sha}, which the bundle lacks"
        for line, r in records
        for sha in r.raw_sha256
        if sha not in raw
    ]


def _check_info(info: BundleInfo, records: int, raw: int, report: VerifyReport, count: bool) -> None:
    missing = info.not_collected()
    if not info.complete or missing:
        why = f"collection interrupted by {info.interrupted}" if info.interrupted else "collection did not finish"
        if MANIFEST in report.missing:
            why += " (the process stopped before it could write the manifest)"
        report.incomplete = why
        report.not_collected += [f"{t.name} ({t.collector}): {t.reason or 'still pending'}" for t in missing]
        return  # counts of an interrupted collection may trail the files by the target being written
    if not count:  # unreadable lines were not counted
        return
    if info.records != records:
        report.inconsistent.append(f"{INFO}: says {info.records} records; {RECORDS} has {records}")
    if info.raw_responses != raw:
        report.inconsistent.append(f"{INFO}: says {info.raw_responses} raw responses; {RAW_INDEX} lists {raw}")


def verify_bundle(root: Path, public_key: Ed25519PublicKey | None = None) -> VerifyReport:
    """Every problem of the bundle at `root`; `ok` only for a complete bundle that matches its manifest (and, with
    `public_key`, whose manifest is the one signed with the matching private key)."""
    report = VerifyReport(manifest_sha256="")
    hashes: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for rel in bundle_files(root):
        if rel == ATTESTATION:  # checked against the key, below
            continue
        if (root / rel).is_symlink():  # not followed: it could name any file of the system, of any size
            report.unreadable.append(f"{rel}: a symbolic link; a bundle holds regular files only")
            continue
        try:
            hashes[rel], sizes[rel] = sha_file(root / rel), (root / rel).stat().st_size
        except OSError as exc:
            report.unreadable.append(f"{rel}: cannot read ({exc.strerror})")
    _check_manifest(root, hashes, report)
    for required in (RECORDS, RAW_INDEX, INFO):
        if required not in hashes and required not in report.missing:
            report.missing.append(required)

    index: list[tuple[int, RawIndexEntry]] = []
    data = _read(root, RAW_INDEX, hashes, report)
    if data is not None:
        index, problems = parse_jsonl(data, RAW_INDEX, RawIndexEntry, "a raw index entry")
        report.unreadable += _capped(problems)
    raw_sizes = {rel.removeprefix(f"{RAW_DIR}/"): size for rel, size in sizes.items() if rel.startswith(f"{RAW_DIR}/")}
    report.inconsistent += _check_raw(hashes, index, raw_sizes)

    records: list[tuple[int, EvidenceRecord]] = []
    data = _read(root, RECORDS, hashes, report)
    if data is not None:
        records, problems = parse_jsonl(data, RECORDS, EvidenceRecord, "an evidence record")
        report.unreadable += _capped(problems)
        report.inconsistent += _capped(_check_records(records, set(raw_sizes)))

    data = _read(root, INFO, hashes, report)
    if data is not None:
        try:
            info = parse_info(data)
        except BundleReadError as exc:
            report.unreadable += exc.problems
        else:
            _check_info(info, len(records), len(index), report, count=not report.unreadable)
    report.missing.sort()
    if public_key is not None:
        from evidence_collectors.signing.attest import verify_bundle_signature

        report.signature = verify_bundle_signature(root, public_key).problems
        report.signature_checked = True
    return report


def _read(root: Path, rel: str, hashes: dict[str, str], report: VerifyReport) -> bytes | None:
    """A small bundle file's bytes; None when it is absent (already reported missing) or unreadable (reported)."""
    if rel not in hashes:
        return None
    try:
        return read_bounded(root / rel, rel)
    except OSError as exc:
        report.unreadable.append(f"{rel}: cannot read ({exc.strerror})")
        return None
    except BundleReadError as exc:
        report.unreadable += exc.problems
        return None

"""What identifies a report: the tool that wrote it, a report id derived from its inputs, and the data it embeds.

The report id is a digest of what the report was made from (each assessment file, framework file and evidence
manifest, and the report date), so the same inputs give the same id in either language and any change to them gives
another; an auditor can recompute it. The embedded data are the bytes `report --format json` writes for the same
inputs, plus each evidence bundle's manifest, so a reader of the PDF holds the machine-readable result it shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import TYPE_CHECKING

from assessors.workflow import BundleError
from evidence_collectors.bundle_format import MANIFEST

if TYPE_CHECKING:
    from reports.viewmodel import ScoredPart

DISTRIBUTION = "mlops-maturity"
RESULT_NAME = "assessment-result.json"


@cache
def tool_version() -> str:
    """The installed distribution's version; a source tree run without installing says so rather than guessing."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def tool_name_and_version() -> str:
    return f"{DISTRIBUTION} {tool_version()}"


def report_id(parts: Sequence[ScoredPart], report_date: dt.date) -> str:
    """`MMR-` and 16 hex digits of the SHA-256 over the inputs' own digests, in the order the parts were given."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.sha256.encode())
        digest.update(part.opened.framework.sha256.encode())
        digest.update((part.bundle.manifest_sha256 if part.bundle else "-").encode())
    digest.update(report_date.isoformat().encode())
    return f"MMR-{digest.hexdigest()[:16].upper()}"


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside the PDF (PDF/A-3 associated file) with the relationship it has to the document."""

    name: str
    data: bytes
    description: str
    relationship: str  # PDF/A-3 AFRelationship: Data (the content shown), Supplement (what it rests on)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def embedded_files(parts: Sequence[ScoredPart], result_json: bytes) -> list[EmbeddedFile]:
    """The result JSON and each distinct bundle's manifest, re-checked against the digest the bundle was opened with."""
    files = [EmbeddedFile(RESULT_NAME, result_json, "Assessment result (report --format json)", "Data")]
    seen: set[str] = set()
    for part in parts:
        bundle = part.bundle
        if bundle is None or bundle.manifest_sha256 in seen:
            continue
        seen.add(bundle.manifest_sha256)
        data = (bundle.path / MANIFEST).read_bytes()
        if hashlib.sha256(data).hexdigest() != bundle.manifest_sha256:
            raise BundleError(f"{bundle.path / MANIFEST}: changed while the report was being written")
        name = f"evidence-manifest-{len(seen)}.sha256" if len(seen) > 1 else "evidence-manifest.sha256"
        files.append(EmbeddedFile(name, data, f"Evidence bundle manifest ({bundle.path.name})", "Supplement"))
    return files

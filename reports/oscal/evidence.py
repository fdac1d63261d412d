"""What the assessment-results and POA&M documents cite: the assessment files, the evidence bundle, each cited record
(with the SHA-256 of its line in records.jsonl) and each collected target, as back-matter resources."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from assessors.checks import record_sha256
from evidence_collectors.records import EvidenceRecord
from reports.oscal.common import Json, line, prop, props, stable_uuid, timestamp
from reports.viewmodel import ScoredPart


def _sha256(value: str) -> list[Json]:
    return [{"algorithm": "SHA-256", "value": value}]


def file_uuid(part: ScoredPart) -> str:
    return stable_uuid("assessment-file", part.sha256)


def bundle_uuid(manifest_sha256: str) -> str:
    return stable_uuid("evidence-bundle", manifest_sha256)


def record_uuid(record: EvidenceRecord) -> str:
    return stable_uuid("evidence-record", record.id, record_sha256(record))


def target_uuid(collector: str, name: str) -> str:
    return stable_uuid("evidence-target", collector, name)


def _href(path: Path) -> str:
    """A path as a URI reference (relative stays relative), spaces and other reserved characters percent-encoded."""
    return quote(path.as_posix())


def resources(parts: Sequence[ScoredPart], cited: dict[str, EvidenceRecord]) -> list[Json]:
    """One resource per assessment file, bundle, cited record and collected target, in a stable order."""
    out: list[Json] = []
    for part in parts:
        out.append(
            {
                "uuid": file_uuid(part),
                "title": line(f"Assessment file {part.path.name}"),
                "props": props(prop("framework", part.opened.framework.ref), prop("kind", "assessment-file")),
                "rlinks": [{"href": _href(part.path), "hashes": _sha256(part.sha256)}],
            }
        )
    bundles = {p.bundle.manifest_sha256: p.bundle for p in parts if p.bundle is not None}
    for sha, bundle in bundles.items():
        out.append(
            {
                "uuid": bundle_uuid(sha),
                "title": "Evidence bundle",
                "props": props(prop("kind", "evidence-bundle"), prop("manifest-sha256", sha)),
                "rlinks": [{"href": _href(bundle.path / "MANIFEST.sha256"), "hashes": _sha256(sha)}],
            }
        )
        seen: set[str] = set()
        for record in bundle.records:
            key = target_uuid(record.collector.name, record.target)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                {
                    "uuid": key,
                    "title": line(f"{record.collector.name} target {record.target}"),
                    "props": props(
                        prop("kind", "evidence-target"),
                        prop("collector", record.collector.name),
                        prop("target", record.target),
                    ),
                }
            )
    where = {r.id: p.bundle.path for p in parts if p.bundle is not None for r in p.bundle.records}
    for rid in sorted(cited):
        record = cited[rid]
        detail = record.summary or record.reason or record.status.value
        out.append(
            {
                "uuid": record_uuid(record),
                "title": line(f"{record.probe} @ {record.target}"),
                "description": detail,
                "props": props(
                    prop("kind", "evidence-record"),
                    prop("record-id", record.id),
                    prop("probe", record.probe),
                    prop("target", record.target),
                    prop("record-status", record.status.value),
                    prop("collected", timestamp(record.collected_at)),
                    prop("collector", f"{record.collector.name} {record.collector.version}"),
                ),
                "rlinks": [
                    {"href": f"{_href(where[rid] / 'records.jsonl')}#{rid}", "hashes": _sha256(record_sha256(record))}
                ],
            }
        )
    return out

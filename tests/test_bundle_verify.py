"""`evidence verify` checks a bundle's contents, not only its manifest, and reads broken files without a traceback.

A forger who edits a bundle can recompute MANIFEST.sha256, so verify also checks that each raw response hashes to its
name, that every raw response a record cites is there, that raw/index.jsonl and raw/ agree and that bundle.json counts
what is there. Unreadable files (not UTF-8, bad JSON, wrong shape) are named with their line: verify exits 1, `show`
and `assess --evidence` exit 2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from assessors.workflow import BundleError, open_bundle
from evidence_collectors.bundle import read_records, verify_bundle, write_bundle
from evidence_collectors.bundle_format import BundleReadError
from evidence_collectors.bundle_writer import bundle_files, sha_file
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from tests.conftest import RunCli

BODIES = (b'{"runs": 3}', b'{"alerts": []}')


def _record(probe: str, target: str, raw: list[str], status: EvidenceStatus = EvidenceStatus.ok) -> EvidenceRecord:
    return EvidenceRecord(
        probe=probe,
        target=target,
        value=None if status is not EvidenceStatus.ok else 3,
        status=status,
        reason="" if status is EvidenceStatus.ok else "refused",
        source=EvidenceSource(system="mlflow", url="http://127.0.0.1:1"),
        collected_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
        collector=CollectorInfo(name="mlflow", version="1.0.0"),
        raw_sha256=raw,
    )


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    raw = RawStore()
    runs, alerts = (raw.add(b, url=f"http://127.0.0.1:1/{n}") for n, b in enumerate(BODIES))
    records = [
        _record("mlflow.runs", "tracking", [runs]),
        _record("mlflow.alerts", "tracking", [alerts]),
        _record("mlflow.models", "down", [], EvidenceStatus.unavailable),
    ]
    root = tmp_path / "bundle"
    write_bundle(root, Collection(records=records, raw=raw, redactor=Redactor()))
    assert verify_bundle(root).ok
    return root


def _reseal(root: Path) -> None:
    """What a forger does after editing: recompute the manifest so that it matches again."""
    lines = "".join(f"{sha_file(root / rel)}  {rel}\n" for rel in bundle_files(root))
    (root / "MANIFEST.sha256").write_text(lines, encoding="utf-8")


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _no_traceback(*outputs: str) -> None:
    for text in outputs:
        assert "Traceback" not in text, text


@pytest.fixture
def questionnaire(run_cli: RunCli, tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    assert run_cli("init", "caict-mlops-p1", "-o", path).returncode == 0
    return path


def test_raw_content_not_matching_its_name_is_caught_even_when_the_manifest_was_recomputed(
    bundle: Path, run_cli: RunCli, questionnaire: Path
) -> None:
    name, forged = _sha(BODIES[0]), b'{"runs": 300}'
    (bundle / "raw" / name).write_bytes(forged)
    _reseal(bundle)
    report = verify_bundle(bundle)
    assert (report.altered, report.added, report.missing) == ([], [], [])
    assert report.inconsistent[0] == f"raw/{name}: content hashes to {_sha(forged)}, not to its name"
    assert not report.ok

    out = run_cli("evidence", "verify", bundle)
    assert out.returncode == 1 and f"inconsistent: raw/{name}: content hashes to" in out.stderr
    refused = run_cli("assess", questionnaire, "--evidence", bundle)
    assert refused.returncode == 2 and f"raw/{name}: content hashes to" in refused.stderr
    _no_traceback(out.stderr, refused.stderr)


def test_a_record_citing_a_missing_raw_response_is_caught(bundle: Path, run_cli: RunCli) -> None:
    gone = _sha(BODIES[1])
    (bundle / "raw" / gone).unlink()
    index = bundle / "raw" / "index.jsonl"
    index.write_text("".join(x + "\n" for x in index.read_text().splitlines() if gone not in x), encoding="utf-8")
    info = json.loads((bundle / "bundle.json").read_text())
    (bundle / "bundle.json").write_text(json.dumps({**info, "raw_responses": 1}), encoding="utf-8")
    _reseal(bundle)
    report = verify_bundle(bundle)
    [problem] = report.inconsistent
    assert problem.startswith("records.jsonl:2: record ev-") and f"cites raw/{gone}, which the bundle lacks" in problem
    out = run_cli("evidence", "verify", bundle)
    assert out.returncode == 1 and "records.jsonl:2: record ev-" in out.stderr
    with pytest.raises(BundleError, match="contents disagree"):
        open_bundle(bundle)


def test_raw_index_and_raw_files_must_agree(bundle: Path) -> None:
    listed, unlisted = _sha(BODIES[0]), _sha(b"stray")
    (bundle / "raw" / listed).unlink()
    (bundle / "raw" / unlisted).write_bytes(b"stray")
    (bundle / "raw" / "notes.txt").write_text("x")
    _reseal(bundle)
    problems = verify_bundle(bundle).inconsistent
    assert f"raw/{unlisted}: not listed in raw/index.jsonl" in problems
    assert "raw/notes.txt: not a raw response (raw responses are named by their SHA-256)" in problems
    assert any(
        p.startswith("raw/index.jsonl:") and f"lists raw/{listed}, which the bundle lacks" in p for p in problems
    )
    assert any(p.startswith("records.jsonl:1: ") and listed in p for p in problems)


def test_bundle_json_counts_must_agree(bundle: Path) -> None:
    info = json.loads((bundle / "bundle.json").read_text())
    (bundle / "bundle.json").write_text(json.dumps({**info, "records": 2, "raw_responses": 5}), encoding="utf-8")
    _reseal(bundle)
    assert verify_bundle(bundle).inconsistent == [
        "bundle.json: says 2 records; records.jsonl has 3",
        "bundle.json: says 5 raw responses; raw/index.jsonl lists 2",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%s  records.jsonl\n\xff\xfe  raw/x\n", "MANIFEST.sha256:2: not UTF-8 text (byte 0xff at column 1)"),
        (b"%s  records.jsonl\nnot a manifest line\n", "MANIFEST.sha256:2: expected '<sha256>  <path>'"),
        (b"%s  ../../etc/passwd\n", "MANIFEST.sha256:1: path '../../etc/passwd' is not a file of the bundle"),
    ],
    ids=["not-utf8", "malformed", "leaves-the-bundle"],
)
def test_an_unreadable_manifest_is_named_with_its_line(
    bundle: Path, run_cli: RunCli, questionnaire: Path, content: bytes, expected: str
) -> None:
    (bundle / "MANIFEST.sha256").write_bytes(content.replace(b"%s", b"0" * 64))
    assert verify_bundle(bundle).unreadable[0].startswith(expected)
    out = run_cli("evidence", "verify", bundle)
    assert out.returncode == 1 and f"unreadable: {expected}" in out.stderr
    refused = run_cli("assess", questionnaire, "--evidence", bundle)
    assert refused.returncode == 2 and f"{bundle}/{expected}" in refused.stderr
    _no_traceback(out.stderr, refused.stderr)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"probe": "mlflow.runs", ', "records.jsonl:2: not valid JSON (Expecting property name"),
        (b"[1, 2]", "records.jsonl:2: not an evidence record (expected a JSON object, found list)"),
        (b'{"probe": "mlflow.runs"}', "records.jsonl:2: not an evidence record: target: Field required"),
        (b'{"probe": "caf\xe9"}', "records.jsonl:2: not UTF-8 text (byte 0xe9 at column 15)"),
    ],
    ids=["bad-json", "not-an-object", "wrong-shape", "not-utf8"],
)
def test_a_bad_records_line_is_named_with_its_number(
    bundle: Path, run_cli: RunCli, questionnaire: Path, line: bytes, expected: str
) -> None:
    lines = (bundle / "records.jsonl").read_bytes().splitlines(keepends=True)
    (bundle / "records.jsonl").write_bytes(lines[0] + line + b"\n" + b"".join(lines[2:]))
    with pytest.raises(BundleReadError, match=r"records\.jsonl:2: "):
        read_records(bundle)
    [problem] = verify_bundle(bundle).unreadable
    assert problem.startswith(expected)

    verified = run_cli("evidence", "verify", bundle)
    assert verified.returncode == 1 and f"unreadable: {expected}" in verified.stderr
    shown = run_cli("evidence", "show", bundle)
    assert shown.returncode == 2 and f"{bundle}/{expected}" in shown.stderr
    refused = run_cli("assess", questionnaire, "--evidence", bundle)
    assert refused.returncode == 2 and f"{bundle}/{expected}" in refused.stderr
    _no_traceback(verified.stderr, shown.stderr, refused.stderr)


def test_many_bad_lines_are_capped(bundle: Path) -> None:
    (bundle / "records.jsonl").write_bytes(b"x\n" * 50)
    unreadable = verify_bundle(bundle).unreadable
    assert len(unreadable) == 21 and unreadable[-1] == "... and 30 more in the same file"
    assert unreadable[19] == "records.jsonl:20: not valid JSON (Expecting value at column 1)"


def test_an_empty_directory_is_not_a_bundle(tmp_path: Path) -> None:
    report = verify_bundle(tmp_path)
    assert report.missing == ["MANIFEST.sha256", "bundle.json", "raw/index.jsonl", "records.jsonl"]
    assert not report.ok


def test_a_bundle_in_the_first_format_still_verifies_and_opens(tmp_path: Path) -> None:
    """Bundles written before collection state was kept: bundle.json without `complete` or `collection`."""
    root = tmp_path / "old"
    (root / "raw").mkdir(parents=True)
    body = BODIES[0]
    (root / "raw" / _sha(body)).write_bytes(body)
    entry = {"sha256": _sha(body), "url": "http://h/runs", "status": 200, "content_type": "", "bytes": len(body)}
    (root / "raw" / "index.jsonl").write_text(json.dumps(entry) + "\n", encoding="utf-8")
    record = _record("mlflow.runs", "tracking", [_sha(body)])
    (root / "records.jsonl").write_text(record.model_dump_json() + "\n", encoding="utf-8")
    info = {
        "format": 1,
        "created_at": "2026-11-05T00:00:00+00:00",
        "collectors": {"mlflow": "1.0.0"},
        "targets": ["tracking"],
        "records": 1,
        "raw_responses": 1,
    }
    (root / "bundle.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    _reseal(root)
    assert verify_bundle(root).ok
    assert [r.id for r in open_bundle(root).records] == [record.id]

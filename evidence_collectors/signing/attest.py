"""Sign an evidence bundle or a result file, and check such a signature.

A bundle's envelope lives in the bundle as `attestation.dsse.json`, outside the manifest (it is written after the
manifest and signs the manifest's digest). A result file's envelope lives beside it as `<file>.dsse.json`.
Checking a bundle's signature proves the manifest is the one signed; `verify_bundle` then proves the files match it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from importlib import metadata
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel

from capability_model.atomicfile import write_atomic
from evidence_collectors.bundle_format import (
    MANIFEST,
    BundleReadError,
    TargetState,
    read_bounded,
    read_info,
    read_records,
)
from evidence_collectors.bundle_verify import ATTESTATION, verify_bundle
from evidence_collectors.secrets import Redactor, redact_url
from evidence_collectors.signing import dsse
from evidence_collectors.signing.keys import SigningError, key_id
from evidence_collectors.signing.statement import (
    BUNDLE_PREDICATE,
    PAYLOAD_TYPE,
    RESULT_PREDICATE,
    STATEMENT_TYPE,
    BundleFacts,
    BundlePredicate,
    ResultPredicate,
    Statement,
    Subject,
    TargetEntry,
    ToolInfo,
    parse_statement,
)

DISTRIBUTION = "mlops-maturity"

__all__ = ["ATTESTATION", "BUNDLE_PREDICATE", "RESULT_PREDICATE", "SignatureCheck"]


class SignatureCheck(BaseModel):
    """The outcome of checking one envelope: `ok` only with no problem; the statement once its signature verified."""

    problems: list[str] = []
    statement: Statement | None = None
    keyid: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and self.statement is not None


def _tool() -> ToolInfo:
    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    return ToolInfo(name=DISTRIBUTION, version=version)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def envelope_path_for(path: Path) -> Path:
    """Where a signed file's envelope is written: beside it, named after it."""
    return path.with_name(f"{path.name}.dsse.json")


def _envelope_bytes(statement: Statement, key: Ed25519PrivateKey) -> bytes:
    envelope = dsse.sign(PAYLOAD_TYPE, statement.to_bytes(), key)
    return (envelope.model_dump_json(indent=2) + "\n").encode()


# --- bundles ---------------------------------------------------------------------------------------------------------


def bundle_predicate(root: Path, redactor: Redactor | None = None) -> BundlePredicate:
    """Collectors, targets and times from the bundle's own files; every location passes the secret redaction again
    (user info dropped, credential-like query parameters and any secret known to `redactor` masked)."""
    try:
        info = read_info(root)
        records = read_records(root)
    except BundleReadError as exc:
        raise SigningError(str(exc)) from None
    if info is None:
        raise SigningError(f"{root}: not a finished evidence bundle (no bundle.json)")
    sources: dict[str, set[str]] = {}
    for r in records:
        sources.setdefault(r.target, set()).add(redact_url(r.source.url, redactor))
    states = info.collection or [  # a format 1 bundle lists no collection states: its records name the targets
        TargetState(name=name, collector=rs[0].collector.name, state="collected", records=len(rs))
        for name in sources
        for rs in [[r for r in records if r.target == name]]
    ]
    targets = [
        TargetEntry(name=t.name, collector=t.collector, state=t.state, records=t.records, sources=sorted(src))
        for t in states
        for src in [sources.get(t.name, set())]
    ]
    return BundlePredicate(
        tool=_tool(),
        signed_at=_now(),
        bundle=BundleFacts(
            format=info.format,
            created_at=info.created_at,
            finished_at=info.finished_at,
            complete=info.complete,
            records=info.records,
            raw_responses=info.raw_responses,
        ),
        collectors=dict(sorted(info.collectors.items())),
        targets=targets,
    )


def sign_bundle(root: Path, key: Ed25519PrivateKey, redactor: Redactor | None = None) -> Path:
    """Sign a complete bundle that verifies: write its envelope; refuse a bundle already signed or not intact."""
    target = root / ATTESTATION
    if target.exists() or target.is_symlink():
        raise SigningError(f"{target} exists: the bundle is already signed")
    report = verify_bundle(root)
    if not report.ok:
        first = report.problems()[0] if report.problems() else "it does not verify"
        raise SigningError(f"{root}: only a complete bundle that verifies can be signed ({first})")
    statement = Statement(
        type_=STATEMENT_TYPE,
        subject=[Subject(name=MANIFEST, digest={"sha256": report.manifest_sha256})],
        predicateType=BUNDLE_PREDICATE,
        predicate=bundle_predicate(root, redactor).model_dump(mode="json"),
    )
    write_atomic(target, _envelope_bytes(statement, key))
    return target


def _read_envelope(path: Path, check: SignatureCheck, key: Ed25519PublicKey, predicate_type: str) -> Statement | None:
    """The verified statement of the envelope at `path`; None (with the problem recorded) otherwise."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            check.problems.append(f"signature: {path} is not a regular file")
            return None
        data = read_bounded(path, str(path))
        envelope = dsse.parse_envelope(data, str(path))
        payload = dsse.verify(envelope, key, PAYLOAD_TYPE, str(path))
        return parse_statement(payload, str(path), predicate_type)
    except FileNotFoundError:
        check.problems.append(f"signature: {path} is missing: the content is not signed")
    except OSError as exc:
        check.problems.append(f"signature: cannot read {path} ({exc.strerror})")
    except (BundleReadError, SigningError) as exc:
        check.problems.append(f"signature: {exc}")
    return None


def _digest_problem(signed: str | None, actual: str, what: str) -> str | None:
    if signed is None:
        return f"signature: the signed statement does not name {what}"
    if signed != actual:
        return f"signature: {what} changed after it was signed (signed sha256 {signed[:16]}…, now {actual[:16]}…)"
    return None


def verify_bundle_signature(root: Path, key: Ed25519PublicKey) -> SignatureCheck:
    """Check the bundle's envelope with `key` and that it signs the manifest the bundle has now."""
    check = SignatureCheck(keyid=key_id(key))
    statement = _read_envelope(root / ATTESTATION, check, key, BUNDLE_PREDICATE)
    if statement is None:
        return check
    try:
        actual = hashlib.sha256(read_bounded(root / MANIFEST, MANIFEST)).hexdigest()
    except FileNotFoundError:
        check.problems.append(f"signature: {MANIFEST} is missing, so nothing the signature covers can be checked")
        return check
    except (OSError, BundleReadError) as exc:
        check.problems.append(f"signature: cannot read {MANIFEST} ({exc})")
        return check
    problem = _digest_problem(statement.sha256_of(MANIFEST), actual, f"the manifest {MANIFEST}")
    check.problems += [problem] if problem else []
    check.statement = statement
    return check


# --- result files ----------------------------------------------------------------------------------------------------


def sign_file(path: Path, key: Ed25519PrivateKey, evidence_manifest_sha256: str | None = None) -> Path:
    """Sign a result file (its SHA-256 as the statement's subject); the envelope is written beside it, replacing an
    older one, since a result is rewritten each time it is computed."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise SigningError(f"cannot read {path} to sign it: {exc.strerror}") from None
    predicate = ResultPredicate(tool=_tool(), signed_at=_now(), evidence_manifest_sha256=evidence_manifest_sha256)
    statement = Statement(
        type_=STATEMENT_TYPE,
        subject=[Subject(name=path.name, digest={"sha256": digest})],
        predicateType=RESULT_PREDICATE,
        predicate=predicate.model_dump(mode="json"),
    )
    target = envelope_path_for(path)
    write_atomic(target, _envelope_bytes(statement, key))
    return target


def verify_file_signature(path: Path, key: Ed25519PublicKey, envelope: Path | None = None) -> SignatureCheck:
    """Check a signed file against its envelope (default: `<file>.dsse.json`): the signature verifies with `key` and
    a subject of the statement has the file's SHA-256 (whatever the file is now called)."""
    check = SignatureCheck(keyid=key_id(key))
    statement = _read_envelope(envelope or envelope_path_for(path), check, key, RESULT_PREDICATE)
    if statement is None:
        return check
    try:
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        check.problems.append(f"cannot read {path} ({exc.strerror})")
        return check
    if not any(s.digest.get("sha256") == actual for s in statement.subject):
        signed = statement.subject[0].digest.get("sha256", "none")
        check.problems.append(
            f"signature: {path} changed after it was signed (signed sha256 {signed[:16]}…, now {actual[:16]}…)"
        )
    check.statement = statement
    return check

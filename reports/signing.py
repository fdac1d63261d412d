"""Signing a finished PDF report (PAdES, with pyHanko) and verifying one: signature, coverage and embedded data.

A signature covers the bytes of the report as written; `verify_report` refuses a file changed after signing (bytes
altered inside the signed range, or anything appended after it) and checks that the result JSON the PDF carries is
the one its cover names by SHA-256, so the machine-readable data and the printed report cannot drift apart. Trust in
the signer is a separate question: with trusted certificates given, the signer's certificate must chain to one of
them; without, the report names the signer and says that no trust was checked.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reports.identity import RESULT_NAME


class SigningError(Exception):
    """A key, certificate or PDF that cannot be used; the message says which and why."""


def sign_pdf(pdf: bytes, pkcs12: Path, passphrase: bytes | None, reason: str = "", location: str = "") -> bytes:
    """The report with a PAdES baseline signature by the key and certificate in a PKCS#12 file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(pkcs12), passphrase=passphrase)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:
        raise SigningError(f"{pkcs12}: cannot read the key ({exc})") from None
    if signer is None:  # pyHanko logs the cause and returns None on a wrong passphrase or a damaged file
        raise SigningError(f"{pkcs12}: cannot read the key and certificate (wrong passphrase or not a PKCS#12 file)")
    meta = signers.PdfSignatureMetadata(
        field_name="ReportSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = signers.sign_pdf(writer, meta, signer=signer)
    return bytes(out.getbuffer())


@dataclass
class SignatureCheck:
    signer: str
    fingerprint: str  # SHA-256 of the signer's certificate (DER)
    signed_at: str
    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # the signature verifies with the certificate's key
    whole_file: bool  # nothing added or changed after signing
    trusted: bool | None  # None: no trusted certificate was given


@dataclass
class VerifyResult:
    signatures: list[SignatureCheck] = field(default_factory=list)
    embedded_sha256: str = ""
    printed_sha256: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _resolved(obj: object) -> object:
    """The object an indirect reference points at (pyHanko leaves references unresolved in arrays and `get`)."""
    get_object = getattr(obj, "get_object", None)
    return get_object() if callable(get_object) else obj


def _entry(node: object, key: str) -> object:
    return _resolved(node[key]) if isinstance(node, dict) and key in node else None


def _embedded_files(reader: object) -> dict[str, bytes]:
    """Name -> bytes of every file in the document's EmbeddedFiles name tree (flat or with kids)."""
    tree = _entry(_entry(reader.root, "/Names"), "/EmbeddedFiles")  # type: ignore[attr-defined]
    files: dict[str, bytes] = {}
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        pairs = _entry(node, "/Names")
        if isinstance(pairs, list):
            for i in range(0, len(pairs) - 1, 2):
                stream = _entry(_entry(_resolved(pairs[i + 1]), "/EF"), "/F")
                data = getattr(stream, "data", None)
                if isinstance(data, bytes):
                    files[str(_resolved(pairs[i]))] = data
        kids = _entry(node, "/Kids")
        if isinstance(kids, list):
            stack.extend(_resolved(k) for k in kids)
    return files


def printed_result_digest(path: Path) -> str:
    """The result JSON's SHA-256 as the report's cover prints it (read back with pdftotext), or '' if absent."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise SigningError("pdftotext (poppler-utils) is needed to read the report's printed text")
    text = subprocess.run(
        [tool, "-f", "1", "-l", "3", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=False,
        timeout=120,
    ).stdout.decode("utf-8", "replace")
    marker = text.find(RESULT_NAME)
    if marker < 0:
        return ""
    after = re.sub(r"\s+", "", text[marker + len(RESULT_NAME) : marker + len(RESULT_NAME) + 400])
    match = re.search(r"SHA-256([0-9a-f]{64})", after)
    return match.group(1) if match else ""


def verify_report(path: Path, trusted: Sequence[Path] = ()) -> VerifyResult:
    """Every problem of a signed report: signatures, what they cover, signer trust and the embedded result."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    for name in ("pyhanko", "pyhanko_certvalidator"):  # an untrusted signer is our finding, not a logged traceback
        logging.getLogger(name).setLevel(logging.CRITICAL)
    result = VerifyResult()
    data = path.read_bytes()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        files = _embedded_files(reader)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"not a readable PDF ({exc})")
        return result
    try:
        roots = [load_cert_from_pemder(str(p)) for p in trusted]  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:
        raise SigningError(f"cannot read a trusted certificate ({exc})") from None
    context = ValidationContext(trust_roots=roots, allow_fetching=False) if roots else None
    if not signatures:
        result.problems.append("the report is not signed")
    for embedded in signatures:
        try:
            status = validate_pdf_signature(embedded, context or ValidationContext(allow_fetching=False))
        except (SignatureValidationError, ValueError, KeyError, TypeError) as exc:
            result.problems.append(f"signature {embedded.field_name}: cannot be validated ({exc})")
            continue
        cert = status.signing_cert
        check = SignatureCheck(
            signer=cert.subject.human_friendly,
            fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
            signed_at=str(embedded.self_reported_timestamp or ""),
            intact=bool(status.intact),
            valid=bool(status.valid),
            whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
            trusted=bool(status.trusted) if roots else None,
        )
        result.signatures.append(check)
        if not (check.intact and check.valid):
            result.problems.append(f"signature by {check.signer}: the signed content was altered")
        elif not check.whole_file:
            result.problems.append(f"signature by {check.signer}: the file was changed after it was signed")
        if check.trusted is False:
            result.problems.append(f"signature by {check.signer}: the signer is not among the trusted certificates")
    embedded_json = files.get(RESULT_NAME)
    if embedded_json is None:
        result.problems.append(f"the report carries no {RESULT_NAME}")
    else:
        result.embedded_sha256 = hashlib.sha256(embedded_json).hexdigest()
        result.printed_sha256 = printed_result_digest(path)
        if result.printed_sha256 != result.embedded_sha256:
            result.problems.append(
                f"the embedded {RESULT_NAME} (SHA-256 {result.embedded_sha256[:16]}…) is not the one the report"
                f" prints ({result.printed_sha256[:16] or 'none'}…)"
            )
    return result

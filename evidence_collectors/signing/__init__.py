"""Signed evidence and results: Ed25519 keys, DSSE envelopes holding in-toto Statements, and checking them.

A SHA-256 manifest proves a bundle unchanged only to someone who trusts where the manifest came from: anyone who edits
a bundle can recompute it. A signature over the manifest's digest, checked with the signer's public key, closes that
gap. The same envelope signs an assessment result file.
"""

from __future__ import annotations

from evidence_collectors.signing.attest import (
    ATTESTATION,
    BUNDLE_PREDICATE,
    RESULT_PREDICATE,
    SignatureCheck,
    envelope_path_for,
    sign_bundle,
    sign_file,
    verify_bundle_signature,
    verify_file_signature,
)
from evidence_collectors.signing.keys import (
    PASSPHRASE_ENV,
    GeneratedKeys,
    SigningError,
    generate_keys,
    key_id,
    load_private_key,
    load_public_key,
)

__all__ = [
    "ATTESTATION",
    "BUNDLE_PREDICATE",
    "PASSPHRASE_ENV",
    "RESULT_PREDICATE",
    "GeneratedKeys",
    "SignatureCheck",
    "SigningError",
    "envelope_path_for",
    "generate_keys",
    "key_id",
    "load_private_key",
    "load_public_key",
    "sign_bundle",
    "sign_file",
    "verify_bundle_signature",
    "verify_file_signature",
]

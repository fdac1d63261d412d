"""DSSE (Dead Simple Signing Envelope) v1: the signature covers the pre-authentication encoding of the payload type
and the payload, so a signature made for one type never verifies as another.

    PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
    LEN(s) = ASCII decimal byte length of s, no leading zeros; SP = one space

The JSON envelope is {"payload": Base64(body), "payloadType": type, "signatures": [{"keyid": ..., "sig": ...}]};
standard and URL-safe Base64 are both accepted, as the protocol requires of verifiers.
"""

from __future__ import annotations

import base64
import binascii
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, ValidationError

from evidence_collectors.signing.keys import SigningError, key_id

MAX_ENVELOPE = 16 * 1024 * 1024  # far above any statement written here; a larger file is not read whole


class DsseSignature(BaseModel):
    model_config = ConfigDict(extra="ignore")

    keyid: str = ""
    sig: str


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    payload: str
    payloadType: str  # the DSSE field name
    signatures: list[DsseSignature]


def pae(payload_type: str, body: bytes) -> bytes:
    """The bytes a DSSE signature is computed over."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(body), body)


def b64decode(text: str) -> bytes:
    """Standard or URL-safe Base64, padded or not; anything else is refused (never silently skipped)."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        raise SigningError("not Base64") from None


def sign(payload_type: str, body: bytes, key: Ed25519PrivateKey) -> Envelope:
    signature = key.sign(pae(payload_type, body))
    return Envelope(
        payload=base64.b64encode(body).decode(),
        payloadType=payload_type,
        signatures=[DsseSignature(keyid=key_id(key.public_key()), sig=base64.b64encode(signature).decode())],
    )


def parse_envelope(data: bytes, where: str) -> Envelope:
    if len(data) > MAX_ENVELOPE:
        raise SigningError(f"{where}: {len(data)} bytes, larger than a signature envelope may be")
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SigningError(f"{where}: not UTF-8 text, so not a DSSE envelope") from None
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON ({exc.msg} at line {exc.lineno})"
        raise SigningError(f"{where}: {problem}, so not a DSSE envelope") from None
    if not isinstance(value, dict):
        raise SigningError(f"{where}: not a DSSE envelope (expected a JSON object)")
    try:
        envelope = Envelope.model_validate(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise SigningError(f"{where}: not a DSSE envelope ({field}: {err['msg']})") from None
    if not envelope.signatures:
        raise SigningError(f"{where}: the envelope holds no signature")
    return envelope


def verify(envelope: Envelope, key: Ed25519PublicKey, payload_type: str, where: str) -> bytes:
    """The payload, once a signature in the envelope verifies with `key` over PAE(type, payload) and the type is the
    one expected; SigningError otherwise. The `keyid` is a hint only and decides nothing."""
    try:
        body = b64decode(envelope.payload)
    except SigningError:
        raise SigningError(f"{where}: the envelope's payload is not Base64") from None
    signed = pae(envelope.payloadType, body)
    for entry in envelope.signatures:
        try:
            key.verify(b64decode(entry.sig), signed)
        except (InvalidSignature, SigningError):
            continue
        break
    else:
        raise SigningError(
            f"{where}: no signature verifies with the given public key (keyid {key_id(key)[:16]}…): "
            "the signed content was changed, or it was signed with another key"
        )
    if envelope.payloadType != payload_type:
        raise SigningError(f"{where}: payload type {envelope.payloadType!r} is not {payload_type!r}")
    return body

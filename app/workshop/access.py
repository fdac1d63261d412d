"""The access code: made at random, stored only as a salted PBKDF2 hash, compared in constant time.

The workshop command makes or reads the code and hands the Streamlit process only the hash, so neither the
environment nor a crash dump of the server reveals the code.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

ITERATIONS = 200_000
MIN_LENGTH = 8
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed by hand
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def new_code(groups: int = 5) -> str:
    """A random code such as 'k7dq-3vbn-...' (5 groups of 4: about 99 bits)."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(groups))


def hash_code(code: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """'pbkdf2_sha256$<iterations>$<salt hex>$<digest hex>'."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", code.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify(code: str, hashed: str) -> bool:
    """Whether `code` is the code behind `hashed`; a malformed hash matches nothing."""
    try:
        scheme, iterations, salt, digest = hashed.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        computed = hashlib.pbkdf2_hmac("sha256", code.encode("utf-8"), bytes.fromhex(salt), int(iterations))
        return hmac.compare_digest(computed, bytes.fromhex(digest))
    except ValueError:
        return False


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach an address (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False

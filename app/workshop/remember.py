"""A browser that entered the workshop stays in after a reload: a signed cookie, set once and kept by the browser.

After a session passes the gate, its page asks once (an invisible image) for `/_workshop/remember/<ticket>`, a
random single-use ticket that expires within two minutes; the answer sets an HttpOnly, SameSite=Strict cookie
holding the session's name and an expiry, signed (HMAC-SHA256) with a key made at random when the server starts. A
new session of that browser (a reload, a second tab) presents the cookie with its connection and is let in under
that name without the code. Page scripts cannot read the cookie and other sites' pages cannot send it; it stops
working when it expires (REMEMBER_S), when the person leaves (the sidebar's button, which also clears it in the
browser), or when the server restarts (a new key). Like the access code, it travels unencrypted on a plain HTTP
network.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from typing import Any

COOKIE = "mlops_workshop_session"
REMEMBER_S = 12 * 3600  # a working day
TICKET_S = 120.0
PATH = "/_workshop/remember/"
FORGET_PATH = "/_workshop/forget"

_KEY = secrets.token_bytes(32)
_tickets: dict[str, tuple[str, float]] = {}  # ticket -> (name, expiry)
_revoked: dict[str, int] = {}  # id of a cookie someone left with -> its expiry
_lock = threading.Lock()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, key: bytes) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def token(name: str, now: float | None = None, key: bytes | None = None) -> str:
    """The cookie's value for `name`, valid for REMEMBER_S."""
    expires = int((time.time() if now is None else now) + REMEMBER_S)
    fields = {"n": name, "e": expires, "i": secrets.token_urlsafe(12)}
    payload = _b64(json.dumps(fields, ensure_ascii=False).encode("utf-8"))
    return f"{payload}.{_sign(payload, key or _KEY)}"


def _fields(value: object, key: bytes | None) -> dict[str, Any] | None:
    """The signed fields of a cookie value of this server (None: not one, or altered)."""
    if not isinstance(value, str) or value.count(".") != 1 or len(value) > 4096:
        return None
    payload, signature = value.split(".")
    try:
        if not hmac.compare_digest(_sign(payload, key or _KEY), signature):
            return None
        found: Any = json.loads(_unb64(payload))
    except (ValueError, UnicodeError):
        return None
    if not isinstance(found, dict) or not isinstance(found.get("n"), str) or not isinstance(found.get("e"), int):
        return None
    return found


def name_of(value: object, now: float | None = None, key: bytes | None = None) -> str | None:
    """The name a cookie value stands for; None unless it is this server's, unaltered, not expired, not left."""
    found = _fields(value, key)
    if found is None or found["e"] <= (time.time() if now is None else now):
        return None
    with _lock:
        if str(found.get("i")) in _revoked:
            return None
    return str(found["n"])


def revoke(value: object, key: bytes | None = None) -> None:
    """The person left: the cookie lets no session in any more, even a copy of it."""
    found = _fields(value, key)
    if found is None:
        return
    now = time.time()
    with _lock:
        for old in [i for i, expires in _revoked.items() if expires <= now]:
            del _revoked[old]
        _revoked[str(found.get("i"))] = int(found["e"])


def ticket(name: str) -> str:
    """A single-use ticket that the page exchanges for the cookie."""
    value = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _lock:
        for old in [k for k, (_, expires) in _tickets.items() if expires <= now]:
            del _tickets[old]
        _tickets[value] = (name, now + TICKET_S)
    return value


def redeem(value: str) -> str | None:
    """The name a ticket was made for, once; None for an unknown, used or expired ticket."""
    with _lock:
        found = _tickets.pop(value, None)
    if found is None or found[1] <= time.monotonic():
        return None
    return found[0]


def set_cookie_header(value: str, max_age: int = REMEMBER_S) -> bytes:
    return f"{COOKIE}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Strict".encode("ascii")

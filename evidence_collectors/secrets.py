"""Credentials come only from an environment variable or a file, and never leave the process in clear text.

A server can echo a credential back in any shape (an `Authorization` header as base64 of `user:token`, a token inside a
redirect URL, a JSON string), so the redactor masks every common encoding of each secret, not only its raw form.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import SplitResult, parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

_SENSITIVE_QUERY = re.compile(r"(token|key|secret|password|passwd|auth|signature|sig|session|cookie)", re.IGNORECASE)
_PERCENT = re.compile(r"%[0-9A-F]{2}")
MASK = "***"
MIN_SECRET = 4  # shorter values would mask ordinary text


class SecretError(ValueError):
    """A configured credential cannot be read (variable unset, file missing)."""


def read_secret(env: str | None, file: Path | None) -> str | None:
    """The credential named by `env` or stored in `file`; None when neither is configured."""
    if env:
        value = os.environ.get(env)
        if not value:
            raise SecretError(f"environment variable {env} is not set")
        return value.strip()
    if file:
        try:
            return file.expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SecretError(f"cannot read credential file {file}: {exc.strerror}") from None
    return None


def is_sensitive_name(name: str) -> bool:
    """A query parameter or header whose name says it carries a credential."""
    return bool(_SENSITIVE_QUERY.search(name))


def redact_url(url: str, redactor: Redactor | None = None) -> str:
    """Drop user info and fragment, mask credential-like query parameters and (with a redactor) any known secret."""
    mask = redactor or (lambda text: text)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return MASK
    netloc = parts.hostname or ""
    if port:
        netloc += f":{port}"
    if parts.username or parts.password:
        netloc = f"{MASK}@{netloc}"
    pairs = [(k, MASK if is_sensitive_name(k) else mask(v)) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = urlencode(pairs, safe="*")
    return mask(urlunsplit(SplitResult(parts.scheme, netloc, mask(parts.path), query, "")))


def encodings(secret: str) -> set[str]:
    """The forms a secret can take once it has travelled: base64 (standard and URL-safe, padded or not) of the secret,
    and each of those raw, URL-quoted (path and query style, upper and lower case escapes) and JSON-escaped (with or
    without escaped slashes and HTML characters)."""
    data = secret.encode()
    bases = {secret}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        padded = encode(data).decode()
        bases |= {padded, padded.rstrip("=")}
    forms: set[str] = set()
    for base in bases:
        quoted = {base, quote(base, safe=""), quote(base), quote_plus(base), quote_plus(base, safe="/")}
        quoted |= {_PERCENT.sub(lambda m: m.group(0).lower(), q) for q in quoted}
        for q in quoted:
            escaped = json.dumps(q)[1:-1]
            forms |= {
                q,
                escaped,
                json.dumps(q, ensure_ascii=False)[1:-1],
                escaped.replace("/", "\\/"),
                _html_safe(escaped),
            }
    return {f for f in forms if len(f) >= MIN_SECRET}


def _html_safe(text: str) -> str:
    """JSON as Go's encoder writes it by default (Prometheus, Grafana): &, < and > as \\u escapes."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


class Redactor:
    """Masks every known secret, in every encoding it may have taken, in any text or bytes that leave a collector."""

    def __init__(self) -> None:
        self._forms: list[str] = []  # longest first, so a longer form is masked before a shorter one inside it
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        if not secret or len(secret) < MIN_SECRET:
            return
        with self._lock:
            if secret in self._secrets:
                return
            self._secrets.add(secret)
            self._forms = sorted(set(self._forms) | encodings(secret), key=lambda f: (-len(f), f))

    def add_basic(self, username: str, secret: str | None) -> None:
        """HTTP basic auth sends base64 of `user:secret`, which is not a substring of any encoding of the secret."""
        if secret:
            self.add(secret)
            self.add(f"{username}:{secret}")

    def contains(self, text: str) -> bool:
        return any(form in text for form in self._forms)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, MASK)
        return text

    def bytes(self, data: bytes) -> bytes:
        for form in self._forms:
            data = data.replace(form.encode(), MASK.encode())
        return data

"""Credentials come only from an environment variable or a file, and never leave the process in clear text.

A server can echo a credential back in any shape (an `Authorization` header as base64 of `user:token`, a token inside a
redirect URL, a JSON string, an HTML page), so the redactor masks every common encoding of each secret, not only its raw
form.

A credential must be printable ASCII (it travels in an HTTP header) and at least `MIN_SECRET` characters long: a shorter
one could not be masked without masking ordinary text too, so it is refused rather than left visible in the evidence.
A credential file is read only if it is a regular file of at most `MAX_SECRET_FILE` bytes, so that naming a device, a
pipe or a huge file by mistake fails at once.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import stat
import threading
from pathlib import Path
from urllib.parse import SplitResult, parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

_SENSITIVE_QUERY = re.compile(r"(token|key|secret|password|passwd|auth|signature|sig|session|cookie)", re.IGNORECASE)
_PERCENT = re.compile(r"%[0-9A-F]{2}")
MASK = "***"
MIN_SECRET = 4  # shorter values would mask ordinary text
MAX_SECRET_FILE = 64 * 1024
_PRINTABLE = re.compile(r"[\x20-\x7e]+")


class SecretError(ValueError):
    """A configured credential cannot be read (variable unset, file missing)."""


def read_secret(env: str | None, file: Path | None) -> str | None:
    """The credential named by `env` or stored in `file`; None when neither is configured."""
    if env:
        value = os.environ.get(env)
        if not value:
            raise SecretError(f"environment variable {env} is not set")
        return _usable(value.strip(), f"environment variable {env}")
    if file:
        return _usable(_read_file(file.expanduser()), f"credential file {file}")
    return None


def _read_file(path: Path) -> str:
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # opening a FIFO without a writer would wait for one
            raise SecretError(f"credential file {path} is not a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_SECRET_FILE + 1)
    except OSError as exc:
        raise SecretError(f"cannot read credential file {path}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > MAX_SECRET_FILE:
        raise SecretError(f"credential file {path} is larger than {MAX_SECRET_FILE // 1024} KB: not a credential")
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise SecretError(f"credential file {path} is not UTF-8 text") from None


def _usable(secret: str, where: str) -> str:
    """The credential, if it can be sent in a header and masked everywhere; the message never quotes it."""
    if not secret:
        raise SecretError(f"{where} holds an empty credential")
    if not _PRINTABLE.fullmatch(secret):
        raise SecretError(f"the credential in {where} holds characters other than printable ASCII (or spans lines)")
    if len(secret) < MIN_SECRET:
        raise SecretError(
            f"the credential in {where} is shorter than {MIN_SECRET} characters: too short to be masked in the evidence"
        )
    return secret


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
    and each of those raw, URL-quoted (path and query style, upper and lower case escapes, `~` kept or escaped),
    JSON-escaped (with or without escaped slashes and HTML characters) and HTML-escaped."""
    data = secret.encode()
    bases = {secret}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        padded = encode(data).decode()
        bases |= {padded, padded.rstrip("=")}
    forms: set[str] = set()
    for base in bases:
        quoted = {base, quote(base, safe=""), quote(base), quote_plus(base), quote_plus(base, safe="/")}
        quoted |= {q.replace("~", "%7E") for q in quoted}  # encoders of RFC 2396 (Java's URLEncoder) escape `~`
        quoted |= {_PERCENT.sub(lambda m: m.group(0).lower(), q) for q in quoted}
        for q in quoted:
            escaped = json.dumps(q)[1:-1]
            forms |= {
                q,
                escaped,
                json.dumps(q, ensure_ascii=False)[1:-1],
                escaped.replace("/", "\\/"),
                _html_safe(escaped),
                html.escape(q),  # an HTML page (an error page, say) quoting the URL or the header
                html.escape(q, quote=False),
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

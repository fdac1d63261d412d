"""Credentials come only from an environment variable or a file, and never leave the process in clear text."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

_SENSITIVE_QUERY = re.compile(r"(token|key|secret|password|passwd|auth|signature|sig)", re.IGNORECASE)
MASK = "***"


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


def redact_url(url: str) -> str:
    """Drop user info and mask credential-like query parameters."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username or parts.password:
        netloc = f"{MASK}@{netloc}"
    query = urlencode([(k, MASK if _SENSITIVE_QUERY.search(k) else v) for k, v in parse_qsl(parts.query)], safe="*")
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, query, ""))


class Redactor:
    """Masks every known secret value in any text that leaves a collector (reasons, summaries, logs)."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            with self._lock:
                self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def bytes(self, data: bytes) -> bytes:
        for secret in self._secrets:
            data = data.replace(secret.encode(), MASK.encode())
        return data

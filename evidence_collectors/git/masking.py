"""Credentials that a repository file may hold (URL user info, password/token settings) are masked before the file
is kept as raw evidence; the collector never needs their values."""

from __future__ import annotations

import re

MASK = b"***"
_USERINFO = re.compile(rb"([A-Za-z][\w+.-]*://)[^/\s@'\"]+@")
_SETTING = re.compile(
    rb"(?im)^(\s*[\w.-]*(?:password|passwd|secret|token|access_key|secret_key|api_key|apikey|credential|private_key"
    rb"|key_id|sas)[\w.-]*[\"']?\s*[:=]\s*)(\S.*)$"
)


def mask_credentials(body: bytes) -> bytes:
    body = _USERINFO.sub(rb"\1" + MASK + b"@", body)
    return _SETTING.sub(lambda m: m.group(1) + MASK, body)

"""Credentials that a repository file may hold (URL user info, password/token settings) are masked before the file
is kept as raw evidence; the collector never needs their values.

Both patterns are tried only on the lines that can hold a match (a `://`, a credential word): applied line by line to
every file they cost more than the rest of the collection, and most lines hold neither."""

from __future__ import annotations

import re
from collections.abc import Iterator

MASK = b"***"
_USERINFO = re.compile(rb"([A-Za-z][\w+.-]*://)[^/\s@'\"]+@")
_SETTING = re.compile(
    rb"(?im)^(\s*[\w.-]*(?:password|passwd|secret|token|access_key|secret_key|api_key|apikey|credential|private_key"
    rb"|key_id|sas)[\w.-]*[\"']?\s*[:=]\s*)(\S.*)$"
)
# The words a setting must contain ("secret_key" holds "secret"), found in the lower-cased text: ASCII only, as (?i)
# on a bytes pattern.
_WORDS: tuple[bytes, ...] = (b"password", b"passwd", b"secret", b"token", b"access_key", b"api_key", b"apikey")
_WORDS += (b"credential", b"private_key", b"key_id", b"sas")


def _line_starts(text: bytes, word: bytes) -> Iterator[int]:
    """Start of every line that contains `word`."""
    found = text.find(word)
    while found >= 0:
        start = text.rfind(b"\n", 0, found) + 1
        yield start
        end = text.find(b"\n", found)
        if end < 0:
            return
        found = text.find(word, end + 1)


def _mask_userinfo(body: bytes) -> bytes:
    """`_USERINFO.sub`, line by line on the lines holding `://` (a match never spans a line: neither part takes a
    blank)."""
    if b"@" not in body:
        return body
    parts: list[bytes] = []
    done = 0
    for start in _line_starts(body, b"://"):
        end = body.find(b"\n", start)
        end = len(body) if end < 0 else end
        line = body[start:end]
        masked = _USERINFO.sub(rb"\1" + MASK + b"@", line)
        if masked != line:
            parts += [body[done:start], masked]
            done = end
    return b"".join([*parts, body[done:]]) if parts else body


def _mask_settings(body: bytes) -> bytes:
    """`_SETTING.sub(group 1 + MASK)`, tried only at the starts of lines that hold one of the words.

    A match begins at a line start, runs over blanks only up to the word's line, and replaces the value that follows
    `:`/`=`; starting it at the word's own line replaces the same value."""
    lowered = body.lower()
    starts = sorted({start for word in _WORDS for start in _line_starts(lowered, word)})
    parts: list[bytes] = []
    done = 0
    for start in starts:
        if start < done:  # inside the value a previous match replaced (it may run over later lines)
            continue
        match = _SETTING.match(body, start)
        if match:
            parts += [body[done : match.start(2)], MASK]
            done = match.end()
    return b"".join([*parts, body[done:]]) if parts else body


def mask_credentials(body: bytes) -> bytes:
    return _mask_settings(_mask_userinfo(body))

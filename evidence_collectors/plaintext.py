"""Text a server chose, made safe to store in a record and to print: reasons and summaries can quote a server's own
words (an API error message, a dashboard title), which may hold terminal escapes, bidirectional overrides or megabytes.
Control and bidi characters are written as visible escapes (`\\x1b`, `\\u202e`), and the text is cut to a length an
auditor can read.

Values are bounded too (a version string, a list of alert names): a record is one line of the bundle, and a line longer
than the bundle reader accepts would make the whole bundle unreadable. A cut value says so in its record's summary."""

from __future__ import annotations

import re

from evidence_collectors.records import ProbeValue

MAX_REASON = 1_000
MAX_SUMMARY = 4_000
MAX_VALUE_TEXT = 4_000  # characters of a text value, and of each item of a list value
MAX_VALUE_ITEMS = 1_000  # items of a list value
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def plain(text: str, limit: int) -> str:
    """`text` cut to `limit` characters (the cut marked with '…'), its control characters but tab escaped."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _UNSAFE.sub(_escape, text)


def bounded(value: ProbeValue) -> tuple[ProbeValue, str]:
    """The value within `MAX_VALUE_TEXT` and `MAX_VALUE_ITEMS`, and a note for the summary when it had to be cut."""
    if isinstance(value, str) and len(value) > MAX_VALUE_TEXT:
        return value[: MAX_VALUE_TEXT - 1] + "…", f" (value cut to {MAX_VALUE_TEXT} of {len(value)} characters)"
    if not isinstance(value, list):
        return value, ""
    items = [v if len(v) <= MAX_VALUE_TEXT else v[: MAX_VALUE_TEXT - 1] + "…" for v in value[:MAX_VALUE_ITEMS]]
    notes = []
    if len(value) > MAX_VALUE_ITEMS:
        notes.append(f"value cut to the first {MAX_VALUE_ITEMS} of {len(value)} items")
    if any(len(v) > MAX_VALUE_TEXT for v in value[:MAX_VALUE_ITEMS]):
        notes.append(f"items cut to {MAX_VALUE_TEXT} characters")
    return items, f" ({'; '.join(notes)})" if notes else ""

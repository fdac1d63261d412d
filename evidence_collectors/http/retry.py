"""Which answers are worth another attempt, and how long a server's `Retry-After` asks to wait."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_SECONDS = re.compile(r"[0-9]+")  # ASCII digits: str.isdigit() also accepts '²', which float() refuses
_FOREVER = float("inf")


def retry_after_s(value: str | None) -> float | None:
    """Seconds a `Retry-After` header asks to wait (delta seconds or an HTTP date); None when absent or unreadable.
    A wait too long to represent is infinite, which every cap refuses."""
    if not value:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value) if len(value) < 300 else _FOREVER
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    except OverflowError:
        return _FOREVER

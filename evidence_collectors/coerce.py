"""Readers of loosely typed values in API answers that more than one collector needs: a scalar as text, and the
parts of a date-time text as an aware UTC moment. Unreadable input gives an empty value, never an exception."""

from __future__ import annotations

import datetime as dt
from typing import Any


def scalar_text(value: Any) -> str:
    """A string as it is, a number or flag as its text; "" for None, lists and objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return ""


def utc_moment(
    year: str, month: str, day: str, hour: str | None, minute: str | None, second: str | None, zone: str | None
) -> dt.datetime | None:
    """Regex groups of a date-time (zone "Z", "+08:00" or "+0800"; none means UTC) as UTC; None when no such moment
    exists or it lies beyond the years a datetime holds."""
    try:
        moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        if zone and zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            moment -= sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    except (ValueError, OverflowError):
        return None
    return moment.replace(tzinfo=dt.UTC)

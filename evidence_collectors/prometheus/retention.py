"""How long Prometheus keeps its samples, read from the server's command-line flags (/api/v1/status/flags).

Measurement and monitoring requirements ask for history of months or years; the time-based retention is the setting
that decides it. Prometheus keeps 15 days when neither a time nor a size limit is given; with only a size limit no
time can be named, so the probe cannot decide and says so.
"""

from __future__ import annotations

import re

from evidence_collectors.http import Unavailable
from evidence_collectors.outcome import Finding

DEFAULT_DAYS = 15.0
_UNIT_SECONDS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
_PART = re.compile(r"(\d+)(ms|y|w|d|h|m|s)")


def duration_days(text: str) -> float:
    """Days in a Prometheus duration such as 15d, 1y, 2w3d or 720h; 0.0 for 0s or an empty value."""
    value = text.strip()
    if not value or value == "0":
        return 0.0
    parts = _PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in parts) / 86400


def _size_set(text: str) -> bool:
    return bool(re.search(r"[1-9]", text or ""))


def retention_findings(flags: dict[str, str]) -> dict[str, Finding]:
    if "storage.tsdb.retention.time" not in flags and "storage.tsdb.retention" not in flags:
        raise Unavailable("the server reports no storage.tsdb.retention flags (not a Prometheus TSDB, e.g. agent mode)")
    size = flags.get("storage.tsdb.retention.size", "")
    try:
        days = duration_days(flags.get("storage.tsdb.retention.time", "")) or duration_days(
            flags.get("storage.tsdb.retention", "")
        )
    except ValueError as exc:
        raise Unavailable(str(exc)) from None
    if days:
        summary = f"samples are kept {days:g} days (storage.tsdb.retention.time)"
    elif _size_set(size):
        raise Unavailable(f"only a size limit is set (storage.tsdb.retention.size={size}): no retention time to report")
    else:
        days = DEFAULT_DAYS
        summary = f"no retention flag is set, so Prometheus keeps its default of {DEFAULT_DAYS:g} days"
    if _size_set(size):
        summary += f"; a size limit of {size} may drop older samples sooner"
    return {"prometheus.retention_days": Finding(round(days, 2), summary)}

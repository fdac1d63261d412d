"""Whether acceptance criteria are measurable: one rule for every issue tracker, so `jira.` and `zentao.` probes with
the same suffix mean the same thing."""

from __future__ import annotations

import re

# A number starts after a non-digit and its digits are taken whole (possessive): without both, a run of n digits with no
# unit after it is tried from each of its n starts at each of its n lengths, which takes minutes for 20 KB of digits.
_NUMBER = r"(?<!\d)\d++(?:[.,]\d++)?+"
_COMPARISON = (
    r"(?:>=|<=|=>|=<|≥|≤|>|<|＞|＜|⩾|⩽|at\s+least|at\s+most|no\s+more\s+than|no\s+less\s+than|no\s+fewer\s+than|"
    r"not\s+more\s+than|not\s+less\s+than|not\s+fewer\s+than|no\s+later\s+than|less\s+than|more\s+than|"
    r"greater\s+than|fewer\s+than|lower\s+than|higher\s+than|under|below|above|within|up\s+to|exceeds?|"
    r"不低于|不高于|不超过|不少于|不多于|不大于|不小于|不晚于|不得低于|不得高于|不得超过|"
    r"大于等于|小于等于|大于|小于|高于|低于|超过|至少|至多|最多|最少|达到|控制在|保持在)"
)
_UNIT = (
    r"(?:%|％|‰|ms|毫秒|秒钟|秒|分钟|小时|天|个月|月|周|次|个|条|倍|元|万|千|帧|个百分点|s|sec|secs|seconds?|mins?|"
    r"minutes?|h|hrs?|hours?|days?|weeks?|qps|tps|rps|fps|kb|mb|gb|tb|k|px|pt|points?|items?|requests?|users?|rows?)"
)
_MEASURABLE = (
    re.compile(_COMPARISON + r"\s*[^\d\n]{0,6}?[-+]?" + _NUMBER, re.IGNORECASE),
    re.compile(_NUMBER + r"\s*" + _UNIT + r"(?![A-Za-z])", re.IGNORECASE),
    re.compile(_NUMBER + r"\s*(?:以上|以下|以内|之内)"),
)


MAX_TEXT = 200_000  # characters of criteria read: far beyond any real criteria, and a bound on the time one may take


def measurable(text: str) -> bool:
    """A number with a comparison ("recall >= 0.85", "不低于 90") or a unit ("p95 under 200 ms", "99.5%", "3 秒")."""
    text = text[:MAX_TEXT]
    return any(pattern.search(text) for pattern in _MEASURABLE)

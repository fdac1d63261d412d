"""JSON answers decoded without letting the server crash the reader or exhaust memory: nesting too deep for Python's
parser, integers longer than Python converts (a ValueError, not a JSONDecodeError), invalid UTF-8, all unusable
answers; lone UTF-16 surrogates (`"\\ud800"`, valid JSON but not encodable as UTF-8, so fatal to whatever writes them
out later) replaced by U+FFFD; numbers no float can hold (`1e400`) and the literals `NaN` and `Infinity` (not JSON,
though Python's encoder writes them) read as null, so that no reader meets an infinite timestamp.

Python objects cost far more than their JSON text (`{},` is 3 bytes, an empty dict 64), so a body within the size caps
could still take gigabytes once parsed: an answer of more than `MAX_VALUES` values (counted, generously, as its commas
and colons) is refused before it is parsed."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from evidence_collectors.http.errors import CollectError, LimitReached

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
MAX_VALUES = 2_000_000  # at most about 150 MB of Python objects, whatever the values are


def parse_json(content: bytes, where: str) -> Any:
    if content.count(b",") + content.count(b":") > MAX_VALUES:
        raise LimitReached(f"{where}: JSON answer of more than {MAX_VALUES} values, not parsed (memory)")
    try:
        data = json.loads(content, parse_float=_finite, parse_constant=_no_number)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors too
        raise CollectError(f"invalid JSON from {where}{_why(exc)}") from None
    if _SURROGATE_ESCAPE.search(content):  # only an escape can bring a surrogate in: UTF-8 text cannot hold one
        data = without_lone_surrogates(data)
    return data


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


def _no_number(text: str) -> None:
    return None


def _why(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return " (nested too deep)"
    if isinstance(exc, UnicodeDecodeError):
        return " (not valid UTF-8)"
    if not isinstance(exc, json.JSONDecodeError) and "digits" in str(exc):
        return " (a number too long to convert)"
    return ""


def without_lone_surrogates(data: Any) -> Any:
    """`data` with every lone surrogate in its strings (keys included) replaced; walked without recursion, since the
    parser accepts nesting nearly as deep as the interpreter's recursion limit."""
    root = [data]
    todo: list[list[Any] | dict[str, Any]] = [root]
    while todo:
        container = todo.pop()
        if isinstance(container, dict):
            if any(_LONE.search(k) for k in container):
                items = list(container.items())
                container.clear()
                container.update((_LONE.sub(REPLACEMENT, k), v) for k, v in items)
            slots: Any = container.keys()
        else:
            slots = range(len(container))
        for slot in list(slots):
            value = container[slot]
            if isinstance(value, str):
                if _LONE.search(value):
                    container[slot] = _LONE.sub(REPLACEMENT, value)
            elif isinstance(value, list | dict):
                todo.append(value)
    return root[0]

"""YAML reading of collected files (repository files, MLmodel files) with libyaml when it is available (pure-Python
parsing of large repositories is slow), refusing documents that aliases make huge or circular.

PyYAML builds an alias as a second reference to the same object, so loading a "billion laughs" file is cheap, but
every walk over the result (CI steps, manifests) would visit each reference again, and a recursive alias
(`a: &a [*a]`) never ends. The expanded size is counted once per object, so the check costs one pass.
"""

from __future__ import annotations

from typing import Any

import yaml

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError
MAX_EXPANDED_VALUES = 1_000_000  # far above any real workflow or manifest; far below what a walk could afford


class UnreadableValue(yaml.YAMLError):
    """A scalar the loader cannot turn into a value: an integer longer than Python converts, a date that does not
    exist (month 13, year 0), nesting deeper than the interpreter follows."""


class ExpansionError(yaml.YAMLError):
    """The document refers to itself, or its aliases expand to more values than a walk over it should visit."""


def _expanded_size(data: Any, limit: int) -> int:
    """Values a walk over `data` visits, aliases counted each time; ExpansionError past `limit` or on a cycle."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(value: Any) -> int:
        if not isinstance(value, dict | list):
            return 1
        key = id(value)
        if key in sizes:
            return sizes[key]
        if key in visiting:
            raise ExpansionError("an alias refers to the block that contains it")
        visiting.add(key)
        children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 1
        for child in children:
            total += size(child)
            if total > limit:
                raise ExpansionError(f"aliases expand the document to more than {limit} values")
        visiting.discard(key)
        sizes[key] = total
        return total

    try:
        return size(data)
    except RecursionError:
        raise ExpansionError("nested too deeply to walk") from None


def load(text: str | bytes) -> Any:
    try:
        data = yaml.load(text, Loader=Loader)  # a safe loader (CSafeLoader or SafeLoader)
    except (ValueError, OverflowError, RecursionError) as exc:
        raise UnreadableValue(f"a value cannot be read: {_short(exc)}") from None
    _expanded_size(data, MAX_EXPANDED_VALUES)
    return data


def load_all(text: str) -> list[Any]:
    try:
        docs = [d for d in yaml.load_all(text, Loader=Loader) if d is not None]  # a safe loader
    except (ValueError, OverflowError, RecursionError) as exc:
        raise UnreadableValue(f"a value cannot be read: {_short(exc)}") from None
    _expanded_size(docs, MAX_EXPANDED_VALUES)
    return docs


def _short(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0][:100]

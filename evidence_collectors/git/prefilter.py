"""Words a regular expression cannot match without, so that text holding none of them is not searched at all.

Most probes search many lines (every CI line, every path) with many alternations such as `\\bsyft\\b|cyclonedx|...`;
the regex engine tries each one at every position, which on a large repository cost more than reading the files.
Every alternative of those patterns spells a literal word, and `str in str` finds a word far faster, so a line is
given to the pattern only when it holds one of the pattern's words. The words are read from the pattern itself (its
parse tree), so they cannot drift from it; a pattern that has an alternative without a literal word is never
filtered.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]  # the parse tree's opcodes
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, TypeVar

T = TypeVar("T")
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}


def _required(items: Any) -> frozenset[str] | None:
    """Words one of which every match of this sequence contains (None when there is no such set)."""
    options: list[frozenset[str]] = []
    run = ""
    for op, arg in items:
        if op is sre.LITERAL:
            run += chr(arg)
            continue
        if run:
            options.append(frozenset({run}))
            run = ""
        found: frozenset[str] | None = None
        if op is sre.SUBPATTERN and not arg[1] and not arg[2]:  # a group without inline flags of its own
            found = _required(arg[3])
        elif op is sre.BRANCH:
            branches = [_required(b) for b in arg[1]]
            if all(b is not None for b in branches):
                found = frozenset().union(*(b for b in branches if b is not None))
        elif op in _REPEATS and arg[0] >= 1:
            found = _required(arg[2])
        elif op is sre.ATOMIC_GROUP:
            found = _required(arg)
        if found:
            options.append(found)
    if run:
        options.append(frozenset({run}))
    if not options:
        return None
    return max(options, key=lambda words: (min(len(w) for w in words), -len(words)))


@cache
def words_of(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], bool] | None:
    """(words, case-folded) for a pattern, or None when it cannot be filtered. Case-folded words are lower case and
    are looked for in lower-cased ASCII text only (outside ASCII, case-insensitive matching follows other rules)."""
    try:
        found = _required(sre_parse.parse(pattern.pattern, pattern.flags))
    except (re.error, TypeError, AttributeError, ValueError):  # a parse tree of another shape: do not filter
        return None
    if not found or not all(found):
        return None
    folded = bool(pattern.flags & re.IGNORECASE)
    if folded and not all(w.isascii() for w in found):
        return None
    return tuple(sorted(w.lower() for w in found) if folded else sorted(found)), folded


def may_match(pattern: re.Pattern[str], text: str, lowered: str | None = None) -> bool:
    """False only when the pattern cannot match anywhere in `text` (`lowered` = text.lower(), when known)."""
    known = words_of(pattern)
    if known is None:
        return True
    words, folded = known
    if folded:
        if not text.isascii():
            return True
        text = text.lower() if lowered is None else lowered
    return any(w in text for w in words)


def at_line_start(text: str, word: str) -> bool:
    """`re.search("^" + re.escape(word), text, re.MULTILINE)`, without trying the pattern at every position."""
    return text.startswith(word) or f"\n{word}" in text


def search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """`pattern.search(text)`, skipped when the text holds none of its words."""
    return pattern.search(text) if may_match(pattern, text) else None


class Lines:
    """A list of items with a text each (CI lines, paths), searched by many patterns: the texts are joined (and
    lower-cased) once, each word of a pattern is found in the joined text, and the pattern is tried only on the items
    whose text holds one."""

    def __init__(self, items: Iterable[T], text: Callable[[T], str]) -> None:
        self.items: list[Any] = list(items)
        self.texts = [text(i) for i in self.items]
        self._joined: dict[bool, tuple[str, list[int]]] = {}
        self._unfolded = [i for i, t in enumerate(self.texts) if not t.isascii()]  # always tried when case-folded
        self._multiline = any("\n" in t for t in self.texts)

    def _index(self, folded: bool) -> tuple[str, list[int]]:
        """The texts joined by newlines (lower-cased when folded) and where each one starts."""
        if folded not in self._joined:
            texts = [t.lower() for t in self.texts] if folded else self.texts  # lower() may change a length
            starts, at = [], 0
            for t in texts:
                starts.append(at)
                at += len(t) + 1
            self._joined[folded] = ("\n".join(texts), starts)
        return self._joined[folded]

    def _holding(self, words: tuple[str, ...], folded: bool) -> list[int]:
        """Indexes of the items whose text holds one of the words (a word never spans two texts: it has no
        newline, and neither has any text, or every item is returned)."""
        if self._multiline or any("\n" in w for w in words):
            return list(range(len(self.items)))
        joined, starts = self._index(folded)
        found: set[int] = set(self._unfolded) if folded else set()
        for word in words:
            at = joined.find(word)
            while at >= 0:
                item = bisect_right(starts, at) - 1
                found.add(item)
                at = joined.find(word, starts[item + 1]) if item + 1 < len(starts) else -1
        return sorted(found)

    def matching(self, pattern: re.Pattern[str]) -> list[Any]:
        """The items whose text the pattern searches successfully, in order."""
        known = words_of(pattern)
        if known is None:
            return [item for item, text in zip(self.items, self.texts, strict=True) if pattern.search(text)]
        return [self.items[i] for i in self._holding(*known) if pattern.search(self.texts[i])]

"""Make user text safe to show on a terminal: control, bidi and other invisible characters become `[U+XXXX]` markers.

Text from framework, assessment and targets files reaches the terminal in tables and error messages; an escape
sequence, a carriage return or a right-to-left override in it must be seen by the reader, not obeyed by the terminal.
The markers are the ones the reports use (reports/textsafety.py), so a value reads the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata

# Tab and line feed lay text out; joiners shape emoji and some scripts. Every other control or format character
# (escape, carriage return, bidi overrides and isolates, byte order marks) is shown.
_KEPT = {"\t", "\n", "\u200c", "\u200d"}
# Characters outside these ranges are looked at one by one; the ranges hold no hidden character (the soft hyphen
# U+00AD, a format character, is left out of them).
_SUSPECT = re.compile(r"[^\t\n\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u05ff\u4e00-\u9fff\uff00-\uffef]")


_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, formatting (bidi, BOM), surrogates, line separators


def hidden(char: str) -> bool:
    """Whether a terminal or a reader would obey `char` or not show it, rather than show it as a glyph.

    Private-use and unassigned characters are not hidden: they show as a glyph or a box. Non-characters are.
    """
    if char in _KEPT:
        return False
    code = ord(char)
    noncharacter = 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE
    return noncharacter or unicodedata.category(char) in _HIDDEN_CATEGORIES


def visible(text: str) -> str:
    """`text` with every control or invisible formatting character (tab and line feed aside) shown as `[U+001B]`."""
    if not _SUSPECT.search(text):  # the common case: plain ASCII, Chinese, Latin text
        return text
    return "".join(f"[U+{ord(c):04X}]" if hidden(c) else c for c in text)


def has_hidden(text: str) -> bool:
    """Whether `text` holds a character that `visible` would show as a marker."""
    return bool(_SUSPECT.search(text)) and any(hidden(c) for c in text)


def yaml_escaped(text: str) -> str:
    """YAML text with every hidden character written as a `\\uXXXX` escape.

    Only correct when each scalar holding such a character is double-quoted (the only style where escapes are read),
    which emitters using `has_hidden` to choose the style ensure; the YAML emitter escapes the C0/C1 controls itself but
    writes bidi overrides and other formatting characters raw.
    """

    def escape(match: re.Match[str]) -> str:
        c = match.group()
        if not hidden(c):
            return c
        return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"

    return _SUSPECT.sub(escape, text)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(text: str) -> str:
    """A CSV text cell a spreadsheet shows as text: hidden characters visible, and a cell that would start a formula
    (`=`, `+`, `-`, `@`, tab, CR and their full-width forms) prefixed with an apostrophe (the OWASP rule)."""
    shown = visible(text)
    return "'" + shown if shown.startswith(FORMULA_START) else shown

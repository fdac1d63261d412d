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
_SUSPECT = re.compile(r"[^\t\n\x20-\x7e\xa0-\u02ff\u0370-\u05ff\u4e00-\u9fff\uff00-\uffef]")


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

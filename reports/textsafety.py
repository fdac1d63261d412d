"""Text from assessment files made safe to show in a report, whatever a note, name or evidence reference holds.

- Control characters (terminal escape sequences, C1 codes) and bidirectional overrides, which can hide or reorder
  what a reader sees, become visible markers such as `[U+001B]` or `[U+202E]`.
- Long runs without a break opportunity get zero-width spaces: WeasyPrint's line breaking is super-linear in the
  length of an unbreakable run (a 100,000-character note took minutes), and a run that cannot break overflows the page.
- CSV cells that a spreadsheet would evaluate as a formula are prefixed with an apostrophe (the OWASP rule).
"""

from __future__ import annotations

import re
import unicodedata

from capability_model.visible import spreadsheet_cell
from capability_model.visible import visible as shown

_LINE_BREAKS = re.compile("\r\n|[\x85\u2028\u2029]")


def visible(text: str) -> str:
    """`text` with every line break as "\\n" and every control or invisible formatting character shown as
    `[U+XXXX]`, with the same markers the terminal output uses."""
    return shown(_LINE_BREAKS.sub("\n", text))


ZWSP = "\u200b"
BREAK_EVERY = 40
# A run of characters with no break opportunity: no white space, no zero-width space, no CJK (breakable everywhere).
_UNBROKEN = re.compile(
    rf"[^\s{ZWSP}\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    rf"\U00020000-\U0003ffff]{{{2 * BREAK_EVERY + 1},}}"
)


def _extends(run: str, i: int) -> bool:
    """A break before run[i] would split a character sequence shown as one (accent, emoji with modifier, flag)."""
    ch, before = run[i], run[i - 1]
    code = ord(ch)
    return (
        before == "\u200d"
        or ch == "\u200d"
        or unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0000 <= code <= 0xE01EF
        or (0x1F1E6 <= code <= 0x1F1FF and 0x1F1E6 <= ord(before) <= 0x1F1FF)
    )


def _break_run(match: re.Match[str]) -> str:
    run = match.group()
    pieces, start, cut = [], 0, BREAK_EVERY
    while cut < len(run):
        while cut < len(run) and _extends(run, cut):
            cut += 1
        pieces.append(run[start:cut])
        start, cut = cut, cut + BREAK_EVERY
    pieces.append(run[start:])
    return ZWSP.join(p for p in pieces if p)


def breakable(text: str) -> str:
    """`text` with a zero-width space every 40 characters of any run longer than 80 that has no break opportunity.

    Shorter runs (identifiers, SHA-256 hashes) are left whole, so they copy out of the report unchanged.
    """
    return _UNBROKEN.sub(_break_run, text)


def unbreak(text: str) -> str:
    """The text without the zero-width spaces `breakable` added (for comparing what a reader copies)."""
    return text.replace(ZWSP, "")


def csv_cell(text: str) -> str:
    """A CSV text cell a spreadsheet shows as text: line breaks normalised, control characters visible, formula
    starts neutralised."""
    return spreadsheet_cell(_LINE_BREAKS.sub("\n", text))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$!#{}])")


def md_text(value: object) -> str:
    """Text as Markdown shows it literally, on one line: HTML is escaped, so a note can never become a tag or link,
    and Markdown punctuation (tables, emphasis, links, code, strike-through, math) is backslash-escaped."""
    text = " ".join(visible(str(value)).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_code(value: object) -> str:
    """A Markdown code span showing `value` literally (backslash escapes do not work inside code spans)."""
    text = " ".join(visible(str(value)).split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"

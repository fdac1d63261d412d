"""A user file's bytes to text, refusing what YAML cannot read, each refusal at its line and column.

Reading stops at a size limit, so a huge or endless file (a device, a pipe) costs no more than the limit. Encoding
errors and characters YAML forbids are located here, in characters, rather than left to the parser, which reports
them as byte offsets or not at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, ConfigDict

Position = tuple[int, int]
_CHUNK = 64 * 1024


class TextProblem(Exception):
    """The file cannot be turned into text; `position` is (0, 0) when the file could not be read at all."""

    def __init__(self, position: Position, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


class SourceText(BaseModel):
    """The decoded text with newlines translated as Python's text mode does, and the raw bytes' size and hash."""

    model_config = ConfigDict(frozen=True)

    text: str
    data: bytes


# What YAML 1.1 accepts in a stream (PyYAML's reader uses the same set); tabs and line breaks are allowed.
_FORBIDDEN = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _units(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit % (1024 * 1024) == 0 else f"{limit} bytes"


def read_limited(path: Path | str, limit: int) -> bytes:
    """At most `limit` bytes of the file; TextProblem past the limit or when the file cannot be read."""
    try:
        with open(path, "rb") as fh:
            data = _read_up_to(fh, limit + 1)
    except FileNotFoundError:
        raise TextProblem((0, 0), "file not found") from None
    except IsADirectoryError:
        raise TextProblem((0, 0), "is a directory, not a file") from None
    except OSError as exc:
        raise TextProblem((0, 0), f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise TextProblem(byte_position(data, limit), f"file is larger than the {_units(limit)} limit")
    return data


def _read_up_to(fh: BinaryIO, size: int) -> bytes:
    """Read in small chunks: `read(size)` would allocate the whole limit up front, even for a 300-byte file."""
    chunks: list[bytes] = []
    total = 0
    while total < size:
        chunk = fh.read(min(_CHUNK, size - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _lines(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def byte_position(data: bytes, offset: int) -> Position:
    """1-based line and column (in characters) of the byte at `offset`, counting line breaks as text mode does."""
    before = _lines(data[:offset])
    start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[start:].decode("utf-8", "replace")) + 1


def char_position(text: str, offset: int) -> Position:
    """1-based line and column of the character at `offset` in newline-translated text."""
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - start + 1


def decode(data: bytes) -> str:
    """UTF-8 text with a leading byte order mark dropped and newlines translated; TextProblem where it is not."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.end].hex(" ")
        message = f"not UTF-8 text: byte(s) {bad} ({exc.reason}); save the file as UTF-8"
        raise TextProblem(byte_position(data, exc.start), message) from None
    return normalise(text.removeprefix("\ufeff"))


def normalise(text: str) -> str:
    """Newlines as text mode reads them; TextProblem at the first character YAML does not allow."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = _FORBIDDEN.search(text)
    if found:
        code = ord(found.group())
        message = (
            f"character U+{code:04X} is not allowed in a YAML file; "
            'remove it or write it as an escape inside double quotes (e.g. "\\x07")'
        )
        raise TextProblem(char_position(text, found.start()), message)
    return text


def read_source(path: Path | str, limit: int) -> SourceText:
    data = read_limited(path, limit)
    return SourceText(text=decode(data), data=data)

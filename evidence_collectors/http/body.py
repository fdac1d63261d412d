"""Reading a streamed body against caps on the bytes as sent and once decompressed, and handing the answer on with its
body in memory."""

from __future__ import annotations

import re
import zlib
from typing import Any

import httpx

from evidence_collectors.http.errors import CollectError, LimitReached

MB = 1024 * 1024
_BODY_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts '²', which int() refuses


class Body:
    """Collects a streamed body, decompressing as it goes, and refuses it as soon as a cap is passed."""

    def __init__(self, encoding: str, max_wire: int, max_decoded: int, where: str, too_large: str) -> None:
        self.encoding = encoding
        self.max_wire, self.max_decoded, self.where, self.too_large = max_wire, max_decoded, where, too_large
        self.wire = 0
        self.data = bytearray()
        self._inflater: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding not in ("", "identity"):
            raise CollectError(f"{where}: unsupported Content-Encoding {encoding[:40]!r}")
        self._first = True

    def feed(self, chunk: bytes) -> None:
        self.wire += len(chunk)
        if self.wire > self.max_wire:
            raise LimitReached(f"{self.where}: response larger than {self.max_wire / MB:g} MB")
        if self._inflater is None:
            self._grow(chunk)
            return
        while chunk:
            try:  # never more output than the cap allows: a bomb is stopped with bounded memory
                piece = self._inflater.decompress(chunk, self.max_decoded - len(self.data) + 1)
            except zlib.error:
                if self.encoding == "deflate" and self._first:  # some servers send raw deflate, without zlib header
                    self._inflater, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise CollectError(f"{self.where}: {self.encoding} body cannot be decompressed") from None
            self._first = False
            self._grow(piece)
            chunk = self._inflater.unconsumed_tail

    def _grow(self, piece: bytes) -> None:
        if len(self.data) + len(piece) > self.max_decoded:
            raise LimitReached(f"{self.where}: {self.too_large}")
        self.data += piece


def announced_length(response: httpx.Response) -> int | None:
    """The body length the server announced, when it announced a plain number (a 20-digit one counts as 10**20:
    more than any cap, and never converted whole)."""
    value = response.headers.get("content-length", "").strip()
    if not _DIGITS.fullmatch(value):
        return None
    return int(value) if len(value) < 20 else 10**20


def finished(response: httpx.Response, request: httpx.Request, body: bytes) -> httpx.Response:
    """The answer with its decoded body in memory, as callers read it. Headers are passed on as the bytes received:
    a header value that is not ASCII (a server may send any byte) must not break the answer."""
    headers = [(k, v) for k, v in response.headers.raw if k.lower() not in _BODY_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=body, request=request)

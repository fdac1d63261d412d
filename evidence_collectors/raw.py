"""Raw responses that evidence was computed from, kept by SHA-256 so a bundle can prove what was seen."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class RawItem:
    sha256: str
    body: bytes
    url: str
    status: int
    content_type: str


class RawStore:
    """Thread-safe: collectors for several targets run at once."""

    def __init__(self) -> None:
        self._items: dict[str, RawItem] = {}
        self._lock = threading.Lock()

    def add(self, body: bytes, *, url: str, status: int = 200, content_type: str = "") -> str:
        sha = hashlib.sha256(body).hexdigest()
        with self._lock:
            self._items.setdefault(sha, RawItem(sha, body, url, status, content_type))
        return sha

    def items(self) -> list[RawItem]:
        with self._lock:
            return sorted(self._items.values(), key=lambda i: i.sha256)

    def __len__(self) -> int:
        return len(self._items)

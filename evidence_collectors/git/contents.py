"""The content of the files a snapshot reads, with the sources in languages other than Python fetched only when asked.

Go, TypeScript, Java... sources are a third of what a large repository's collection would read, and only their test
files are looked into (to count test cases). They are listed from the start, so membership, order and counts are
those of a full read; a group of them is fetched with one `git cat-file --batch` when a probe asks for it
(`prefetch`), and the rest all together the first time any other one is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

ReadBlobs = Callable[[list[str]], dict[str, bytes]]


class Contents(Mapping[str, bytes]):
    """Path -> content, in reading order; `deferred` paths (path -> blob id) are read on first use."""

    def __init__(
        self, order: list[str], loaded: dict[str, bytes], deferred: dict[str, str], read_blobs: ReadBlobs
    ) -> None:
        self._order = order
        self._loaded = loaded
        self._deferred = deferred
        self._read_blobs = read_blobs

    def __getitem__(self, path: str) -> bytes:
        if path in self._deferred:
            self._fetch(list(self._deferred))
        return self._loaded[path]

    def __contains__(self, path: object) -> bool:
        return path in self._loaded or path in self._deferred

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def prefetch(self, paths: Iterable[str]) -> None:
        """Read these deferred files now, together (one git process for a group a probe is about to read)."""
        wanted = [p for p in paths if p in self._deferred]
        if wanted:
            self._fetch(wanted)

    def _fetch(self, paths: list[str]) -> None:
        blobs = self._read_blobs(sorted({self._deferred[p] for p in paths}))
        for path in paths:
            oid = self._deferred.pop(path)
            if oid in blobs:
                self._loaded[path] = blobs[oid]
            else:  # gone since it was listed (a damaged or partial clone): not read, as a full read would say
                self._order = [p for p in self._order if p != path]

"""Unpack an uploaded bundle archive (.zip or .tar.gz) into a fresh folder, refusing anything that could escape it.

Every entry is checked before anything is written: names must be relative without '..' (no absolute paths, drive
letters or backslashes), entries must be plain files or folders (no symlinks, hard links, devices or FIFOs), and the
archive must stay within a number of files and of unpacked bytes, counted from the headers and again while writing
(zip bombs). Files are created exclusively and never through a symlink; on any refusal the folder is removed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from pydantic import BaseModel, ConfigDict

_CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveLimits(BaseModel):
    model_config = ConfigDict(frozen=True)

    max_files: int = 20_000
    max_bytes: int = 256 * 2**20


class ArchiveRefused(ValueError):
    """The upload is not an archive this server unpacks (the message says why)."""


@dataclass(frozen=True)
class _Entry:
    parts: tuple[str, ...]
    is_dir: bool
    size: int
    open: Callable[[], AbstractContextManager[IO[bytes]]]


def _parts(raw: str) -> tuple[str, ...]:
    """The entry's path as safe relative parts; refused when it could point outside the folder."""
    if "\x00" in raw or "\\" in raw:
        raise ArchiveRefused(f"entry {raw!r}: backslashes and NUL are not allowed in names")
    if raw.startswith("/") or _DRIVE.match(raw):
        raise ArchiveRefused(f"entry {raw!r}: absolute paths are not allowed")
    parts = tuple(p for p in PurePosixPath(raw).parts if p not in ("", "."))
    if ".." in parts:
        raise ArchiveRefused(f"entry {raw!r}: '..' is not allowed")
    return parts


def _zip_entries(data: bytes) -> Iterator[_Entry]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    for info in archive.infolist():
        mode = info.external_attr >> 16
        if info.flag_bits & 0x1:
            raise ArchiveRefused(f"entry {info.filename!r}: encrypted entries are not allowed")
        if stat.S_ISLNK(mode) or (stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))):
            raise ArchiveRefused(f"entry {info.filename!r}: only files and folders are allowed (no links or devices)")
        yield _Entry(
            _parts(info.filename),
            info.is_dir(),
            info.file_size,
            lambda i=info: archive.open(i),  # type: ignore[misc]
        )


def _tar_entries(data: bytes) -> Iterator[_Entry]:
    archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")  # noqa: SIM115 - closed with the BytesIO
    for member in archive:
        if not (member.isreg() or member.isdir()):
            raise ArchiveRefused(f"entry {member.name!r}: only files and folders are allowed (no links or devices)")

        def opener(m: tarfile.TarInfo = member) -> AbstractContextManager[IO[bytes]]:
            handle = archive.extractfile(m)
            assert handle is not None  # a regular member always has content
            return handle

        yield _Entry(_parts(member.name), member.isdir(), member.size, opener)


def _entries(data: bytes, limits: ArchiveLimits) -> list[_Entry]:
    """Every entry, checked; refused as a whole before anything is written."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        found = _zip_entries(data)
    elif data[:2] == b"\x1f\x8b":
        found = _tar_entries(data)
    else:
        raise ArchiveRefused("not a .zip or .tar.gz archive")
    entries: list[_Entry] = []
    seen: set[tuple[str, ...]] = set()
    total = 0
    try:
        for entry in found:
            if not entry.parts:
                continue
            if entry.parts in seen:
                raise ArchiveRefused(f"entry {'/'.join(entry.parts)!r} appears twice")
            seen.add(entry.parts)
            total += entry.size
            if len(entries) >= limits.max_files:
                raise ArchiveRefused(f"more than {limits.max_files} entries")
            if total > limits.max_bytes:
                raise ArchiveRefused(f"unpacks to more than {limits.max_bytes // 2**20} MiB")
            entries.append(entry)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveRefused(f"damaged archive ({exc})") from None
    return entries


def _write(entry: _Entry, target: Path, budget: int) -> int:
    """Write one file; the bytes written, never more than its header said nor than the budget left."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    written = 0
    with os.fdopen(fd, "wb") as out, entry.open() as source:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > entry.size or written > budget:
                raise ArchiveRefused(f"entry {'/'.join(entry.parts)!r} unpacks to more than its header says")
            out.write(chunk)
    return written


def extract(data: bytes, into: Path, limits: ArchiveLimits | None = None) -> None:
    """Unpack `data` into the new folder `into` (which must not exist yet); on refusal nothing of it is left."""
    limits = limits or ArchiveLimits()
    into.mkdir(parents=True, exist_ok=False)
    root = into.resolve()
    try:
        budget = limits.max_bytes
        for entry in _entries(data, limits):
            target = root.joinpath(*entry.parts)
            folder = target if entry.is_dir else target.parent
            folder.mkdir(parents=True, exist_ok=True)
            if not folder.resolve().is_relative_to(root):
                raise ArchiveRefused(f"entry {'/'.join(entry.parts)!r} leads outside the folder")
            if not entry.is_dir:
                budget -= _write(entry, target, budget)
    except ArchiveRefused:
        shutil.rmtree(into, ignore_errors=True)
        raise
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, RuntimeError) as exc:
        shutil.rmtree(into, ignore_errors=True)
        raise ArchiveRefused(f"cannot unpack the archive ({exc})") from None

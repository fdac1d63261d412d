"""Finding and reading the JSON files below a target's path: regular files only (symbolic links are not followed),
a size cap per file, a cap on the number of files (the newest kept), each problem kept per file."""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Found:
    path: Path
    name: str  # relative to the target's path, '/'-separated
    folder: str | None  # the first folder below the target's path, if any
    modified: dt.datetime


@dataclass(frozen=True)
class Listing:
    files: list[Found]
    refused: dict[str, str]  # name -> why it was not read
    left_out: int  # JSON files beyond max_files


def _found(path: Path, root: Path) -> Found:
    relative = path.relative_to(root) if path != root else Path(path.name)
    parts = relative.parts
    modified = dt.datetime.fromtimestamp(os.lstat(path).st_mtime, dt.UTC)
    return Found(path, relative.as_posix(), parts[0] if len(parts) > 1 else None, modified)


def list_reports(root: Path, max_files: int) -> Listing:
    """JSON files at `root` (a file or a folder read recursively), newest first. OSError when `root` is unreadable."""
    info = os.lstat(root)
    if stat.S_ISREG(info.st_mode):
        return Listing([_found(root, root)], {}, 0)
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(f"{root}: neither a folder nor a regular file")
    files: list[Found] = []
    refused: dict[str, str] = {}
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(names):
            if not name.lower().endswith(".json"):
                continue
            path = Path(folder) / name
            mode = os.lstat(path).st_mode
            relative = path.relative_to(root).as_posix()
            if stat.S_ISLNK(mode):
                refused[relative] = "a symbolic link: not followed"
            elif not stat.S_ISREG(mode):
                refused[relative] = "not a regular file"
            else:
                files.append(_found(path, root))
    files.sort(key=lambda f: (f.modified, f.name), reverse=True)
    return Listing(files[:max_files], refused, max(0, len(files) - max_files))


def read_capped(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; ValueError when larger than `max_bytes`, OSError when unreadable (links are refused)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise ValueError("not a regular file")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"larger than {max_bytes / 1024 / 1024:g} MB: not read")
    return data

"""Replacing a file atomically: a crash leaves the old file or the new one, never a torn mix.

Every file the tool writes goes through here: questionnaires, results and reports, and each file of an evidence bundle.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


class TargetIsDirectoryError(IsADirectoryError):
    """The output path names a directory; an OSError so that the command line reports it as a bad path."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.EISDIR, "it is a directory, not a file", str(path))

    def __str__(self) -> str:
        return f"cannot write {self.filename}: it is a directory"


def write_atomic(path: Path | str, data: str | bytes, *, sync_dir: bool = True) -> None:
    """Replace `path` with `data` so that a crash leaves either the old file or the new one, never a torn mix.

    Text is written as UTF-8 with "\\n" line ends. A new file gets mode 0644, a replaced one keeps its mode. A symbolic
    link is followed: the file it points to is replaced, the link stays. A path that is a directory raises
    TargetIsDirectoryError, and one whose parent is not a directory NotADirectoryError, before anything is created.
    A path that is a device, a pipe or a socket (`-o /dev/stdout`, a FIFO) is written in place: replacing it with a
    regular file would destroy it, and it holds no old content to protect. `sync_dir=False` leaves the folder's own
    fsync to the caller, for one fsync after many new files.
    """
    path = _final_path(Path(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if not isinstance(payload, bytes):
        raise TypeError(f"write_atomic needs str or bytes, not {type(data).__name__}")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except NotADirectoryError:
        raise _parent_not_a_directory(path) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise TargetIsDirectoryError(path)
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with open(path, "wb") as fh:
                fh.write(payload)
        except OSError as exc:  # a full device fails on close, with no file name: name it
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise _parent_not_a_directory(path) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode & 0o777 if mode is not None else 0o644)
        try:
            os.replace(tmp, path)
        except IsADirectoryError:  # became a directory since the check above
            raise TargetIsDirectoryError(path) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make renames into `path` durable, where the platform allows opening a directory."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _final_path(path: Path) -> Path:
    """`path` with symbolic links followed (a dangling link gives the file it would create)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _parent_not_a_directory(path: Path) -> NotADirectoryError:
    """The error for an output path under a file (`-o notes.txt/report.pdf`), naming the part that is not a folder."""
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
    return NotADirectoryError(errno.ENOTDIR, f"cannot write there: {blocking} is not a directory", str(path))

"""Archives for the upload tests: a bundle folder packed as .zip or .tar.gz, and archives built to escape."""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
from pathlib import Path


def pack(folder: Path, kind: str, top: str | None = "bundle") -> bytes:
    """`folder` packed as 'zip' or 'tar.gz', its files under `top/` (None: at the archive's top)."""
    buffer = io.BytesIO()
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    names = [(p, p.relative_to(folder).as_posix()) for p in files]
    names = [(p, f"{top}/{n}" if top else n) for p, n in names]
    if kind == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, name in names:
                archive.write(path, name)
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for path, name in names:
                archive.add(path, name)
    return buffer.getvalue()


def zip_of(entries: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    """A zip with these files, and symlinks (name -> target) marked as such in their mode bits."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def tar_of(entries: dict[str, bytes], special: dict[str, tuple[bytes, str]] | None = None) -> bytes:
    """A .tar.gz with these files and special members: name -> (tar type, link target)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, (kind, target) in (special or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            archive.addfile(info)
    return buffer.getvalue()


def zip_bomb(unpacked_mib: int) -> bytes:
    """A small zip that unpacks to `unpacked_mib` MiB of zeros."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("bundle/records.jsonl", "w", force_zip64=True) as out,
    ):
        chunk = bytes(1 << 20)
        for _ in range(unpacked_mib):
            out.write(chunk)
    return buffer.getvalue()


# name -> archive bytes that must be refused: each tries to write outside the folder or to exhaust the server
def hostile(tmp_path: Path) -> dict[str, bytes]:
    records = b'{"probe": "x"}\n'
    outside = str(tmp_path / "planted.txt")
    return {
        "dotdot_zip": zip_of({"bundle/records.jsonl": records, "../../planted.txt": b"x"}),
        "dotdot_tar": tar_of({"bundle/records.jsonl": records, "bundle/../../planted.txt": b"x"}),
        "absolute_zip": zip_of({"bundle/records.jsonl": records, outside: b"x"}),
        "absolute_tar": tar_of({"bundle/records.jsonl": records, outside: b"x"}),
        "backslash_zip": zip_of({"bundle/records.jsonl": records, "..\\..\\planted.txt": b"x"}),
        "symlink_zip": zip_of({"bundle/records.jsonl": records}, links={"bundle/raw": str(tmp_path)}),
        "symlink_tar": tar_of({"bundle/records.jsonl": records}, {"bundle/raw": (tarfile.SYMTYPE, str(tmp_path))}),
        "hardlink_tar": tar_of({"bundle/records.jsonl": records}, {"bundle/x": (tarfile.LNKTYPE, outside)}),
        "device_tar": tar_of({"bundle/records.jsonl": records}, {"bundle/dev": (tarfile.CHRTYPE, "")}),
        "fifo_tar": tar_of({"bundle/records.jsonl": records}, {"bundle/fifo": (tarfile.FIFOTYPE, "")}),
        "not_an_archive": b"records.jsonl\n" * 10,
    }

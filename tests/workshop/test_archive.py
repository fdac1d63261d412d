"""Unpacking an uploaded archive: anything that could leave the folder or exhaust the server is refused whole, and
nothing of a refused archive stays on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.workshop.archive import ArchiveLimits, ArchiveRefused, extract
from tests.workshop.archives import hostile, zip_bomb, zip_of


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.mark.parametrize("name", list(hostile(Path("/tmp"))))
def test_a_hostile_archive_is_refused_and_leaves_nothing(name: str, tmp_path: Path) -> None:
    data = hostile(tmp_path)[name]
    before = _tree(tmp_path)
    with pytest.raises(ArchiveRefused):
        extract(data, tmp_path / "data" / "bundles" / "new")
    assert _tree(tmp_path) == [*before, "data", "data/bundles"]  # the new folder is gone, nothing planted
    assert not (tmp_path / "planted.txt").exists()


def test_limits_on_files_and_bytes(tmp_path: Path) -> None:
    small = ArchiveLimits(max_files=3, max_bytes=1000)
    with pytest.raises(ArchiveRefused, match="more than 3 entries"):
        extract(zip_of({f"f{n}": b"" for n in range(4)}), tmp_path / "a", small)
    with pytest.raises(ArchiveRefused, match="MiB"):
        extract(zip_of({"a": b"x" * 600, "b": b"x" * 600}), tmp_path / "b", small)
    with pytest.raises(ArchiveRefused, match="MiB"):  # 300 MiB of zeros in a few hundred KB: refused unread
        extract(zip_bomb(300), tmp_path / "c")
    assert _tree(tmp_path) == []
    extract(zip_of({"a/b.txt": b"x" * 600}), tmp_path / "d", small)
    assert (tmp_path / "d" / "a" / "b.txt").read_bytes() == b"x" * 600

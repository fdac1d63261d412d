"""Find framework files: the bundled ones under capability_model/frameworks/, or any path the user names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from capability_model.loader import LoadedFramework, load_framework
from capability_model.schema import split_ref, version_key

FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"


class UnknownFrameworkError(LookupError):
    """The reference names no bundled framework, version or file."""


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    version: str
    path: Path


def bundled_paths(root: Path = FRAMEWORKS_DIR) -> list[Path]:
    return sorted(root.rglob("*.yaml"))


@cache
def _load_cached(path: Path, mtime_ns: int) -> LoadedFramework:
    return load_framework(path)


def load_path(path: Path) -> LoadedFramework:
    """Load a framework file, reusing an earlier parse of the same unchanged file within this process."""
    path = path.resolve()
    return _load_cached(path, path.stat().st_mtime_ns)


_TOP_LEVEL = re.compile(r"^(id|version):\s*['\"]?([^'\"#\s]+)", re.MULTILINE)


def _header(path: Path) -> CatalogEntry | None:
    """Id and version from a file's top-level keys without parsing the whole file (None when not found)."""
    found: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(("domains:", "levels:")):
                break
            m = _TOP_LEVEL.match(line)
            if m:
                found.setdefault(m.group(1), m.group(2))
    if "id" in found and "version" in found:
        return CatalogEntry(found["id"], found["version"], path)
    return None


def entries(root: Path = FRAMEWORKS_DIR) -> list[CatalogEntry]:
    """Id, version and path of every bundled framework, ordered by id then version; reads only file headers."""
    out = []
    for path in bundled_paths(root):
        entry = _header(path)
        if entry is None:
            fw = load_path(path).framework
            entry = CatalogEntry(fw.id, fw.version, path)
        out.append(entry)
    return sorted(out, key=lambda e: (e.id, version_key(e.version)))


def catalog(root: Path = FRAMEWORKS_DIR) -> list[LoadedFramework]:
    """Every bundled framework, loaded and validated, ordered by id then version."""
    return [load_path(e.path) for e in entries(root)]


def resolve(ref: str, root: Path = FRAMEWORKS_DIR) -> LoadedFramework:
    """`ID`, `ID@VERSION` or a path to a framework file -> the loaded framework (latest version when none is given)."""
    candidate = Path(ref)
    if candidate.suffix in {".yaml", ".yml", ".json"} or candidate.is_file():
        if not candidate.is_file():
            raise UnknownFrameworkError(f"no framework file at {ref}")
        return load_path(candidate)
    framework_id, version = split_ref(ref)
    known = entries(root)
    matches = [e for e in known if e.id == framework_id]
    if not matches:
        ids = sorted({e.id for e in known})
        raise UnknownFrameworkError(f"unknown framework '{framework_id}'; known: {', '.join(ids)}")
    chosen = matches[-1] if version is None else next((e for e in matches if e.version == version), None)
    if chosen is None:
        versions = ", ".join(e.version for e in matches)
        raise UnknownFrameworkError(f"framework '{framework_id}' has no version {version}; available: {versions}")
    loaded = load_path(chosen.path)
    if (loaded.framework.id, loaded.framework.version) != (chosen.id, chosen.version):  # pragma: no cover - odd file
        raise UnknownFrameworkError(f"{chosen.path}: header says {chosen.id}@{chosen.version}, content {loaded.ref}")
    return loaded

"""Find framework files: the bundled ones under capability_model/frameworks/, or any path the user names."""

from __future__ import annotations

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


def catalog(root: Path = FRAMEWORKS_DIR) -> list[LoadedFramework]:
    """Every bundled framework, ordered by id then version."""
    loaded = [load_path(p) for p in bundled_paths(root)]
    return sorted(loaded, key=lambda lf: (lf.framework.id, version_key(lf.framework.version)))


def resolve(ref: str, root: Path = FRAMEWORKS_DIR) -> LoadedFramework:
    """`ID`, `ID@VERSION` or a path to a framework file -> the loaded framework (latest version when none is given)."""
    candidate = Path(ref)
    if candidate.suffix in {".yaml", ".yml", ".json"} or candidate.is_file():
        if not candidate.is_file():
            raise UnknownFrameworkError(f"no framework file at {ref}")
        return load_path(candidate)
    framework_id, version = split_ref(ref)
    matches = [lf for lf in catalog(root) if lf.framework.id == framework_id]
    if not matches:
        known = sorted({lf.framework.id for lf in catalog(root)})
        raise UnknownFrameworkError(f"unknown framework '{framework_id}'; known: {', '.join(known)}")
    if version is None:
        return matches[-1]
    for lf in matches:
        if lf.framework.version == version:
            return lf
    versions = ", ".join(lf.framework.version for lf in matches)
    raise UnknownFrameworkError(f"framework '{framework_id}' has no version {version}; available: {versions}")

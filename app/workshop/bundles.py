"""Evidence bundles of a workshop live in its data folder, `<db folder>/<db name>.data/bundles/<generated name>/`.

Visitors never name a server path: a bundle comes from an uploaded archive (unpacked by app/workshop/archive.py) or
from the collectors run on the operator's targets file, and goes into a new folder named here. A workshop stores its
bundle relative to the database's folder, and a stored bundle outside the bundles folder (an imported assessment file
can name any path) is refused when it is loaded.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from pathlib import Path

from app.workshop.archive import ArchiveLimits, ArchiveRefused, extract
from assessors.workflow import BundleError, EvidenceBundle, open_bundle
from evidence_collectors.bundle import RECORDS


class OutsideDataFolderError(ValueError):
    """A stored bundle path that leads outside the workshop's bundles folder."""


def data_dir(db: Path | str) -> Path:
    db = Path(db)
    return db.parent / f"{db.name}.data"


def bundles_dir(db: Path | str) -> Path:
    return data_dir(db) / "bundles"


def new_bundle_dir(db: Path | str, workshop_id: int) -> Path:
    """A fresh, not yet existing folder for one bundle: workshop, UTC time and a random suffix."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return bundles_dir(db) / f"w{workshop_id}-{stamp}-{secrets.token_hex(4)}"


def stored_form(db: Path | str, bundle: Path) -> str:
    """How a workshop stores a bundle: relative to the database's folder, so database and data move together."""
    return bundle.resolve().relative_to(Path(db).resolve().parent).as_posix()


def checked_path(db: Path | str, stored: str) -> Path:
    """The bundle folder a workshop stores, which must lie inside the bundles folder (links resolved)."""
    path = Path(stored)
    full = (path if path.is_absolute() else Path(db).parent / path).resolve()
    if not full.is_relative_to(bundles_dir(db).resolve()) or full == bundles_dir(db).resolve():
        raise OutsideDataFolderError(f"{stored}: not inside the workshop's bundles folder")
    return full


def _root(folder: Path) -> Path:
    """The bundle inside an unpacked archive: the archive's top, or its only folder."""
    if (folder / RECORDS).is_file():
        return folder
    inside = list(folder.iterdir())
    if len(inside) == 1 and inside[0].is_dir() and (inside[0] / RECORDS).is_file():
        return inside[0]
    raise ArchiveRefused(f"no evidence bundle in the archive ({RECORDS} neither at its top nor in its one folder)")


def load_archive(db: Path | str, workshop_id: int, data: bytes, limits: ArchiveLimits | None = None) -> str:
    """Unpack an uploaded bundle archive into a new folder, verify it against its manifest and open it; the stored
    form of its path. A refused archive leaves nothing behind."""
    folder = new_bundle_dir(db, workshop_id)
    extract(data, folder, limits)
    try:
        bundle: EvidenceBundle = open_bundle(_root(folder))  # verifies it against its manifest and itself
    except (ArchiveRefused, BundleError, OSError, ValueError):
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return stored_form(db, bundle.path)

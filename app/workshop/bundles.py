"""Evidence bundles of a workshop live in its data folder, `<db folder>/<db name>.data/bundles/<generated name>/` beside
a SQLite database, or the folder the workshop command names with --data-dir for a PostgreSQL one.

Visitors never name a server path: a bundle comes from an uploaded archive (unpacked by app/workshop/archive.py) or
from the collectors run on the operator's targets file, and goes into a new folder named here. A workshop stores its
bundle relative to the folder holding the data folder, and a stored bundle outside the bundles folder (an imported
assessment file can name any path) is refused when it is loaded.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from pathlib import Path

from app.workshop.archive import ArchiveLimits, ArchiveRefused, extract
from app.workshop.config import DATA_ENV, NotConfiguredError
from assessors.pg_url import is_postgres_url
from assessors.workflow import BundleError, EvidenceBundle, open_bundle
from evidence_collectors.bundle import RECORDS


class OutsideDataFolderError(ValueError):
    """A stored bundle path that leads outside the workshop's bundles folder."""


def data_dir(db: Path | str) -> Path:
    """The workshop's data folder: beside a SQLite file, or the one the workshop command handed the server for a
    PostgreSQL database (a URL is no place on this machine)."""
    if is_postgres_url(str(db)):
        folder = os.environ.get(DATA_ENV, "").strip()
        if not folder:
            raise NotConfiguredError(f"a PostgreSQL workshop needs its data folder ({DATA_ENV} not set)")
        return Path(folder)
    path = Path(db)
    return path.parent / f"{path.name}.data"


def data_home(db: Path | str) -> Path:
    """The folder stored bundle paths are relative to: the one holding the data folder, so they move together."""
    return data_dir(db).parent


def bundles_dir(db: Path | str) -> Path:
    return data_dir(db) / "bundles"


def new_bundle_dir(db: Path | str, workshop_id: int) -> Path:
    """A fresh, not yet existing folder for one bundle: workshop, UTC time and a random suffix."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return bundles_dir(db) / f"w{workshop_id}-{stamp}-{secrets.token_hex(4)}"


def stored_form(db: Path | str, bundle: Path) -> str:
    """How a workshop stores a bundle: relative to the folder holding the data folder, so the two move together."""
    return bundle.resolve().relative_to(data_home(db).resolve()).as_posix()


def checked_path(db: Path | str, stored: str) -> Path:
    """The bundle folder a workshop stores, which must lie inside the bundles folder (links resolved)."""
    path = Path(stored)
    full = (path if path.is_absolute() else data_home(db) / path).resolve()
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

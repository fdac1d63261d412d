"""The server's configuration, handed by `mlops-maturity workshop` to the Streamlit process in its environment.

The app serves nothing without it: a bare `streamlit run` has no access setting, so it would be open to anyone who
reaches the port. The access code itself is never in the environment, only its hash (app/workshop/access.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict

DB_ENV: Final = "MLOPS_MATURITY_WORKSHOP_DB"
ACCESS_ENV: Final = "MLOPS_MATURITY_WORKSHOP_ACCESS"  # OPEN, ACCOUNTS, or the hash of the access code
TARGETS_ENV: Final = "MLOPS_MATURITY_WORKSHOP_TARGETS"  # the operator's targets file, when one was given
DATA_ENV: Final = "MLOPS_MATURITY_WORKSHOP_DATA"  # the data folder (evidence bundles), with a PostgreSQL database
SESSION_ENV: Final = "MLOPS_MATURITY_WORKSHOP_SESSION_S"  # how long a login lasts, in seconds (with accounts)
OPEN: Final = "open"  # no access code: only ever set for a server listening on a loopback address
ACCOUNTS: Final = "accounts"  # people log in with the accounts in the database (app/workshop/login.py)
SESSION_S: Final = 8 * 3600.0  # a working day


class NotConfiguredError(RuntimeError):
    """The app was started without the workshop command's configuration."""


class ServerConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    db: str  # a SQLite file path, or a PostgreSQL URL without its password
    access: str  # OPEN, ACCOUNTS or an access-code hash
    session_s: float = SESSION_S  # with accounts: a login older than this asks to log in again
    targets: Path | None = None
    data: Path | None = None  # the data folder; None: beside the SQLite file

    @property
    def open_access(self) -> bool:
        return self.access == OPEN

    @property
    def accounts(self) -> bool:
        return self.access == ACCOUNTS

    def environment(self) -> dict[str, str]:
        """The variables that hand this configuration to the Streamlit process."""
        env = {DB_ENV: str(self.db), ACCESS_ENV: self.access, SESSION_ENV: repr(self.session_s)}
        if self.targets is not None:
            env[TARGETS_ENV] = str(self.targets)
        if self.data is not None:
            env[DATA_ENV] = str(self.data)
        return env


def from_environment(environ: Mapping[str, str] | None = None, address: str | None = None) -> ServerConfig:
    """The configuration the workshop command handed over; `address` is the one the server listens on (when known):
    on another than a loopback address, anything but accounts is refused even when the environment asks for it."""
    from app.workshop.access import is_loopback

    env = os.environ if environ is None else environ
    db, access = env.get(DB_ENV, "").strip(), env.get(ACCESS_ENV, "").strip()
    if not db or not access:
        missing = ", ".join(name for name, value in ((DB_ENV, db), (ACCESS_ENV, access)) if not value)
        raise NotConfiguredError(f"not started by `mlops-maturity workshop` ({missing} not set)")
    if access != ACCOUNTS and address and not is_loopback(address):
        raise NotConfiguredError(f"serving on {address} without accounts is refused: only a loopback address may")
    targets, data = env.get(TARGETS_ENV, "").strip(), env.get(DATA_ENV, "").strip()
    try:
        session_s = float(env.get(SESSION_ENV, "") or SESSION_S)
    except ValueError:
        raise NotConfiguredError(f"{SESSION_ENV} is not a number of seconds") from None
    if not session_s > 0:
        raise NotConfiguredError(f"{SESSION_ENV} must be a positive number of seconds")
    return ServerConfig(
        db=db,
        access=access,
        session_s=session_s,
        targets=Path(targets) if targets else None,
        data=Path(data) if data else None,
    )

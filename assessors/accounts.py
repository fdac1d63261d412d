"""Workshop accounts: who may do what on a shared server, and how a password is kept.

A shared workshop server lets people in by account (name, role, password) instead of a shared access code. The
role decides what a person may do; the server checks it in every action that writes, not only by hiding buttons.
Passwords are kept only as bcrypt hashes (a slow, salted hash made for passwords); the accounts live in the
assessment database beside the workshops, so the SQLite file and the PostgreSQL server both carry them.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from typing import Final, Literal, get_args

import bcrypt
from pydantic import BaseModel, ConfigDict

Role = Literal["facilitator", "participant", "auditor", "viewer"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)

# What a role may do. `answer`: statuses, notes, evidence references; `sign`: confirm or override a proposal (the
# workshop's sign-off); `manage`: create, import, edit the header, load or collect evidence, draft proposals.
Action = Literal["read", "answer", "sign", "manage"]
RIGHTS: Final[dict[Role, frozenset[Action]]] = {
    "facilitator": frozenset({"read", "answer", "sign", "manage"}),
    "participant": frozenset({"read", "answer"}),
    "auditor": frozenset({"read", "sign"}),
    "viewer": frozenset({"read"}),
}
MIN_PASSWORD = 10
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further: a longer password would be cut silently, so it is refused
MAX_NAME = 80
BCRYPT_ROUNDS = 12
_DROPPED = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


class AccountProblem(ValueError):
    """An account cannot be created or changed as asked (bad name, role or password; unknown or existing name)."""


class Account(BaseModel):
    """An account as the store holds it, without its password hash."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: Role
    disabled: bool = False
    created_at: dt.datetime


def may(role: Role | None, action: Action) -> bool:
    """Whether `role` may do `action` (no role: nothing)."""
    return role is not None and action in RIGHTS.get(role, frozenset())


def check_name(name: str) -> str:
    """An account name as stored: NFC, no control or invisible characters, no surrounding space, 1..80 characters."""
    text = unicodedata.normalize("NFC", name)
    if any(unicodedata.category(ch) in _DROPPED for ch in text) or text != " ".join(text.split()):
        raise AccountProblem("an account name is plain text: no control characters, no leading or double spaces")
    if not 1 <= len(text) <= MAX_NAME:
        raise AccountProblem(f"an account name has 1 to {MAX_NAME} characters")
    return text


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise AccountProblem(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    return role


def hash_password(password: str, rounds: int = BCRYPT_ROUNDS) -> str:
    """The bcrypt hash of a password that is long enough and within bcrypt's 72 bytes."""
    data = password.encode("utf-8")
    if len(password) < MIN_PASSWORD:
        raise AccountProblem(f"a password has at least {MIN_PASSWORD} characters")
    if len(data) > MAX_PASSWORD_BYTES:
        raise AccountProblem(f"a password has at most {MAX_PASSWORD_BYTES} bytes (bcrypt reads no further)")
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds)).decode("ascii")


@functools.cache
def _dummy() -> str:
    """Checked when a name has no account, so an unknown name takes as long as a wrong password (made on first
    use: importing the store costs no hashing)."""
    return bcrypt.hashpw(b"no account has this password", bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


def check_password(password: str, hashed: str | None) -> bool:
    """Whether `password` is the one behind `hashed` (None: no such account, checked against a dummy hash to take
    the same time); a malformed hash or an over-long password matches nothing."""
    data = password.encode("utf-8")
    try:
        if len(data) > MAX_PASSWORD_BYTES:
            bcrypt.checkpw(b"x", (hashed or _dummy()).encode("ascii"))
            return False
        matched = bcrypt.checkpw(data, (hashed or _dummy()).encode("ascii"))
    except ValueError:
        return False
    return matched and hashed is not None

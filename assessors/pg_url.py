"""PostgreSQL connection URLs as the workshop takes them (`--db postgresql://user:password@host:port/db`), shown
without their password.

A URL names the server and the database; its password (in the URL or its `password=` parameter) is needed to
connect and must never reach a message, a log or the UI, so every text shown is built from the URL's other parts,
and any text from the driver is scrubbed of the password before it is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")
# A URL that went through a file-system path (pathlib) has lost one slash of its scheme: taken as the same URL.
_FOLDED = re.compile(r"^(postgresql|postgres):/(?!/)", re.IGNORECASE)
_CREDENTIALS = re.compile(r"(?P<scheme>[a-z]+:/{1,2}[^:/@\s]*):[^@/\s]*@", re.IGNORECASE)
_PASSWORD_PARAM = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)", re.IGNORECASE)


def is_postgres_url(target: object) -> bool:
    """Whether a `--db` value names a PostgreSQL database rather than an SQLite file."""
    text = str(target).strip()
    return text.lower().startswith(SCHEMES) or bool(_FOLDED.match(text))


def scrubbed(text: str, password: str | None = None) -> str:
    """`text` with any URL password, `password=` parameter and the given password itself replaced by ***."""
    text = _CREDENTIALS.sub(r"\g<scheme>:***@", text)
    text = _PASSWORD_PARAM.sub(r"\1***", text)
    if password:
        text = text.replace(password, "***")
    return text


@dataclass(frozen=True)
class PgTarget:
    """A parsed PostgreSQL URL: what the driver connects with, and what may be shown."""

    conninfo: str  # the URL as the driver takes it; holds the password: never shown
    user: str
    host: str  # a host name or address, or a socket folder
    port: str
    dbname: str
    password: str | None

    @property
    def server(self) -> str:
        """host:port, as named in messages about reaching the server."""
        return f"{self.host}:{self.port}"

    @property
    def shown(self) -> str:
        """The URL without its password: the store's `location`."""
        host = self.host if not self.host.startswith("/") else f"[{self.host}]"
        user = f"{self.user}@" if self.user else ""
        return f"postgresql://{user}{host}:{self.port}/{self.dbname}"


def without_password(url: str) -> str:
    """The URL with its password (in the user part or a `password=` parameter) left out, every other part kept: what a
    process may be given when the password reaches it another way (libpq's PGPASSWORD)."""
    parts = urlsplit(_FOLDED.sub(lambda m: f"{m.group(1)}://", url.strip(), count=1))
    netloc = parts.netloc
    if "@" in netloc:
        credentials, server = netloc.rsplit("@", 1)
        netloc = f"{credentials.split(':', 1)[0]}@{server}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def parse(target: str) -> PgTarget:
    """The URL's parts (libpq's defaults for those left out); ValueError, with the password scrubbed, when it is not
    a URL the driver can use."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    text = _FOLDED.sub(lambda m: f"{m.group(1)}://", target.strip(), count=1)
    if not text.lower().startswith(SCHEMES):
        raise ValueError(f"not a PostgreSQL URL: {scrubbed(text)}")
    try:
        params = conninfo_to_dict(text)
    except ProgrammingError as exc:
        raise ValueError(f"not a usable PostgreSQL URL ({scrubbed(str(exc))}): {scrubbed(text)}") from None
    password = str(params["password"]) if params.get("password") is not None else None
    port = str(params.get("port") or "5432")
    if not port.isdigit():
        raise ValueError(f"the port of a PostgreSQL URL is a number: {scrubbed(text, password)}")
    user = str(params.get("user") or "")
    return PgTarget(
        conninfo=text,
        user=user,
        host=str(params.get("host") or "localhost"),
        port=port,
        dbname=str(params.get("dbname") or user),
        password=password,
    )

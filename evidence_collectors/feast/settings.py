"""What a Feast repository's feature_store.yaml says about where its registry and stores are, read as plain YAML.

Feast's own RepoConfig is not used: validating it imports the online and offline store classes (and their client
libraries) named in the file, and the collector only needs four settings. Like Feast, `${VAR}` references are
expanded from the environment; every value put in is masked in the evidence (see `expand`). Every credential the file
holds (values of password/token/secret-like keys, the password of any URL, and a SQL registry's whole DSN) is given to
the redactor before anything is recorded, so a connection string in the file never reaches a record, a summary or
a reason.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from evidence_collectors import yamlio
from evidence_collectors.http import CollectError
from evidence_collectors.secrets import Redactor, is_sensitive_name

FEATURE_STORE_YAML = "feature_store.yaml"
MAX_YAML_BYTES = 1024 * 1024
DEFAULT_ONLINE = "sqlite"  # RepoConfig's defaults when the file names no store
DEFAULT_OFFLINE = "dask"
_VAR = re.compile(r"\$(\w+|\{[^}]*\})", re.ASCII)  # the variables os.path.expandvars replaces
OBJECT_STORE_SCHEMES = ("gs://", "s3://", "az://", "abfs://", "abfss://", "hdfs://", "http://", "https://")


@dataclass(frozen=True)
class RegistryLocation:
    """Where the registry is kept. `file` is a local registry file; `sqlite` a SQL registry in a local SQLite file;
    `remote` anything read over a network (object storage, a database server, a registry server), never read here."""

    kind: str  # file | sqlite | remote
    registry_type: str  # as feature_store.yaml says: file, sql, remote, snowflake.registry, ...
    path: Path | None
    shown: str  # for summaries; credentials already registered with the redactor


@dataclass(frozen=True)
class RepoSettings:
    yaml_path: Path
    project: str
    registry: RegistryLocation
    online_store: str
    offline_store: str
    online_default: bool
    offline_default: bool


def read_settings(repo: Path, redactor: Redactor) -> RepoSettings:
    """The settings of the repository at `repo`; CollectError when there is no usable feature_store.yaml."""
    yaml_path = repo / FEATURE_STORE_YAML
    data = _load(yaml_path, redactor)
    _register_secrets(data, redactor)
    project = data.get("project")
    if not isinstance(project, str) or not project:
        raise CollectError(f"{yaml_path} names no project")
    online, online_default = _store_type(data, "online_store", DEFAULT_ONLINE)
    offline, offline_default = _store_type(data, "offline_store", DEFAULT_OFFLINE)
    registry = registry_location(data.get("registry"), repo, redactor)
    return RepoSettings(yaml_path, project, registry, online, offline, online_default, offline_default)


def _load(yaml_path: Path, redactor: Redactor) -> dict[str, Any]:
    try:
        info = yaml_path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise CollectError(f"{yaml_path} is not a regular file")
        if info.st_size > MAX_YAML_BYTES:
            raise CollectError(f"{yaml_path} is larger than {MAX_YAML_BYTES // 1024} KB: not a Feast configuration")
        text = yaml_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CollectError(f"no Feast repository at {yaml_path.parent}: {FEATURE_STORE_YAML} not found") from None
    except OSError as exc:
        raise CollectError(f"cannot read {yaml_path}: {exc.strerror or type(exc).__name__}") from None
    except UnicodeDecodeError:
        raise CollectError(f"{yaml_path} is not UTF-8 text") from None
    try:
        data = yamlio.load(expand(text, redactor))
    except yamlio.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise CollectError(f"{yaml_path} is not valid YAML{line}") from None
    if not isinstance(data, dict):
        raise CollectError(f"{yaml_path} is not a mapping of Feast settings")
    return data


def expand(text: str, redactor: Redactor) -> str:
    """`$VAR` and `${VAR}` replaced by the environment's values, as Feast does (os.path.expandvars); each value put in
    is given to the redactor first. The file chooses which variables it names, so a `project: ${SOME_TOKEN}` would
    otherwise carry any secret of the collecting process into a record. Absolute paths (`${HOME}/feast`) are kept
    readable: they are where things are, not credentials."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("{") and name.endswith("}"):
            name = name[1:-1]
        found = os.environ.get(name)
        if found is None:
            return match.group(0)
        if not found.startswith("/"):
            redactor.add(found)
        return found

    return _VAR.sub(value, text)


def _store_type(data: dict[str, Any], key: str, default: str) -> tuple[str, bool]:
    """The store type as written (`type:` of the block, or the bare string), or Feast's default when absent."""
    value = data.get(key)
    if value is None:
        return default, True
    if isinstance(value, str):
        return value, False
    if isinstance(value, dict):
        kind = value.get("type")
        return (str(kind), False) if kind else (default, True)
    raise CollectError(f"{key} in {FEATURE_STORE_YAML} is neither a type name nor a block")


def registry_location(value: Any, repo: Path, redactor: Redactor) -> RegistryLocation:
    """Classify the `registry` setting the way Feast's RegistryConfig reads it."""
    if isinstance(value, str):
        registry_type, path = "file", value
    elif isinstance(value, dict):
        registry_type = str(value.get("registry_type") or "file")
        path = str(value.get("path") or "")
    else:
        raise CollectError(f"{FEATURE_STORE_YAML} names no registry")
    if registry_type == "sql":
        return _sql_location(path, repo, redactor)
    if registry_type != "file" or not path:
        shown = f"{registry_type} registry" + (f" at {_shown_url(path, redactor)}" if path else "")
        return RegistryLocation("remote", registry_type, None, shown)
    if path.startswith(OBJECT_STORE_SCHEMES):
        return RegistryLocation("remote", registry_type, None, f"registry file at {_shown_url(path, redactor)}")
    local = Path(path.removeprefix("file://")).expanduser()
    local = local if local.is_absolute() else repo / local
    return RegistryLocation("file", registry_type, local, str(local))


def _sql_location(dsn: str, repo: Path, redactor: Redactor) -> RegistryLocation:
    """A SQLite DSN without credentials is a local file; any other database is reached over the network."""
    parts = urlsplit(dsn)
    secret_query = any(is_sensitive_name(k) for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    if parts.username or parts.password or secret_query:
        redactor.add(dsn)
        if parts.password:
            redactor.add(parts.password)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "sqlite" and not parts.netloc and parts.path not in ("", "/", "/:memory:"):
        local = Path(parts.path[1:]) if parts.path.startswith("/") else Path(parts.path)
        local = local if local.is_absolute() else repo / local
        return RegistryLocation("sqlite", "sql", local, str(local))
    return RegistryLocation("remote", "sql", None, f"SQL registry ({scheme or 'unknown'} database {redactor(dsn)})")


def _shown_url(url: str, redactor: Redactor) -> str:
    parts = urlsplit(url)
    if parts.password:
        redactor.add(parts.password)
        redactor.add(url)
    return redactor(url)


def _register_secrets(data: Any, redactor: Redactor) -> None:
    """Give every credential-looking value of the file to the redactor: values of keys named like a credential, and
    the user info of any URL (a DSN or connection string)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and is_sensitive_name(str(key)):
                redactor.add(value)
            _register_secrets(value, redactor)
    elif isinstance(data, list):
        for item in data:
            _register_secrets(item, redactor)
    elif isinstance(data, str) and "://" in data:
        try:
            parts = urlsplit(data)
        except ValueError:
            return
        if parts.password:
            redactor.add(parts.password)
            redactor.add(data)

"""Reading a Feast registry read-only, as the protobuf messages Feast itself stores (feast.protos.feast.core).

Feast's FeatureStore and Registry classes are not used to read: `Registry.__init__` writes a new, empty registry file
when none is found, the SQL registry creates its tables when it connects, and turning the messages into Python objects
(`FeatureView.from_proto`, used by every `list_*`) imports classes named in the registry and rebuilds on-demand
transformations by running their source text (`exec` of `body_text`) or unpickling them with dill — running code
taken from the file being audited (tests/collectors/test_feast.py plants such code and checks it never runs). The
messages carry every field the probes need.

Feast is imported here, lazily: importing it costs seconds (it pulls in pandas, pyarrow and FastAPI), and the command
line must start without it.
"""

from __future__ import annotations

import importlib
import sqlite3
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence_collectors.feast.settings import RegistryLocation
from evidence_collectors.http import CollectError, Unavailable

INSTALL_HINT = (
    "the feast package is not installed: install mlops-maturity with the feast extra "
    "(pip install 'mlops-maturity[feast]')"
)

# SQL registry tables (feast/infra/registry/sql.py): table, proto column, message module, registry field.
SQL_TABLES = (
    ("projects", "project_proto", "Project_pb2", "Project", "projects"),
    ("entities", "entity_proto", "Entity_pb2", "Entity", "entities"),
    ("data_sources", "data_source_proto", "DataSource_pb2", "DataSource", "data_sources"),
    ("feature_views", "feature_view_proto", "FeatureView_pb2", "FeatureView", "feature_views"),
    (
        "stream_feature_views", "feature_view_proto", "StreamFeatureView_pb2", "StreamFeatureView",
        "stream_feature_views",
    ),
    (
        "on_demand_feature_views", "feature_view_proto", "OnDemandFeatureView_pb2", "OnDemandFeatureView",
        "on_demand_feature_views",
    ),
    ("feature_services", "feature_service_proto", "FeatureService_pb2", "FeatureService", "feature_services"),
    ("saved_datasets", "saved_dataset_proto", "SavedDataset_pb2", "SavedDataset", "saved_datasets"),
)  # fmt: skip


@dataclass(frozen=True)
class Loaded:
    registry: Any  # feast.protos.feast.core.Registry_pb2.Registry
    feast_version: str
    import_s: float
    read_s: float


def core(module: str) -> Any:
    """A module of Feast's registry messages; Unavailable when Feast is not installed."""
    try:
        return importlib.import_module(f"feast.protos.feast.core.{module}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("feast", "google"):
            raise Unavailable(INSTALL_HINT) from None
        raise Unavailable(f"the feast package cannot be imported: {exc}") from None
    except ImportError as exc:
        raise Unavailable(f"the feast package cannot be imported: {exc}") from None


def load(location: RegistryLocation, max_bytes: int) -> Loaded:
    """The registry at `location`, never written; Unavailable for remote registries, CollectError for a missing or
    unreadable one."""
    if location.kind == "remote" or location.path is None:
        raise Unavailable(
            f"{location.shown} is not read: only local registries (a registry file or a SQLite SQL registry) are "
            "read, without network access"
        )
    data = b""  # the file is checked and read before Feast is imported (seconds): a missing registry costs none
    if location.kind == "file":
        data = _bytes(location.path, max_bytes)
    elif location.path.exists():
        _sized(location.path, max_bytes)
    started = time.monotonic()
    registry_module = core("Registry_pb2")
    feast = importlib.import_module("feast")
    imported = time.monotonic()
    if location.kind == "sqlite":
        registry = _read_sqlite(location.path, registry_module)
    else:
        registry = _parse(location.path, data, registry_module)
    done = time.monotonic()
    version = str(getattr(feast, "__version__", "unknown"))
    return Loaded(registry, version, round(imported - started, 2), round(done - imported, 2))


def _parse(path: Path, data: bytes, registry_module: Any) -> Any:
    registry = registry_module.Registry()
    try:
        registry.ParseFromString(data)
    except Exception:  # google.protobuf.message.DecodeError, or a RuntimeWarning-free failure of the C parser
        raise CollectError(f"{path} is not a Feast registry file (it does not parse as a registry message)") from None
    if not (registry.registry_schema_version or registry.version_id or registry.HasField("last_updated")):
        # Any empty file, and many short ones, parse as an empty message: reported, they would read as a feature
        # store without a single feature view. Every registry `feast apply` writes carries these fields.
        raise CollectError(
            f"{path} is not a Feast registry file (no registry version or update time: not written by feast apply)"
        )
    return registry


def _sized(path: Path, max_bytes: int) -> None:
    """A registry file (or SQLite registry database) that is a regular file within max_registry_mb: a FIFO would
    block the read for ever, a device or a file of gigabytes fill memory or take minutes."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CollectError(f"registry file {path} not found (has `feast apply` been run?)") from None
    except OSError as exc:
        raise CollectError(f"cannot read registry {path}: {exc.strerror or type(exc).__name__}") from None
    if not stat.S_ISREG(info.st_mode):
        raise CollectError(f"registry {path} is not a regular file")
    if info.st_size > max_bytes:
        raise CollectError(f"registry {path} is larger than max_registry_mb ({info.st_size} bytes)")


def _bytes(path: Path, max_bytes: int) -> bytes:
    _sized(path, max_bytes)
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise CollectError(f"registry file {path} not found (has `feast apply` been run?)") from None
    except OSError as exc:
        raise CollectError(f"cannot read registry {path}: {exc.strerror or type(exc).__name__}") from None


def _read_sqlite(path: Path, registry_module: Any) -> Any:
    """A SQL registry kept in SQLite, opened read-only; its rows assembled into one registry message."""
    if not path.is_file():
        raise CollectError(f"SQL registry database {path} not found (has `feast apply` been run?)")
    registry = registry_module.Registry()
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise CollectError(f"cannot open SQL registry {path}: {exc}") from None
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "feature_views" not in tables:
            raise CollectError(f"{path} is not a Feast SQL registry (no feature_views table)")
        for table, column, module, message, field in SQL_TABLES:
            if table not in tables:
                continue
            cls = getattr(core(module), message)
            project_column = "project_name" if table == "projects" else "project_id"
            query = f"SELECT {project_column}, {column} FROM {table}"  # names from SQL_TABLES, not input
            for project, blob in db.execute(query):
                getattr(registry, field).append(_owned(cls.FromString(blob), project))
        if "feature_view_version_history" in tables:
            _versions(db, registry)
    except sqlite3.Error as exc:
        raise CollectError(f"cannot read SQL registry {path}: {exc}") from None
    except CollectError:
        raise
    except Exception:  # a row that does not parse as its message
        raise CollectError(f"{path} holds rows that are not Feast registry messages") from None
    finally:
        db.close()
    return registry


def _owned(message: Any, project: str) -> Any:
    """The message with its project set from the row's project column: the SQL registry keeps the project there, and
    some messages (entities) are stored without it."""
    holder = message.spec if any(f.name == "spec" for f in message.DESCRIPTOR.fields) else message
    if any(f.name == "project" for f in holder.DESCRIPTOR.fields) and not holder.project:
        holder.project = project
    return message


def _versions(db: sqlite3.Connection, registry: Any) -> None:
    history = registry.feature_view_version_history
    rows = db.execute(
        "SELECT feature_view_name, project_id, version_number, feature_view_type, created_timestamp "
        "FROM feature_view_version_history"
    )
    for name, project, number, kind, created in rows:
        record = history.records.add(
            feature_view_name=name, project_id=project, version_number=number, feature_view_type=kind
        )
        seconds = created / 1000 if created > 100_000_000_000 else created
        record.created_timestamp.FromSeconds(int(seconds))

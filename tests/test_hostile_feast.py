"""The Feast collector against hostile repositories in temporary folders: a feature_store.yaml that is a symlink to a
shadow-like file, a registry that is huge, truncated, empty, a FIFO, a directory, a device or reached with `..`
outside the repository, `${VAR}` references pulling a secret of the collecting process into a setting, and registry
times beyond any calendar. Each ends as unavailable/error (never as a store with zero feature views), in bounded
time, and no secret reaches a record or the bundle."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from evidence_collectors.bundle import write_bundle
from evidence_collectors.feast import FeastCollector
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.runner import Collection, collect
from evidence_collectors.targets import Target
from tests.support.hostile import credential_forms, leaks

P = "feast."
SECRET = "ghp_FeastHostileSecret0123456789abcdef"
SECRET_ENV = "HOSTILE_FEAST_ANY_NAME"  # a name that does not say it holds a credential
SHADOW = "root:$6$Vq1hostile$Xo0HASHEDpasswordLINEofSHADOW0123456789abcdef:19700:0:99999:7:::\n"
SETTINGS = (P + "online_store_type", P + "offline_store_type", P + "registry_type")


def registry_bytes(*, marked: bool = True, seconds: int = 1_700_000_000) -> bytes:
    """A registry message as `feast apply` writes it (schema version, version id), with one feature view."""
    from feast.protos.feast.core import Registry_pb2

    registry = Registry_pb2.Registry()
    if marked:
        registry.registry_schema_version = "1"
        registry.version_id = "4f1c"
    view = registry.feature_views.add()
    view.spec.project, view.spec.name = "bank", "transactions"
    view.meta.created_timestamp.seconds = seconds
    view.meta.last_updated_timestamp.seconds = seconds
    interval = view.meta.materialization_intervals.add()
    interval.end_time.seconds = seconds
    data: bytes = registry.SerializeToString()
    return data


def repo(folder: Path, yaml_text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feature_store.yaml").write_text(yaml_text, encoding="utf-8")
    return folder


def run(**fields: Any) -> tuple[dict[str, EvidenceRecord], Collection]:
    config = FeastCollector.config_model.model_validate({"collector": "feast", "name": "fs"} | fields)
    start = time.monotonic()
    collection = collect([Target(config=config, collector=FeastCollector)], deadline_s=60)
    assert time.monotonic() - start < 30
    records = {r.probe: r for r in collection.records}
    assert list(records) == FeastCollector.probe_ids()
    for record in collection.records:
        assert not record.reason.startswith("collector failed"), (record.probe, record.reason)
    return records, collection


def registry_failed(records: dict[str, EvidenceRecord], reason: str) -> None:
    """Every registry probe failed with `reason`; none reads as a store without feature views."""
    for probe, record in records.items():
        if probe in SETTINGS:
            continue
        assert record.status in (EvidenceStatus.error, EvidenceStatus.unavailable), (probe, record.value)
        assert reason in record.reason, (probe, record.reason)


def no_secret(collection: Collection, folder: Path, *secrets: str) -> None:
    forms = credential_forms(*secrets)
    for record in collection.records:
        assert not leaks(record.model_dump_json(), forms), (record.probe, record.summary)
    write_bundle(folder, collection)
    for path in folder.rglob("*"):
        if path.is_file():
            assert not leaks(path.read_bytes(), forms), f"{path} leaks"


# --- feature_store.yaml ----------------------------------------------------------------------------------------------


def test_a_feature_store_yaml_symlinked_to_a_shadow_like_file_is_an_error_without_its_content(tmp_path: Path) -> None:
    shadow = tmp_path / "etc" / "shadow"
    shadow.parent.mkdir()
    shadow.write_text(SHADOW, encoding="utf-8")
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "feature_store.yaml").symlink_to(shadow)
    records, collection = run(path=str(folder))
    for record in records.values():
        assert record.status is EvidenceStatus.error and "feature_store.yaml" in record.reason, record.reason
    no_secret(collection, tmp_path / "bundle", "Xo0HASHEDpasswordLINEofSHADOW0123456789abcdef", "Vq1hostile")


@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "huge"])
def test_a_feature_store_yaml_that_is_no_file_fails_at_once(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    target = folder / "feature_store.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    elif kind == "device":
        target.symlink_to("/dev/zero")
    else:
        with target.open("wb") as handle:
            handle.truncate(5 * 1024**3)  # sparse: 5 GB announced, nothing written
    records, _ = run(path=str(folder))
    expected = "is larger than" if kind == "huge" else "is not a regular file"
    for record in records.values():
        assert record.status is EvidenceStatus.error and expected in record.reason, record.reason


def test_env_references_pulling_a_secret_into_a_setting_are_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`${VAR}` and `$VAR` are expanded as Feast does, whatever the variable is called; the value is masked in every
    output, while a path from the environment stays readable."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    monkeypatch.setenv("HOSTILE_FEAST_DIR", str(tmp_path / "repo"))
    folder = repo(
        tmp_path / "repo",
        f"project: bank\nregistry: ${{HOSTILE_FEAST_DIR}}/data/registry.db\nprovider: local\n"
        f"online_store:\n  type: ${{{SECRET_ENV}}}\noffline_store: ${SECRET_ENV}\n",
    )
    (folder / "data").mkdir()
    (folder / "data" / "registry.db").write_bytes(registry_bytes())
    records, collection = run(path=str(folder))
    assert records[P + "online_store_type"].value == "***"
    assert records[P + "offline_store_type"].value == "***"
    assert str(folder / "data" / "registry.db") in records[P + "registry_type"].summary
    assert records[P + "feature_views"].status is EvidenceStatus.ok and records[P + "feature_views"].value == 1
    no_secret(collection, tmp_path / "bundle", SECRET)


def test_an_env_reference_as_the_project_is_masked_in_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    folder = repo(tmp_path / "repo", f"project: ${{{SECRET_ENV}}}\nregistry: data/registry.db\n")
    (folder / "data").mkdir()
    (folder / "data" / "registry.db").write_bytes(registry_bytes())
    records, collection = run(path=str(folder))
    registry_failed(records, "is not in the registry")
    no_secret(collection, tmp_path / "bundle", SECRET)


# --- the registry ----------------------------------------------------------------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(b""), "is not a Feast registry file"),
        (lambda p: p.write_bytes(registry_bytes(marked=False)), "is not a Feast registry file"),
        (lambda p: p.write_bytes(registry_bytes()[:-7]), "is not a Feast registry file"),
        (lambda p: p.write_bytes(b"\x0a\xff\xff\xff\xff\x0f" + b"x" * 64), "is not a Feast registry file"),
        (lambda p: p.write_text(SHADOW), "is not a Feast registry file"),
        (_fifo, "is not a regular file"),
        (lambda p: p.mkdir(), "is not a regular file"),
        (lambda p: p.symlink_to("/dev/zero"), "is not a regular file"),
        (lambda p: None, "not found"),
    ],
    ids=["empty", "unmarked", "truncated", "length-beyond-end", "text", "fifo", "directory", "device", "missing"],
)
def test_a_registry_that_is_no_registry_fails_its_probes_and_keeps_the_settings(
    tmp_path: Path, make: Any, reason: str
) -> None:
    folder = repo(tmp_path / "repo", "project: bank\nregistry: data/registry.db\n")
    (folder / "data").mkdir()
    make(folder / "data" / "registry.db")
    records, _ = run(path=str(folder))
    registry_failed(records, reason)
    for probe in SETTINGS:
        assert records[probe].status is EvidenceStatus.ok, records[probe].reason


def test_a_huge_registry_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    with path.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse
    records, _ = run(registry=str(path), max_registry_mb=1)
    registry_failed(records, "is larger than max_registry_mb")


def test_a_registry_path_climbing_out_of_the_repository_reads_no_foreign_file(tmp_path: Path) -> None:
    """`registry: ../../secret/key` names a file outside the repository: it is no registry, so an error that does
    not quote its content."""
    secret = tmp_path / "secret" / "key"
    secret.parent.mkdir()
    secret.write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}\n-----END OPENSSH PRIVATE KEY-----\n")
    folder = repo(tmp_path / "a" / "repo", "project: bank\nregistry: ../../secret/key\n")
    records, collection = run(path=str(folder))
    registry_failed(records, "is not a Feast registry file")
    no_secret(collection, tmp_path / "bundle", SECRET)


def test_a_registry_fifo_whose_writer_never_comes_does_not_hang(tmp_path: Path) -> None:
    """A FIFO replaced for the registry: opening it for reading would wait for a writer forever."""
    path = tmp_path / "registry.db"
    os.mkfifo(path)
    done = threading.Event()
    result: dict[str, Any] = {}

    def work() -> None:
        result["records"] = run(registry=str(path))[0]
        done.set()

    threading.Thread(target=work, daemon=True).start()
    assert done.wait(20), "collection hung on a FIFO"
    registry_failed(result["records"], "is not a regular file")


@pytest.mark.parametrize("seconds", [2**62, -(2**62), 253_402_300_800])
def test_registry_times_beyond_any_calendar_are_no_time(tmp_path: Path, seconds: int) -> None:
    path = tmp_path / "registry.db"
    path.write_bytes(registry_bytes(seconds=seconds))
    records, _ = run(registry=str(path))
    assert records[P + "feature_views"].status is EvidenceStatus.ok and records[P + "feature_views"].value == 1
    bad = {p: r.reason for p, r in records.items() if r.status is EvidenceStatus.error}
    assert not bad, bad


def test_a_sqlite_registry_beyond_max_registry_mb_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    folder = repo(tmp_path / "repo", "project: bank\nregistry:\n  registry_type: sql\n  path: sqlite:///data/reg.db\n")
    (folder / "data").mkdir()
    with (folder / "data" / "reg.db").open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse
    records, _ = run(path=str(folder), max_registry_mb=1)
    registry_failed(records, "is larger than max_registry_mb")

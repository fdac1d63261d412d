"""Feast collector against real Feast repositories built by the `feast` package in temporary folders.

The module fixture writes a repository (feature_store.yaml with a local file registry and a SQLite online store, a
parquet file written with pandas), applies the objects of fixtures/feast/feature_repo.py with FeatureStore.apply —
first the drafts of some views, then the final definitions — and materialises some views. Expected figures are counted
from that module's table, never from the collector.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.feast import FeastCollector
from evidence_collectors.feast.config import FeastConfig
from evidence_collectors.records import EvidenceStatus
from tests.support import collecting

FIXTURES = Path(__file__).parent / "fixtures" / "feast"
PASSWORD = "Sq1Regi5tryPassw0rd-x7"
ROOT = Path(__file__).resolve().parents[2]


def _table() -> ModuleType:
    spec = importlib.util.spec_from_file_location("feast_fixture_repo", FIXTURES / "feature_repo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


T = _table()


@dataclass(frozen=True)
class Built:
    root: Path
    repo: Path
    registry: Path
    sql_repo: Path
    now: dt.datetime


def _yaml(project: str, registry: Any, data: Path) -> str:
    settings = {
        "project": project,
        "registry": registry,
        "provider": "local",
        "online_store": {"type": "sqlite", "path": str(data / "online.db")},
        "offline_store": {"type": "file"},
        "entity_key_serialization_version": 3,
    }
    return yaml.safe_dump(settings)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    from feast import FeatureStore

    root = tmp_path_factory.mktemp("feast")
    repo, sandbox, sql_repo = root / "repo", root / "sandbox", root / "sqlrepo"
    for folder in (repo, sandbox, sql_repo):
        (folder / "data").mkdir(parents=True)
    registry = repo / "data" / "registry.db"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    T.frame(now).to_parquet(repo / "data" / "features.parquet")
    (repo / "feature_store.yaml").write_text(_yaml(T.PROJECT, "data/registry.db", repo / "data"), encoding="utf-8")
    store = FeatureStore(repo_path=str(repo))
    store.apply(T.definitions(repo / "data", drafts=True))
    store.apply(T.definitions(repo / "data"))
    store.apply(T.pinned_services())
    for row in T.VIEWS:
        if row.materialised_days_ago is not None:
            end = now - dt.timedelta(days=row.materialised_days_ago)
            store.materialize(start_date=end - dt.timedelta(days=2), end_date=end, feature_views=[row.name])
    (sandbox / "feature_store.yaml").write_text(_yaml(T.OTHER_PROJECT, str(registry), sandbox / "data"), "utf-8")
    FeatureStore(repo_path=str(sandbox)).apply(T.other_project_objects())
    sql = {"registry_type": "sql", "path": f"sqlite:///{sql_repo / 'data' / 'registry.sqlite'}"}
    (sql_repo / "feature_store.yaml").write_text(_yaml(T.PROJECT, sql, sql_repo / "data"), encoding="utf-8")
    sql_store = FeatureStore(repo_path=str(sql_repo))
    sql_store.apply(T.definitions(repo / "data"))
    sql_store.apply(T.pinned_services())
    return Built(root, repo, registry, sql_repo, now)


def config(name: str = "feast", **fields: Any) -> FeastConfig:
    return FeastConfig.model_validate({"collector": "feast", "name": name, **fields})


def collect(cfg: FeastConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(FeastCollector, cfg, "feast.")


@pytest.fixture(scope="module")
def full(built: Built) -> tuple[collecting.Records, CollectContext]:
    return collect(config(path=str(built.repo)))


# --- expected figures, counted from the table ----------------------------------------------------------------------


def share(rows: list[Any], holds: Callable[[Any], bool]) -> float:
    return round(sum(1 for r in rows if holds(r)) / len(rows), 4) if rows else 0.0


def expected(freshness_days: float = 1.0) -> dict[str, Any]:
    views = list(T.VIEWS)
    stored = [v for v in views if v.kind != "on_demand"]  # every batch/stream view of the table is online
    stamped = [s for s in T.SOURCES if s.kind != "request_source"]
    return {
        "projects": [T.PROJECT],
        "feature_views": len(views),
        "batch_feature_views": sum(v.kind == "batch" for v in views),
        "stream_feature_views": sum(v.kind == "stream" for v in views),
        "on_demand_feature_views": sum(v.kind == "on_demand" for v in views),
        "features": sum(len(v.features) for v in views),
        "entities": len(T.ENTITIES),
        "data_sources": len(T.SOURCES),
        "data_source_kinds": sorted({s.kind for s in T.SOURCES}),
        "data_sources_with_timestamp_field_ratio": share(stamped, lambda s: bool(s.timestamp_field)),
        "feature_views_with_description_ratio": share(views, lambda v: bool(v.description)),
        "feature_views_with_owner_ratio": share(views, lambda v: bool(v.owner)),
        "feature_views_with_tags_ratio": share(views, lambda v: bool(v.tags)),
        "feature_views_with_ttl_ratio": share(stored, lambda v: bool(v.ttl_days)),
        "feature_views_with_feature_descriptions_ratio": share(
            [v for v in views if v.features], lambda v: all(d for _, _, d in v.features)
        ),
        "features_with_value_type_ratio": 1.0,  # every feature of the table has a dtype
        "feature_views_with_schema_ratio": 1.0,
        "feature_services": len({v.service for v in views if v.service}) + len(T.PINNED),
        "feature_services_pinning_versions_ratio": round(
            len(T.PINNED) / (len({v.service for v in views if v.service}) + len(T.PINNED)), 4
        ),
        "feature_views_with_version_history_ratio": 1.0,  # Feast 0.67 records a version for every view it applies
        "feature_views_served_ratio": share(views, lambda v: v.service is not None),
        "features_inventoried_ratio": share(
            [(v, f) for v in views for f in v.features],
            lambda vf: (
                bool(vf[1][2] or (vf[0].kind == "on_demand" and vf[0].description))
                and vf[0].service is not None
                and (vf[0].served is None or vf[1][0] in vf[0].served)
            ),
        ),
        "online_store_type": "sqlite",
        "offline_store_type": "file",
        "registry_type": "file",
        "feature_views_materialised_ratio": share(stored, lambda v: v.materialised_days_ago is not None),
        "feature_views_fresh_ratio": share(
            stored, lambda v: v.materialised_days_ago is not None and v.materialised_days_ago <= freshness_days
        ),
        "feature_view_versions": sum(1 + v.drafts for v in views),
        "feature_views_changed_in_window": len(views),
        "saved_datasets": 0,
    }


APPROXIMATE = {  # ages: the table's day counts, give or take the seconds the test has run
    "latest_materialisation_age_days": min(
        v.materialised_days_ago for v in T.VIEWS if v.materialised_days_ago is not None
    ),
    "registry_age_days": 0.0,
}


# --- figures -------------------------------------------------------------------------------------------------------


def test_every_probe_matches_the_table(full: tuple[collecting.Records, CollectContext]) -> None:
    records, _ = full
    assert {p: r.status for p, r in records.items()} == dict.fromkeys(records, EvidenceStatus.ok)
    assert {p: r.value for p, r in records.items() if p not in APPROXIMATE} == expected()
    for probe, days in APPROXIMATE.items():
        assert records[probe].value == pytest.approx(days, abs=0.02), probe
    assert set(records) == set(expected()) | set(APPROXIMATE), "every probe is checked"


def test_summaries_name_the_views_to_look_at(full: tuple[collecting.Records, CollectContext]) -> None:
    records, _ = full
    undescribed = sorted(f"{T.PROJECT}/{v.name}" for v in T.VIEWS if not v.description)
    assert records["feature_views_with_description_ratio"].summary.endswith("; not: " + ", ".join(undescribed))
    assert "3 batch, 1 stream, 1 on-demand" in records["feature_views"].summary
    inventory = records["features_inventoried_ratio"].summary
    assert "4 of 7 (57.1%) feature(s) record a meaning, a data source and a feature service" in inventory
    for feature in ("driver_quality.complaints", "driver_raw.trips", "rider_live.rides_1h"):
        assert f"{T.PROJECT}/{feature}" in inventory, "not taken by a service, or not described"
    assert "conv_adjusted" not in inventory, "an on-demand feature's meaning is its view's description"
    pins = records["feature_services_pinning_versions_ratio"].summary
    assert pins.endswith(f"; not: {T.PROJECT}/ranking, {T.PROJECT}/scoring"), "only the pinned service names versions"
    assert "feast 0.67" in records["projects"].summary and "import" in records["projects"].summary
    assert "(as set in feature_store.yaml)" in records["online_store_type"].summary


def test_a_view_without_version_records_and_a_service_without_pins() -> None:
    from evidence_collectors.feast.catalogue import Catalogue, Service, View
    from evidence_collectors.feast.figures import Missing, registry_figures

    def view(name: str) -> View:
        return View("p", name, "batch", "", "", {}, 1.0, (), True, (), None, None)

    cat = Catalogue(
        projects=("p",),
        views=(view("kept"), view("legacy")),
        sources=(),
        entities=(),
        services=(Service("p", "m", frozenset({"kept"}), None, pinned=True), Service("p", "empty", frozenset(), None)),
        version_records=(("p", "kept", 0), ("p", "kept", 1), ("other", "legacy", 0)),
        saved_datasets=0,
    )
    found = registry_figures(cat, dt.datetime.now(dt.UTC), 1.0, 30)
    history = found["feast.feature_views_with_version_history_ratio"]
    pins = found["feast.feature_services_pinning_versions_ratio"]
    assert not isinstance(history, Missing) and not isinstance(pins, Missing)
    assert history.value == 0.5 and history.summary.endswith("; not: p/legacy"), "a record of another project"
    assert pins.value == 0.5 and pins.summary.endswith("; not: p/empty")


def test_values_are_backed_by_raw_evidence(full: tuple[collecting.Records, CollectContext], built: Built) -> None:
    records, ctx = full
    stored = {item.sha256: item for item in ctx.raw.items()}
    for record in records.values():
        assert record.raw_sha256 and set(record.raw_sha256) <= set(stored), record.probe
    digest = json.loads(stored[records["feature_views"].raw_sha256[0]].body)
    assert sorted(v["name"] for v in digest["views"]) == sorted(v.name for v in T.VIEWS)
    assert records["feature_views"].source.url == built.repo.as_uri()


def test_freshness_window_is_a_setting(built: Built) -> None:
    records, _ = collect(config(path=str(built.repo), freshness_days=10, window_days=1))
    assert records["feature_views_fresh_ratio"].value == expected(freshness_days=10)["feature_views_fresh_ratio"]
    assert records["feature_views_fresh_ratio"].value > expected()["feature_views_fresh_ratio"]


def test_a_registry_file_alone_reads_every_project(built: Built) -> None:
    records, _ = collect(config(registry=str(built.registry)))
    assert records["projects"].value == sorted([T.PROJECT, T.OTHER_PROJECT])
    assert records["entities"].value == len(T.ENTITIES) + len(T.other_project_objects())
    assert records["feature_views"].value == len(T.VIEWS)
    for probe in ("online_store_type", "offline_store_type"):
        assert records[probe].status == EvidenceStatus.unavailable and "feature_store.yaml" in records[probe].reason
    assert records["registry_type"].value == "file"
    one, _ = collect(config(registry=str(built.registry), project=T.OTHER_PROJECT))
    assert (one["projects"].value, one["entities"].value, one["feature_views"].value) == ([T.OTHER_PROJECT], 1, 0)


def test_a_project_the_registry_does_not_know_is_an_error(built: Built) -> None:
    records, _ = collect(config(path=str(built.repo), project="nosuch"))
    assert records["feature_views"].status == EvidenceStatus.error
    assert "'nosuch' is not in the registry" in records["feature_views"].reason
    assert T.PROJECT in records["feature_views"].reason
    assert records["online_store_type"].value == "sqlite", "the settings probes keep their values"


def test_a_sqlite_sql_registry_is_read_read_only(built: Built) -> None:
    database = built.sql_repo / "data" / "registry.sqlite"
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    records, _ = collect(config(path=str(built.sql_repo)))
    assert records["registry_type"].value == "sql"
    want = expected()
    same: tuple[str, ...] = (
        "feature_views",
        "features",
        "entities",
        "data_sources",
        "feature_services",
        "data_source_kinds",
    )
    same += ("feature_views_served_ratio", "feature_views_with_owner_ratio", "feature_views_with_ttl_ratio")
    for probe in same:
        assert records[probe].value == want[probe], probe
    assert records["feature_view_versions"].value == len(T.VIEWS), "no drafts were applied to this registry"
    assert records["feature_views_materialised_ratio"].value == 0.0
    assert records["latest_materialisation_age_days"].status == EvidenceStatus.unavailable
    assert "no online feature view in scope has been materialised" in records["latest_materialisation_age_days"].reason
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_collecting_writes_nothing(built: Built) -> None:
    def snapshot() -> dict[str, tuple[str, float]]:
        return {
            str(p.relative_to(built.repo)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime)
            for p in sorted(built.repo.rglob("*"))
            if p.is_file()
        }

    before = snapshot()
    collect(config(path=str(built.repo)))
    collect(config(registry=str(built.registry)))
    assert snapshot() == before


class _Planted:
    """Unpickling this touches a file: a transformation planted in a registry by someone who can write to it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (Path.touch, (self.marker,))


def test_no_code_from_the_registry_runs(built: Built, tmp_path: Path) -> None:
    import pickle

    from feast.protos.feast.core.Registry_pb2 import Registry

    registry = Registry()
    registry.ParseFromString(built.registry.read_bytes())
    marker = tmp_path / "transformation-ran"
    planted = pickle.dumps(_Planted(marker))
    source = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\ndef f(df):\n    return df\n"
    for view in registry.on_demand_feature_views:  # Feast execs body_text, then unpickles body
        for udf in (view.spec.feature_transformation.user_defined_function, view.spec.user_defined_function):
            udf.body, udf.body_text = planted, source
    for source in registry.data_sources:
        source.data_source_class_type = "os.system"  # a class Feast would import to rebuild the source
    hostile = tmp_path / "hostile.db"
    hostile.write_bytes(registry.SerializeToString())
    records, _ = collect(config(registry=str(hostile), project=T.PROJECT))
    assert records["on_demand_feature_views"].value == expected()["on_demand_feature_views"]
    assert records["data_sources"].value == len(T.SOURCES)
    assert not marker.exists(), "the planted transformation was unpickled"


# --- faults --------------------------------------------------------------------------------------------------------


def test_broken_targets_give_reasons_and_the_others_complete(built: Built, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "feature_store.yaml").write_text("project: [unclosed\n", encoding="utf-8")
    no_registry = tmp_path / "noregistry"
    no_registry.mkdir()
    (no_registry / "feature_store.yaml").write_text(_yaml("mobility", "data/registry.db", no_registry), "utf-8")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\xff\xfe not a protobuf message \x00\x01" * 10)
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer for ever
    collection = collecting.collect_targets(
        FeastCollector,
        config("good", path=str(built.repo)),
        config("missing", path=str(tmp_path / "nowhere")),
        config("broken", path=str(broken)),
        config("noregistry", path=str(no_registry)),
        config("garbage", registry=str(garbage)),
        config("fifo", registry=str(fifo)),
        config("capped", registry=str(built.registry), max_registry_mb=0.001),
    )
    by = collecting.records_by_target(collection.records)
    assert {r.status for r in by["good"]} == {EvidenceStatus.ok}
    assert {r.status for r in by["missing"]} == {EvidenceStatus.error}
    assert "feature_store.yaml not found" in by["missing"][0].reason
    assert {r.status for r in by["broken"]} == {EvidenceStatus.error}
    assert "is not valid YAML (line" in by["broken"][0].reason
    settings = {"feast.online_store_type", "feast.offline_store_type", "feast.registry_type"}
    assert {r.status for r in by["noregistry"] if r.probe in settings} == {EvidenceStatus.ok}
    failed = [r for r in by["noregistry"] if r.probe not in settings]
    assert {r.status for r in failed} == {EvidenceStatus.error}
    assert "not found (has `feast apply` been run?)" in failed[0].reason
    assert not (no_registry / "data").exists(), "a missing registry is not created"
    garbage_failed = [r for r in by["garbage"] if r.probe not in settings]
    assert {r.status for r in garbage_failed} == {EvidenceStatus.error}
    assert "is not a Feast registry file" in garbage_failed[0].reason
    assert "is not a regular file" in by["fifo"][0].reason and by["fifo"][0].status == EvidenceStatus.error
    assert "larger than max_registry_mb" in by["capped"][0].reason


def test_remote_registries_are_not_read_and_their_credentials_never_leave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sql = tmp_path / "sql"
    sql.mkdir()
    dsn = f"postgresql+psycopg://feast:{PASSWORD}@127.0.0.1:1/registry"
    settings = {
        "project": "mobility",
        "registry": {"registry_type": "sql", "path": dsn},
        "online_store": {"type": "redis", "connection_string": "127.0.0.1:1", "password": PASSWORD + "-redis"},
        "offline_store": {"type": "postgres", "host": "127.0.0.1", "password": "${FEAST_TEST_PG_PASSWORD}"},
    }
    (sql / "feature_store.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    gcs = tmp_path / "gcs"
    gcs.mkdir()
    (gcs / "feature_store.yaml").write_text("project: p\nregistry: gs://bucket/registry.db\n", encoding="utf-8")
    monkeypatch.setenv("FEAST_TEST_PG_PASSWORD", PASSWORD + "-pg")  # expanded from ${...} as Feast does
    collection = collecting.collect_targets(FeastCollector, config("sql", path=str(sql)), config("gcs", path=str(gcs)))
    by = collecting.records_by_target(collection.records)
    for name in ("sql", "gcs"):
        registry_records = [r for r in by[name] if not r.probe.endswith(("_store_type", "registry_type"))]
        assert {r.status for r in registry_records} == {EvidenceStatus.unavailable}
        assert "is not read: only local registries" in registry_records[0].reason
    sql_records = {r.probe: r for r in by["sql"]}
    assert sql_records["feast.registry_type"].value == "sql"
    assert sql_records["feast.online_store_type"].value == "redis"
    assert "***" in sql_records["feast.projects"].reason
    assert "postgresql database ***" in sql_records["feast.registry_type"].summary
    text = "".join(r.model_dump_json() for r in collection.records)
    text += "".join(item.body.decode() + item.url for item in collection.raw.items())
    assert PASSWORD not in text and "Sq1Regi5try" not in text


def test_without_feast_every_registry_probe_is_unavailable(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def no_feast(name: str, package: str | None = None) -> ModuleType:
        if name.split(".")[0] == "feast":
            raise ModuleNotFoundError(f"No module named {name!r}", name="feast")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", no_feast)
    records, _ = collect(config(path=str(built.repo)))
    failed = [r for p, r in records.items() if not p.endswith(("_store_type", "registry_type"))]
    assert {r.status for r in failed} == {EvidenceStatus.unavailable}
    assert "install mlops-maturity with the feast extra" in failed[0].reason


def test_config_needs_one_location_and_resolves_paths_against_the_targets_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="either path"):
        config()
    with pytest.raises(ValidationError, match="either path"):
        config(path="a", registry="b")
    cfg = FeastConfig.model_validate(
        {"collector": "feast", "name": "f", "path": "repos/features"}, context={"base_dir": str(tmp_path)}
    )
    assert cfg.path == (tmp_path / "repos" / "features").resolve()
    assert (cfg.freshness_days, cfg.window_days) == (1.0, 90)


# --- command line --------------------------------------------------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import sys, app.cli; sys.exit(app.cli.main())", *args],
        capture_output=True, text=True, cwd=cwd, timeout=120, check=False,
    )  # fmt: skip


def test_the_cli_collects_a_bundle_without_leaking_the_dsn(built: Built, tmp_path: Path) -> None:
    sql = tmp_path / "sql"
    sql.mkdir()
    dsn = f"postgresql://feast:{PASSWORD}@127.0.0.1:1/registry"
    (sql / "feature_store.yaml").write_text(
        yaml.safe_dump({"project": "p", "registry": {"registry_type": "sql", "path": dsn}}), encoding="utf-8"
    )
    targets = tmp_path / "targets.yaml"
    repo = os.path.relpath(built.repo, tmp_path)
    targets.write_text(
        yaml.safe_dump(
            {
                "targets": [
                    {"collector": "feast", "name": "features", "path": repo},
                    {"collector": "feast", "name": "shared", "path": "sql"},
                ]
            }
        ),
        encoding="utf-8",
    )
    out = _cli("collect", str(targets), "-o", str(tmp_path / "bundle"), cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert PASSWORD not in out.stdout + out.stderr
    bundle = b"".join(p.read_bytes() for p in (tmp_path / "bundle").rglob("*") if p.is_file())
    assert PASSWORD.encode() not in bundle
    records = [json.loads(line) for line in (tmp_path / "bundle" / "records.jsonl").read_text().splitlines()]
    ours = {r["probe"]: r for r in records if r["target"] == "features"}
    assert ours["feast.feature_views"]["value"] == len(T.VIEWS)
    assert ours["feast.feature_services"]["value"] == expected()["feature_services"]
    shared = {r["probe"]: r for r in records if r["target"] == "shared"}
    assert shared["feast.feature_views"]["status"] == "unavailable"


@pytest.mark.parametrize("args", [("--help",), ("evidence", "probes")])
def test_the_cli_starts_without_importing_feast(args: tuple[str, ...]) -> None:
    code = (
        "import json, sys\n"
        f"sys.argv = ['mlops-maturity', *{list(args)!r}]\n"
        "import app.cli\n"
        "try:\n"
        "    app.cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(json.dumps('feast' in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True)
    assert out.stderr.strip().splitlines()[-1] == "false", out.stderr
    if args[0] == "evidence":
        assert "feast.feature_views" in out.stdout, "the catalogue lists the Feast probes"


def test_probe_catalogue_is_complete() -> None:
    ids = FeastCollector.probe_ids()
    assert 20 <= len(ids) <= 35 and len(set(ids)) == len(ids)
    for spec in FeastCollector.probes:
        assert spec.id.startswith("feast.") and spec.short_zh and spec.remediation.text_zh, spec.id
        assert spec.implementation.strip(), spec.id

"""Feast evidence: feature views, entities, data sources, feature services, TTLs and materialisation history read from
a Feast repository's registry.

Two reads feed the probes: feature_store.yaml (store and registry types) and the registry (everything else). If one
fails, only its probes become unavailable/error records. Nothing is written: no `feast apply`, no store is opened, and
a registry that is not local (object storage, a database server, a registry server) is not read at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.feast.catalogue import catalogue
from evidence_collectors.feast.config import FeastConfig
from evidence_collectors.feast.figures import Figures, Missing, P, registry_figures
from evidence_collectors.feast.loading import load
from evidence_collectors.feast.settings import RegistryLocation, RepoSettings, read_settings
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.outcome import Finding, status_of
from evidence_collectors.records import EvidenceRecord, EvidenceStatus

PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))
SETTING_PROBES = (P + "online_store_type", P + "offline_store_type", P + "registry_type")


class FeastCollector(Collector):
    name = "feast"
    version = "1.0.0"
    system = "feast"
    config_model = FeastConfig
    probes = PROBES

    def source_url(self, config: TargetConfig) -> str:
        assert isinstance(config, FeastConfig)
        where = config.path or config.registry
        return where.as_uri() if where is not None and where.is_absolute() else str(where or "")

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, FeastConfig):
            raise TypeError(f"expected a FeastConfig, got {type(config).__name__}")
        settings: RepoSettings | None = None
        project: str | None
        if config.path is not None:
            ctx.progress(f"{config.name}: reading feature_store.yaml")
            settings = read_settings(config.path, ctx.redactor)  # no usable repository: every probe is an error
            location, project = settings.registry, config.project or settings.project
        else:
            assert config.registry is not None
            location = RegistryLocation("file", "file", config.registry, str(config.registry))
            project = config.project
        found: dict[str, Item] = dict(_setting_figures(settings, location))
        found |= self._registry(config, ctx, location, project)
        raw = self._raw_settings(ctx, config, settings, location)
        return self._records(config, ctx, found, raw)

    def _registry(
        self, config: FeastConfig, ctx: CollectContext, location: RegistryLocation, project: str | None
    ) -> dict[str, Item]:
        wanted = [p for p in self.probe_ids() if p not in SETTING_PROBES]
        ctx.progress(f"{config.name}: reading the registry ({location.kind})")
        try:
            loaded = load(location, int(config.max_registry_mb * 1024 * 1024))
            cat = catalogue(loaded.registry, project)
        except (Unavailable, CollectError) as exc:
            return dict.fromkeys(wanted, _Failed(status_of(exc), str(exc)))
        ctx.progress(
            f"{config.name}: feast {loaded.feast_version} imported in {loaded.import_s:.2f} s, "
            f"registry read in {loaded.read_s:.2f} s"
        )
        now = dt.datetime.now(dt.UTC)
        found = registry_figures(cat, now, config.freshness_days, config.window_days)
        projects = found[P + "projects"]
        assert isinstance(projects, Finding)
        found[P + "projects"] = Finding(
            projects.value,
            f"{projects.summary} (feast {loaded.feast_version}: import {loaded.import_s:.1f} s, "
            f"registry read {loaded.read_s:.1f} s)",
        )
        sha = ctx.raw.add(
            ctx.redactor.bytes(json.dumps(_digest(cat), indent=1, default=str, sort_keys=True).encode()),
            url=ctx.redactor(f"feast-registry:{location.shown}"),
            content_type="application/json",
        )
        return {p: _Raw(f, sha) if isinstance(f, Finding) else f for p, f in found.items()}

    def _raw_settings(
        self, ctx: CollectContext, config: FeastConfig, settings: RepoSettings | None, location: RegistryLocation
    ) -> str:
        digest: dict[str, Any] = {"registry_type": location.registry_type, "registry": location.shown}
        if settings is not None:
            digest |= {
                "feature_store_yaml": str(settings.yaml_path),
                "project": settings.project,
                "online_store": settings.online_store,
                "offline_store": settings.offline_store,
            }
        body = ctx.redactor.bytes(json.dumps(digest, indent=1, sort_keys=True).encode())
        return ctx.raw.add(
            body, url=ctx.redactor(f"feast-settings:{config.path or config.registry}"), content_type="application/json"
        )

    def _records(
        self, config: FeastConfig, ctx: CollectContext, found: dict[str, Item], settings_sha: str
    ) -> list[EvidenceRecord]:
        records: list[EvidenceRecord] = []
        for probe in self.probe_ids():
            item = found[probe]
            if isinstance(item, _Failed):
                records += self.failed(config, ctx, item.status, item.reason, [probe])
            elif isinstance(item, Missing):
                records += self.failed(config, ctx, EvidenceStatus.unavailable, item.reason, [probe])
            elif isinstance(item, _Raw):
                records.append(self.record(config, ctx, probe, item.finding.value, item.finding.summary, [item.sha]))
            else:
                assert isinstance(item, Finding)
                records.append(self.record(config, ctx, probe, item.value, item.summary, [settings_sha]))
        return records


@dataclasses.dataclass(frozen=True)
class _Failed:
    status: EvidenceStatus
    reason: str


@dataclasses.dataclass(frozen=True)
class _Raw:
    finding: Finding
    sha: str


Item = Finding | Missing | _Failed | _Raw


def _setting_figures(settings: RepoSettings | None, location: RegistryLocation) -> Figures:
    registry = Finding(location.registry_type, f"registry: {location.shown} ({location.registry_type})")
    if settings is None:
        why = "the target names a registry file, not a repository: store types are set in feature_store.yaml"
        return {
            P + "online_store_type": Missing(why),
            P + "offline_store_type": Missing(why),
            P + "registry_type": registry,
        }

    def store(kind: str, value: str, default: bool) -> Finding:
        said = "not set in feature_store.yaml, Feast's default" if default else "as set in feature_store.yaml"
        return Finding(value, f"{kind} store type {value} ({said})")

    return {
        P + "online_store_type": store("online", settings.online_store, settings.online_default),
        P + "offline_store_type": store("offline", settings.offline_store, settings.offline_default),
        P + "registry_type": registry,
    }


def _digest(cat: Any) -> dict[str, Any]:
    """What the figures were computed from, for the raw evidence: the catalogue as plain data."""
    return dataclasses.asdict(cat)

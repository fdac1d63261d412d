"""The registry's objects of the projects in scope, as plain values: the probes are computed from these, never from
the protobuf messages, so the figures can be tested and audited without Feast.

Each field names the message field it comes from (feast/protos/feast/core/*.proto).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from evidence_collectors.http import CollectError

NO_TYPE = ("INVALID", "UNKNOWN", "NULL")  # ValueType.Enum values that declare no type


@dataclass(frozen=True)
class Feature:
    name: str  # FeatureSpecV2.name
    value_type: str  # FeatureSpecV2.value_type (ValueType.Enum name)
    description: str  # FeatureSpecV2.description


@dataclass(frozen=True)
class View:
    """A feature view of one kind: `batch` (FeatureView), `stream` (StreamFeatureView), `on_demand`
    (OnDemandFeatureView)."""

    project: str
    name: str
    kind: str
    description: str  # spec.description
    owner: str  # spec.owner
    tags: dict[str, str]  # spec.tags
    ttl_s: float | None  # spec.ttl (None for on-demand views, which have none)
    features: tuple[Feature, ...]  # spec.features, less the join keys in spec.entity_columns
    online: bool  # spec.online (on-demand views: False, they are computed at request time)
    materialised_to: tuple[dt.datetime, ...]  # meta.materialization_intervals[].end_time
    created: dt.datetime | None  # meta.created_timestamp
    updated: dt.datetime | None  # meta.last_updated_timestamp
    transformation: str = ""  # on-demand: spec.feature_transformation (which transformation) or spec.mode
    sources: tuple[str, ...] = ()  # spec.batch_source/stream_source names, spec.source_views; on-demand: spec.sources

    @property
    def label(self) -> str:
        return f"{self.project}/{self.name}"


@dataclass(frozen=True)
class Source:
    project: str  # DataSource.project
    name: str  # DataSource.name
    kind: str  # DataSource.type (SourceType enum name, lower case)
    timestamp_field: str  # DataSource.timestamp_field
    created: dt.datetime | None  # DataSource.meta.created_timestamp


@dataclass(frozen=True)
class Service:
    project: str
    name: str
    views: frozenset[str]  # spec.features[].feature_view_name
    created: dt.datetime | None
    # (feature_view_name, feature_columns[].name) of spec.features[]; a projection without columns takes its view whole
    columns: frozenset[tuple[str, str]] = frozenset()
    whole: frozenset[str] = frozenset()
    pinned: bool = False  # every spec.features[] projection names a feature view version (version_tag)


@dataclass(frozen=True)
class Catalogue:
    projects: tuple[str, ...]
    views: tuple[View, ...]
    sources: tuple[Source, ...]
    entities: tuple[tuple[str, str, dt.datetime | None], ...]  # project, name, meta.created_timestamp
    services: tuple[Service, ...]
    version_records: tuple[tuple[str, str, int], ...]  # project, feature view, version number
    saved_datasets: int
    project_created: tuple[dt.datetime, ...] = field(default=())  # Project.meta.created_timestamp


def catalogue(registry: Any, project: str | None) -> Catalogue:
    """The objects of `project` (every project of the registry when None); CollectError if the registry does not
    know the project, so that an empty scope is never reported as zero feature views."""
    known = _projects(registry)
    if project is not None and project not in known:
        listed = ", ".join(sorted(known)) or "none"
        raise CollectError(f"project {project!r} is not in the registry (projects there: {listed})")
    scope = {project} if project is not None else known

    def ours(name: str) -> bool:
        return name in scope

    views = [_view(p, "batch") for p in registry.feature_views if ours(p.spec.project)]
    views += [_view(p, "stream") for p in registry.stream_feature_views if ours(p.spec.project)]
    views += [_on_demand(p) for p in registry.on_demand_feature_views if ours(p.spec.project)]
    sources = [
        Source(p.project, p.name, _enum_name(p, "type").lower(), p.timestamp_field, _time(p.meta, "created_timestamp"))
        for p in registry.data_sources
        if ours(p.project)
    ]
    services = [
        Service(
            p.spec.project,
            p.spec.name,
            frozenset(f.feature_view_name for f in p.spec.features),
            _time(p.meta, "created_timestamp"),
            frozenset((f.feature_view_name, c.name) for f in p.spec.features for c in f.feature_columns),
            frozenset(f.feature_view_name for f in p.spec.features if not f.feature_columns),
            bool(p.spec.features) and all(_pins(f) for f in p.spec.features),
        )
        for p in registry.feature_services
        if ours(p.spec.project)
    ]
    entities = [
        (p.spec.project, p.spec.name, _time(p.meta, "created_timestamp"))
        for p in registry.entities
        if ours(p.spec.project)
    ]
    versions = [
        (r.project_id, r.feature_view_name, r.version_number)
        for r in registry.feature_view_version_history.records
        if ours(r.project_id)
    ]
    created = [_time(p.meta, "created_timestamp") for p in registry.projects if ours(p.spec.name)]
    return Catalogue(
        projects=tuple(sorted(scope)),
        views=tuple(sorted(views, key=lambda v: (v.project, v.name))),
        sources=tuple(sorted(sources, key=lambda s: (s.project, s.name))),
        entities=tuple(sorted(entities, key=lambda e: (e[0], e[1]))),
        services=tuple(sorted(services, key=lambda s: (s.project, s.name))),
        version_records=tuple(sorted(versions)),
        saved_datasets=sum(1 for p in registry.saved_datasets if ours(p.spec.project)),
        project_created=tuple(t for t in created if t is not None),
    )


def _projects(registry: Any) -> set[str]:
    """Projects the registry lists (Registry.projects), and those its objects name (registries written before Feast
    kept a project list)."""
    names = {p.spec.name for p in registry.projects} | {p.project for p in registry.project_metadata}
    names |= {p.spec.project for p in registry.feature_views} | {p.spec.project for p in registry.entities}
    names |= {p.spec.project for p in registry.on_demand_feature_views}
    names |= {p.spec.project for p in registry.stream_feature_views}
    return {n for n in names if n}


def _view(proto: Any, kind: str) -> View:
    spec, meta = proto.spec, proto.meta
    ttl = spec.ttl.seconds + spec.ttl.nanos / 1e9 if spec.HasField("ttl") else 0.0
    return View(
        project=spec.project,
        name=spec.name,
        kind=kind,
        description=spec.description,
        owner=spec.owner,
        tags=dict(spec.tags),
        ttl_s=ttl,
        features=_features(spec.features, {c.name for c in spec.entity_columns}),
        online=bool(spec.online),
        materialised_to=tuple(
            t for t in (_time(i, "end_time") for i in meta.materialization_intervals) if t is not None
        ),
        created=_time(meta, "created_timestamp"),
        updated=_time(meta, "last_updated_timestamp"),
        sources=_source_names(spec),
    )


def _pins(projection: Any) -> bool:
    """Whether a FeatureViewProjection names the feature view version it uses (version_tag, Feast 0.67 and later)."""
    return "version_tag" in projection.DESCRIPTOR.fields_by_name and projection.HasField("version_tag")


def _source_names(spec: Any) -> tuple[str, ...]:
    """The names of the data a batch or stream view is computed from: its batch and stream sources, and the views it is
    built on (spec.source_views, where the message has the field)."""
    names = [getattr(spec, f).name for f in ("batch_source", "stream_source") if spec.HasField(f)]
    if "source_views" in spec.DESCRIPTOR.fields_by_name:
        names += [v.name for v in spec.source_views]
    return tuple(n for n in names if n)


def _on_demand(proto: Any) -> View:
    spec, meta = proto.spec, proto.meta
    transformation = ""
    if spec.HasField("feature_transformation"):
        transformation = spec.feature_transformation.WhichOneof("transformation") or ""
    return View(
        project=spec.project,
        name=spec.name,
        kind="on_demand",
        description=spec.description,
        owner=spec.owner,
        tags=dict(spec.tags),
        ttl_s=None,
        features=_features(spec.features),
        online=False,
        materialised_to=(),
        created=_time(meta, "created_timestamp"),
        updated=_time(meta, "last_updated_timestamp"),
        transformation=spec.mode or transformation,
        sources=tuple(name for name in spec.sources if name),
    )


def _features(specs: Any, join_keys: set[str] | frozenset[str] = frozenset()) -> tuple[Feature, ...]:
    """The features of a view, less its entities' join keys (spec.entity_columns): a stream feature view lists them
    among its features, and a join key is not a feature."""
    return tuple(Feature(f.name, _enum_name(f, "value_type"), f.description) for f in specs if f.name not in join_keys)


def _enum_name(message: Any, name: str) -> str:
    descriptor = message.DESCRIPTOR.fields_by_name[name].enum_type
    number = getattr(message, name)
    value = descriptor.values_by_number.get(number)
    return str(value.name) if value is not None else f"UNKNOWN_{number}"


def _time(message: Any, name: str) -> dt.datetime | None:
    """A google.protobuf.Timestamp field as an aware UTC time; None when it is not set."""
    if not message.HasField(name):
        return None
    stamp = getattr(message, name)
    if not stamp.seconds and not stamp.nanos:
        return None
    try:
        return dt.datetime.fromtimestamp(stamp.seconds + stamp.nanos / 1e9, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):  # seconds beyond any calendar year: no usable time
        return None


def has_type(feature: Feature) -> bool:
    return feature.value_type not in NO_TYPE and not feature.value_type.startswith("UNKNOWN_")

"""The registry probes, computed from the catalogue of the projects in scope. Facts only: counts, shares, ages.

A share over an empty population is 0.0 and its summary says there was nothing to count. A figure that does not
exist (the age of the latest materialisation when nothing was ever materialised) is `Missing`, which becomes an
`unavailable` record with the reason, never a number that could pass or fail a check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from evidence_collectors.feast.catalogue import Catalogue, Feature, View, has_type
from evidence_collectors.outcome import Finding, of, ratio, sample

P = "feast."
DUMMY_ENTITY = "__dummy"  # the entity Feast adds for feature views without one; not one the team declared


@dataclass(frozen=True)
class Missing:
    reason: str


Figures = dict[str, Finding | Missing]


def registry_figures(cat: Catalogue, now: dt.datetime, freshness_days: float, window_days: int) -> Figures:
    found: Figures = {}
    found |= _counts(cat)
    found |= _documentation(cat)
    found |= _schemas(cat)
    found |= _serving(cat)
    found |= _materialisation(cat, now, freshness_days)
    found |= _history(cat, now, window_days)
    return found


def _kinds(views: Iterable[View]) -> str:
    tally = {"batch": 0, "stream": 0, "on_demand": 0}
    for view in views:
        tally[view.kind] += 1
    return f"{tally['batch']} batch, {tally['stream']} stream, {tally['on_demand']} on-demand"


def _counts(cat: Catalogue) -> Figures:
    views = cat.views
    features = sum(len(v.features) for v in views)
    entities = [e for e in cat.entities if e[1] != DUMMY_ENTITY]
    kinds = sorted({s.kind for s in cat.sources})
    stamped = [s for s in cat.sources if s.kind != "request_source"]
    with_field = [s for s in stamped if s.timestamp_field]
    scope = f"in project(s) {', '.join(cat.projects)}"
    by_kind = {k: [v for v in views if v.kind == k] for k in ("batch", "stream", "on_demand")}
    return {
        P + "projects": Finding(list(cat.projects), f"{len(cat.projects)} project(s) read: {sample(cat.projects)}"),
        P + "feature_views": Finding(len(views), f"{len(views)} feature view(s) {scope}: {_kinds(views)}"),
        P + "batch_feature_views": Finding(
            len(by_kind["batch"]), f"{len(by_kind['batch'])} batch feature view(s): {_names(by_kind['batch'])}"
        ),
        P + "stream_feature_views": Finding(
            len(by_kind["stream"]), f"{len(by_kind['stream'])} stream feature view(s): {_names(by_kind['stream'])}"
        ),
        P + "on_demand_feature_views": Finding(
            len(by_kind["on_demand"]),
            f"{len(by_kind['on_demand'])} on-demand feature view(s) (request-time transformations): "
            f"{_names(by_kind['on_demand'])}",
        ),
        P + "features": Finding(features, f"{features} feature(s) in {len(views)} feature view(s) {scope}"),
        P + "entities": Finding(
            len(entities), f"{len(entities)} entit(y/ies) {scope}: {sample(e[0] + '/' + e[1] for e in entities)}"
        ),
        P + "data_sources": Finding(len(cat.sources), f"{len(cat.sources)} data source(s) {scope}"),
        P + "data_source_kinds": Finding(
            kinds, f"data source kinds: {', '.join(kinds) or 'none'} ({len(cat.sources)} source(s))"
        ),
        P + "data_sources_with_timestamp_field_ratio": Finding(
            ratio(len(with_field), len(stamped)),
            f"{of(len(with_field), len(stamped))} data source(s) other than request sources name an event "
            f"timestamp field" + _failing(stamped, with_field),
        ),
    }


def _names(views: list[View]) -> str:
    return sample(v.label for v in views) or "none"


def _failing(population: Iterable[object], passing: Iterable[object]) -> str:
    ok = {id(p) for p in passing}
    names = [str(getattr(p, "project", "")) + "/" + str(getattr(p, "name", "")) for p in population if id(p) not in ok]
    return f"; not: {sample(names, 10)}" if names else ""


def _share(views: list[View], holds: Callable[[View], bool], statement: str) -> Finding:
    passing = [v for v in views if holds(v)]
    return Finding(
        ratio(len(passing), len(views)), f"{of(len(passing), len(views))} {statement}" + _failing(views, passing)
    )


def _documentation(cat: Catalogue) -> Figures:
    views = list(cat.views)
    stored = [v for v in views if v.kind != "on_demand"]
    described = [v for v in views if v.features]
    return {
        P + "feature_views_with_description_ratio": _share(
            views, lambda v: bool(v.description.strip()), "feature view(s) have a description"
        ),
        P + "feature_views_with_owner_ratio": _share(
            views, lambda v: bool(v.owner.strip()), "feature view(s) name an owner"
        ),
        P + "feature_views_with_tags_ratio": _share(views, lambda v: bool(v.tags), "feature view(s) carry tags"),
        P + "feature_views_with_ttl_ratio": _share(
            stored, lambda v: bool(v.ttl_s), "batch/stream feature view(s) set a non-zero TTL"
        ),
        P + "feature_views_with_feature_descriptions_ratio": _share(
            described,
            lambda v: all(f.description.strip() for f in v.features),
            "feature view(s) with features describe every feature",
        ),
    }


def _schemas(cat: Catalogue) -> Figures:
    features = [f for v in cat.views for f in v.features]
    typed = [f for f in features if has_type(f)]
    return {
        P + "features_with_value_type_ratio": Finding(
            ratio(len(typed), len(features)), f"{of(len(typed), len(features))} feature(s) declare a value type"
        ),
        P + "feature_views_with_schema_ratio": _share(
            list(cat.views),
            lambda v: bool(v.features) and all(has_type(f) for f in v.features),
            "feature view(s) declare a schema (at least one feature, every feature typed)",
        ),
    }


def _serving(cat: Catalogue) -> Figures:
    served = {(s.project, name) for s in cat.services for name in s.views}
    return {
        P + "feature_services": Finding(
            len(cat.services),
            f"{len(cat.services)} feature service(s): {sample(s.name for s in cat.services) or 'none'}",
        ),
        P + "feature_views_served_ratio": _share(
            list(cat.views), lambda v: (v.project, v.name) in served, "feature view(s) are part of a feature service"
        ),
        P + "features_inventoried_ratio": _inventory(cat),
        P + "feature_services_pinning_versions_ratio": _pinning(cat),
    }


def _pinning(cat: Catalogue) -> Finding:
    pinned = [s for s in cat.services if s.pinned]
    text = (
        f"{of(len(pinned), len(cat.services))} feature service(s) name the feature view version of every view they use"
    )
    loose = sorted(f"{s.project}/{s.name}" for s in cat.services if not s.pinned)
    if loose:
        text += f"; not: {sample(loose, 10)}"
    return Finding(ratio(len(pinned), len(cat.services)), text)


def _inventory(cat: Catalogue) -> Finding:
    """Features whose meaning, data source and using feature service the registry records (see the catalogue)."""
    used = {(s.project, view, name) for s in cat.services for view, name in s.columns}
    whole = {(s.project, view) for s in cat.services for view in s.whole}
    rows = [(v, f) for v in cat.views for f in v.features]

    def recorded(view: View, feature: Feature) -> bool:
        meaning = feature.description.strip() or (view.kind == "on_demand" and view.description.strip())
        served = (view.project, view.name, feature.name) in used or (view.project, view.name) in whole
        return bool(meaning) and bool(view.sources) and served

    kept = [(v, f) for v, f in rows if recorded(v, f)]
    text = f"{of(len(kept), len(rows))} feature(s) record a meaning, a data source and a feature service that uses them"
    missing = [f"{v.label}.{f.name}" for v, f in rows if not recorded(v, f)]
    if missing:
        text += f"; not: {sample(missing, 10)}"
    return Finding(ratio(len(kept), len(rows)), text)


def _materialisation(cat: Catalogue, now: dt.datetime, freshness_days: float) -> Figures:
    online = [v for v in cat.views if v.kind != "on_demand" and v.online]
    ends = [max(v.materialised_to) for v in online if v.materialised_to]
    cutoff = now - dt.timedelta(days=freshness_days)
    found: Figures = {
        P + "feature_views_materialised_ratio": _share(
            online, lambda v: bool(v.materialised_to), "online batch/stream feature view(s) have been materialised"
        ),
        P + "feature_views_fresh_ratio": _share(
            online,
            lambda v: bool(v.materialised_to) and max(v.materialised_to) >= cutoff,
            f"online batch/stream feature view(s) were materialised up to within {freshness_days:g} day(s) of now",
        ),
    }
    if ends:
        latest = max(ends)
        age = round(max(0.0, (now - latest).total_seconds()) / 86400, 2)
        found[P + "latest_materialisation_age_days"] = Finding(
            age, f"latest materialisation reached {latest.isoformat(timespec='seconds')}, {age} day(s) ago"
        )
    else:
        found[P + "latest_materialisation_age_days"] = Missing(
            f"no online feature view in scope has been materialised ({len(online)} online batch/stream view(s))"
        )
    return found


def _history(cat: Catalogue, now: dt.datetime, window_days: int) -> Figures:
    since = now - dt.timedelta(days=window_days)
    changed = [v for v in cat.views if v.updated is not None and v.updated >= since]
    versioned = {(p, n) for p, n, _ in cat.version_records}
    stamps = [v.created for v in cat.views] + [s.created for s in cat.sources] + [s.created for s in cat.services]
    stamps += [e[2] for e in cat.entities] + list(cat.project_created)
    known = [t for t in stamps if t is not None]
    found: Figures = {
        P + "feature_view_versions": Finding(
            len(cat.version_records),
            f"{len(cat.version_records)} version record(s) of {len(versioned)} feature view(s) in the registry's "
            "feature view version history",
        ),
        P + "feature_views_with_version_history_ratio": _share(
            list(cat.views),
            lambda v: (v.project, v.name) in versioned,
            "feature view(s) have a version record in the registry's feature view version history",
        ),
        P + "feature_views_changed_in_window": Finding(
            len(changed),
            f"{len(changed)} of {len(cat.views)} feature view(s) created or changed in the last "
            f"{window_days} days: {_names(changed)}",
        ),
        P + "saved_datasets": Finding(cat.saved_datasets, f"{cat.saved_datasets} saved dataset(s) in the registry"),
    }
    if known:
        first = min(known)
        age = round(max(0.0, (now - first).total_seconds()) / 86400, 2)
        found[P + "registry_age_days"] = Finding(
            age, f"oldest object in scope created {first.isoformat(timespec='seconds')}, {age} day(s) ago"
        )
    else:
        found[P + "registry_age_days"] = Missing("no object in scope carries a creation time")
    return found

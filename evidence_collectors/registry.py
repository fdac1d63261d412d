"""Collectors are found through the entry-point group `mlops_maturity.collectors`: installing a package adds one.

A collector's module is imported only when it is used: `collect` on one git target imports the git collector and
nothing else (importing every collector costs more CPU than a small repository's whole collection). Listing the
catalogue or the load errors imports them all.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from functools import cache
from importlib.metadata import EntryPoint, entry_points

from evidence_collectors.base import Collector, ProbeSpec

GROUP = "mlops_maturity.collectors"


class LazyCollectors(dict[str, type[Collector]]):
    """Name -> collector class, sorted by name; a class is imported on first access by name (`[]`, `in`, `get`).
    Iterating, `len`, `keys`, `values` and `items` import every collector first. An entry point that fails to load is
    absent (see `load_errors`)."""

    def __init__(self, points: dict[str, EntryPoint]) -> None:
        super().__init__()
        self._points = points
        self._errors: dict[str, str] = {}
        self._complete = False

    def _load(self, name: str) -> type[Collector] | None:
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        point = self._points.get(name)
        if point is None or name in self._errors:
            return None
        try:
            cls = point.load()
        except Exception as exc:  # a broken third-party plug-in must not take the others down
            self._errors[name] = f"collector entry point '{name}' failed to load: {type(exc).__name__}: {exc}"
            return None
        if not (isinstance(cls, type) and issubclass(cls, Collector)):
            self._errors[name] = f"entry point '{name}' is not a Collector subclass"
            return None
        loaded = {n: dict.__getitem__(self, n) for n in list(dict.keys(self))}
        loaded[name] = cls
        dict.clear(self)
        dict.update(self, sorted(loaded.items()))  # keep name order whatever the order of loading
        return cls

    def __missing__(self, name: str) -> type[Collector]:
        cls = self._load(name)
        if cls is None:
            raise KeyError(name)
        return cls

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._load(name) is not None

    def get(self, name: str, default: type[Collector] | None = None) -> type[Collector] | None:  # type: ignore[override]
        return self._load(name) or default

    def load_all(self) -> None:
        if not self._complete:
            for name in self._points:
                self._load(name)
            self._complete = True

    def __iter__(self) -> Iterator[str]:
        self.load_all()
        return super().__iter__()

    def __len__(self) -> int:
        self.load_all()
        return super().__len__()

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self.load_all()
        return super().keys()

    def values(self) -> ValuesView[type[Collector]]:  # type: ignore[override]
        self.load_all()
        return super().values()

    def items(self) -> ItemsView[str, type[Collector]]:  # type: ignore[override]
        self.load_all()
        return super().items()

    def errors(self) -> tuple[str, ...]:
        return tuple(self._errors[n] for n in self._points if n in self._errors)


@cache
def _collectors() -> LazyCollectors:
    points = {ep.name: ep for ep in entry_points(group=GROUP)}
    points.setdefault(
        "scorecard", EntryPoint("scorecard", "evidence_collectors.scorecard.collector:ScorecardCollector", GROUP)
    )
    points.setdefault(
        "evidently", EntryPoint("evidently", "evidence_collectors.evidently.collector:EvidentlyCollector", GROUP)
    )
    return LazyCollectors(dict(sorted(points.items())))


def installed_collectors() -> dict[str, type[Collector]]:
    """Name -> collector class for every installed collector that loads (imported when first used)."""
    return _collectors()


def collector_class(name: str) -> type[Collector] | None:
    """One collector's class, importing only its module."""
    return _collectors()._load(name)


def load_errors() -> tuple[str, ...]:
    """Entry points that could not be loaded, to show the user rather than fail every command. Only entry points
    already used have been tried: call `probe_catalogue` first to try them all."""
    return _collectors().errors()


def probe_catalogue() -> dict[str, ProbeSpec]:
    """Every probe id offered by the installed collectors."""
    return {p.id: p for cls in _collectors().values() for p in cls.probes}

"""Collectors are found through the entry-point group `mlops_maturity.collectors`: installing a package adds one."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from evidence_collectors.base import Collector, ProbeSpec

GROUP = "mlops_maturity.collectors"


@cache
def _discover() -> tuple[dict[str, type[Collector]], tuple[str, ...]]:
    found: dict[str, type[Collector]] = {}
    errors: list[str] = []
    for ep in entry_points(group=GROUP):
        try:
            cls = ep.load()
        except Exception as exc:  # a broken third-party plug-in must not take the others down
            errors.append(f"collector entry point '{ep.name}' failed to load: {type(exc).__name__}: {exc}")
            continue
        if not (isinstance(cls, type) and issubclass(cls, Collector)):
            errors.append(f"entry point '{ep.name}' is not a Collector subclass")
            continue
        found[cls.name] = cls
    return dict(sorted(found.items())), tuple(errors)


def installed_collectors() -> dict[str, type[Collector]]:
    """Name -> collector class for every installed collector that loads."""
    return _discover()[0]


def load_errors() -> tuple[str, ...]:
    """Entry points that could not be loaded, to show the user rather than fail every command."""
    return _discover()[1]


def probe_catalogue() -> dict[str, ProbeSpec]:
    """Every probe id offered by the installed collectors."""
    return {p.id: p for cls in installed_collectors().values() for p in cls.probes}

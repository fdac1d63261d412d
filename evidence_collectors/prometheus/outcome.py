"""Per-endpoint outcomes, so one failing endpoint only costs the probes computed from it.

Shared with the Grafana collector: both read several independent endpoints of one service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from evidence_collectors.base import CollectContext, Collector
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.records import EvidenceRecord, EvidenceStatus, ProbeValue

T = TypeVar("T")


@dataclass(frozen=True)
class Finding:
    """One probe's value and the one-line summary an auditor reads."""

    value: ProbeValue
    summary: str


@dataclass
class Fetched(Generic[T]):
    """What one endpoint gave: a parsed value and the hashes of its raw responses, or why it could not be read."""

    value: T | None = None
    raw: list[str] = field(default_factory=list)
    error: Unavailable | CollectError | None = None

    @classmethod
    def run(cls, fetch: Callable[[], tuple[T, list[str]]]) -> Fetched[T]:
        try:
            value, raw = fetch()
        except (Unavailable, CollectError) as exc:
            return cls(error=exc)
        return cls(value=value, raw=raw)

    def get(self) -> T:
        """The value; re-raises the endpoint's failure so the probes depending on it fail with the same reason."""
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value


Compute = Callable[[], tuple[dict[str, Finding], Iterable[str]]]


def section(
    collector: Collector, config: TargetConfig, ctx: CollectContext, probes: Iterable[str], compute: Compute
) -> list[EvidenceRecord]:
    """Records for a group of probes computed together; if their data cannot be had, each gets the reason."""
    wanted = list(probes)
    try:
        findings, raw = compute()
    except Unavailable as exc:
        return collector.failed(config, ctx, EvidenceStatus.unavailable, str(exc), wanted)
    except CollectError as exc:
        return collector.failed(config, ctx, EvidenceStatus.error, str(exc), wanted)
    raw = list(raw)
    missing = set(wanted) - set(findings)
    assert not missing, f"section computed no finding for {sorted(missing)}"
    return [collector.record(config, ctx, p, findings[p].value, findings[p].summary, raw) for p in wanted]


def ratio(part: int, whole: int) -> float:
    """Share of a population; 0.0 for an empty one (the summary then says there were none)."""
    return round(part / whole, 4) if whole else 0.0


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def sample(items: Iterable[str], limit: int = 5) -> str:
    """A few items for a summary line, saying how many more there are."""
    items = list(items)
    shown = ", ".join(items[:limit])
    return f"{shown}, … (+{len(items) - limit})" if len(items) > limit else shown

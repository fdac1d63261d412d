"""Per-endpoint outcomes, so that one failing endpoint only costs the probes computed from it."""

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
    """A parsed value and the hashes of the raw answers it came from, or why it could not be had."""

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
        """The value; re-raises the failure so every probe depending on it fails with the same reason."""
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value


Compute = Callable[[], tuple[dict[str, Finding], Iterable[str]]]


def section(
    collector: Collector, config: TargetConfig, ctx: CollectContext, probes: Iterable[str], compute: Compute
) -> list[EvidenceRecord]:
    """Records for probes computed together; when their data cannot be had, each gets the reason instead."""
    wanted = list(probes)
    try:
        findings, raw = compute()
    except Unavailable as exc:
        return collector.failed(config, ctx, EvidenceStatus.unavailable, str(exc), wanted)
    except CollectError as exc:
        return collector.failed(config, ctx, EvidenceStatus.error, str(exc), wanted)
    raw = list(raw)
    missing = set(wanted) - set(findings)
    assert not missing, f"no finding computed for {sorted(missing)}"
    return [collector.record(config, ctx, p, findings[p].value, findings[p].summary, raw) for p in wanted]


def ratio(part: int, whole: int) -> float:
    """Share of a population; 0.0 for an empty one (the summary then says there was nothing to count)."""
    return round(part / whole, 4) if whole else 0.0


def share(part: int, whole: int, noun: str, predicate: str) -> str:
    """'412 of 430 runs (95.8%) carry a git commit tag', or a plain statement when there is nothing to count."""
    if not whole:
        return f"no {noun} to check, so 0 {predicate}"
    return f"{part} of {whole} {noun} ({100 * part / whole:.1f}%) {predicate}"


def sample(items: Iterable[str], limit: int = 5) -> str:
    """A few items for a summary line, saying how many more there are."""
    items = list(items)
    shown = ", ".join(items[:limit])
    return f"{shown}, … (+{len(items) - limit})" if len(items) > limit else shown

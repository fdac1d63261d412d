"""Findings and how they become records, shared by the collectors.

A collector computes its probes in groups ("sections"), each from the data of one or a few reads, so that one failing
read only costs the probes computed from it: those get the reason instead of a value. Two shapes of finding exist:
`Finding` (value and summary, keyed by probe id; the raw hashes belong to the whole group) and `ProbeFinding`, which
names its probe and carries its own raw hashes and source URL.

Also here: the small formatters the one-line summaries are written with.
"""

from __future__ import annotations

from collections import Counter
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


@dataclass(frozen=True)
class ProbeFinding:
    """A finding that names its probe, the raw responses it was computed from, and where they were read."""

    probe: str
    value: ProbeValue
    summary: str
    raw: tuple[str, ...] = ()
    url: str | None = None


@dataclass
class Fetched(Generic[T]):
    """What one read gave: a parsed value and the hashes of its raw responses, or why it could not be had."""

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
        """The value; re-raises the read's failure so every probe depending on it fails with the same reason."""
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value


Computed = tuple[dict[str, Finding], list[str]]
Compute = Callable[[], tuple[dict[str, Finding], Iterable[str]]]


# --- records -------------------------------------------------------------------------------------------------------


def status_of(exc: Unavailable | CollectError) -> EvidenceStatus:
    """No usable answer from the system (unreachable, timed out, 5xx) is `unavailable`; an unusable one, `error`."""
    return EvidenceStatus.unavailable if isinstance(exc, Unavailable) else EvidenceStatus.error


def section(
    collector: Collector, config: TargetConfig, ctx: CollectContext, probes: Iterable[str], compute: Compute
) -> list[EvidenceRecord]:
    """Records for a group of probes computed together; if their data cannot be had, each gets the reason."""
    wanted = list(probes)
    try:
        findings, raw = compute()
    except (Unavailable, CollectError) as exc:
        return collector.failed(config, ctx, status_of(exc), str(exc), wanted)
    raw = list(raw)
    missing = set(wanted) - set(findings)
    assert not missing, f"section computed no finding for {sorted(missing)}"
    return [collector.record(config, ctx, p, findings[p].value, findings[p].summary, raw) for p in wanted]


def sections(
    collector: Collector, config: TargetConfig, ctx: CollectContext, groups: Iterable[tuple[Iterable[str], Compute]]
) -> list[EvidenceRecord]:
    """The records of every (probes, compute) group, in catalogue order."""
    records = [r for probes, compute in groups for r in section(collector, config, ctx, probes, compute)]
    return in_catalogue_order(collector, records)


def in_catalogue_order(collector: Collector, records: list[EvidenceRecord]) -> list[EvidenceRecord]:
    order = {probe: n for n, probe in enumerate(collector.probe_ids())}
    return sorted(records, key=lambda r: order[r.probe])


def recorded(
    collector: Collector, config: TargetConfig, ctx: CollectContext, findings: Iterable[ProbeFinding]
) -> list[EvidenceRecord]:
    return [collector.record(config, ctx, f.probe, f.value, f.summary, f.raw, f.url) for f in findings]


def failed_read(
    collector: Collector,
    config: TargetConfig,
    ctx: CollectContext,
    what: str,
    probes: Iterable[str],
    exc: Unavailable | CollectError,
) -> list[EvidenceRecord]:
    """Records for probes whose read of `what` failed, the reason naming it."""
    return collector.failed(config, ctx, status_of(exc), f"{what}: {exc}", probes)


def probe_section(
    collector: Collector,
    config: TargetConfig,
    ctx: CollectContext,
    what: str,
    probes: tuple[str, ...],
    compute: Callable[[], list[ProbeFinding]],
) -> list[EvidenceRecord]:
    """Run one group of probes; if its reads fail, only this group becomes unavailable/error records."""
    try:
        findings = compute()
    except (Unavailable, CollectError) as exc:
        return failed_read(collector, config, ctx, what, probes, exc)
    if sorted(f.probe for f in findings) != sorted(probes):
        raise AssertionError(f"{what}: computed {sorted(f.probe for f in findings)}, expected {sorted(probes)}")
    return recorded(collector, config, ctx, findings)


# --- summary figures -----------------------------------------------------------------------------------------------


def ratio(part: int, whole: int) -> float:
    """Share of a population; 0.0 for an empty one (the summary then says there was nothing to count)."""
    return round(part / whole, 4) if whole else 0.0


def percent(part: int, whole: int) -> str:
    """'95.8%', or 'n/a' when there is nothing to count."""
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def of(part: int, whole: int) -> str:
    """'412 of 430 (95.8%)', or '0 of 0'."""
    return f"{part} of {whole} ({100 * part / whole:.1f}%)" if whole else "0 of 0"


def share(part: int, whole: int, noun: str, predicate: str) -> str:
    """'412 of 430 runs (95.8%) carry a git commit tag', or a plain statement when there is nothing to count."""
    if not whole:
        return f"no {noun} to check, so 0 {predicate}"
    return f"{part} of {whole} {noun} ({100 * part / whole:.1f}%) {predicate}"


def counts(values: Iterable[str | None], missing: str = "none") -> str:
    """'5 success, 2 failure, 1 none': how often each value occurs, most frequent first."""
    tally = Counter(v or missing for v in values)
    return ", ".join(f"{n} {k}" for k, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"


def sample(items: Iterable[str], limit: int = 5) -> str:
    """A few items for a summary line, saying how many more there are."""
    items = list(items)
    shown = ", ".join(items[:limit])
    return f"{shown}, … (+{len(items) - limit})" if len(items) > limit else shown


def share_finding(
    probe: str,
    population: Iterable[T],
    holds: Callable[[T], bool],
    statement: str,
    source: tuple[tuple[str, ...], str],
    label: Callable[[T], str] | None = None,
    missing: str = "not",
) -> ProbeFinding:
    """The share of `population` for which `holds` is true, as a probe finding.

    The summary is '<n of m (p%)> <statement>', followed by up to ten labels of the members that fail
    ('; not: #12, #15') when `label` is given: the reader sees which merges or runs to look at.
    """
    raw, url = source
    members = list(population)
    failing = [m for m in members if not holds(m)]
    passed = len(members) - len(failing)
    text = f"{of(passed, len(members))} {statement}"
    if label is not None and failing:
        text += f"; {missing}: {', '.join(sorted(label(m) for m in failing)[:10])}"
    return ProbeFinding(probe, ratio(passed, len(members)), text, raw, url)

"""Run the collectors for every target at once; a target that fails only costs its own evidence."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.secrets import Redactor, SecretError
from evidence_collectors.targets import Target


@dataclass
class Collection:
    records: list[EvidenceRecord]
    raw: RawStore
    redactor: Redactor


def _collect_one(target: Target, ctx: CollectContext) -> list[EvidenceRecord]:
    collector = target.collector()
    config = target.config
    try:
        return collector.collect(config, ctx)
    except Unavailable as exc:
        return collector.failed(config, ctx, EvidenceStatus.unavailable, str(exc))
    except (CollectError, SecretError) as exc:
        return collector.failed(config, ctx, EvidenceStatus.error, str(exc))
    except Exception as exc:  # a collector bug must not stop the other targets
        return collector.failed(config, ctx, EvidenceStatus.error, f"collector failed: {type(exc).__name__}: {exc}")


def collect(
    targets: list[Target], *, workers: int = 4, on_done: Callable[[Target, list[EvidenceRecord]], None] | None = None
) -> Collection:
    """Collect every target concurrently; records come back in targets-file order."""
    raw, redactor = RawStore(), Redactor()
    ctx = CollectContext(raw=raw, redactor=redactor)
    results: dict[int, list[EvidenceRecord]] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(_collect_one, t, ctx): n for n, t in enumerate(targets)}
        for future in as_completed(futures):
            n = futures[future]
            results[n] = future.result()
            if on_done:
                on_done(targets[n], results[n])
    records = [r for n in sorted(results) for r in results[n]]
    return Collection(records=records, raw=raw, redactor=redactor)

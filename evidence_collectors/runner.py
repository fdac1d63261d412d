"""Run the collectors for every target at once, within an overall deadline; a target that fails or hangs only costs
its own evidence.

Workers are daemon threads: one stuck in a socket read cannot keep the process alive once the caller is done. Each
target gets its own raw store, so that a finished target's raw responses can be written while others still run, and
a target cut off by the deadline leaves nothing half-kept.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.raw import RawItem, RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.secrets import Redactor, SecretError
from evidence_collectors.targets import Target

POLL_S = 0.1  # how often a stop request (a signal) is looked for


@dataclass(frozen=True)
class TargetResult:
    index: int  # position in the targets file
    target: Target
    records: list[EvidenceRecord]
    raw: list[RawItem]
    deadline: bool = False  # cut off by the deadline: every probe `unavailable`, no raw responses

    @property
    def name(self) -> str:
        return self.target.config.name


class StopRequest:
    """Asks a running collection to stop; `request` only assigns an attribute, so a signal handler may call it."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def request(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason


@dataclass
class Collection:
    records: list[EvidenceRecord]
    raw: RawStore
    redactor: Redactor
    results: list[TargetResult] = field(default_factory=list)  # finished (or cut off) targets, targets-file order
    not_collected: list[Target] = field(default_factory=list)  # left out because the collection was stopped
    stopped: str | None = None  # the stop request's reason
    unfinished_workers: int = 0  # worker threads still busy (stuck) when `collect` returned

    @property
    def deadline_reached(self) -> list[str]:
        return [r.name for r in self.results if r.deadline]


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


def deadline_reason(deadline_s: float) -> str:
    return f"collection deadline of {deadline_s:g} s reached before this target finished"


class _Workers:
    """Daemon threads taking targets from a queue and handing back (index, records, raw responses)."""

    def __init__(self, targets: list[Target], count: int, redactor: Redactor) -> None:
        self.targets = targets
        self.redactor = redactor
        self.todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        self.done: queue.SimpleQueue[tuple[int, list[EvidenceRecord], list[RawItem]]] = queue.SimpleQueue()
        self.closed = False
        for n in range(len(targets)):
            self.todo.put(n)
        self.threads = [
            threading.Thread(target=self._work, name=f"collect-{n}", daemon=True)
            for n in range(max(1, min(count, len(targets))))
        ]
        for thread in self.threads:
            thread.start()

    def _work(self) -> None:
        while not self.closed:
            try:
                n = self.todo.get_nowait()
            except queue.Empty:
                return
            store, target = RawStore(), self.targets[n]
            try:
                records = _collect_one(target, CollectContext(raw=store, redactor=self.redactor))
            except BaseException as exc:  # e.g. SystemExit from a collector: the target still comes back
                reason = f"collector failed: {type(exc).__name__}: {exc}"
                ctx = CollectContext(raw=RawStore(), redactor=self.redactor)
                records, store = target.collector().failed(target.config, ctx, EvidenceStatus.error, reason), RawStore()
            self.done.put((n, records, store.items()))

    def close(self, wait_s: float) -> int:
        """Take no more targets; return how many threads are still busy after waiting up to `wait_s`."""
        self.closed = True
        end = time.monotonic() + wait_s
        for thread in self.threads:
            thread.join(max(0.0, end - time.monotonic()))
        return sum(t.is_alive() for t in self.threads)


def collect(
    targets: list[Target],
    *,
    workers: int = 4,
    on_done: Callable[[Target, list[EvidenceRecord]], None] | None = None,
    on_result: Callable[[TargetResult], None] | None = None,
    deadline_s: float | None = None,
    stop: StopRequest | None = None,
    redactor: Redactor | None = None,
) -> Collection:
    """Collect every target concurrently; results come back in targets-file order.

    `on_result` (and the older `on_done`) is called in the caller's thread as each target finishes. At the deadline,
    targets still running or waiting get `unavailable` records saying so. On a stop request, the targets not finished
    are left out and listed in `not_collected`.
    """
    redactor = redactor or Redactor()
    end = time.monotonic() + deadline_s if deadline_s else None
    results: dict[int, TargetResult] = {}

    def deliver(result: TargetResult) -> None:
        results[result.index] = result
        if on_result:
            on_result(result)
        if on_done:
            on_done(result.target, result.records)

    pool = _Workers(targets, workers, redactor)
    timed_out = False
    try:
        while len(results) < len(targets) and not (stop and stop.reason):
            wait = POLL_S if stop else None
            if end is not None:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                wait = remaining if wait is None else min(wait, remaining)
            try:
                n, records, raw = pool.done.get(timeout=wait)
            except queue.Empty:
                continue
            if stop and stop.reason:  # may have been cut short by the same signal (Ctrl-C reaches child processes)
                break
            deliver(TargetResult(n, targets[n], records, raw))
        if timed_out and deadline_s:
            while True:  # targets that finished just as the deadline came keep their evidence
                try:
                    n, records, raw = pool.done.get_nowait()
                except queue.Empty:
                    break
                deliver(TargetResult(n, targets[n], records, raw))
            reason = deadline_reason(deadline_s)
            for n, target in enumerate(targets):
                if n not in results:
                    ctx = CollectContext(raw=RawStore(), redactor=redactor)
                    records = target.collector().failed(target.config, ctx, EvidenceStatus.unavailable, reason)
                    deliver(TargetResult(n, target, records, [], deadline=True))
    finally:
        finished = len(results) == len(targets) and not timed_out
        busy = pool.close(wait_s=1.0 if finished else 0.0)
    ordered = [results[n] for n in sorted(results)]
    raw_store = RawStore()
    for result in ordered:
        for item in result.raw:
            raw_store.add(item.body, url=item.url, status=item.status, content_type=item.content_type)
    return Collection(
        records=[r for result in ordered for r in result.records],
        raw=raw_store,
        redactor=redactor,
        results=ordered,
        not_collected=[t for n, t in enumerate(targets) if n not in results],
        stopped=stop.reason if stop and stop.reason and len(results) < len(targets) else None,
        unfinished_workers=busy,
    )

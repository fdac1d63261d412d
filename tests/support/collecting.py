"""Scaffolding the collector tests share: target configs, one collection with its checks, runner targets, token and
recorded-server fixtures, and the probe catalogue checks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pytest

from evidence_collectors.base import CollectContext, Collector
from evidence_collectors.config import TargetConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord
from evidence_collectors.runner import Collection
from evidence_collectors.runner import collect as run
from evidence_collectors.secrets import Redactor
from evidence_collectors.targets import Target
from tests.support.recorded_http import RecordedHttpServer

C = TypeVar("C", bound=TargetConfig)
Records = dict[str, EvidenceRecord]

# One quick attempt per request, so that fault tests take seconds, not minutes.
QUICK = {"timeout_s": 1.0, "retries": 0}


def target_config(model: type[C], fields: Mapping[str, Any], extra: Mapping[str, Any]) -> C:
    """A validated target config: QUICK timeouts unless `fields` (this collector's tests) or `extra` (this test's) say
    otherwise."""
    return model.model_validate({**QUICK, **fields, **extra})


def collect_records(collector: type[Collector], cfg: TargetConfig, prefix: str = "") -> tuple[Records, CollectContext]:
    """One collection of `cfg`: one record per probe, in catalogue order, keyed by probe id less `prefix`."""
    ctx = CollectContext(raw=RawStore(), redactor=Redactor())
    records = collector().collect(cfg, ctx)
    assert [r.probe for r in records] == collector.probe_ids(), "one record per probe, in catalogue order"
    return {r.probe.removeprefix(prefix): r for r in records}, ctx


def collect_targets(collector: type[Collector], *cfgs: TargetConfig) -> Collection:
    """The runner's collection of these targets, checked to hold one record per probe for each of them."""
    collection = run([Target(config=c, collector=collector) for c in cfgs])
    per_target = Counter(r.target for r in collection.records)
    assert per_target == dict.fromkeys([c.name for c in cfgs], len(collector.probes)), per_target
    return collection


def records_by_target(records: Iterable[EvidenceRecord]) -> dict[str, list[EvidenceRecord]]:
    grouped: dict[str, list[EvidenceRecord]] = {}
    for record in records:
        grouped.setdefault(record.target, []).append(record)
    return grouped


def env_token(env: str, token: str) -> Callable[..., str]:
    """An autouse fixture that puts `token` in the environment variable `env` for every test of the module."""

    @pytest.fixture(autouse=True)
    def token_fixture(monkeypatch: pytest.MonkeyPatch) -> str:
        monkeypatch.setenv(env, token)
        return token

    return token_fixture


def recorded_server(manifest: Path) -> Callable[..., Iterator[RecordedHttpServer]]:
    """A module-wide fixture: a RecordedHttpServer serving the routes of `manifest`."""

    @pytest.fixture(scope="module")
    def server_fixture() -> Iterator[RecordedHttpServer]:
        with RecordedHttpServer.from_manifest(manifest) as srv:
            yield srv

    return server_fixture


def assert_catalogue_complete(collector: type[Collector], prefix: str) -> None:
    """Unique ids under the collector's prefix; each probe explained and remediated in both languages."""
    ids = collector.probe_ids()
    assert len(ids) == len(set(ids))
    for spec in collector.probes:
        assert spec.id.startswith(prefix)
        assert spec.short and spec.short_zh and spec.motivation and spec.implementation
        assert spec.remediation.text and spec.remediation.text_zh


def cli_collect(targets: Path, out: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """`mlops-maturity collect TARGETS -o OUT` as a user runs it, in a fresh process with `env` added; it must succeed
    (a target that fails is a record, not an exit code)."""
    cli = Path(sys.executable).with_name("mlops-maturity")
    done = subprocess.run(
        [str(cli), "collect", str(targets), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done

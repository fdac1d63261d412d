"""The runner's overall deadline and stop requests, and bundles written target by target.

Collectors here are real threads blocked on an event the test controls: a "hung" target is one whose collect does not
return until the test releases it at teardown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from evidence_collectors import bundle_writer
from evidence_collectors.base import CollectContext, Collector, ProbeSpec, Remediation
from evidence_collectors.bundle import (
    BundleWriter,
    collect_bundle,
    read_info,
    read_records,
    verify_bundle,
    write_bundle,
)
from evidence_collectors.bundle_format import RAW_INDEX
from evidence_collectors.config import TargetConfig
from evidence_collectors.raw import RawItem, RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.runner import StopRequest, TargetResult, collect
from evidence_collectors.secrets import Redactor
from evidence_collectors.targets import Target

RELEASE = threading.Event()  # set at teardown so that hung collectors end
SPEC = dict(
    short="s",
    short_zh="短",
    motivation="m",
    implementation="i",
    remediation=Remediation(effort="Low", text="t", text_zh="修"),
)


class GateConfig(TargetConfig):
    hang: bool = False
    secret: str = ""


class GateCollector(Collector):
    """Answers at once, or (hang) only when the test releases it; may reveal a secret to the redactor."""

    name = "gate"
    version = "0.1"
    system = "ci"
    config_model: ClassVar[type[TargetConfig]] = GateConfig
    probes = (
        ProbeSpec(id="gate.value", value_type="int", **SPEC),
        ProbeSpec(id="gate.flag", value_type="bool", **SPEC),
    )

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        assert isinstance(config, GateConfig)
        if config.hang:
            RELEASE.wait()
        ctx.redactor.add(config.secret or None)
        sha = ctx.raw.add(f"{config.name} body".encode(), url=f"http://127.0.0.1:1/{config.name}")
        return [
            self.record(config, ctx, "gate.value", 1, f"value from {config.name}", [sha]),
            self.record(config, ctx, "gate.flag", True, "flag", [sha]),
        ]


def _target(name: str, hang: bool = False, secret: str = "") -> Target:
    return Target(config=GateConfig(collector="gate", name=name, hang=hang, secret=secret), collector=GateCollector)


@pytest.fixture(autouse=True)
def _release_hung_collectors() -> Iterator[None]:
    RELEASE.clear()
    yield
    RELEASE.set()


def test_the_deadline_records_a_hung_target_as_unavailable_and_returns() -> None:
    targets = [_target("healthy"), _target("hung", hang=True), _target("queued", hang=True)]
    started = time.monotonic()
    collection = collect(targets, workers=2, deadline_s=1.0)
    assert time.monotonic() - started < 30  # terminates although two collectors never return
    by = {(r.target, r.probe): r for r in collection.records}
    assert by[("healthy", "gate.value")].status is EvidenceStatus.ok
    for name in ("hung", "queued"):  # one was running, one never started: both are cut off
        for probe in ("gate.value", "gate.flag"):
            record = by[(name, probe)]
            assert record.status is EvidenceStatus.unavailable and record.value is None
            assert record.reason == "collection deadline of 1 s reached before this target finished"
    assert collection.deadline_reached == ["hung", "queued"]
    assert collection.unfinished_workers == 2 and collection.stopped is None
    assert [r.target for r in collection.records] == ["healthy", "healthy", "hung", "hung", "queued", "queued"]
    assert len(collection.raw) == 1  # only the finished target's response


def test_a_stop_request_leaves_unfinished_targets_out() -> None:
    stop = StopRequest()

    def stop_after_first(result: TargetResult) -> None:
        stop.request("SIGTERM")

    targets = [_target("healthy"), _target("hung", hang=True)]
    collection = collect(targets, stop=stop, on_result=stop_after_first)
    assert collection.stopped == "SIGTERM"
    assert [r.name for r in collection.results] == ["healthy"]
    assert [t.config.name for t in collection.not_collected] == ["hung"]
    assert {r.target for r in collection.records} == {"healthy"}


def test_without_deadline_or_stop_every_target_finishes_and_on_done_still_works() -> None:
    seen: list[tuple[str, int]] = []
    collection = collect(
        [_target("a"), _target("b")], workers=1, on_done=lambda t, rs: seen.append((t.config.name, len(rs)))
    )
    assert sorted(seen) == [("a", 2), ("b", 2)]
    assert collection.unfinished_workers == 0 and not collection.not_collected


def test_the_bundle_grows_target_by_target(tmp_path: Path) -> None:
    root = tmp_path / "bundle"
    on_disk: list[dict[str, str]] = []

    def look(result: TargetResult) -> None:  # runs after the target is written
        info = read_info(root)
        assert info is not None and not info.complete
        on_disk.append({t.name: t.state for t in info.collection})
        assert {r.target for r in read_records(root)} == {n for n, s in on_disk[-1].items() if s == "collected"}

    collection, fingerprint = collect_bundle(root, [_target("a"), _target("b")], workers=1, on_result=look)
    assert on_disk == [{"a": "collected", "b": "pending"}, {"a": "collected", "b": "collected"}]
    report = verify_bundle(root)
    assert report.ok and report.manifest_sha256 == fingerprint
    info = read_info(root)
    assert info is not None and info.complete and info.records == 4 and info.raw_responses == 2
    assert [r.id for r in read_records(root)] == [r.id for r in collection.records]
    assert not list(root.rglob(".*.tmp"))  # every temporary file was renamed into place


def test_a_bundle_stopped_before_its_manifest_reads_as_incomplete(tmp_path: Path) -> None:
    """What a SIGKILL leaves: the finished target on disk, the other pending, no manifest."""
    root = tmp_path / "bundle"
    writer = BundleWriter.create(root, [("a", "gate"), ("b", "gate")], Redactor())
    [result] = collect([_target("a")]).results
    writer.add_result(result)
    assert {r.target for r in read_records(root)} == {"a"}
    report = verify_bundle(root)
    assert report.incomplete == "collection did not finish (the process stopped before it could write the manifest)"
    assert report.not_collected == ["b (gate): still pending"]
    assert report.missing == ["MANIFEST.sha256"] and not report.inconsistent and not report.unreadable


def test_an_interrupted_bundle_is_sealed_and_says_what_is_missing(tmp_path: Path) -> None:
    root = tmp_path / "bundle"
    writer = BundleWriter.create(root, [("a", "gate"), ("b", "gate")], Redactor())
    writer.add_result(collect([_target("a")]).results[0])
    writer.finish(interrupted="SIGINT")
    report = verify_bundle(root)
    assert (report.altered, report.added, report.missing, report.inconsistent) == ([], [], [], [])
    assert report.incomplete == "collection interrupted by SIGINT" and not report.ok
    assert report.not_collected == ["b (gate): collection interrupted by SIGINT before this target finished"]


def test_write_bundle_keeps_deadline_and_not_collected_states(tmp_path: Path) -> None:
    collection = collect([_target("ok"), _target("hung", hang=True)], deadline_s=0.5)
    write_bundle(tmp_path / "b", collection)
    info = read_info(tmp_path / "b")
    assert info is not None and info.complete
    assert [(t.name, t.state, t.records) for t in info.collection] == [("ok", "collected", 2), ("hung", "deadline", 2)]
    assert info.collection[1].reason.startswith("collection deadline of 0.5 s reached")
    assert verify_bundle(tmp_path / "b").ok


def test_a_secret_learnt_later_is_masked_in_what_was_written_before(tmp_path: Path) -> None:
    """Each write of records.jsonl redacts with every secret known so far, so the sealed bundle masks them all."""
    root = tmp_path / "bundle"
    secret = "s3cr3t-token-value"
    redactor = Redactor()
    writer = BundleWriter.create(root, [("a", "gate"), ("b", "gate")], redactor)
    [a] = collect([_target("a")], redactor=redactor).results
    writer.add("a", [r.model_copy(update={"summary": f"saw {secret}"}) for r in a.records], a.raw)
    assert secret in (root / "records.jsonl").read_text()  # not known to be a secret yet
    [b] = collect([_target("b", secret=secret)], redactor=redactor).results
    writer.add_result(b)
    writer.finish()
    text = (root / "records.jsonl").read_text()
    assert secret not in text and "saw ***" in text


def test_a_bundle_is_never_written_over(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        BundleWriter.create(tmp_path, [("a", "gate")], Redactor())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def _raw_items(count: int) -> list[RawItem]:
    store = RawStore()
    for n in range(count):
        store.add(f"response {n}\n".encode(), url=f"https://example.org/{n}")
    return store.items()


def test_raw_responses_are_made_durable_together_before_the_index_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    index = tmp_path / "b" / RAW_INDEX
    listed_at_sync: list[str] = []

    def fake_syncfs(fd: int) -> int:
        listed_at_sync.append(index.read_text())
        calls.append("syncfs")
        return 0

    monkeypatch.setattr(bundle_writer, "_syncfs", lambda: fake_syncfs)
    writer = BundleWriter.create(tmp_path / "b", [("a", "gate")], Redactor())
    writer.add_raw(_raw_items(40))
    assert calls == ["syncfs"]  # one flush for the 40 new files, not one each
    assert listed_at_sync == [""]  # the index listed nothing until the files were durable
    assert len(index.read_text().splitlines()) == 40
    writer.add_raw(_raw_items(40))  # nothing new: no flush, no index rewrite
    assert calls == ["syncfs"]
    assert not list((tmp_path / "b").rglob(".*.tmp"))


def test_without_syncfs_every_raw_file_is_fsynced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle_writer, "_syncfs", lambda: None)
    synced: list[int] = []
    real_fsync = bundle_writer.os.fsync
    monkeypatch.setattr(bundle_writer.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    writer = BundleWriter.create(tmp_path / "b", [("a", "gate")], Redactor())
    synced.clear()
    writer.add_raw(_raw_items(5))
    assert len(synced) >= 6  # five files and their folder


def test_the_manifest_names_raw_files_by_their_content_hash(tmp_path: Path) -> None:
    root = tmp_path / "b"
    writer = BundleWriter.create(root, [("a", "gate")], Redactor())
    items = _raw_items(3)
    writer.add_raw(items)
    writer.finish()
    report = verify_bundle(root)
    assert report.altered == [] and report.missing == [] and report.added == []
    (root / "raw" / items[0].sha256).write_bytes(b"changed after sealing\n")
    assert verify_bundle(root).altered == [f"raw/{items[0].sha256}"]  # the manifest still proves the content

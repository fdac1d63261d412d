"""A git target whose path cannot be followed is reported for what it is: a symlink loop is an `error` saying so (not
"does not exist"), whether the targets file names it absolutely or relative to itself."""

from __future__ import annotations

from pathlib import Path

from evidence_collectors.git.collector import GitCollector
from evidence_collectors.records import EvidenceStatus
from evidence_collectors.runner import collect
from evidence_collectors.targets import load_targets


def loop(at: Path) -> Path:
    at.symlink_to(at.with_name(at.name + "-other"))
    at.with_name(at.name + "-other").symlink_to(at)
    return at


def test_a_symlink_loop_is_an_error_saying_so(tmp_path: Path) -> None:
    repo = loop(tmp_path / "repo")
    missing = tmp_path / "missing"
    targets_file = tmp_path / "targets.yaml"
    targets_file.write_text(
        "targets:\n"
        f"  - {{collector: git, name: absolute, path: {repo}}}\n"
        "  - {collector: git, name: relative, path: repo}\n"
        f"  - {{collector: git, name: missing, path: {missing}}}\n",
        encoding="utf-8",
    )
    records = collect(load_targets(targets_file, {"git": GitCollector})).records
    for name in ("absolute", "relative"):
        mine = [r for r in records if r.target == name]
        assert len(mine) == len(GitCollector.probe_ids())
        assert all(r.status is EvidenceStatus.error and "is a symlink loop" in r.reason for r in mine), mine[0]
    gone = [r for r in records if r.target == "missing"]
    assert all(r.status is EvidenceStatus.unavailable and "does not exist" in r.reason for r in gone)

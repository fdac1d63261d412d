"""Evidence in the UI: load a bundle or run the collectors with a progress bar; verdicts beside the requirements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st

from assessors.assessment import Answer, Assessment, Status
from assessors.sqlite_store import SqliteStore
from evidence_collectors.bundle import write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from tests.collectors.git_support import RepoBuilder
from tests.support.servers import require_binary
from tests.workshop.apptest import rerun, start, status_of, texts

ITEM = "P1.DE.DP.03"  # its R03 needs `git.data_versioning_tools` (necessary evidence)
CHECKED = f"{ITEM}.R03"


def _workshop(db: Path, blank: Assessment) -> int:
    manual = {CHECKED: Answer(status=Status.met, note="we use DVC", answered_by="Zhang")}
    return SqliteStore(db).create([blank.model_copy(update={"answers": manual})], "seed")


def _bundle(root: Path, value: list[str]) -> Path:
    record = EvidenceRecord(
        probe="git.data_versioning_tools",
        target="reco-service",
        value=value,
        status=EvidenceStatus.ok,
        source=EvidenceSource(system="git", url="file:///repos/reco-service"),
        collected_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC),
        collector=CollectorInfo(name="git", version="1"),
        summary="data versioning tools found",
    )
    write_bundle(root, Collection(records=[record], raw=RawStore(), redactor=Redactor()))
    return root


def test_a_loaded_bundle_shows_beside_its_requirement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])
    bundle = _bundle(tmp_path / "bundle", ["dvc"])
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
    assert "No evidence bundle is loaded." in texts(at)
    at.text_input(key="ev:path").input(str(bundle))
    at.button(key="ev:load").click()
    rerun(at)
    assert f"Evidence bundle loaded: {bundle}" in texts(at)
    assert at.dataframe[0].value.iloc[0]["Probe"] == "git.data_versioning_tools"
    assert SqliteStore(db).load(workshop_id).evidence_bundle == str(bundle)
    at.radio(key="page").set_value("interview")
    at.session_state["item"] = ITEM
    rerun(at)
    shown = texts(at)
    assert "Evidence supports; the manual answer decides" in shown  # necessary evidence that holds only supports
    assert "git.data_versioning_tools @ reco-service: ['dvc'] exists → holds" in shown
    assert "contradicts" not in shown


def test_an_altered_bundle_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])
    bundle = _bundle(tmp_path / "bundle", ["dvc"])
    (bundle / "records.jsonl").write_text("", encoding="utf-8")
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
    at.text_input(key="ev:path").input(str(bundle))
    at.button(key="ev:load").click()
    rerun(at)
    assert at.error and "does not match its manifest" in at.error[0].value
    assert SqliteStore(db).load(workshop_id).evidence_bundle is None


def test_running_the_collectors_with_progress_flags_a_contradicting_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    require_binary("git")
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])
    repo = RepoBuilder(tmp_path / "reco-service")
    repo.commit("train a model", {"train.py": "print('training')\n"})  # no data versioning tool anywhere
    targets = tmp_path / "targets.yaml"
    targets.write_text(f"targets:\n  - {{collector: git, name: reco-service, path: {repo.path}}}\n", encoding="utf-8")
    out = tmp_path / "evidence"
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
    at.text_input(key="ev:targets").input(str(targets))
    at.text_input(key="ev:output").input(str(out))
    with monkeypatch.context() as patch:
        patch.setattr(st, "rerun", lambda: None)  # keep this run's elements (the progress bar) for the checks
        at.button(key="ev:collect").click()
        rerun(at)
    [bar] = at.get("progress")
    assert bar.proto.value == 100 and "Collecting 1/1: reco-service" in bar.proto.text  # type: ignore[attr-defined]
    assert (out / "records.jsonl").is_file() and SqliteStore(db).load(workshop_id).evidence_bundle == str(out)
    at.radio(key="page").set_value("interview")
    at.session_state["item"] = ITEM
    rerun(at)
    shown = texts(at)
    assert "The manual answer 'met' contradicts the collected evidence 'not met'" in shown
    assert "Collected evidence: not met" in shown
    assert status_of(at, CHECKED).value == Status.met  # the manual answer is kept and shown, flagged

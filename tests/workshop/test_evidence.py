"""Evidence in the UI: an uploaded bundle archive or the operator's targets, never a server path from the browser;
verdicts beside the requirements."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app.workshop import state
from app.workshop.views import present
from assessors.assessment import Answer, Assessment, Status
from assessors.sqlite_store import SqliteStore
from evidence_collectors.bundle import write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from reports.checks_view import probe_text
from tests.collectors.git_support import RepoBuilder
from tests.support.servers import require_binary
from tests.workshop.apptest import labels, rerun, start, status_of, texts
from tests.workshop.archives import hostile, pack, zip_bomb, zip_of

ITEM = "P1.DE.DP.03"  # its R03 needs `git.data_versioning_tools` (necessary evidence)
CHECKED = f"{ITEM}.R03"
PAGES = state.PAGES  # every page the sidebar offers


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


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.get("file_uploader")[0].set_value([(name, data, "application/octet-stream")])  # type: ignore[attr-defined]
    at.button(key="ev:load").click()
    return rerun(at)


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.mark.parametrize(("kind", "top"), [("zip", "bundle"), ("tar.gz", None)])
def test_an_uploaded_bundle_shows_beside_its_requirement(
    kind: str, top: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])
    archive = pack(_bundle(tmp_path / "bundle", ["dvc"]), kind, top)
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
    assert "No evidence bundle is loaded." in texts(at)
    _upload(at, f"bundle.{kind}", archive)
    assert "The bundle is verified and loaded." in texts(at) and "Evidence bundle loaded: " in texts(at)
    assert at.dataframe[0].value.iloc[0]["Probe"] == "git.data_versioning_tools"
    stored = SqliteStore(db).load(workshop_id).evidence_bundle
    assert stored is not None and stored.startswith("w.sqlite.data/bundles/w1-")  # inside the data folder
    assert (tmp_path / stored / "records.jsonl").is_file()
    at.radio(key="page").set_value("interview")
    at.session_state["item"] = ITEM
    rerun(at)
    shown = texts(at)
    assert "Evidence supports; the manual answer decides" in shown  # necessary evidence that holds only supports
    probe = probe_text("git.data_versioning_tools", "en")  # the probe's short description, as the report says it
    assert probe and f"{probe} @ reco-service: dvc exists → holds" in shown
    assert "contradicts" not in shown


def test_an_altered_bundle_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])
    bundle = _bundle(tmp_path / "bundle", ["dvc"])
    (bundle / "records.jsonl").write_text("", encoding="utf-8")
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
    _upload(at, "bundle.zip", pack(bundle, "zip"))
    assert at.error and "does not match its manifest" in at.error[0].value
    assert SqliteStore(db).load(workshop_id).evidence_bundle is None
    assert _files(tmp_path / "w.sqlite.data" / "bundles") == set()  # nothing of it is kept


def test_a_hostile_archive_writes_nothing_outside_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
    before = _files(tmp_path) - {"w.sqlite-wal", "w.sqlite-shm"}
    markdown_name = zip_of({"bundle/records.jsonl": b"{}\n", "bundle/![t](http://10.9.9.9/t.png)/../../x": b"x"})
    for name, data in {**hostile(tmp_path), "zip_bomb": zip_bomb(300), "markdown_name": markdown_name}.items():
        _upload(at, f"{name}.zip", data)
        assert at.error and at.error[0].value.startswith("The archive was not loaded"), name
        assert "Traceback" not in texts(at)
        assert "](" not in at.error[0].value  # an entry's name is shown as text, never as an image or a link
    assert not (tmp_path / "planted.txt").exists()
    after = _files(tmp_path) - {"w.sqlite-wal", "w.sqlite-shm"}
    assert after - before <= {"w.sqlite.data", "w.sqlite.data/bundles"}  # only the (empty) data folder is new
    assert SqliteStore(db).load(workshop_id).evidence_bundle is None


def test_a_stored_bundle_outside_the_data_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])
    outside = _bundle(tmp_path / "elsewhere", ["dvc"])  # a sound bundle, but not in the workshop's data folder
    link = tmp_path / "w.sqlite.data" / "bundles" / "link"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    for stored in (str(outside), "elsewhere", "w.sqlite.data/bundles/../../elsewhere", "w.sqlite.data/bundles/link"):
        SqliteStore(db).set_evidence_bundle(workshop_id, stored)
        at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
        assert "No evidence bundle is loaded." in texts(at)
        assert any("cannot be used" in e.value and "bundles folder" in e.value for e in at.error), stored


def test_an_imported_file_sets_no_bundle_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    from assessors.storage import dump_assessment
    from capability_model.catalog import resolve

    fw = resolve(parts[0].framework).framework
    named = parts[0].model_copy(update={"evidence_bundle": "/etc"})
    text = dump_assessment(named, fw, "p1.yaml", "en")
    at = start(tmp_path / "w.sqlite", monkeypatch, lang="en")
    at.get("file_uploader")[0].set_value([("p1.yaml", text.encode(), "application/yaml")])  # type: ignore[attr-defined]
    at.button(key="import:new").click()
    rerun(at)
    assert at.success and SqliteStore(tmp_path / "w.sqlite").load(at.session_state["workshop"]).evidence_bundle is None


def test_the_collectors_run_only_on_the_operators_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    require_binary("git")
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])
    at = start(db, monkeypatch, w=str(workshop_id), page="evidence", lang="en")
    assert "started without a targets file" in texts(at) and "ev:collect" not in [b.key for b in at.button]

    repo = RepoBuilder(tmp_path / "reco-service")
    repo.commit("train a model", {"train.py": "print('training')\n"})  # no data versioning tool anywhere
    targets = tmp_path / "targets.yaml"
    targets.write_text(f"targets:\n  - {{collector: git, name: reco-service, path: {repo.path}}}\n", encoding="utf-8")
    at = start(db, monkeypatch, targets=targets, w=str(workshop_id), page="evidence", lang="en")
    [table] = at.dataframe  # no bundle is loaded yet: the only table is the read-only list of targets
    assert table.value.iloc[0]["Name"] == "reco-service" and table.value.iloc[0]["Collector"] == "git"
    with monkeypatch.context() as patch:
        patch.setattr(st, "rerun", lambda: None)  # keep this run's elements (the progress bar) for the checks
        at.button(key="ev:collect").click()
        rerun(at)
    [bar] = at.main.get("progress")  # the sidebar has the answering progress bars
    assert bar.proto.value == 100 and "Collecting 1/1: reco-service" in bar.proto.text  # type: ignore[attr-defined]
    stored = SqliteStore(db).load(workshop_id).evidence_bundle
    assert stored is not None and stored.startswith("w.sqlite.data/bundles/")
    assert (tmp_path / stored / "records.jsonl").is_file()
    at.radio(key="page").set_value("interview")
    at.session_state["item"] = ITEM
    rerun(at)
    shown = texts(at)
    assert "The manual answer 'met' contradicts the collected evidence 'not met'" in shown
    assert "Collected evidence: not met" in shown
    assert status_of(at, CHECKED).value == Status.met  # the manual answer is kept and shown, flagged


# Every text box of the app, by key: none of them takes a server path.
_TEXT_KEYS = ("gate:", "new:", "edit:", "note:", "ev:P", "audit:filter", "gap:text", "eng:s:", "eng:a:")
_PATH_WORDS = ("path", "file", "directory", "folder", "目录", "路径", "文件")


def test_no_page_has_a_text_box_for_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: list[Assessment]
) -> None:
    db = tmp_path / "w.sqlite"
    workshop_id = _workshop(db, parts[0])
    targets = tmp_path / "targets.yaml"
    targets.write_text(f"targets:\n  - {{collector: git, name: reco, path: {tmp_path}}}\n", encoding="utf-8")
    seen: set[str] = set()
    for query in ({}, {"w": str(workshop_id)}):
        for lang in ("en", "zh"):
            at = start(db, monkeypatch, targets=targets, lang=lang, **query)
            for page in PAGES:
                at.radio(key="page").set_value(page)
                rerun(at)
                for box in [*at.text_input, *at.text_area]:
                    assert str(box.key).startswith(_TEXT_KEYS), (page, box.key)
                    assert not any(w in str(box.label).lower() for w in _PATH_WORDS), (page, box.label)
                    seen.add(str(box.key).split(":")[0])
                for component in at.get("bidi_component"):  # an answer's status buttons and save-while-typing boxes
                    if component.proto.id.endswith(f"-{present.KEYS}"):  # presentation mode's keys: no text
                        continue
                    kind = next(k for k in ("st", "note", "ev") if f"-{k}:P" in component.proto.id)
                    label = str(json.loads(component.proto.json)["label"])
                    assert not any(w in label.lower() for w in _PATH_WORDS), (page, label)
                    seen.add(kind)
                assert "Traceback" not in texts(at) + labels(at)
                if page == "evidence" and query:
                    assert len(at.get("file_uploader")) == 1  # a bundle arrives as an upload
    assert seen == {"new", "edit", "st", "note", "ev", "audit", "gap", "eng"}  # every page's boxes were looked at

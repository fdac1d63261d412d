"""Assessment files: a questionnaire round-trips, writes are atomic, bad input is located."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from assessors.assessment import Answer, Assessment, Status
from assessors.storage import load_assessment, save_assessment
from capability_model.atomicfile import write_atomic
from capability_model.loader import LoadedFramework
from capability_model.sourcefile import SourceError


def _assessment(part1: LoadedFramework) -> Assessment:
    reqs = [r for _, r in part1.framework.requirements()]
    return Assessment(
        organisation="示例银行",
        scope="推荐系统",
        assessor="Li Wei",
        started=dt.date(2026, 11, 2),
        framework=part1.ref,
        target_level=3,
        answers={
            reqs[0].id: Answer(
                status=Status.met,
                note="多行说明\nsecond line: with colon",
                evidence=["wiki/PRD-12"],
                answered_by="Zhang",
                answered_at=dt.datetime(2026, 11, 3, 9, 30, tzinfo=dt.UTC),
            ),
            reqs[1].id: Answer(status=Status.not_applicable),
            reqs[2].id: Answer(note="unsure yet"),
            reqs[3].id: Answer(),
        },
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip(part1: LoadedFramework, tmp_path: Path, suffix: str) -> None:
    original = _assessment(part1)
    path = tmp_path / f"a{suffix}"
    save_assessment(original, path, part1.framework, "en")
    loaded = load_assessment(path)
    answered = {rid: a for rid, a in loaded.answers.items() if not a.is_blank}
    assert answered == {rid: a for rid, a in original.answers.items() if not a.is_blank}
    assert loaded.model_dump(exclude={"answers"}) == original.model_dump(exclude={"answers"})
    # the questionnaire lists every requirement; the unanswered ones read back as blank answers
    assert set(loaded.answers) >= set(original.answers)


def test_questionnaire_lists_every_requirement_with_its_text(part1: LoadedFramework, tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    save_assessment(_assessment(part1), path, part1.framework, "zh")
    text = path.read_text(encoding="utf-8")
    for _, req in part1.framework.requirements():
        assert f"  {req.id}:" in text
        assert " ".join(req.text.zh.split()) in text


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("old", encoding="utf-8")

    class Boom(str):
        def __str__(self) -> str:
            raise RuntimeError

    with pytest.raises(TypeError):
        write_atomic(path, 12345)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["answers.yaml"]
    write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new"


def test_bad_status_is_located(tmp_path: Path, part1: LoadedFramework) -> None:
    path = tmp_path / "bad.yaml"
    save_assessment(_assessment(part1), path, part1.framework, "en")
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip() == "status: not_applicable")
    lines[n] = lines[n].replace("not_applicable", "done")
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_assessment(path)
    [issue] = exc.value.issues
    rid = lines[n - 1].strip().rstrip(":")
    assert (issue.line, issue.path) == (n + 1, f"answers.{rid}.status")
    assert "met" in issue.message and "not_applicable" in issue.message

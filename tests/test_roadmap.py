"""The roadmap as a plan: effort and dependencies in the framework data (validated where they are written), phases
ordered by dependency then effort, and a what-if level per phase that rescoring bears out."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessors.assessment import Status
from assessors.roadmap import EFFORT_RANK, dependency_depth, requirement_effort
from assessors.scoring import score
from capability_model.catalog import resolve
from capability_model.loader import find_cycle, load_framework
from capability_model.schema import Framework
from capability_model.sourcefile import SourceError
from tests.conftest import EXAMPLES

LATEST = ("caict-mlops-p1@2022.10.4", "caict-mlops-p2@2022.10.4")


def _frameworks() -> list[Framework]:
    return [resolve(ref).framework for ref in LATEST]


def test_every_requirement_of_the_latest_version_has_an_effort() -> None:
    for fw in _frameworks():
        missing = [r.id for _, r in fw.requirements() if r.effort is None]
        assert not missing, (fw.ref, missing[:5])
        sizes = {r.effort for _, r in fw.requirements()}
        assert len(sizes) == 3, sizes  # an estimate, not one size stamped on everything


def test_dependencies_name_real_items_across_parts_and_have_no_cycle() -> None:
    frameworks = _frameworks()
    items = {i.id: i for fw in frameworks for _, _, i in fw.items()}
    graph = {i.id: list(i.depends_on) for i in items.values()}
    unknown = [(i, d) for i, deps in graph.items() for d in deps if d not in items]
    assert not unknown
    assert find_cycle(graph) == []
    assert sum(len(d) for d in graph.values()) >= 40
    cross = [(i, d) for i, deps in graph.items() for d in deps if d.split(".")[0] != i.split(".")[0]]
    assert cross  # Part 2 builds on Part 1 practices (e.g. test data management on data versioning)


def test_dependencies_make_sense() -> None:
    items = {i.id: i for fw in _frameworks() for _, _, i in fw.items()}
    assert "P1.DE.DP.03" in items["P1.MD.MT.02"].depends_on  # data versioning before reproducible training runs
    assert "P1.DE.DP.03" in items["P1.MD.MT.01"].depends_on
    assert "P2.DR.CD.02" in items["P2.DR.RL.01"].depends_on  # deploy before monitoring the running model
    assert not items["P2.CM.VM.01"].depends_on  # version control comes first


def test_find_cycle_reports_the_loop() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) == []


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    source = resolve(LATEST[0]).path
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    bad = tmp_path / "p1.yaml"
    bad.write_text(text.replace(old, new), encoding="utf-8")
    return bad


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_unknown_dependency_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    bad = _edited(tmp_path, "      - P1.DE.DX.02\n", "      - P1.DE.DX.99\n")
    with pytest.raises(SourceError) as err:
        load_framework(bad)
    message = str(err.value)
    assert f"{bad}:{_line_of(bad, 'P1.DE.DX.99')}:" in message
    assert "unknown capability item 'P1.DE.DX.99'" in message
    assert "depends_on" in message


def test_other_part_ids_are_checked_against_the_catalogue_when_given(tmp_path: Path) -> None:
    bad = _edited(tmp_path, "      - P1.DE.DX.02\n", "      - P2.XX.YY.01\n")
    assert load_framework(bad).framework.id == "caict-mlops-p1"  # alone, another part's id cannot be checked
    known = {i.id for fw in _frameworks() for _, _, i in fw.items()}
    with pytest.raises(SourceError, match=r"unknown capability item 'P2\.XX\.YY\.01'"):
        load_framework(bad, known_items=known)


def test_self_dependency_and_cycle_are_errors(tmp_path: Path) -> None:
    # P1.DE.DP.01 depends on P1.DE.DX.02; making P1.DE.DX.02 depend on P1.DE.DP.01 closes a loop
    cyclic = _edited(
        tmp_path,
        "      depends_on:\n      - P1.DE.DC.01\n      requirements:\n      - id: P1.DE.DX.02.R01",
        "      depends_on:\n      - P1.DE.DP.01\n      requirements:\n      - id: P1.DE.DX.02.R01",
    )
    with pytest.raises(SourceError, match=r"dependency cycle: .*P1\.DE\.DP\.01.*P1\.DE\.DX\.02"):
        load_framework(cyclic)
    own = _edited(tmp_path, "      - P1.DE.DX.02\n", "      - P1.DE.DP.01\n")
    with pytest.raises(SourceError, match="depends on itself"):
        load_framework(own)


def _example_statuses(name: str) -> tuple[Framework, dict[str, Status | None]]:
    from assessors.workflow import open_assessment

    opened = open_assessment(EXAMPLES / "retail-bank" / "interview" / name)
    return opened.framework.framework, opened.assessment.statuses()


@pytest.mark.parametrize("name", ["part1-development.yaml", "part2-delivery.yaml"])
def test_phases_are_ordered_by_dependency_then_effort(name: str) -> None:
    fw, statuses = _example_statuses(name)
    result = score(fw, statuses, 5)
    depth = dependency_depth(fw)
    items = {i.id: i for _, _, i in fw.items()}
    assert any(p.requirements for p in result.roadmap)
    for phase in result.roadmap:
        keys = [(depth[s.item], EFFORT_RANK[s.effort or "L"]) for s in phase.requirements]
        assert keys == sorted(keys), phase.level
        position = {s.item: n for n, s in reversed(list(enumerate(phase.requirements)))}
        for n, step in enumerate(phase.requirements):
            for dep in items[step.item].depends_on:
                if dep in position:  # a prerequisite with work in this phase starts first
                    assert position[dep] < n, (step.id, dep)


@pytest.mark.parametrize("name", ["part1-development.yaml", "part2-delivery.yaml"])
def test_what_if_level_is_borne_out_by_rescoring(name: str) -> None:
    fw, statuses = _example_statuses(name)
    result = score(fw, statuses, 5)
    closed = dict(statuses)
    total = 0
    for phase in result.roadmap:
        closed.update({s.id: Status.met for s in phase.requirements})
        total += len(phase.requirements)
        assert phase.closing == total
        rescored = score(fw, closed, 5).overall.level
        assert phase.lifts_to == rescored
        assert rescored is not None and rescored >= phase.level
        assert sum(phase.effort.values()) == len(phase.requirements)


def test_effort_falls_back_to_the_probes_remediation() -> None:
    fw = resolve(LATEST[0]).framework
    req = next(r for _, r in fw.requirements() if r.probes())
    assert requirement_effort(req, {})[1] == "framework"
    bare = req.model_copy(update={"effort": None})
    probes = req.probes()
    efforts = dict.fromkeys(probes, "S") | {probes[0]: "L"}
    assert requirement_effort(bare, efforts) == ("L", "probe")
    assert requirement_effort(bare, {}) == (None, None)

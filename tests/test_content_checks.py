"""Content version 2022.10.4: the same requirements as 2022.10.3, each with its verification class, and enough checks
that evidence decides or proposes a large share of the standard."""

from __future__ import annotations

from collections import Counter

import pytest

from capability_model.catalog import resolve
from capability_model.coverage import coverage
from capability_model.differ import diff_frameworks
from capability_model.schema import LEVELS, Framework, Verification
from evidence_collectors.registry import load_errors, probe_catalogue

VERSION = "2022.10.4"
PARTS = ("caict-mlops-p1", "caict-mlops-p2")


@pytest.fixture(scope="module")
def frameworks() -> dict[str, Framework]:
    return {part: resolve(f"{part}@{VERSION}").framework for part in PARTS}


def test_both_parts_together_reach_the_coverage_targets(frameworks: dict[str, Framework]) -> None:
    totals = [coverage(fw).total for fw in frameworks.values()]
    assert sum(t.requirements for t in totals) == 752
    assert sum(t.checked for t in totals) >= 320
    # Automated: 32 of 752. Most requirements also state a document, a role, a review or a fact no collector reads
    # yet; the aim is 160, which needs the cluster and orchestrator collectors (or split wording).
    assert sum(t.automated for t in totals) >= 32


def test_every_item_has_two_checked_requirements(frameworks: dict[str, Framework]) -> None:
    items = [
        (item, sum(1 for r in item.requirements if r.expectations))
        for fw in frameworks.values()
        for *_, item in fw.items()
    ]
    assert len(items) == 60
    assert [item.id for item, checked in items if checked < 2] == []


@pytest.mark.parametrize("part", PARTS)
def test_every_level_of_each_part_has_checks(frameworks: dict[str, Framework], part: str) -> None:
    checked = Counter(r.level for _, r in frameworks[part].requirements() if r.expectations)
    assert [lv for lv in LEVELS if checked[lv] == 0] == []


@pytest.mark.parametrize("part", PARTS)
def test_every_requirement_states_its_class(frameworks: dict[str, Framework], part: str) -> None:
    fw = frameworks[part]
    assert [r.id for _, r in fw.requirements() if r.verification is None] == []
    assert fw.methodology is not None
    assert {d.id for d in fw.methodology.verification_classes} == set(Verification)


@pytest.mark.parametrize("part", PARTS)
def test_only_checks_and_classes_changed_since_the_previous_version(
    frameworks: dict[str, Framework], part: str
) -> None:
    previous = resolve(f"{part}@2022.10.3").framework
    diff = diff_frameworks(previous, frameworks[part])
    assert diff.items == []
    assert {c.kind for c in diff.requirements} <= {"checks_changed"}


@pytest.mark.parametrize("part", PARTS)
def test_every_probe_named_is_installed(frameworks: dict[str, Framework], part: str) -> None:
    assert load_errors() == ()
    catalogue = probe_catalogue()
    named = {p for _, r in frameworks[part].requirements() for p in r.probes()}
    assert sorted(named - set(catalogue)) == []

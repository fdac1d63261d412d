"""Content version 2022.10.4: the same requirements as 2022.10.3, each with its verification class, and enough checks
that evidence decides or proposes a large share of the standard."""

from __future__ import annotations

from collections import Counter

import pytest

from capability_model.catalog import resolve
from capability_model.coverage import coverage
from capability_model.differ import diff_frameworks
from capability_model.schema import LEVELS, AnyOf, Framework, Verification
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
    # Automated: 56 of 752, each decided by probes that measure every fact its text states over the whole population
    # (e.g. every released model version, every bug, every model workload). Most requirements also state a document,
    # a role, a review or a fact no collected record shows, so they stay assisted or attested.
    assert sum(t.automated for t in totals) >= 56


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


def _collectors(requirement: object) -> set[str]:
    return {probe.split(".", 1)[0] for probe in requirement.probes()}  # type: ignore[attr-defined]


def _items(frameworks: dict[str, Framework]) -> dict[str, list[set[str]]]:
    """Item id -> the collectors each of its checked requirements names."""
    return {
        item.id: [_collectors(r) for r in item.requirements if r.expectations]
        for fw in frameworks.values()
        for *_, item in fw.items()
    }


@pytest.mark.parametrize(
    ("collectors", "items"),
    [
        ({"kubernetes"}, ["P2.DR.CD.02", "P2.DR.CD.03", "P2.DR.RL.02", "P2.CM.EM.01", "P2.CM.EM.02"]),
        ({"airflow", "kubeflow"}, ["P1.MD.MB.01", "P1.MD.MT.01", "P2.CI.BM.03"]),
        ({"feast"}, ["P1.DE.FE.02"]),
        (
            {"jira", "zentao"},
            [f"P1.RM.{item}" for item in ("RA.01", "RA.02", "RA.03", "TC.01", "TC.02", "PP.01", "PP.02", "PP.03")],
        ),
    ],
    ids=["cluster", "orchestrators", "feature-store", "trackers"],
)
def test_lifecycle_collectors_check_their_items(
    frameworks: dict[str, Framework], collectors: set[str], items: list[str]
) -> None:
    """Deployment and environment items have cluster checks, pipeline and build-plan items orchestrator checks, feature
    management Feast checks and every item of requirements management tracker checks: at least two requirements
    each."""
    by_item = _items(frameworks)
    counts = {i: sum(1 for used in by_item[i] if used & collectors) for i in items}
    assert {i: n for i, n in counts.items() if n < 2} == {}


def test_modelarts_stands_beside_mlflow_as_an_alternative(frameworks: dict[str, Framework]) -> None:
    """Where a requirement names MLflow's registry, ModelArts is offered in the same any_of group, never ANDed (an
    assessment without a ModelArts target must not lose its verdicts)."""
    paired = alone = 0
    for fw in frameworks.values():
        for _, req in fw.requirements():
            for check in req.expectations:
                names = [p.probe for p in check.any_of] if isinstance(check, AnyOf) else [check.probe]
                if any(n.startswith("modelarts.") for n in names):
                    paired += len(names) > 1
                    alone += len(names) == 1
    assert alone == 0
    assert paired >= 80

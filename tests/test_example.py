"""The bundled example organisation, scored through the CLI; figures checked by hand from its questionnaires.

Part 1 item levels: RM 2,2,2,2,2,3,2,2 (mean 2.1); DE 3,3,3,2,3,2,3,3,2 (2.7); MD 3,3,3,3,4,3,3,3,3,3,3 (3.1);
overall min 2, mean 75/28 = 2.7. Part 2: CI 3,3,2,2,3,2 (2.5); DR 2,3,2,3,3,2,3,2,2,2 (2.4); MT 3,2,3,2,2 (2.4);
CM 3,3,3,3,3,3,4 (3.1); MF 2,2,2,2 (2.0); overall min 2, mean 81/32 = 2.5.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES, RunCli

PART1 = EXAMPLES / "retail-bank" / "interview" / "part1-development.yaml"  # every requirement answered by hand
PART2 = EXAMPLES / "retail-bank" / "interview" / "part2-delivery.yaml"


def _assess(run_cli: RunCli, path, *extra: str) -> dict:  # type: ignore[no-untyped-def]
    out = run_cli("assess", path, "--format", "json", *extra)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    ("path", "overall", "domains"),
    [
        (PART1, {"level": 2, "score": 2.7}, {"P1.RM": (2, 2.1), "P1.DE": (2, 2.7), "P1.MD": (3, 3.1)}),
        (
            PART2,
            {"level": 2, "score": 2.5},
            {"P2.CI": (2, 2.5), "P2.DR": (2, 2.4), "P2.MT": (2, 2.4), "P2.CM": (3, 3.1), "P2.MF": (2, 2.0)},
        ),
    ],
)
def test_example_levels(run_cli: RunCli, path, overall, domains) -> None:  # type: ignore[no-untyped-def]
    result = _assess(run_cli, path)
    assert result["overall"] == overall
    assert {d["id"]: (d["level"], d["score"]) for d in result["domains"]} == domains


def test_example_answers_every_requirement_with_a_note(run_cli: RunCli) -> None:
    import yaml

    for path, total in ((PART1, 350), (PART2, 402)):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert len(data["answers"]) == total
        assert all(a.get("note") for a in data["answers"].values())
        result = _assess(run_cli, path)
        assert sum(result["counts"].values()) == total
        assert result["counts"]["unknown"] <= 4


def test_experiment_management_is_the_strongest_item(run_cli: RunCli) -> None:
    result = _assess(run_cli, PART1)
    items = {i["id"]: i for d in result["domains"] for s in d["subdomains"] for i in s["items"]}
    mt02 = items["P1.MD.MT.02"]
    assert mt02["level"] == 4
    assert mt02["blocking"] == ["P1.MD.MT.02.R11", "P1.MD.MT.02.R12", "P1.MD.MT.02.R13"]
    assert max(i["level"] for i in items.values()) == 4
    assert min(i["level"] for i in items.values()) == 2


def test_example_roadmap_to_level_3(run_cli: RunCli) -> None:
    result = _assess(run_cli, PART2)
    assert [p["level"] for p in result["roadmap"]] == [3]
    phase = result["roadmap"][0]["requirements"]
    gap = {r for d in result["domains"] for s in d["subdomains"] for i in s["items"] for r in i["gap"]}
    assert {s["id"] for s in phase} == gap
    # an item's steps come after those of every item it waits for (its declared dependencies)
    first_step = {}
    for k, step in enumerate(phase):
        first_step.setdefault(step["item"], k)
    waits = [(dep, k) for k, step in enumerate(phase) for dep in step["after"] if dep in first_step]
    assert waits and all(first_step[dep] < k for dep, k in waits)
    assert all(step["effort"] in ("S", "M", "L") for step in phase)
    assert result["roadmap"][0]["lifts_to"] == 3  # closing the phase lifts the part to the target, by rescoring

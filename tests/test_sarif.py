"""`assess --format sarif`: SARIF 2.1.0 validated with check-jsonschema against the OASIS schema (tests/schemas/sarif/),
one rule per capability item, one result per requirement in the gap, stable fingerprints, and a location in the
assessment file — at the answer's line, or the file itself when the requirement has no answer there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from capability_model.catalog import resolve
from reports.build import score_parts
from reports.sarif import FINGERPRINT, fingerprint
from tests.conftest import EXAMPLES, ROOT, RunCli
from tests.schemas.validate import SARIF_SCHEMA, schema_errors

PART1 = EXAMPLES / "retail-bank" / "interview" / "part1-development.yaml"
REMOVED = "P1.RM.RA.01.R06"  # answered 'partial' in the example, level 3: in the gap at target 3 either way


@pytest.fixture(scope="module")
def logs(run_cli: RunCli, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's SARIF (relative path, run from the repository root, twice), and that of a copy whose answer to
    REMOVED was deleted, in Chinese."""
    out = tmp_path_factory.mktemp("sarif")
    data = yaml.safe_load(PART1.read_text(encoding="utf-8"))
    del data["answers"][REMOVED]
    edited = out / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    relative = PART1.relative_to(ROOT)
    runs = {
        "example": (relative, "--lang", "en"),
        "again": (relative, "--lang", "en"),
        "edited": (edited, "--lang", "zh"),
    }
    paths = {}
    for name, args in runs.items():
        paths[name] = out / f"{name}.sarif"
        done = run_cli("assess", *args, "--format", "sarif", "-o", paths[name], cwd=ROOT)
        assert done.returncode == 0, done.stderr
    return paths


def _run(path: Path) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    return run  # type: ignore[no-any-return]


def test_sarif_validates_against_the_2_1_0_schema(logs: dict[str, Path]) -> None:
    assert schema_errors(list(logs.values()), SARIF_SCHEMA) == {p: [] for p in logs.values()}


def test_one_rule_per_item_and_one_result_per_gap_requirement(logs: dict[str, Path]) -> None:
    run = _run(logs["example"])
    fw = resolve("caict-mlops-p1").framework
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [i.id for _, _, i in fw.items()]
    (part,) = score_parts([PART1])
    items = part.result.items()
    expected = [(i.id, rid) for i in items for rid in i.gap]
    assert [(r["ruleId"], r["properties"]["requirement"]) for r in run["results"]] == expected and expected
    blocking = {rid for i in items for rid in i.blocking}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        rid = result["properties"]["requirement"]
        assert result["level"] == ("error" if rid in blocking else "warning")
        assert result["message"]["text"].startswith(rid)
    assert run["properties"]["overallLevel"] == part.result.overall.level


def test_results_point_at_the_answer_line_with_stable_fingerprints(logs: dict[str, Path]) -> None:
    run = _run(logs["example"])
    lines = PART1.read_text(encoding="utf-8").splitlines()
    for result in run["results"]:
        rid = result["properties"]["requirement"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "examples/retail-bank/interview/part1-development.yaml"
        assert lines[physical["region"]["startLine"] - 1].strip() == f"{rid}:"
        assert result["partialFingerprints"] == {FINGERPRINT: fingerprint("caict-mlops-p1", rid)}
    prints = [r["partialFingerprints"][FINGERPRINT] for r in run["results"]]
    assert len(set(prints)) == len(prints)
    assert logs["example"].read_bytes() == logs["again"].read_bytes()


def test_a_requirement_without_an_answer_is_located_at_the_file(logs: dict[str, Path]) -> None:
    run = _run(logs["edited"])
    result = next(r for r in run["results"] if r["properties"]["requirement"] == REMOVED)
    assert result["properties"]["status"] == "unknown"
    (location,) = result["locations"]
    assert location["physicalLocation"] == {"artifactLocation": {"uri": logs["edited"].with_suffix(".yaml").as_uri()}}
    assert "未作答" in result["message"]["text"]
    example = _run(logs["example"])
    assert result["partialFingerprints"] == next(
        r["partialFingerprints"] for r in example["results"] if r["properties"]["requirement"] == REMOVED
    )

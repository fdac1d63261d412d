"""`model coverage`: every requirement counted once per grouping in exactly one verification class, by its checks."""

from __future__ import annotations

import json

import pytest

from capability_model.coverage import CoverageBy, coverage, verification_of
from capability_model.loader import LoadedFramework
from evidence_collectors.registry import installed_collectors
from tests.conftest import RunCli


@pytest.fixture(params=["caict-mlops-p1", "caict-mlops-p2"])
def framework(request: pytest.FixtureRequest, part1: LoadedFramework, part2: LoadedFramework) -> LoadedFramework:
    return part1 if request.param == "caict-mlops-p1" else part2


@pytest.mark.parametrize("by", [CoverageBy.item, CoverageBy.domain, CoverageBy.level])
def test_groups_partition_the_requirements(framework: LoadedFramework, by: CoverageBy) -> None:
    fw = framework.framework
    result = coverage(fw, by)
    every = [r for _, r in fw.requirements()]
    assert result.total.requirements == len(every)
    for row in [*result.rows, result.total]:
        assert row.automated + row.assisted + row.attested == row.requirements
    for field in ("requirements", "automated", "assisted", "attested"):
        assert sum(getattr(row, field) for row in result.rows) == getattr(result.total, field)
    expected_rows = {
        CoverageBy.item: sum(1 for _ in fw.items()),
        CoverageBy.domain: len(fw.domains),
        CoverageBy.level: 5,
    }
    assert len(result.rows) == expected_rows[by]


def test_classes_follow_the_checks(framework: LoadedFramework) -> None:
    fw = framework.framework
    total = coverage(fw).total
    checked = [r for _, r in fw.requirements() if r.expectations]
    assert total.checked == len(checked)
    assert total.automated == sum(1 for r in checked if r.verification_class.value == "automated")
    assert total.attested == sum(1 for _, r in fw.requirements() if verification_of(r) == "attested")
    assert total.probes == sorted({p for r in checked for p in r.probes()})


def test_by_collector_names_installed_collectors_and_their_probes(framework: LoadedFramework) -> None:
    installed = installed_collectors()
    result = coverage(framework.framework, CoverageBy.collector)
    assert result.rows, "the bundled frameworks have checks"
    for row in result.rows:
        assert row.key in installed, row.key
        known = set(installed[row.key].probe_ids())
        assert {p for p in row.probes if p.startswith(row.key + ".")} <= known
        assert row.attested == 0  # a requirement is listed under a collector only through a check


def test_the_command_prints_table_json_and_markdown(run_cli: RunCli) -> None:
    table = run_cli("model", "coverage", "--lang", "en")
    assert table.returncode == 0, table.stderr
    assert "caict-mlops-p1@" in table.stdout and "caict-mlops-p2@" in table.stdout and "Total" in table.stdout
    done = run_cli("model", "coverage", "caict-mlops-p2", "--by", "level", "--format", "json")
    data = json.loads(done.stdout)
    assert data["by"] == "level" and [r["key"] for r in data["rows"]] == ["1", "2", "3", "4", "5"]
    assert data["total"]["requirements"] == sum(r["requirements"] for r in data["rows"])
    markdown = run_cli("model", "coverage", "caict-mlops-p1", "--format", "markdown", "--lang", "zh")
    assert "| 分组 | 要求数 | 自动判定 | 证据辅助 | 人工证明 |" in markdown.stdout and "**合计**" in markdown.stdout


def test_bad_input_is_exit_2(run_cli: RunCli) -> None:
    assert run_cli("model", "coverage", "--by", "team").returncode == 2
    unknown = run_cli("model", "coverage", "no-such-framework")
    assert unknown.returncode == 2 and "unknown framework" in unknown.stderr and "Traceback" not in unknown.stderr

"""Malformed framework files: every error names the file, line, column and field path, and exits non-zero."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from capability_model.loader import load_framework
from capability_model.sourcefile import SourceError
from evidence_collectors.registry import probe_catalogue
from tests.conftest import RunCli


def _bundled(part1_path: Path) -> tuple[str, dict]:
    text = part1_path.read_text(encoding="utf-8")
    return text, yaml.safe_load(text)


def _line_of(lines: list[str], needle: str, start: int = 0) -> int:
    for n in range(start, len(lines)):
        if needle in lines[n]:
            return n
    raise AssertionError(f"{needle!r} not found")


@pytest.fixture
def part1_path(part1) -> Path:  # type: ignore[no-untyped-def]
    return part1.path


def test_out_of_range_level_points_at_its_line_and_path(part1_path: Path, tmp_path: Path, run_cli: RunCli) -> None:
    text, data = _bundled(part1_path)
    req = data["domains"][1]["subdomains"][2]["items"][0]["requirements"][3]
    lines = text.splitlines()
    id_line = _line_of(lines, f"- id: {req['id']}")
    level_line = _line_of(lines, "level:", id_line)
    lines[level_line] = lines[level_line].split("level:")[0] + "level: 7"
    bad = tmp_path / "part1.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(SourceError) as exc:
        load_framework(bad)
    issue = exc.value.issues[0]
    assert (issue.line, issue.path) == (level_line + 1, "domains[1].subdomains[2].items[0].requirements[3].level")
    assert issue.column == lines[level_line].index("7") + 1
    assert "must be 1..5" in issue.message

    result = run_cli("model", "validate", bad)
    assert result.returncode == 1
    assert (
        f"part1.yaml:{level_line + 1}:{issue.column} domains[1].subdomains[2].items[0].requirements[3].level: "
        f"must be 1..5" in result.stderr
    )


def test_duplicate_id_is_reported_at_the_second_use(part1_path: Path, tmp_path: Path) -> None:
    text, data = _bundled(part1_path)
    first = data["domains"][0]["subdomains"][0]["items"][0]["requirements"][0]["id"]
    second = data["domains"][0]["subdomains"][0]["items"][1]["requirements"][0]["id"]
    lines = text.splitlines()
    n = _line_of(lines, f"- id: {second}")
    lines[n] = lines[n].replace(second, first)
    bad = tmp_path / "dup.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_framework(bad)
    messages = [(i.line, i.path, i.message) for i in exc.value.issues]
    assert (
        n + 1,
        "domains[0].subdomains[0].items[1].requirements[0].id",
        f"duplicate id '{first}' (first used at line {_line_of(lines, f'- id: {first}') + 1})",
    ) in messages


def test_item_missing_a_level_is_an_error(part1_path: Path, tmp_path: Path) -> None:
    _, data = _bundled(part1_path)
    item = data["domains"][2]["subdomains"][1]["items"][1]
    item["requirements"] = [r for r in item["requirements"] if r["level"] != 4]
    bad = tmp_path / "missing-level.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_framework(bad)
    [issue] = exc.value.issues
    assert issue.path == "domains[2].subdomains[1].items[1].requirements"
    assert "level 4" in issue.message


def test_empty_translation_and_unknown_field_are_both_reported(part1_path: Path, tmp_path: Path) -> None:
    _, data = _bundled(part1_path)
    req = data["domains"][0]["subdomains"][1]["items"][0]["requirements"][2]
    req["text"]["en"] = "   "
    req["levle"] = 2
    bad = tmp_path / "two-errors.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_framework(bad)
    found = {(i.path, i.message) for i in exc.value.issues}
    base = "domains[0].subdomains[1].items[0].requirements[2]"
    assert (f"{base}.levle", "unknown field") in found
    assert any(p == f"{base}.text.en" and "at least 1 character" in m for p, m in found)


def test_yaml_syntax_error_names_line(tmp_path: Path, run_cli: RunCli) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: x\nversion: '1'\ndomains:\n  - id: a\n    name: {zh: 甲, en: [\n", encoding="utf-8")
    result = run_cli("model", "validate", bad)
    assert result.returncode == 1
    [message] = [m for m in result.stderr.splitlines() if m.startswith(f"{bad}:")]
    assert "invalid YAML" in message
    line = int(message.split(":")[1])
    assert 5 <= line <= 6


def test_duplicate_yaml_key_is_not_silently_dropped(tmp_path: Path) -> None:
    bad = tmp_path / "dupkey.yaml"
    bad.write_text("id: a\nversion: '1'\nid: b\n", encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_framework(bad)
    assert str(exc.value.issues[0]).startswith(f"{bad}:3:5 id: duplicate key 'id'")


def test_missing_file(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("model", "validate", tmp_path / "nope.yaml")
    assert result.returncode == 1
    assert "file not found" in result.stderr


def test_bundled_expectations_name_installed_probes(framework_files: list[Path]) -> None:
    known = set(probe_catalogue())
    used = {
        p for f in framework_files for _, r in load_framework(f, known).framework.requirements() for p in r.probes()
    }
    assert len(used) >= 40 and used <= known


def test_unknown_probe_in_an_expectation_is_an_error(part1_path: Path, tmp_path: Path) -> None:
    _, data = _bundled(part1_path)
    req = data["domains"][0]["subdomains"][0]["items"][0]["requirements"][0]
    req["expectations"] = [{"probe": "nosuch.collector_probe", "op": ">=", "value": 1}]
    bad = tmp_path / "probe.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_framework(bad, known_probes=set(probe_catalogue()))
    [issue] = exc.value.issues
    assert issue.path == "domains[0].subdomains[0].items[0].requirements[0].expectations[0].probe"
    assert issue.message == "unknown probe 'nosuch.collector_probe'"
    assert load_framework(bad).framework.id == "caict-mlops-p1"  # without a catalogue, the schema alone decides


def test_union_member_names_do_not_appear_in_paths(part1_path: Path, tmp_path: Path) -> None:
    lines = part1_path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip().startswith("op: '>='"))
    lines[n] = lines[n].replace("'>='", "'=~'")
    bad = tmp_path / "op.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_framework(bad)
    paths = [i.path for i in exc.value.issues]
    assert not [p for p in paths if "function-after" in p or "AnyOf" in p or "ProbeExpectation" in p], paths
    op_issue = next(i for i in exc.value.issues if i.path.endswith(".op") and i.message.startswith("Input should be"))
    assert (op_issue.line, op_issue.column) == (n + 1, lines[n].index("'=~'") + 1)


def test_a_file_wrong_everywhere_lists_a_hundred_problems_and_counts_the_rest(tmp_path: Path) -> None:
    from evidence_collectors.registry import installed_collectors
    from evidence_collectors.targets import load_targets

    bad = tmp_path / "targets.yaml"
    bad.write_text("targets:\n" + "  - collector: nosuch\n" * 500, encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_targets(bad, installed_collectors())
    assert len(exc.value.issues) == 101
    assert exc.value.issues[-1].message == "... and 400 more problems"
    assert exc.value.issues[-1].line == 102

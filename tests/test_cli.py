"""The installed console script, run as a user runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from capability_model.loader import LoadedFramework
from tests.conftest import RunCli


def _fill(path: Path, status_for: dict[str, str]) -> None:
    """Answer a blank questionnaire the way a person edits it: write a status after `status:`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    current = None
    for n, line in enumerate(lines):
        m = re.match(r"^  (P\d[\w.]+):$", line)
        if m:
            current = m.group(1)
        elif line == "    status:" and current in status_for:
            lines[n] = f"    status: {status_for[current]}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_help_lists_the_commands(run_cli: RunCli) -> None:
    out = run_cli("--help")
    assert out.returncode == 0
    for command in ("init", "assess", "migrate", "model"):
        assert command in out.stdout


def test_model_list_and_show_json(run_cli: RunCli, part1: LoadedFramework) -> None:
    listed = json.loads(run_cli("model", "list", "--format", "json").stdout)
    p1 = [row for row in listed if row["id"] == "caict-mlops-p1"]
    assert p1 and p1[-1]["items"] == 28 and p1[-1]["subdomains"] == 10

    out = run_cli("model", "show", "caict-mlops-p1", "--format", "json")
    assert out.returncode == 0, out.stderr
    tree = json.loads(out.stdout)
    assert {"id", "version", "title", "levels", "domains"} <= set(tree)
    assert tree["title"]["zh"].startswith("人工智能")
    domain = tree["domains"][0]
    assert domain["name"] == {"zh": "需求管理", "en": "Requirements management"}
    req = domain["subdomains"][0]["items"][0]["requirements"][0]
    assert {"id", "level", "text", "guidance", "dimension"} <= set(req)
    assert set(req["text"]) == {"zh", "en"}
    assert tree["version"] == part1.framework.version


def test_model_show_by_version_yaml_and_unknown(run_cli: RunCli, part1: LoadedFramework) -> None:
    out = run_cli("model", "show", part1.ref, "--format", "yaml")
    assert out.returncode == 0
    assert yaml.safe_load(out.stdout)["id"] == "caict-mlops-p1"
    bad = run_cli("model", "show", "caict-mlops-p1@1999.1")
    assert bad.returncode == 2
    assert "no version 1999.1" in bad.stderr
    missing = run_cli("model", "show", "nonexistent")
    assert missing.returncode == 2 and "unknown framework" in missing.stderr


def test_model_show_table_in_both_languages(run_cli: RunCli) -> None:
    zh = run_cli("model", "show", "caict-mlops-p2", "--lang", "zh")
    en = run_cli("model", "show", "caict-mlops-p2", "--lang", "en")
    assert "部署发布" in zh.stdout and "Deployment and release" not in zh.stdout
    assert "Deployment and release" in en.stdout and "部署发布" not in en.stdout


def test_model_schema_is_json_schema(run_cli: RunCli, tmp_path: Path) -> None:
    out = run_cli("model", "schema")
    schema = json.loads(out.stdout)
    assert schema["title"] == "Framework"
    assert "domains" in schema["properties"]
    target = tmp_path / "assessment.schema.json"
    assert run_cli("model", "schema", "--of", "assessment", "-o", target).returncode == 0
    assert "answers" in json.loads(target.read_text())["properties"]


def test_validate_bundled_files(run_cli: RunCli, framework_files: list[Path]) -> None:
    out = run_cli("model", "validate", *framework_files)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("ok ") == len(framework_files)


def test_init_fill_assess(run_cli: RunCli, tmp_path: Path, part1: LoadedFramework) -> None:
    q = tmp_path / "q.yaml"
    out = run_cli("init", "caict-mlops-p1", "-o", q, "--organisation", "Acme", "--target", "2")
    assert out.returncode == 0, out.stderr
    assert run_cli("init", "caict-mlops-p1", "-o", q).returncode == 2  # never overwrites answers by accident

    # Every requirement up to level 2 met, except one level-2 requirement of the first item.
    statuses = {r.id: "met" for _, r in part1.framework.requirements() if r.level <= 2}
    first_item = part1.framework.domains[0].subdomains[0].items[0]
    blocker = next(r.id for r in first_item.requirements if r.level == 2)
    statuses[blocker] = "partial"
    _fill(q, statuses)

    result = json.loads(run_cli("assess", q, "--format", "json").stdout)
    assert result["overall"] == {"level": 1, "score": round((1 + 2 * 27) / 28, 1)}
    item = result["domains"][0]["subdomains"][0]["items"][0]
    assert item["level"] == 1 and item["blocking"] == [blocker]
    assert [p["level"] for p in result["roadmap"]] == [2]
    assert [s["id"] for s in result["roadmap"][0]["requirements"]] == [blocker]
    assert result["framework"]["sha256"] == part1.sha256

    at3 = json.loads(run_cli("assess", q, "--format", "json", "--target", "3").stdout)
    assert [p["level"] for p in at3["roadmap"]] == [2, 3]

    assert run_cli("assess", q, "--fail-under", "1").returncode == 0
    failed = run_cli("assess", q, "--fail-under", "2")
    assert failed.returncode == 1 and "below --fail-under 2" in failed.stderr

    table = run_cli("assess", q, "--lang", "en")
    assert "Overall level: 1 Basic" in table.stdout
    md = run_cli("assess", q, "--format", "markdown", "--lang", "zh").stdout
    assert md.startswith("# 人工智能") and "需求确认" in md and "阶段 2: 达到2级" in md and blocker in md
    assert "Requirement confirmation" not in md


def test_assess_reports_bad_input_with_location(run_cli: RunCli, tmp_path: Path) -> None:
    q = tmp_path / "q.yaml"
    run_cli("init", "caict-mlops-p2", "-o", q)
    text = q.read_text(encoding="utf-8").replace("target_level: 3", "target_level: 9")
    q.write_text(text, encoding="utf-8")
    out = run_cli("assess", q)
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("target_level"))
    assert out.returncode == 2
    assert f"{q}:{line}:15 target_level: Input should be less than or equal to 5" in out.stderr

    typo = tmp_path / "typo.yaml"
    run_cli("init", "caict-mlops-p2", "-o", typo)
    text = typo.read_text(encoding="utf-8").replace("answers:\n", "answers:\n  P2.XX.YY.01.R01:\n    status: met\n", 1)
    typo.write_text(text, encoding="utf-8")
    out = run_cli("assess", typo)
    assert out.returncode == 2 and "no requirement 'P2.XX.YY.01.R01'" in out.stderr


def test_migrate_keeps_orphans(run_cli: RunCli, tmp_path: Path, part1: LoadedFramework) -> None:
    data = yaml.safe_load(part1.path.read_text(encoding="utf-8"))
    data["version"] = "2099.1"
    item = data["domains"][0]["subdomains"][0]["items"][0]
    gone = item["requirements"][-1]
    item["requirements"].insert(-1, dict(gone, id=item["id"] + ".R90"))
    item["requirements"].pop()
    newer = tmp_path / "newer.yaml"
    newer.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    q = tmp_path / "q.yaml"
    run_cli("init", "caict-mlops-p1", "-o", q)
    _fill(q, {gone["id"]: "met"})
    out = run_cli("migrate", q, "--to", newer, "-o", tmp_path / "moved.yaml")
    assert out.returncode == 0, out.stderr
    assert "1 orphaned" in out.stderr
    moved = yaml.safe_load((tmp_path / "moved.yaml").read_text(encoding="utf-8"))
    assert moved["framework"] == "caict-mlops-p1@2099.1"
    assert moved["orphaned"] == {gone["id"]: {"status": "met"}}


def test_start_up_imports_no_heavy_libraries() -> None:
    """`--help` stays fast because the CLI module imports no heavy library at start-up."""
    import subprocess
    import sys

    heavy = ["pydantic", "yaml", "httpx", "jinja2", "weasyprint", "pandas", "plotly", "streamlit", "mlflow"]
    code = f"import sys, app.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

"""The CI gate as CI runs it: the GitHub Action's steps (action.yml) and the GitLab CI template's script, executed with
bash on the example questionnaire; exit codes and the SARIF file they leave are checked."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT
from tests.schemas.validate import SARIF_SCHEMA, schema_errors

ACTION = ROOT / "action.yml"
GITLAB = ROOT / "ci" / "gitlab" / "mlops-maturity.gitlab-ci.yml"
ASSESSMENT = (EXAMPLES / "retail-bank" / "interview" / "part1-development.yaml").relative_to(ROOT)  # overall level 2
EXPRESSION = re.compile(r"\$\{\{\s*(inputs|github|steps)\.([A-Za-z0-9_.-]+)\s*\}\}")


def _action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def _step(name: str) -> dict[str, Any]:
    return next(s for s in _action()["runs"]["steps"] if s.get("name") == name)


def _inputs(given: dict[str, str]) -> dict[str, str]:
    declared = _action()["inputs"]
    assert set(given) <= set(declared)
    return {k: given.get(k, str(v.get("default", ""))) for k, v in declared.items()}


def _expand(value: str, inputs: dict[str, str], steps: dict[str, str] | None = None) -> str:
    """The value with `${{ inputs.X }}`, `${{ github.action_path }}` and the given `${{ steps.X }}` filled in."""
    known = {"github": {"action_path": str(ROOT)}, "inputs": inputs, "steps": steps or {}}

    def one(match: re.Match[str]) -> str:
        scope, name = match.groups()
        return known[scope][name]

    out = EXPRESSION.sub(one, value)
    assert "${{" not in out, out
    return out


def _run_step(name: str, inputs: dict[str, str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run one `run:` step as the runner does: bash, the step's env with its expressions expanded, GITHUB_OUTPUT."""
    step = _step(name)
    assert step["shell"] == "bash"
    outputs = tmp_path / "github-output"
    outputs.touch()
    env = {k: _expand(str(v), inputs) for k, v in step.get("env", {}).items()}
    env |= {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(outputs)}
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    return done, outputs.read_text(encoding="utf-8")


def test_the_action_is_composite_and_uploads_what_assess_writes() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    names = [s.get("name") for s in steps]
    assert names.index("Assess") < names.index("Upload SARIF") < names.index("Fail below the threshold")
    assert action["inputs"]["assessment"]["required"] is True


@pytest.mark.parametrize(("fail_under", "code"), [("3", "1"), ("2", "0")])
def test_the_assess_step_gates_on_fail_under_and_writes_valid_sarif(tmp_path: Path, fail_under: str, code: str) -> None:
    sarif = tmp_path / "gate.sarif"
    inputs = _inputs({"assessment": str(ASSESSMENT), "fail-under": fail_under, "sarif-file": str(sarif)})
    collect, _ = _run_step("Collect evidence", inputs, tmp_path)
    assert collect.returncode == 0 and "without collecting" in collect.stdout
    done, outputs = _run_step("Assess", inputs, tmp_path)
    assert done.returncode == 0, done.stderr  # below the threshold the step still succeeds, so the upload runs
    assert outputs.splitlines() == [f"exit-code={code}"]
    assert schema_errors([sarif], SARIF_SCHEMA) == {sarif: []}
    (run,) = json.loads(sarif.read_text(encoding="utf-8"))["runs"]
    assert run["properties"]["overallLevel"] == 2 and run["results"]
    gate = _step("Fail below the threshold")
    env = {k: _expand(str(v), inputs, {"assess.outputs.exit-code": code}) for k, v in gate["env"].items()}
    final = subprocess.run(["bash", "-e", "-c", gate["run"]], env=env, capture_output=True, text=True, timeout=60)
    assert final.returncode == (1 if code == "1" else 0)


def test_the_assess_step_fails_at_once_on_bad_input(tmp_path: Path) -> None:
    inputs = _inputs({"assessment": "no-such-file.yaml", "sarif-file": str(tmp_path / "x.sarif")})
    done, outputs = _run_step("Assess", inputs, tmp_path)
    assert done.returncode == 2 and outputs.splitlines() == ["exit-code=2"]


@pytest.mark.parametrize(("fail_under", "code"), [("3", 1), ("2", 0)])
def test_the_gitlab_template_runs_the_same_gate(tmp_path: Path, fail_under: str, code: int) -> None:
    job = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))[".mlops-maturity"]
    sarif = tmp_path / "gitlab.sarif"
    env = {k: str(v) for k, v in job["variables"].items()}
    env |= {
        "MLOPS_MATURITY_ASSESSMENT": str(ASSESSMENT),
        "MLOPS_MATURITY_FAIL_UNDER": fail_under,
        "MLOPS_MATURITY_SARIF": str(sarif),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    script = "\n".join(job["script"])  # GitLab runs the lines in one shell and stops at the first failing one
    done = subprocess.run(["bash", "-e", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == code, done.stderr
    assert schema_errors([sarif], SARIF_SCHEMA) == {sarif: []}
    assert job["artifacts"]["when"] == "always" and job["artifacts"]["paths"] == ["$MLOPS_MATURITY_SARIF"]

"""Each requirement's verification class: stated explicitly from content version 2022.10.4, implied by the older
`expectation_mode` before it, consistent with the checks it carries, and shown by `model diff` when it changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from capability_model.differ import diff_frameworks
from capability_model.loader import load_framework
from capability_model.schema import Methodology, Requirement, Verification
from tests.conftest import RunCli

CHECK = {"probe": "git.ci_runs_tests", "op": "==", "value": True}


def _requirement(**fields: Any) -> Requirement:
    base = {
        "id": "X.R01",
        "level": 1,
        "dimension": "automation",
        "text": {"zh": "持续集成运行测试。", "en": "CI runs the tests."},
        "guidance": {"zh": "查看流水线。", "en": "Read the pipeline."},
    }
    return Requirement.model_validate(base | fields)


def test_explicit_class_is_the_class_in_force() -> None:
    assert _requirement(verification="automated", expectations=[CHECK]).verification_class is Verification.automated
    assert _requirement(verification="assisted", expectations=[CHECK]).verification_class is Verification.assisted
    assert _requirement(verification="attested").verification_class is Verification.attested


def test_older_files_imply_the_class_from_their_mode() -> None:
    assert _requirement().verification_class is Verification.attested
    assert _requirement(expectations=[CHECK]).verification_class is Verification.automated
    implied = _requirement(expectations=[CHECK], expectation_mode="necessary").verification_class
    assert implied is Verification.assisted


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"verification": "attested", "expectations": [CHECK]}, "takes no expectations"),
        ({"verification": "automated"}, "needs expectations"),
        ({"verification": "assisted", "expectations": []}, "needs expectations"),
        ({"verification": "assisted", "expectations": [CHECK], "expectation_mode": "necessary"}, "older name"),
        ({"verification": "decided"}, "automated"),
    ],
)
def test_class_and_checks_must_agree(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _requirement(**fields)


def test_methodology_defines_each_class_once() -> None:
    text = {"zh": "说明", "en": "text"}
    defs = [{"id": v.value, "name": text, "description": text} for v in Verification]
    assert (
        len(Methodology.model_validate({"verification_classes": defs, "verification_rule": text}).verification_classes)
        == 3
    )
    with pytest.raises(ValidationError, match="once each"):
        Methodology.model_validate({"verification_classes": [defs[0], defs[0], defs[1]], "verification_rule": text})


def _with_class_change(source: Path, tmp_path: Path) -> tuple[Path, str]:
    """A successor file where one checked requirement becomes `attested` and one attested one gains a check."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["version"] = "2099.2"
    reqs = [r for d in data["domains"] for s in d["subdomains"] for i in s["items"] for r in i["requirements"]]
    checked = next(r for r in reqs if r.get("expectations"))
    checked.pop("expectations")
    checked.pop("expectation_mode", None)
    checked["verification"] = "attested"
    path = tmp_path / "next.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, checked["id"]


def test_diff_names_the_class_and_probes_that_changed(part1, tmp_path: Path, run_cli: RunCli) -> None:  # type: ignore[no-untyped-def]
    path, rid = _with_class_change(part1.path, tmp_path)
    new = load_framework(path).framework
    old_req = part1.framework.requirement_index()[rid][1]
    diff = diff_frameworks(part1.framework, new)
    [change] = [c for c in diff.requirements if c.id == rid]
    assert change.kind == "checks_changed"
    assert (change.verification_old, change.verification_new) == (old_req.verification_class.value, "attested")
    assert change.probes_old == old_req.probes() and change.probes_new == []
    assert [c.id for c in diff.requirements] == [rid]  # nothing else differs
    out = run_cli("model", "diff", str(part1.path), str(path))
    assert f"{old_req.verification_class.value} → attested" in out.stdout
    assert f"- {', '.join(sorted(set(old_req.probes())))}" in out.stdout

"""`model validate` checks the other maturity models and their mappings onto CAICT as it checks framework files."""

from __future__ import annotations

from pathlib import Path

from capability_model.reference_models import MAPPINGS_DIR, REFERENCE_MODELS, bundled_paths
from tests.conftest import RunCli


def test_every_bundled_reference_model_and_mapping_validates(run_cli: RunCli) -> None:
    files = sorted(MAPPINGS_DIR.glob("*.yaml"))
    assert len(files) == 2 * len(REFERENCE_MODELS)
    result = run_cli("model", "validate", *map(str, files))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("\nok ") + out.startswith("ok ") == len(files)
    assert out.count("(reference model ") == len(REFERENCE_MODELS) and out.count("(mapping ") == len(REFERENCE_MODELS)


def test_a_mapping_onto_an_unknown_requirement_is_refused_with_its_line(run_cli: RunCli, tmp_path: Path) -> None:
    model, mapping = bundled_paths("google-mlops")
    (tmp_path / model.name).write_text(model.read_text(encoding="utf-8"), encoding="utf-8")
    text = mapping.read_text(encoding="utf-8")
    assert "  targets: [P1.MD.MT.01.R09]\n" in text
    broken = tmp_path / mapping.name
    broken.write_text(text.replace("  targets: [P1.MD.MT.01.R09]\n", "  targets: [P1.MD.MT.01.R99]\n"), "utf-8")
    line = text[: text.index("  targets: [P1.MD.MT.01.R09]")].count("\n") + 1
    result = run_cli("model", "validate", str(broken))
    assert result.returncode == 1
    assert f"{broken}:{line}:" in result.stderr and "P1.MD.MT.01.R99" in result.stderr

"""The bundled reference models and their mappings onto CAICT: valid, complete, bilingual, with located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capability_model.reference_models import (
    MAPPINGS_DIR,
    REFERENCE_MODELS,
    bundled_paths,
    load_bundled,
    load_mapping,
    load_reference_model,
)
from capability_model.schema import Framework, LocalizedText
from capability_model.sourcefile import SourceError

CJK = re.compile(r"[\u4e00-\u9fff]")


def _texts(model_id: str) -> list[tuple[str, LocalizedText]]:
    model, mapping = load_bundled(model_id)
    m = model.model
    out = [("title", m.title), ("disclosure", m.disclosure), ("rule", m.scoring_rule)]
    out += [(f"level {lv.level}", t) for lv in m.levels for t in (lv.name, lv.description)]
    out += [(s.id, s.name) for s in m.sections] + [(f"band {n}", b.meaning) for n, b in enumerate(m.bands)]
    out += [(c.id, c.name) for _, c in m.criteria()] + [(c.id, c.description) for _, c in m.criteria()]
    out += [(f"{e.source} -> {e.targets}", e.rationale) for e in mapping.mapping.mappings]
    return [*out, ("method", mapping.mapping.method), ("mapping title", mapping.mapping.title)]


def test_the_three_models_have_their_published_structure() -> None:
    google = load_bundled("google-mlops")[0].model
    names = ["Manual process", "ML pipeline automation", "CI/CD pipeline automation"]
    assert [lv.name.en for lv in google.levels] == names
    microsoft = load_bundled("microsoft-mlops")[0].model
    assert [lv.name.en for lv in microsoft.levels] == [
        "No MLOps",
        "DevOps but no MLOps",
        "Automated training",
        "Automated model deployment",
        "Full MLOps automated operations",
    ]
    aspects = {c.aspect for _, c in microsoft.criteria()}
    assert {"people", "model_creation", "model_release", "application_integration"} <= aspects
    score = load_bundled("ml-test-score")[0].model
    assert [s.id for s in score.sections] == ["DATA", "MODEL", "INFRA", "MONITOR"]
    assert [len(s.criteria) for s in score.sections] == [7, 7, 7, 7]
    assert score.scoring == "test_score" and google.scoring == microsoft.scoring == "cumulative_levels"


@pytest.mark.parametrize("model_id", REFERENCE_MODELS)
def test_every_criterion_is_mapped_onto_caict(model_id: str) -> None:
    model, mapping = load_bundled(model_id)
    mapped = {e.source for e in mapping.mapping.mappings}
    assert mapped == model.model.criterion_ids()
    assert mapping.mapping.source == model.model.ref


@pytest.mark.parametrize("model_id", REFERENCE_MODELS)
def test_texts_are_in_the_language_they_claim(model_id: str) -> None:
    for where, text in _texts(model_id):
        assert CJK.search(text.zh), (model_id, where)
        assert not CJK.search(text.en), (model_id, where)


def test_relations_onto_part3_are_checked_against_it() -> None:
    """Monitoring and continuous-training criteria reach Part 3 (model operation) where it has the practice."""
    _, mapping = load_bundled("microsoft-mlops")
    retrain = [t for e in mapping.mapping.mappings if e.source == "M4.AUTO_RETRAIN" for t in e.targets]
    assert any(t.startswith("P3.CT.") for t in retrain)
    assert any(t.startswith("P2.") for t in retrain)  # decidable without a Part 3 assessment too


def _broken_copy(tmp_path: Path, model_id: str, old: str, new: str) -> tuple[Path, int]:
    _, mapping_path = bundled_paths(model_id)
    text = mapping_path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    out = tmp_path / mapping_path.name
    out.write_text(text, encoding="utf-8")
    line = text[: text.index(new)].count("\n") + 1
    return out, line


def _frameworks() -> list[Framework]:
    from capability_model.catalog import resolve

    return [resolve(ref).framework for ref in ("caict-mlops-p1", "caict-mlops-p2", "caict-mlops-p3")]


def test_an_unknown_target_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path, line = _broken_copy(tmp_path, "google-mlops", "targets: [P1.MD.ES.01.R04]", "targets: [P1.MD.ES.01.R99]")
    model = load_reference_model(bundled_paths("google-mlops")[0]).model
    with pytest.raises(SourceError) as exc:
        load_mapping(path, model, _frameworks())
    message = str(exc.value)
    assert f"{path}:{line}:" in message
    assert "no requirement 'P1.MD.ES.01.R99'" in message


def test_an_unknown_criterion_and_an_item_level_out_of_range_are_both_reported(tmp_path: Path) -> None:
    path, line = _broken_copy(tmp_path, "ml-test-score", "- source: DATA.2\n", "- source: DATA.99\n")
    text = path.read_text(encoding="utf-8").replace("targets: [P1.DE.FE.02.R09]", "targets: [P1.DE.FE.02@7]")
    path.write_text(text, encoding="utf-8")
    model = load_reference_model(bundled_paths("ml-test-score")[0]).model
    with pytest.raises(SourceError) as exc:
        load_mapping(path, model, _frameworks())
    messages = [str(i) for i in exc.value.issues]
    assert any(f"{path}:{line}:" in m and "no criterion 'DATA.99'" in m for m in messages)
    assert any("level 7 of 'P1.DE.FE.02@7' must be 1..5" in m for m in messages)


def test_a_bad_relationship_is_a_schema_error_at_its_line(tmp_path: Path) -> None:
    path, line = _broken_copy(tmp_path, "microsoft-mlops", "relationship: intersects", "relationship: overlaps")
    model = load_reference_model(bundled_paths("microsoft-mlops")[0]).model
    with pytest.raises(SourceError) as exc:
        load_mapping(path, model, _frameworks())
    assert any(i.line == line and i.path.endswith("relationship") for i in exc.value.issues)


def test_a_duplicate_criterion_id_points_at_both_places(tmp_path: Path) -> None:
    text = (MAPPINGS_DIR / "ml-test-score.yaml").read_text(encoding="utf-8")
    first = text[: text.index("- id: DATA.1\n")].count("\n") + 1
    text = text.replace("- id: DATA.2\n", "- id: DATA.1\n", 1)
    second = text[: text.index("- id: DATA.1\n", text.index("- id: DATA.1\n") + 1)].count("\n") + 1
    path = tmp_path / "ml-test-score.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_reference_model(path)
    (issue,) = exc.value.issues
    assert issue.line == second and f"first used at line {first}" in issue.message

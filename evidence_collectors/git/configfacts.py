"""Practices kept in tool configuration rather than in code: GTO's model registry file (`artifacts.yaml` entries of
type model), MLflow Recipes (`recipe.yaml`/`pipeline.yaml` with a recipe template and steps, whose `register` step
registers the model), kedro-mlflow catalog data sets (metrics and artifacts logged to MLflow) and DVC experiment
grids (`dvc exp run -S 'p=range(...)'` or `-S 'p=1,2,3'`: a hyperparameter search queued by DVC)."""

from __future__ import annotations

import contextlib
import re
import shlex
from typing import Any

from evidence_collectors.git import yamldocs
from evidence_collectors.git.commands import logical_lines
from evidence_collectors.git.pyast import Hit
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot

_RECIPE_TEMPLATE = re.compile(r"^(regression|classification)/v\d+$")
_RECIPE_NAMES = {"recipe.yaml", "recipe.yml", "pipeline.yaml", "pipeline.yml"}
_KEDRO_MLFLOW = re.compile(r"^\s*type\s*:\s*[\"']?kedro_mlflow\.io\.(metrics|artifacts|models)\.Mlflow\w+", re.M)
_GRID_VALUE = re.compile(r"=\s*(range|choice)\(|=[^\[\]{}]*,")
_PROFILE_VARIABLE = re.compile(r"\{\{[^{}\n]*\}\}")  # recipe profile variables, filled in by MLflow at run time


def _line(text: str, pattern: re.Pattern[str]) -> int:
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _load(snap: Snapshot, path: str, text: str | None = None) -> Any:
    with contextlib.suppress(yamldocs.YAMLError):
        return yamldocs.load(snap.text(path) if text is None else text)
    return None


def _own_named(snap: Snapshot, names: set[str]) -> list[str]:
    return [
        e.path
        for e in snap.entries
        if e.name.lower() in names and e.path in snap.contents and path_scope(e.path) == "own"
    ]


def gto_model_artifacts(snap: Snapshot) -> list[Hit]:
    """Models declared in GTO's `artifacts.yaml` (name -> {type: model, path: ...})."""
    hits: list[Hit] = []
    for path in _own_named(snap, {"artifacts.yaml", "artifacts.yml"}):
        if "type" not in snap.text(path):
            continue
        doc = _load(snap, path)
        for name, spec in doc.items() if isinstance(doc, dict) else []:
            if isinstance(spec, dict) and str(spec.get("type", "")).lower() == "model":
                line = _line(snap.text(path), re.compile(rf"^{re.escape(str(name))}\s*:", re.M))
                hits.append(Hit("gto_artifacts", path, line, f"artifact {name} (type: model)"))
    return hits


def mlflow_recipes(snap: Snapshot) -> list[tuple[str, dict[str, Any]]]:
    """(path, steps) of MLflow Recipes (formerly MLflow Pipelines) definitions."""
    found: list[tuple[str, dict[str, Any]]] = []
    for path in _own_named(snap, _RECIPE_NAMES):
        text = snap.text(path)
        if "steps" not in text or ("recipe" not in text and "template" not in text):
            continue
        doc = _load(snap, path, _PROFILE_VARIABLE.sub("profile-variable", text))
        if not isinstance(doc, dict) or not isinstance(doc.get("steps"), dict):
            continue
        template = str(doc.get("recipe") or doc.get("template") or "")
        if _RECIPE_TEMPLATE.match(template):
            found.append((path, doc["steps"]))
    return found


def recipe_registration(snap: Snapshot) -> list[Hit]:
    """The `register` step of an MLflow Recipe: the recipe registers the model in the MLflow Model Registry."""
    return [
        Hit("mlflow_recipes", path, _line(snap.text(path), re.compile(r"^\s+register\s*:", re.M)), "register step")
        for path, steps in mlflow_recipes(snap)
        if "register" in steps
    ]


def kedro_mlflow_tracking(snap: Snapshot) -> list[Hit]:
    """kedro-mlflow data sets in a Kedro catalog: what the pipeline saves there is logged to the MLflow run."""
    hits: list[Hit] = []
    for path in sorted(snap.contents):
        lower = path.lower()
        if not lower.endswith((".yml", ".yaml")) or "catalog" not in lower or path_scope(path) != "own":
            continue
        text = snap.text(path)
        if "kedro_mlflow" in text and _KEDRO_MLFLOW.search(text):
            hits.append(Hit("mlflow", path, _line(text, _KEDRO_MLFLOW), "kedro_mlflow catalog data set"))
    return hits


def _grid(line: str) -> bool:
    """`dvc exp run` with a parameter set to several values (`-S p=range(1, 5)`, `-S p=1,2,3`)."""
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    if words[:3] != ["dvc", "exp", "run"]:
        return False
    values = [words[n + 1] for n, w in enumerate(words[:-1]) if w in {"-S", "--set-param"}]
    values += [w.split("=", 1)[1] for w in words if w.startswith("--set-param=")]
    return any(_GRID_VALUE.search(v) for v in values)


def dvc_experiment_grids(snap: Snapshot) -> list[Hit]:
    """Shell scripts and Makefiles of the project that queue a DVC experiment grid."""
    hits: list[Hit] = []
    for path in sorted(snap.contents):
        name = path.rsplit("/", 1)[-1].lower()
        if not (name.endswith(".sh") or name in {"makefile", "justfile"}) or path_scope(path) != "own":
            continue
        text = snap.text(path)
        if "dvc exp run" not in text:
            continue
        for line in logical_lines(text):
            if _grid(line):
                hits.append(Hit("dvc_experiments", path, _line(text, re.compile(r"dvc exp run")), "dvc exp run grid"))
                break
    return hits

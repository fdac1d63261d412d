"""Pipeline definitions: DVC stages, MLproject entry points, MLflow Recipes, orchestrator code (Airflow, KFP, Prefect,
ZenML, Metaflow, ...), compiled KFP and Argo workflows, Snakemake and Nextflow files."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from evidence_collectors.git import configfacts, yamldocs
from evidence_collectors.git.code_index import CodeIndex
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.manifests import Manifests
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot
from evidence_collectors.git.tools import PIPELINE_CODE, detect

TRAINING = re.compile(r"(?<![a-z])(re)?train(?!s\b)|fine[_-]?tun|\.fit\(", re.IGNORECASE)


@dataclass
class Pipelines:
    tools: dict[str, set[str]] = field(default_factory=dict)  # tool -> definition files
    dvc_stages: list[str] = field(default_factory=list)
    dvc_outs: int = 0
    training: list[str] = field(default_factory=list)  # where a training step was seen

    def add(self, tool: str, path: str) -> None:
        self.tools.setdefault(tool, set()).add(path)


def _dvc_yaml(path: str, doc: Any, result: Pipelines) -> None:
    stages = doc.get("stages") if isinstance(doc, dict) else None
    for name, stage in stages.items() if isinstance(stages, dict) else []:
        result.dvc_stages.append(f"{path}:{name}")
        body = stage.get("do", stage) if isinstance(stage, dict) else {}
        outs = (
            [o for key in ("outs", "metrics", "plots") for o in (body.get(key) or [])] if isinstance(body, dict) else []
        )
        result.dvc_outs += len(outs)
        if TRAINING.search(str(name)) or TRAINING.search(str(body.get("cmd", "")) if isinstance(body, dict) else ""):
            result.training.append(f"dvc stage {name} ({path})")


def scan(snap: Snapshot, index: CodeIndex, manifests: Manifests) -> Pipelines:
    result = Pipelines()
    for entry in snap.entries:
        if (
            path_scope(entry.path) != "own"
        ):  # tests, examples, tutorials and templates define no pipeline of the project
            continue
        name = entry.name.lower()
        if name in {"dvc.yaml", "dvc.yml"}:
            result.add("dvc", entry.path)
            with contextlib.suppress(yamldocs.YAMLError):
                _dvc_yaml(entry.path, yamldocs.load(snap.text(entry.path)), result)
        elif name.endswith(".dvc") and entry.path in snap.contents:
            try:
                doc = yamldocs.load(snap.text(entry.path))
            except yamldocs.YAMLError:
                doc = None
            result.dvc_outs += len(doc.get("outs") or []) if isinstance(doc, dict) else 0
        elif name == "mlproject":
            try:
                doc = yamldocs.load(snap.text(entry.path))
            except yamldocs.YAMLError:
                doc = None
            points = doc.get("entry_points") if isinstance(doc, dict) else None
            if isinstance(points, dict) and len(points) > 1:  # one entry point is a command, not a workflow of steps
                result.add("mlflow_project", entry.path)
            for point, spec in points.items() if isinstance(points, dict) else []:
                command = spec.get("command", "") if isinstance(spec, dict) else ""
                if TRAINING.search(str(point)) or TRAINING.search(str(command)):
                    result.training.append(f"MLproject entry point {point} ({entry.path})")
        elif name == "snakefile" or name.endswith(".smk"):
            result.add("snakemake", entry.path)
        elif name.endswith(".nf"):
            result.add("nextflow", entry.path)
    for path, steps in configfacts.mlflow_recipes(snap):
        result.add("mlflow_recipes", path)
        if "train" in steps:
            result.training.append(f"MLflow Recipes train step ({path})")
    for tool, paths in detect(index, PIPELINE_CODE).items():
        for path in paths:
            result.add(tool, path)
    for path in manifests.argo_workflows:
        if path_scope(path) == "own":
            result.add("argo_workflows", path)
    for path in manifests.kfp_compiled:
        if path_scope(path) == "own":
            result.add("kubeflow", path)
    for tool, defined in result.tools.items():
        if tool in {"dvc", "mlflow_project", "mlflow_recipes"}:
            continue
        for path in sorted(defined):
            if TRAINING.search(snap.text(path)):
                result.training.append(f"{tool} definition {path}")
                break
    return result


def pipeline_findings(snap: Snapshot, found: Pipelines) -> Findings:
    files = {p for paths in found.tools.values() for p in paths}
    raw = snap.raws(files)
    tools = sorted(found.tools)
    per_tool = "; ".join(f"{t}: {sample(found.tools[t], 3)}" for t in tools)
    dvc_files = sorted({s.split(":", 1)[0] for s in found.dvc_stages})
    return {
        "git.pipeline_tools": Finding(
            value=tools,
            raw=raw,
            summary=f"pipeline definitions for: {per_tool}"
            if tools
            else "no pipeline definitions (dvc.yaml, MLproject, Airflow, KFP, ...) found",
        ),
        "git.pipeline_definition_files": Finding(
            value=len(files),
            raw=raw,
            summary=f"{len(files)} pipeline definition file(s)" + (f": {sample(files)}" if files else ""),
        ),
        "git.dvc_stages": Finding(
            value=len(found.dvc_stages),
            raw=raw,
            summary=(
                f"{len(found.dvc_stages)} DVC stage(s) in {', '.join(dvc_files)}: "
                f"{sample([s.split(':', 1)[1] for s in found.dvc_stages], 8)}"
                if found.dvc_stages
                else "no DVC pipeline stages (dvc.yaml)"
            ),
        ),
        "git.pipeline_has_training_step": Finding(
            value=bool(found.training),
            raw=raw,
            summary=(
                f"training step in: {sample(found.training, 3)}"
                if found.training
                else "no pipeline definition with a training step" + (" (pipelines exist)" if tools else "")
            ),
        ),
    }

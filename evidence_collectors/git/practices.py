"""Development practices the code shows (Part 1 of the model): labelling platforms and label-quality methods, metric
libraries, early stopping in hyperparameter search, feature transformation libraries and exploratory analysis files.

Every probe here reuses the code index and YAML documents already read for the other probes: no extra git call."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from evidence_collectors.git.code_index import CodeIndex
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.manifests import Manifests
from evidence_collectors.git.snapshot import Snapshot
from evidence_collectors.git.tools import (
    DATA_PROFILING,
    EARLY_STOPPING,
    FEATURE_PIPELINES,
    LABEL_QUALITY,
    LABELLING,
    METRIC_LIBRARIES,
    ToolSpec,
    declared,
    detect,
)

# A file is exploratory analysis when a path component names it so (eda, exploratory, data profiling, 探索...), outside
# test folders, and it is a notebook, script or report.
_EDA_NAME = re.compile(
    r"(^|[/_.\-\d])(eda|exploratory|exploration|explore|profile[_-]?report|data[_-]?profil\w*"
    r"|data[_-]?exploration|探索\w*)([/_.\-\d]|$)"
)
_EDA_SUFFIXES = (".ipynb", ".py", ".r", ".rmd", ".qmd", ".html", ".md", ".sql")
_TEST_DIR = re.compile(r"(^|/)(tests?|testing|__tests__|spec)/")


def _tools(
    found: dict[str, list[str]], specs: dict[str, ToolSpec], packages: set[str], what: str, *, note: bool = True
) -> Finding:
    """`note`: name tools declared as dependencies but unused; off where the package is a general library (a declared
    scikit-learn says nothing about pipelines or successive halving)."""
    only_declared = sorted(declared(packages, specs) - set(found)) if note else []
    unused = f"; declared as a dependency but not used in code: {', '.join(only_declared)}" if only_declared else ""
    listing = "; ".join(f"{tool} ({len(paths)} file(s): {sample(paths, 2)})" for tool, paths in sorted(found.items()))
    summary = f"{what}: {listing}" if found else f"no {what} found in code"
    return Finding(value=sorted(found), summary=summary + unused)


def _sweep_or_katib_early_stop(doc: Any) -> str | None:
    """W&B sweeps with early_terminate, Katib Experiments with spec.earlyStopping."""
    if not isinstance(doc, dict):
        return None
    if "early_terminate" in doc and ("method" in doc or "parameters" in doc):
        return "wandb_sweep_early_terminate"
    spec = doc.get("spec")
    if doc.get("kind") == "Experiment" and isinstance(spec, dict) and spec.get("earlyStopping"):
        return "katib_early_stopping"
    return None


def exploratory_files(snap: Snapshot, index: CodeIndex) -> list[str]:
    """Notebooks, scripts and reports named for exploratory analysis, plus code that calls a profiling library."""
    named = {
        e.path
        for e in snap.entries
        if e.lower.endswith(_EDA_SUFFIXES) and _EDA_NAME.search(e.lower) and not _TEST_DIR.search(e.lower)
    }
    profiling = {p for paths in detect(index, DATA_PROFILING).values() for p in paths if not _TEST_DIR.search(p)}
    return sorted(named | profiling)


def practice_findings(snap: Snapshot, index: CodeIndex, manifests: Manifests, packages: set[str]) -> Findings:
    early = detect(index, EARLY_STOPPING)
    for path, doc in manifests.docs:
        kind = _sweep_or_katib_early_stop(doc)
        if kind:
            early.setdefault(kind, [])
            if path not in early[kind]:
                early[kind].append(path)
    eda = exploratory_files(snap, index)
    notebooks = sum(1 for p in eda if p.lower().endswith(".ipynb"))
    return {
        "git.labelling_tools": _tools(detect(index, LABELLING), LABELLING, packages, "labelling platform clients"),
        "git.label_quality_methods": _tools(
            detect(index, LABEL_QUALITY), LABEL_QUALITY, packages, "label quality methods"
        ),
        "git.metric_libraries": _tools(
            detect(index, METRIC_LIBRARIES), METRIC_LIBRARIES, packages, "evaluation metric libraries", note=False
        ),
        "git.hpo_early_stopping": _tools(
            early, EARLY_STOPPING, packages, "early stopping in hyperparameter search", note=False
        ),
        "git.feature_pipeline_libraries": _tools(
            detect(index, FEATURE_PIPELINES),
            FEATURE_PIPELINES,
            packages,
            "feature transformation libraries",
            note=False,
        ),
        "git.exploratory_analysis_files": Finding(
            value=len(eda),
            raw=[snap.listing_sha],
            summary=(
                f"{len(eda)} exploratory analysis file(s) ({notebooks} notebook(s)): "
                f"{sample([posixpath.normpath(p) for p in eda], 4)}"
                if eda
                else "no notebooks, scripts or reports named for exploratory analysis or calling a profiling library"
            ),
        ),
    }

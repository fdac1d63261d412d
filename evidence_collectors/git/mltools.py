"""ML tooling the code uses: experiment tracking, hyperparameter search (and search spaces kept as configuration),
model serving and model conversion."""

from __future__ import annotations

import re

from evidence_collectors.git.code_index import CodeIndex
from evidence_collectors.git.docker import is_dockerfile
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.manifests import Manifests
from evidence_collectors.git.snapshot import Snapshot
from evidence_collectors.git.tools import (
    EXPERIMENT_TRACKING,
    HYPERPARAMETER_SEARCH,
    MODEL_CONVERSION,
    SERVING,
    ToolSpec,
    declared,
    detect,
)

_SERVING_IMAGES = {
    "tf_serving": r"tensorflow/serving",
    "triton": r"tritonserver",
    "torchserve": r"pytorch/torchserve",
    "mlserver": r"seldonio/mlserver",
    "vllm": r"vllm/vllm-openai",
    "tgi": r"text-generation-inference",
}
_SEARCH_SPACE_NAME = re.compile(r"(search[_-]?space|sweep|hparams?|hyperparam|tuning|optuna|hpo)[^/]*\.(ya?ml|json)$")


def _search_space(doc: object) -> bool:
    """A YAML document that reads as a search space (W&B sweep, Hydra sweeper, Katib, Ray Tune / NNI config)."""
    if not isinstance(doc, dict):
        return False
    text = str(doc)[:5000]
    return bool(
        ("method" in doc and "parameters" in doc)
        or "sweeper" in text
        or "search_space" in text
        or "searchSpace" in text
        or ("parameters" in text and "feasibleSpace" in text)
    )


def _listing(found: dict[str, list[str]] | dict[str, set[str]]) -> str:
    return "; ".join(f"{tool} ({len(files)} file(s): {sample(set(files), 3)})" for tool, files in sorted(found.items()))


def _tool_finding(
    found: dict[str, set[str]], specs: dict[str, ToolSpec], packages: set[str], what: str, raw: list[str]
) -> Finding:
    only_declared = sorted(declared(packages, specs) - set(found))
    note = f"; declared as a dependency but not used in code: {', '.join(only_declared)}" if only_declared else ""
    summary = f"{what}: {_listing(found)}" if found else f"no {what} found in code"
    return Finding(value=sorted(found), summary=summary + note, raw=raw)


def mltool_findings(
    snap: Snapshot, index: CodeIndex, manifests: Manifests, packages: set[str], raw: list[str]
) -> Findings:
    tracking = {t: set(p) for t, p in detect(index, EXPERIMENT_TRACKING).items()}
    hpo = {t: set(p) for t, p in detect(index, HYPERPARAMETER_SEARCH).items()}
    if manifests.katib:
        hpo["katib"] = set(manifests.katib)
    spaces = {p for p, d in manifests.docs if _search_space(d)} | {
        p for p in snap.contents if _SEARCH_SPACE_NAME.search(p.lower())
    }
    serving = {t: set(p) for t, p in detect(index, SERVING).items()}
    for entry in snap.find(is_dockerfile):
        for tool, pattern in _SERVING_IMAGES.items():
            if re.search(pattern, snap.text(entry.path)):
                serving.setdefault(tool, set()).add(entry.path)
    triton = {p for p in snap.contents if p.endswith("config.pbtxt")}
    if triton:
        serving.setdefault("triton", set()).update(triton)
    conversion = {t: set(p) for t, p in detect(index, MODEL_CONVERSION).items()}
    return {
        "git.experiment_tracking_tools": _tool_finding(
            tracking, EXPERIMENT_TRACKING, packages, "experiment tracking", raw
        ),
        "git.hyperparameter_search_tools": _tool_finding(
            hpo, HYPERPARAMETER_SEARCH, packages, "hyperparameter search", raw
        ),
        "git.search_space_config_files": Finding(
            value=len(spaces),
            raw=raw + snap.raws(spaces, 20),
            summary=f"{len(spaces)} search-space configuration file(s)"
            + (f": {', '.join(sorted(spaces)[:3])}" if spaces else ""),
        ),
        "git.serving_frameworks": _tool_finding(serving, SERVING, packages, "model serving", raw),
        "git.model_conversion_tools": _tool_finding(
            conversion, MODEL_CONVERSION, packages, "model conversion or optimisation", raw
        ),
    }

"""Storage layers the repository's data paths use (raw, interim, processed, features, bronze/silver/gold, ODS/DWD...).

Read from paths already listed (tracked files, .dvc pointer names) and from the deps/outs of dvc.yaml stages, so that
data kept outside git but declared to DVC still shows its layout. No extra git call."""

from __future__ import annotations

import contextlib
import posixpath
from typing import Any

from evidence_collectors.git import yamldocs
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.snapshot import Snapshot

# folder or pointer name -> layer, in the order layers are reported
LAYERS: dict[str, str] = {
    "raw": "raw",
    "source": "raw",
    "landing": "raw",
    "external": "external",
    "interim": "interim",
    "intermediate": "interim",
    "staging": "interim",
    "clean": "cleansed",
    "cleaned": "cleansed",
    "cleansed": "cleansed",
    "processed": "processed",
    "prepared": "processed",
    "features": "features",
    "feature": "features",
    "bronze": "bronze",
    "silver": "silver",
    "gold": "gold",
    "ods": "ods",
    "dwd": "dwd",
    "dws": "dws",
    "ads": "ads",
}
ORDER = list(dict.fromkeys(LAYERS.values()))
_CODE = (".py", ".ipynb", ".r", ".scala", ".java", ".go", ".js", ".ts")  # code folders named data/features are not data
DATA_ROOTS = {"data", "datasets", "dataset", "datalake", "data_lake", "lake", "warehouse", "storage"}


def layer_of(path: str) -> str | None:
    """The layer a data path sits in: a folder (or .dvc pointer) named like a layer below a data root folder."""
    parts = [p.lower() for p in path.strip("/").split("/") if p]
    if parts and parts[-1].endswith(".dvc"):
        parts[-1] = parts[-1][: -len(".dvc")]
    for i, part in enumerate(parts):
        if part in DATA_ROOTS:
            for below in parts[i + 1 :]:
                if below in LAYERS:
                    return LAYERS[below]
            return None
    return None


def _dvc_paths(path: str, doc: Any) -> list[str]:
    stages = doc.get("stages") if isinstance(doc, dict) else None
    found: list[str] = []
    base = posixpath.dirname(path)
    for stage in stages.values() if isinstance(stages, dict) else []:
        body = stage.get("do", stage) if isinstance(stage, dict) else {}
        for key in ("deps", "outs"):
            for item in (body.get(key) or []) if isinstance(body, dict) else []:
                name = next(iter(item), "") if isinstance(item, dict) else item
                if isinstance(name, str):
                    found.append(posixpath.normpath(posixpath.join(base, name)))
    return found


def data_layer_findings(snap: Snapshot) -> Findings:
    where: dict[str, set[str]] = {}
    candidates = [e.path for e in snap.entries if not e.lower.endswith(_CODE)]
    for entry in snap.entries:
        if entry.name.lower() in {"dvc.yaml", "dvc.yml"} and entry.path in snap.contents:
            with contextlib.suppress(yamldocs.YAMLError):
                candidates += _dvc_paths(entry.path, yamldocs.load(snap.text(entry.path)))
    for path in candidates:
        layer = layer_of(path)
        if layer:
            where.setdefault(layer, set()).add(path)
    layers = [layer for layer in ORDER if layer in where]
    return {
        "git.data_layers": Finding(
            value=layers,
            raw=[snap.listing_sha],
            summary=(
                "data layers: " + "; ".join(f"{layer} ({sample(where[layer], 2)})" for layer in layers)
                if layers
                else "no data paths organised in named layers (raw, processed, features, bronze/silver/gold, ...)"
            ),
        )
    }

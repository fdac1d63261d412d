"""Data assets in the repository: data versioning (DVC, LFS, lakeFS, ...), DVC remotes, model or data files committed
directly, data validation rules and feature store definitions."""

from __future__ import annotations

import configparser
import posixpath
import re

from evidence_collectors.git.code_index import CodeIndex
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.manifests import Manifests
from evidence_collectors.git.pipelines import Pipelines
from evidence_collectors.git.prefilter import at_line_start
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot, TreeEntry
from evidence_collectors.git.tools import DATA_VALIDATION, DATA_VERSIONING_CODE, FEATURE_STORE, detect

MODEL_SUFFIXES = (
    ".pt",
    ".pth",
    ".ckpt",
    ".h5",
    ".hdf5",
    ".keras",
    ".onnx",
    ".pb",
    ".tflite",
    ".safetensors",
    ".joblib",
    ".pkl",
    ".pickle",
    ".gguf",
    ".mar",
    ".caffemodel",
    ".engine",
    ".plan",
    ".mlmodel",
)
DATA_SUFFIXES = (
    ".csv",
    ".tsv",
    ".parquet",
    ".feather",
    ".arrow",
    ".npy",
    ".npz",
    ".tfrecord",
    ".tfrecords",
    ".avro",
    ".orc",
    ".jsonl",
    ".xlsx",
    ".sqlite",
    ".db",
    ".zip",
    ".tar",
    ".gz",
    ".bin",
)
_RULE_LIBRARIES = (
    "great_expectations",
    "gx",
    "pandera",
    "evidently",
    "deepchecks",
    "soda",
    "tensorflow_data_validation",
)
MODEL_MIN_BYTES = 64 << 10  # an LFS or DVC pointer is ~130 bytes; tiny fixtures are allowed
DATA_MIN_BYTES = 1 << 20
_FEATURE_VIEW = re.compile(
    r"\b(FeatureView|BatchFeatureView|StreamFeatureView|OnDemandFeatureView)\s*\(|"
    r"@(on_demand_|batch_|stream_)?feature_view\b"
)
_RULES_CODE = re.compile(
    r"\.expect_\w+\(|DataFrameSchema\s*\(|\((pa\.)?(DataFrameModel|SchemaModel)\)|"
    r"\bTestSuite\s*\(|\bSuite\s*\(|ExpectationSuite\s*\("
)


def large_files(snap: Snapshot) -> list[TreeEntry]:
    """Model weights or data files stored in git itself (not LFS/DVC pointers), above a fixture-sized threshold."""
    return [
        e
        for e in snap.entries
        if (e.lower.endswith(MODEL_SUFFIXES) and e.size >= MODEL_MIN_BYTES)
        or (e.lower.endswith(DATA_SUFFIXES) and e.size >= DATA_MIN_BYTES)
    ]


def dvc_remotes(text: str) -> list[str]:
    """'name (scheme)' for each remote in .dvc/config; URLs and credentials are never reported."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    default = parser.get("core", "remote", fallback="").strip()
    remotes = []
    for section in parser.sections():
        match = re.fullmatch(r"""\s*['"]?\s*remote\s+["']?([^"']+)["']?\s*['"]?\s*""", section)
        if match:
            url = parser.get(section, "url", fallback="")
            scheme = url.split("://", 1)[0] if "://" in url else ("local" if url else "unknown")
            name = match.group(1)
            remotes.append(f"{name} ({scheme}{', default' if name == default else ''})")
    return sorted(remotes)


_DBT_TESTS = re.compile(r"^\s+-?\s*(data_)?tests\s*:", re.MULTILINE)


def dbt_tests(snap: Snapshot) -> list[str]:
    """dbt property files of a dbt project (a `dbt_project.yml` above them) whose models or sources declare tests."""
    projects = {posixpath.dirname(p) for p in snap.contents if posixpath.basename(p) == "dbt_project.yml"}
    found: list[str] = []
    for path in sorted(snap.contents):
        if not path.endswith((".yml", ".yaml")) or posixpath.basename(path) == "dbt_project.yml":
            continue
        if not any(d == "" or path.startswith(d + "/") for d in projects) or path_scope(path) == "template":
            continue
        text = snap.text(path)
        if "columns:" in text and _DBT_TESTS.search(text) and re.search(r"^(models|sources|seeds)\s*:", text, re.M):
            found.append(path)
    return found


def data_findings(snap: Snapshot, index: CodeIndex, pipelines: Pipelines, manifests: Manifests) -> Findings:
    paths = {e.path for e in snap.entries}
    lower = {e.lower for e in snap.entries}
    versioning = {tool: set(files) for tool, files in detect(index, DATA_VERSIONING_CODE).items()}
    dvc_markers = {
        p
        for p in paths
        if p.endswith(".dvc") or posixpath.basename(p) in {"dvc.yaml", "dvc.lock"} or p.startswith(".dvc/")
    }
    if dvc_markers:
        versioning.setdefault("dvc", set()).update(dvc_markers)
    lfs = {p for p in paths if posixpath.basename(p) == ".gitattributes" and "filter=lfs" in snap.text(p)}
    if lfs:
        versioning["git_lfs"] = lfs
    if any(p.startswith(".datalad/") for p in lower):
        versioning.setdefault("datalad", set()).add(".datalad")
    annex = {p for p in paths if posixpath.basename(p) == ".gitattributes" and "annex." in snap.text(p)}
    if annex:
        versioning["git_annex"] = annex

    config_text = snap.text(".dvc/config") if ".dvc/config" in snap.contents else ""
    remotes = dvc_remotes(config_text)
    remote_raw = [snap.raw_of(".dvc/config")] if config_text else [snap.listing_sha]

    big = large_files(snap)
    checked = index.including("test")  # tests of the data are data validation
    validation = {tool: set(files) for tool, files in detect(checked, DATA_VALIDATION).items()}
    dbt = dbt_tests(snap)
    if dbt:
        validation["dbt_tests"] = set(dbt)
    ge_dirs = {
        p for p in paths if re.match(r"(.*/)?(great_expectations|gx)/(great_expectations\.yml|expectations/)", p)
    }
    if ge_dirs:
        validation.setdefault("great_expectations", set()).update(ge_dirs)
    soda = {p for p in snap.contents if p.endswith((".yml", ".yaml")) and at_line_start(snap.text(p), "checks for ")}
    if soda:
        validation.setdefault("soda", set()).update(soda)
    rule_files = (
        {f.path for f in checked.importing(_RULE_LIBRARIES) if _RULES_CODE.search(f.text)}
        | soda
        | set(dbt)
        | {p for p in ge_dirs if "/expectations/" in p and p.endswith(".json")}
    )

    stores = {tool: set(files) for tool, files in detect(index, FEATURE_STORE).items()}
    feast_config = {p for p in paths if posixpath.basename(p) == "feature_store.yaml"}
    if feast_config:
        stores.setdefault("feast", set()).update(feast_config)
    views = [(f.path, n) for f in index.importing(("feast", "tecton")) if (n := len(_FEATURE_VIEW.findall(f.text)))]
    view_count = sum(n for _, n in views)

    def listing(table: dict[str, set[str]]) -> str:
        return "; ".join(f"{t} ({len(v)} file(s): {sample(v, 3)})" for t, v in sorted(table.items()))

    listing_raw = [snap.listing_sha]
    return {
        "git.data_versioning_tools": Finding(
            value=sorted(versioning),
            raw=listing_raw + snap.raws(set().union(*versioning.values()) & set(snap.contents), 50)
            if versioning
            else listing_raw,
            summary=f"data versioning: {listing(versioning)}"
            if versioning
            else "no data versioning tool (DVC, Git LFS, lakeFS, Delta Lake, ...) in use",
        ),
        "git.dvc_tracked_outputs": Finding(
            value=pipelines.dvc_outs,
            raw=listing_raw,
            summary=f"{pipelines.dvc_outs} output(s) under DVC control (.dvc files and dvc.yaml outs/metrics/plots)",
        ),
        "git.dvc_remotes": Finding(
            value=remotes,
            raw=remote_raw,
            summary=f"DVC remotes: {', '.join(remotes)}"
            if remotes
            else ("no DVC remote configured in .dvc/config" if config_text else "no .dvc/config in the repository"),
        ),
        "git.large_binary_files": Finding(
            value=len(big),
            raw=listing_raw,
            summary=(
                f"{len(big)} model or data file(s) committed directly "
                f"({sum(e.size for e in big) / (1 << 20):.1f} MiB), e.g. {sample([e.path for e in big], 3)}"
                if big
                else "no model weights (>= 64 KiB) or data files (>= 1 MiB) committed directly"
            ),
        ),
        "git.data_validation_tools": Finding(
            value=sorted(validation),
            raw=listing_raw,
            summary=f"data validation: {listing(validation)}"
            if validation
            else "no data validation tool (Great Expectations, pandera, ...) used",
        ),
        "git.data_validation_rule_files": Finding(
            value=len(rule_files),
            raw=listing_raw,
            summary=f"{len(rule_files)} file(s) define validation rules as code"
            + (f": {sample(rule_files, 3)}" if rule_files else ""),
        ),
        "git.feature_store_tools": Finding(
            value=sorted(stores),
            raw=listing_raw + snap.raws(feast_config),
            summary=f"feature store: {listing(stores)}" if stores else "no feature store (Feast, Tecton, ...) used",
        ),
        "git.feature_views": Finding(
            value=view_count,
            raw=listing_raw,
            summary=f"{view_count} feature view definition(s) in {len(views)} file(s)"
            + (f": {sample([p for p, _ in views], 3)}" if views else ""),
        ),
    }

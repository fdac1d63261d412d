"""Facts read from calls in the project's own code (`pyast`) and from the configuration files that go with them:
model registration (SDK calls and DVC `artifacts:` of type model) and monitoring kept in the repository (Prometheus
rules and scrape settings, Grafana dashboards, alerting, Application Insights, drift-monitoring code). The platform
calls for tracking, tuning, serving and dataset versions widen the existing tool probes.

Every finding names the files and lines that gave it (a bounded list), and what was seen only in tests, teaching
material or templates is named apart without counting."""

from __future__ import annotations

import contextlib
import json
import re

from evidence_collectors.git import configfacts, handlers, handwritten, sweeps, yamldocs
from evidence_collectors.git.callrules import (
    DATA_VERSIONS,
    FEATURE_STORE,
    MONITORING,
    REGISTRATION,
    SERVING,
    TRACKING,
    TUNING,
)
from evidence_collectors.git.code_index import CodeIndex
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.handoff import strategy_of
from evidence_collectors.git.manifests import Manifests
from evidence_collectors.git.pyast import DATA_READS as READS
from evidence_collectors.git.pyast import CallIndex, Hit, Rule, by_tool, evidence
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot
from evidence_collectors.git.tools import (
    DATA_VALIDATION,
    EXPERIMENT_TRACKING,
    HYPERPARAMETER_SEARCH,
    PIPELINE_CODE,
    ToolSpec,
    detect,
)
from evidence_collectors.git.tools import FEATURE_STORE as FEATURE_STORE_TOOLS
from evidence_collectors.git.tools import SERVING as SERVING_TOOLS

MAX_LISTED = 10
_ALERT_RULE = re.compile(r"^\s*-?\s*(alert|record)\s*:", re.MULTILINE)
_SCRAPE = re.compile(r"^\s*scrape_configs\s*:", re.MULTILINE)
_SCRAPE_ANNOTATION = re.compile(r"""prometheus\.io/scrape["']?\s*:\s*["']?true""", re.IGNORECASE)
_ALERTMANAGER = re.compile(r"^route\s*:", re.MULTILINE)
_RECEIVERS = re.compile(r"^receivers\s*:", re.MULTILINE)
_GRAFANA_PROVISIONING = re.compile(r"^(providers|datasources)\s*:", re.MULTILINE)
_APP_INSIGHTS = re.compile(r"""["']?(appInsightsEnabled|enable_app_insights)["']?\s*[:=]\s*["']?true""", re.IGNORECASE)
_MONITOR_KINDS = {"ServiceMonitor": "prometheus_scrape", "PodMonitor": "prometheus_scrape"}


def _line(text: str, pattern: re.Pattern[str]) -> int:
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _grafana_dashboard(text: str) -> bool:
    if '"panels"' not in text:
        return False
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return False
    if isinstance(doc, dict) and isinstance(doc.get("dashboard"), dict):  # the HTTP API's wrapped form
        doc = doc["dashboard"]
    return isinstance(doc, dict) and isinstance(doc.get("panels"), list) and ("schemaVersion" in doc or "title" in doc)


def _prometheus_rules(text: str) -> bool:
    if "groups:" not in text or not _ALERT_RULE.search(text):
        return False
    try:
        doc = yamldocs.load(text)
    except yamldocs.YAMLError:
        return False
    groups = doc.get("groups") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and doc.get("kind") == "PrometheusRule" and isinstance(doc.get("spec"), dict):
        groups = doc["spec"].get("groups")
    return isinstance(groups, list) and any(isinstance(g, dict) and isinstance(g.get("rules"), list) for g in groups)


def monitoring_files(snap: Snapshot, manifests: Manifests) -> list[Hit]:
    """Monitoring configuration kept in the repository's own files."""
    hits: list[Hit] = []
    for path in sorted(snap.contents):
        if path_scope(path) != "own":
            continue
        lower = path.lower()
        if not lower.endswith((".json", ".yml", ".yaml")):
            continue
        text = snap.text(path)
        if lower.endswith(".json"):
            if _grafana_dashboard(text):
                hits.append(Hit("grafana_dashboards", path, 1, "dashboard panels"))
            elif "nsights" in text and _APP_INSIGHTS.search(text):
                hits.append(Hit("azure_app_insights", path, _line(text, _APP_INSIGHTS), "appInsightsEnabled"))
            continue
        if not lower.endswith((".yml", ".yaml")):
            continue
        if "groups:" in text and _prometheus_rules(text):
            hits.append(Hit("prometheus_rules", path, _line(text, _ALERT_RULE), "alerting/recording rules"))
        if "scrape" in text:
            if _SCRAPE.search(text):
                hits.append(Hit("prometheus_scrape", path, _line(text, _SCRAPE), "scrape_configs"))
            elif _SCRAPE_ANNOTATION.search(text):
                hits.append(Hit("prometheus_scrape", path, _line(text, _SCRAPE_ANNOTATION), "prometheus.io/scrape"))
        if "receivers:" in text and _ALERTMANAGER.search(text) and _RECEIVERS.search(text):
            hits.append(Hit("alerting", path, _line(text, _RECEIVERS), "alertmanager receivers"))
        if (
            ("providers:" in text or "datasources:" in text)
            and "apiVersion" in text
            and _GRAFANA_PROVISIONING.search(text)
        ):
            hits.append(Hit("grafana_provisioning", path, _line(text, _GRAFANA_PROVISIONING), "grafana provisioning"))
        if ("nsights" in text or "app_insights" in text) and _APP_INSIGHTS.search(text):
            hits.append(Hit("azure_app_insights", path, _line(text, _APP_INSIGHTS), "appInsightsEnabled"))
    for kind, tool in _MONITOR_KINDS.items():
        for path in sorted(manifests.kinds.get(kind, set())):
            if path_scope(path) == "own":
                hits.append(Hit(tool, path, 1, f"kind {kind}"))
    for path in sorted(manifests.kinds.get("PrometheusRule", set())):
        if path_scope(path) == "own" and not any(h.path == path and h.tool == "prometheus_rules" for h in hits):
            hits.append(Hit("prometheus_rules", path, 1, "kind PrometheusRule"))
    return hits


def dvc_model_artifacts(snap: Snapshot) -> list[Hit]:
    """`artifacts:` of type model in dvc.yaml files (the DVC model registry)."""
    hits: list[Hit] = []
    for path in sorted(snap.contents):
        if path.lower().rsplit("/", 1)[-1] not in {"dvc.yaml", "dvc.yml"} or path_scope(path) != "own":
            continue
        text = snap.text(path)
        if "artifacts" not in text:
            continue
        doc = None
        with contextlib.suppress(yamldocs.YAMLError):
            doc = yamldocs.load(text)
        artifacts = doc.get("artifacts") if isinstance(doc, dict) else None
        for name, spec in artifacts.items() if isinstance(artifacts, dict) else []:
            if isinstance(spec, dict) and str(spec.get("type", "")).lower() == "model":
                hits.append(
                    Hit(
                        "dvc_artifacts",
                        path,
                        _line(text, re.compile(rf"^\s*{re.escape(str(name))}\s*:", re.M)),
                        f"artifact {name} (type: model)",
                    )
                )
    return hits


def _finding(hits: list[Hit], apart: list[Hit], snap: Snapshot, what: str, none: str) -> Finding:
    grouped = by_tool(hits)
    listing = "; ".join(f"{tool}: {evidence(found, 3)}" for tool, found in sorted(grouped.items()))
    summary = f"{what}: {listing}" if hits else none
    if apart:
        summary += f"; seen only in tests, teaching material or templates (not counted): {evidence(apart, 5)}"
    files = sorted({h.path for h in hits})
    return Finding(value=sorted(grouped), summary=summary, raw=snap.raws(files, MAX_LISTED))


def code_fact_findings(snap: Snapshot, calls: CallIndex, manifests: Manifests) -> Findings:
    registered = (
        calls.find(REGISTRATION)
        + dvc_model_artifacts(snap)
        + configfacts.gto_model_artifacts(snap)
        + configfacts.recipe_registration(snap)
    )
    monitored = calls.find(MONITORING) + monitoring_files(snap, manifests) + handlers.monitoring_requests(calls)
    return {
        "git.model_registration": _finding(
            registered,
            calls.apart(REGISTRATION),
            snap,
            "models registered",
            "no model registration in code or DVC artifacts (MLflow, Azure ML, Vertex AI, SageMaker, Watson ML)",
        ),
        "git.monitoring_in_repo": _finding(
            monitored,
            calls.apart(MONITORING),
            snap,
            "monitoring kept in the repository",
            "no Prometheus rules or scrape settings, Grafana dashboards, alerting or drift-monitoring code",
        ),
    }


APART_TABLES: dict[str, dict[str, ToolSpec]] = {
    "git.experiment_tracking_tools": EXPERIMENT_TRACKING,
    "git.hyperparameter_search_tools": HYPERPARAMETER_SEARCH,
    "git.serving_frameworks": SERVING_TOOLS,
    "git.data_validation_tools": DATA_VALIDATION,
    "git.feature_store_tools": FEATURE_STORE_TOOLS,
    "git.pipeline_tools": PIPELINE_CODE,
}

# Platform calls that widen the existing tool probes: probe id -> rules.
WIDENING: dict[str, list[Rule]] = {
    "git.experiment_tracking_tools": TRACKING,
    "git.hyperparameter_search_tools": TUNING,
    "git.serving_frameworks": SERVING,
    "git.data_versioning_tools": DATA_VERSIONS,
    "git.feature_store_tools": FEATURE_STORE,
    "git.data_validation_tools": [],
    "git.traffic_strategies": [],
}
_CFN_ENDPOINT = re.compile(r"""^\s*Type\s*:\s*["']?AWS::SageMaker::Endpoint["']?\s*$""", re.MULTILINE)
_DVC_METRICS = re.compile(r"^\s+metrics\s*:", re.MULTILINE)


def scoring_scripts(snap: Snapshot, calls: CallIndex) -> list[Hit]:
    """Azure ML style scoring scripts: a `score*.py` of the project's own that defines `init()` and `run()`."""
    hits: list[Hit] = []
    for source in calls.index.files:
        name = source.path.rsplit("/", 1)[-1].lower()
        scoring = name.startswith("score") and name.endswith(".py") and "def init" in source.text
        if scoring and {"init", "run"} <= calls.facts(source).functions:
            hits.append(Hit("scoring_script", source.path, 1, "init() and run()"))
    return hits


def config_hits(snap: Snapshot) -> dict[str, list[Hit]]:
    """Configuration that widens the tool probes: SageMaker endpoints in CloudFormation (serving), DVC metrics of
    pipeline stages (tracked per commit), explicit platform rollout modes (deployment strategy)."""
    hits: dict[str, list[Hit]] = {}
    for path in sorted(snap.contents):
        lower = path.lower()
        if not lower.endswith((".yml", ".yaml")) or path_scope(path) != "own":
            continue
        text = snap.text(path)
        if "AWS::SageMaker::Endpoint" in text and _CFN_ENDPOINT.search(text):
            hit = Hit("sagemaker_endpoint", path, _line(text, _CFN_ENDPOINT), "AWS::SageMaker::Endpoint")
            hits.setdefault("git.serving_frameworks", []).append(hit)
        if lower.rsplit("/", 1)[-1] in {"dvc.yaml", "dvc.yml"} and _DVC_METRICS.search(text):
            hit = Hit("dvc_metrics", path, _line(text, _DVC_METRICS), "stage metrics")
            hits.setdefault("git.experiment_tracking_tools", []).append(hit)
        if "rollout_strategy" in text and (strategy := strategy_of(text)):
            hit = Hit(strategy, path, _line(text, re.compile(r"^rollout_strategy", re.M)), "rollout_strategy: ROLLOUT")
            hits.setdefault("git.traffic_strategies", []).append(hit)
    return hits


_DATA_WORDS = re.compile(r"data|schema|valid|quality|expect|missing|drift|distribution")


def data_check_functions(calls: CallIndex) -> list[Hit]:
    """Hand-written data checks in the project's own code and its tests: functions that read a data file and assert
    on its columns, missing values or value ranges."""
    checked = calls.index.files + [
        f for f in (calls.index.apart.files if calls.index.apart else []) if f.scope == "test"
    ]
    hits: list[Hit] = []
    for source in checked:
        if not source.path.endswith(".py") or "assert" not in source.text or not any(w in source.text for w in READS):
            continue
        about_data = bool(_DATA_WORDS.search(source.path.lower()))
        for name, line in calls.facts(source).data_checks:
            if about_data or _DATA_WORDS.search(name.lower()):  # a test of a transform that reads a CSV is not one
                hits.append(Hit("hand_written_checks", source.path, line, f"{name}()"))
    return hits


def widen(found: Findings, calls: CallIndex, snap: Snapshot) -> None:
    """Add the tools that platform SDK calls and configuration show to the tool-list probes, with files and lines."""
    extra = config_hits(snap)
    extra.setdefault("git.serving_frameworks", []).extend(scoring_scripts(snap, calls))
    extra["git.serving_frameworks"].extend(handlers.serving_handlers(calls))
    extra.setdefault("git.experiment_tracking_tools", []).extend(configfacts.kedro_mlflow_tracking(snap))
    extra.setdefault("git.hyperparameter_search_tools", []).extend(configfacts.dvc_experiment_grids(snap))
    extra["git.hyperparameter_search_tools"] += sweeps.hydra_sweeps(snap) + sweeps.script_grids(snap)
    own_python = handwritten.OwnPython(snap)
    extra["git.hyperparameter_search_tools"] += handwritten.flow_grid_searches(snap, own_python)
    extra["git.hyperparameter_search_tools"] += handwritten.loop_grid_searches(snap, own_python)
    extra.setdefault("git.traffic_strategies", []).extend(handwritten.weighted_model_routing(snap, own_python))
    extra["git.experiment_tracking_tools"].extend(sweeps.trainer_trackers(snap))
    extra["git.data_validation_tools"] = data_check_functions(calls)
    for probe, rules in WIDENING.items():
        finding = found.get(probe)
        if finding is None or not isinstance(finding.value, list):
            continue
        grouped = by_tool(calls.find(rules) + extra.get(probe, []))
        new = {t: h for t, h in grouped.items() if t not in finding.value}
        if not new:
            continue
        listing = "; ".join(f"{tool}: {evidence(h, 3)}" for tool, h in sorted(new.items()))
        finding.summary = f"{finding.summary}; platform calls: {listing}" if finding.value else f"calls: {listing}"
        finding.value = sorted({*finding.value, *new})
        finding.raw = sorted({*finding.raw, *snap.raws(sorted({x.path for h in new.values() for x in h}), MAX_LISTED)})


def note_apart(found: Findings, index: CodeIndex) -> None:
    """Name in the tool probes' summaries the tools seen only in tests, teaching material, templates or a published
    tool's own sources: an auditor sees them, the value does not count them."""
    if index.apart is None or not index.apart.files:
        return
    for probe, specs in APART_TABLES.items():
        finding = found.get(probe)
        if finding is None or not isinstance(finding.value, list):
            continue
        counted = {str(v) for v in finding.value}
        seen = {t: paths for t, paths in detect(index.apart, specs).items() if t not in counted}
        if seen:
            listing = "; ".join(f"{t} ({sample(set(p), 2)})" for t, p in sorted(seen.items()))
            finding.summary += (
                f"; only in tests, teaching material, templates or library sources (not counted): {listing}"
            )

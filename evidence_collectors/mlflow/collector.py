"""MLflow: how experiments, runs, hyperparameter searches and registered models are recorded on a tracking server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar

from evidence_collectors.base import CollectContext, Collector, ProbeSpec, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import HttpSession
from evidence_collectors.mlflow import registry, signatures, tracking
from evidence_collectors.mlflow.api import MlflowApi
from evidence_collectors.mlflow.config import MlflowConfig
from evidence_collectors.mlflow.gather import Gathered, gather
from evidence_collectors.outcome import Compute, Computed, Finding, sections
from evidence_collectors.records import EvidenceRecord

P = "mlflow."
GROUPS: dict[str, tuple[str, ...]] = {
    "experiments": ("experiment_count", "experiments_with_description_ratio"),
    "runs": (
        "run_count", "runs_with_params_ratio", "runs_with_metrics_ratio", "runs_with_git_commit_ratio",
        "runs_with_git_branch_ratio", "runs_with_dataset_input_ratio", "runs_fully_tracked_ratio",
        "runs_with_description_ratio",
        "runs_with_logged_model_count", "runs_last_30_days", "distinct_user_count", "run_source_types",
        "run_statuses", "failed_run_ratio", "distinct_dataset_versions",
    ),
    "searches": (
        "child_run_ratio", "hyperparameter_search_count", "search_trials_logged_ratio",
        "searches_recording_choice_ratio", "searches_recording_chosen_values_ratio",
        "searches_with_parallel_trials_ratio", "searches_with_budget_ratio",
    ),
    "models": (
        "registered_model_count", "registered_models_with_description_ratio", "registered_models_with_tags_ratio",
        "registered_models_with_lifecycle_ratio", "model_lifecycle_labels",
    ),
    "versions": (
        "model_version_count", "model_versions_with_run_ratio", "model_versions_with_run_artifacts_ratio",
        "model_versions_with_description_ratio",
    ),
    "lineage": (
        "model_versions_with_lineage_ratio", "model_versions_with_owner_ratio",
        "model_versions_registered_by_run_ratio", "model_versions_with_dataset_location_ratio",
    ),
    "releases": (
        "released_model_versions", "released_versions_with_provenance_ratio",
        "released_versions_with_code_and_data_source_ratio", "released_versions_with_dataset_version_ratio",
        "released_versions_with_metrics_ratio",
    ),
    "packages": ("released_versions_with_model_files_ratio", "released_versions_packaged_ratio"),
    "signatures": ("latest_versions_with_signature_ratio",),
}  # fmt: skip


class MlflowCollector(Collector):
    name = "mlflow"
    version = "1.0.0"
    system = "mlflow"
    config_model = MlflowConfig
    probes: ClassVar[tuple[ProbeSpec, ...]] = load_probe_specs(Path(__file__).with_name("probes.yaml"))

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        assert isinstance(config, MlflowConfig)
        with HttpSession(config, ctx.raw, ctx.redactor) as session:
            read = gather(MlflowApi(session, config.max_pages), config, lambda m: ctx.progress(f"{config.name}: {m}"))
        computes = _computes(read, config, int(time.time() * 1000))
        groups = [([P + p for p in probes], computes[group]) for group, probes in GROUPS.items()]
        return sections(self, config, ctx, groups)


def _computes(read: Gathered, config: MlflowConfig, now_ms: int) -> dict[str, Compute]:
    """For each probe group, how its findings are computed and from which raw answers; a group whose data could not
    be read re-raises that failure, which `section` turns into records with the reason."""
    experiment_scope, model_scope = _scope(config.experiments), _scope(config.registered_models)

    def experiments() -> Computed:
        listing = read.experiments.get()
        return tracking.experiment_findings(listing.items, experiment_scope + _capped(listing.stopped)), listing.raw

    def note() -> str:
        return "; ".join(why for why in (read.experiments.get().stopped, read.runs.get().stopped) if why)

    def runs() -> Computed:
        found = tracking.run_findings(read.experiments.get().items, read.runs.get().items, now_ms, note())
        return found, read.runs.raw

    def searches() -> Computed:
        return tracking.search_findings(read.runs.get().items, note()), read.runs.raw

    def models() -> Computed:
        listed, versions = read.models.get(), read.versions.get()
        scope = model_scope + _capped(listed.stopped) + _capped(versions.stopped)
        return registry.model_findings(listed.items, versions.items, scope), read.models.raw + read.versions.raw

    def versions() -> Computed:
        listing = read.versions.get()
        found = registry.version_findings(listing.items)
        return {k: Finding(f.value, f.summary + _capped(listing.stopped)) for k, f in found.items()}, listing.raw

    def lineage() -> Computed:
        found, unread = read.lookups.get()
        raw = read.versions.raw + read.runs.raw + read.lookups.raw
        return registry.lineage_findings(read.versions.get().items, found, unread), raw

    def releases() -> Computed:
        found, unread = read.lookups.get()
        raw = read.models.raw + read.versions.raw + read.runs.raw + read.lookups.raw
        return registry.release_findings(read.models.get().items, read.versions.get().items, found, unread), raw

    def signed() -> Computed:
        newest = {(v.name, v.version) for v in registry.newest_versions(read.versions.get().items)}
        checks = [signatures.as_signature(f) for f in read.mlmodels.get() if (f.name, f.version) in newest]
        count = len(newest)
        guard = f"max_signature_reads guard of {config.max_signature_reads}" if count > len(checks) else ""
        finding = registry.signature_findings(checks, count, guard)
        return {P + "latest_versions_with_signature_ratio": finding}, read.versions.raw + read.mlmodels.raw

    def packages() -> Computed:
        files = {(f.name, f.version): f for f in read.mlmodels.get()}
        found = registry.package_findings(read.models.get().items, read.versions.get().items, files)
        return found, read.models.raw + read.versions.raw + read.mlmodels.raw

    return {
        "experiments": experiments, "runs": runs, "searches": searches, "models": models, "versions": versions,
        "lineage": lineage, "releases": releases, "packages": packages, "signatures": signed,
    }  # fmt: skip


def _scope(patterns: list[str]) -> str:
    return f" matching {' or '.join(repr(p) for p in patterns)}" if patterns else ""


def _capped(why: str) -> str:
    return f" ({why})" if why else ""

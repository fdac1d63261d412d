"""GitCollector: facts about a model project's repository at one ref, read with git itself.

Three independent reads feed the probes: the tree at the ref (ls-tree + cat-file), the refs (for-each-ref) and the
history over the window (log). If one fails, only its probes become unavailable/error records.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.git import (
    buildchain,
    ci,
    codefacts,
    data,
    datalayers,
    deps,
    docker,
    history,
    layout,
    manifests,
    mltools,
    pipelines,
    practices,
    refs,
    serving_manifests,
    workloads,
)
from evidence_collectors.git import testsuite as tests
from evidence_collectors.git.code_index import CodeIndex
from evidence_collectors.git.config import GitTargetConfig
from evidence_collectors.git.findings import Finding, Findings
from evidence_collectors.git.gcpause import paused_cycle_collection
from evidence_collectors.git.gitcmd import GitRepo
from evidence_collectors.git.pyast import CallIndex
from evidence_collectors.git.scope import library_roots
from evidence_collectors.git.snapshot import Snapshot, file_list_json
from evidence_collectors.git.tools import tool_packages
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.records import EvidenceRecord, EvidenceStatus

CODE_PROBES = {
    "git.model_registration",
    "git.monitoring_in_repo",
    "git.experiment_tracking_tools",
    "git.hyperparameter_search_tools",
    "git.serving_frameworks",
    "git.model_conversion_tools",
    "git.data_validation_tools",
    "git.data_validation_rule_files",
    "git.feature_store_tools",
    "git.feature_views",
    "git.pipeline_tools",
    "git.pipeline_definition_files",
    "git.data_versioning_tools",
    "git.search_space_config_files",
    "git.labelling_tools",
    "git.label_quality_methods",
    "git.metric_libraries",
    "git.hpo_early_stopping",
    "git.feature_pipeline_libraries",
    "git.exploratory_analysis_files",
}
HISTORY_PROBES = {
    "git.commits_in_window",
    "git.issue_reference_ratio",
    "git.descriptive_commit_ratio",
    "git.mainline_merge_ratio",
}
REF_PROBES = {
    "git.branches",
    "git.branch_count",
    "git.mainline_branch",
    "git.branch_naming_ratio",
    "git.release_branches",
    "git.stale_branches",
    "git.tags",
    "git.release_tags",
    "git.latest_release_tag",
    "git.release_tags_in_window",
}
PATH_ONLY_PROBES = {
    "git.tracked_files",
    "git.head_commit",
    "git.notebooks",
    "git.large_binary_files",
    "git.documentation",
    "git.iac_tools",
    "git.environments",
    "git.dockerfiles",
}


class GitCollector(Collector):
    name = "git"
    version = "1.0.0"
    system = "git"
    config_model = GitTargetConfig
    probes = load_probe_specs(Path(__file__).with_name("probes.yaml"))

    def source_url(self, config: TargetConfig) -> str:
        assert isinstance(config, GitTargetConfig)
        return f"file://{config.path}?ref={config.ref}"

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        assert isinstance(config, GitTargetConfig)
        repo = GitRepo(config.path, config.timeout_s, ctx.raw, ctx.redactor)
        ctx.progress(f"{config.name}: resolving {config.ref}")
        commit, resolve_sha = _resolve(repo, config.ref)
        found: Findings = {}
        failures: dict[str, tuple[EvidenceStatus, str]] = {}

        def step(group: str, what: str, run: Callable[[], Findings]) -> None:
            ctx.progress(f"{config.name}: {what}")
            try:
                found.update(run())
            except Unavailable as exc:
                failures[group] = (EvidenceStatus.unavailable, f"{what}: {exc}")
            except CollectError as exc:
                failures[group] = (EvidenceStatus.error, f"{what}: {exc}")
            except Exception as exc:  # one faulty analysis must not cost the other probes
                failures[group] = (EvidenceStatus.error, f"{what}: collector failed: {type(exc).__name__}: {exc}")

        step("tree", "reading the tree", lambda: _tree_findings(repo, config, commit, resolve_sha))
        step("refs", "reading branches and tags", lambda: refs.ref_findings(refs.read_refs(repo), config.history_days))
        step("history", "reading the history", lambda: _history_findings(repo, config, commit))

        records: list[EvidenceRecord] = []
        for probe in self.probe_ids():
            if probe in found:
                f = found[probe]
                records.append(self.record(config, ctx, probe, f.value, f.summary, f.raw))
                continue
            group = "history" if probe in HISTORY_PROBES else "refs" if probe in REF_PROBES else "tree"
            status, reason = failures.get(group, (EvidenceStatus.error, "not computed"))
            records += self.failed(config, ctx, status, reason, [probe])
        return records


def _resolve(repo: GitRepo, ref: str) -> tuple[str, str]:
    repo.check_path()  # a missing or unfollowable path says so, rather than "does not name a commit"
    try:
        return repo.resolve(ref)
    except CollectError as exc:
        if "not a git repository" in str(exc):
            raise CollectError(f"{repo.path} is not a git repository") from None
        raise CollectError(f"ref {ref!r} does not name a commit in {repo.path}") from None


def _history_findings(repo: GitRepo, config: GitTargetConfig, commit: str) -> Findings:
    commits, sha, capped = history.read_history(repo, commit, config.history_days)
    return history.history_findings(commits, commit, sha, config.history_days, capped, repo.is_shallow())


def _tree_findings(repo: GitRepo, config: GitTargetConfig, commit: str, resolve_sha: str) -> Findings:
    with paused_cycle_collection():
        return _analyse_tree(repo, config, commit, resolve_sha)


def _analyse_tree(repo: GitRepo, config: GitTargetConfig, commit: str, resolve_sha: str) -> Findings:
    snap = Snapshot.load(repo, commit, config.max_files_read)
    roots: dict[str, str] = {p: snap.text(p) for p in ("pyproject.toml", "setup.py", "setup.cfg") if p in snap.contents}
    index = CodeIndex.build(snap, library_roots(roots, tool_packages()))
    index_sha = repo.raw.add(
        file_list_json(
            commit,
            [
                {"path": f.path, "blob": f.oid, "scope": f.scope, "imports": sorted(f.imports)}
                for f in index.everything()
            ],
        ),
        url=repo.where(("code-scan", commit)),
        content_type="application/json",
    )
    found_manifests = manifests.scan(snap)
    found_pipelines = pipelines.scan(snap, index, found_manifests)
    dependencies = deps.scan(snap)
    found: Findings = {
        "git.head_commit": Finding(value=commit, raw=[resolve_sha], summary=f"{config.ref} is commit {commit}"),
        "git.tracked_files": Finding(
            value=len(snap.entries),
            raw=[snap.listing_sha],
            summary=f"{len(snap.entries)} files at {config.ref} ({commit[:12]})"
            + (f", {len(snap.submodules)} submodule(s)" if snap.submodules else "")
            + f"; content of {len(snap.contents)} configuration and source files read",
        ),
    }
    found |= ci.ci_findings(snap, bool(found_pipelines.training))
    found |= pipelines.pipeline_findings(snap, found_pipelines)
    found |= deps.dependency_findings(snap, dependencies)
    found |= mltools.mltool_findings(snap, index, found_manifests, dependencies.packages, [snap.listing_sha])
    found |= data.data_findings(snap, index, found_pipelines, found_manifests)
    found |= docker.docker_findings(snap)
    found |= tests.test_findings(snap, tests.scan(snap))
    found |= manifests.manifest_findings(snap, found_manifests)
    found |= layout.layout_findings(snap, found_manifests)
    found |= practices.practice_findings(snap, index, found_manifests, dependencies.packages)
    found |= datalayers.data_layer_findings(snap)
    found |= workloads.workload_findings(snap, found_manifests)
    found |= serving_manifests.serving_manifest_findings(snap, found_manifests)
    found |= buildchain.buildchain_findings(snap)
    calls = CallIndex(index)
    found |= codefacts.code_fact_findings(snap, calls, found_manifests)
    codefacts.widen(found, calls, snap)
    codefacts.note_apart(found, index)
    for probe, finding in found.items():
        if probe in CODE_PROBES:
            finding.raw = sorted({*finding.raw, index_sha})
        if snap.not_read and probe not in PATH_ONLY_PROBES:
            finding.summary += (
                f" [content of {snap.not_read} further files not read: max_files_read={config.max_files_read}]"
            )
    return found

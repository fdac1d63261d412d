"""Kubeflow Pipelines collector: the pipelines in scope, their versions and compiled tasks, their recurring runs, runs
of the time window and the experiments, as the KFP REST API v2beta1 reports them (KFP 2.x; the v1beta1 API of KFP 1.x
is not read).

Reads the pipeline list (a refused credential or no list fails the whole target), the recurring runs, each pipeline's
versions, the runs newest first down to the window's start, and the experiments. Each read is shared by the probes that
need it; a read that fails costs only those probes (`unavailable`/`error` with the reason).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.kubeflow.api import API, KubeflowApi
from evidence_collectors.kubeflow.config import KubeflowConfig
from evidence_collectors.kubeflow.models import Experiment, KfpPipeline, KfpRun, PipelineVersion, RecurringRun
from evidence_collectors.kubeflow.views import (
    enabled,
    has_artifacts,
    newest,
    pipeline,
    pipeline_of,
    run,
    spec_images,
    versioned_image,
)
from evidence_collectors.orchestration import (
    RUN_SUFFIXES,
    STRUCTURE_SUFFIXES,
    Pipeline,
    Scope,
    Source,
    list_findings,
    run_findings,
    structure_findings,
)
from evidence_collectors.outcome import (
    Fetched,
    ProbeFinding,
    in_catalogue_order,
    of,
    probe_section,
    ratio,
    sample,
    share,
    status_of,
)
from evidence_collectors.records import EvidenceRecord, utc_now
from evidence_collectors.rest import Pages

PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))
P = "kubeflow."
LIST_PROBES = tuple(
    P + s for s in ("pipelines", "pipelines_scheduled_ratio", "pipelines_documented_ratio", "recurring_runs_enabled")
)
VERSION_PROBES = tuple(
    P + s for s in ("pipelines_versioned_ratio", *STRUCTURE_SUFFIXES, "training_pipelines_with_versioned_images_ratio")
)
RUN_ONLY_HERE = ("runs_in_experiment_ratio", "runs_with_parameters_ratio", "runs_with_artifacts_ratio")
RUN_PROBES = tuple(P + s for s in (*RUN_SUFFIXES, *RUN_ONLY_HERE))
RUN_VERSION_PROBES = (P + "runs_with_pipeline_version_ratio",)
EXPERIMENT_PROBES = (P + "experiments",)


@dataclass
class Versions:
    """Each pipeline's versions as read, and the pipelines whose version listing stopped at max_items."""

    found: dict[str, list[PipelineVersion]]
    note: str
    capped: set[str]


@dataclass
class Jobs:
    """The enabled recurring runs in scope, by pipeline id, and the raw answers they came from."""

    enabled: dict[str, list[RecurringRun]]
    listed: int
    raw: list[str]
    note: str


class KubeflowCollector(Collector):
    name = "kubeflow"
    version = "1.0.0"
    system = "orchestrator"
    config_model = KubeflowConfig
    probes = PROBES

    def source_url(self, config: TargetConfig) -> str:
        return f"{getattr(config, 'url', '')}{API}"

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, KubeflowConfig):
            raise TypeError(f"expected a KubeflowConfig, got {type(config).__name__}")
        scope = Scope(P, "pipelines", utc_now(), config.window_days, config.min_tasks)
        with KubeflowApi(config, ctx) as api:
            try:
                listing = api.pipelines()
                chosen = in_scope(listing.items, config)
            except (Unavailable, CollectError) as exc:
                return self.failed(config, ctx, status_of(exc), f"pipelines: {exc}")
            note = listing.cap_note("pipelines")
            records: list[EvidenceRecord] = []

            def section(what: str, probes: tuple[str, ...], compute: Callable[[], list[ProbeFinding]]) -> None:
                records.extend(probe_section(self, config, ctx, what, probes, compute))

            experiments = Fetched.run(lambda: self._experiments(api))
            jobs = Fetched.run(lambda: self._jobs(api, config, chosen, experiments))
            versions = Fetched.run(lambda: self._versions(api, chosen))

            def views(with_versions: bool) -> list[Pipeline]:
                found = versions.get().found if with_versions else None
                return [
                    pipeline(p, jobs.get().enabled.get(p.pipeline_id, []), found.get(p.pipeline_id) if found else None)
                    for p in chosen
                ]

            section(
                "pipelines and recurring runs",
                LIST_PROBES,
                lambda: self._list(
                    scope, views(False), jobs.get(), Source(tuple(listing.raw + jobs.raw), listing.url, note)
                ),
            )
            section(
                "pipeline versions",
                VERSION_PROBES,
                lambda: self._structure(scope, views(True), versions.get(), tuple(versions.raw), api, note),
            )
            runs = Fetched.run(lambda: self._read_runs(api, scope))
            section(
                "runs",
                RUN_PROBES,
                lambda: self._runs(config, scope, views(False), runs.get(), experiments, jobs.raw, note),
            )
            section(
                "runs and pipeline versions",
                RUN_VERSION_PROBES,
                lambda: self._run_versions(config, scope, chosen, runs, versions, experiments, note),
            )
            section("experiments", EXPERIMENT_PROBES, lambda: self._experiment_findings(config, experiments))
        return in_catalogue_order(self, records)

    # --- reads ----------------------------------------------------------------------------------------------------

    def _experiments(self, api: KubeflowApi) -> tuple[Pages[Experiment], list[str]]:
        pages = api.experiments()
        return pages, pages.raw

    def _jobs(
        self,
        api: KubeflowApi,
        config: KubeflowConfig,
        chosen: list[KfpPipeline],
        experiments: Fetched[Pages[Experiment]],
    ) -> tuple[Jobs, list[str]]:
        pages = api.recurring_runs()
        wanted = experiment_ids(config, experiments)
        ids = {p.pipeline_id for p in chosen}
        found: dict[str, list[RecurringRun]] = {}
        listed = 0
        for job in pages.items:
            if wanted is not None and job.experiment_id not in wanted:
                continue
            owner = pipeline_of(job)
            if owner in ids:
                listed += 1
                if enabled(job):
                    found.setdefault(owner, []).append(job)
        return Jobs(found, listed, pages.raw, pages.cap_note("recurring runs")), pages.raw

    def _versions(self, api: KubeflowApi, chosen: list[KfpPipeline]) -> tuple[Versions, list[str]]:
        found: dict[str, list[PipelineVersion]] = {}
        raw: list[str] = []
        capped: list[KfpPipeline] = []
        for item in chosen:
            pages = api.versions(item.pipeline_id)
            found[item.pipeline_id] = pages.items
            raw += pages.raw
            if pages.stopped:
                capped.append(item)
        names = sample([p.display_name or p.pipeline_id for p in capped])
        note = f" (versions of {names} stopped at max_items)" if capped else ""
        return Versions(found, note, {p.pipeline_id for p in capped}), raw

    def _read_runs(self, api: KubeflowApi, scope: Scope) -> tuple[Pages[KfpRun], list[str]]:
        """The runs newest first, down to the first page that reaches past the window's start."""
        start = scope.start

        def past_window(page: list[KfpRun]) -> bool:
            return any(r.created_at is not None and r.created_at < start for r in page)

        pages = api.runs(past_window)
        return pages, pages.raw

    # --- findings -------------------------------------------------------------------------------------------------

    def _list(self, scope: Scope, views: list[Pipeline], jobs: Jobs, src: Source) -> list[ProbeFinding]:
        count = sum(len(v) for v in jobs.enabled.values())
        text = f"{count} of {jobs.listed} recurring runs of the pipelines in scope are enabled{jobs.note}"
        return [
            *list_findings(scope, views, src),
            ProbeFinding(P + "recurring_runs_enabled", count, text, src.raw, src.url),
        ]

    def _structure(
        self,
        scope: Scope,
        views: list[Pipeline],
        versions: Versions,
        raw: tuple[str, ...],
        api: KubeflowApi,
        note: str,
    ) -> list[ProbeFinding]:
        found, capped = versions.found, versions.note
        url = api.where("/pipelines/{pipeline_id}/versions")
        versioned = sum(1 for v in views if len(found.get(v.id, [])) >= 2)
        return [
            ProbeFinding(
                P + "pipelines_versioned_ratio",
                ratio(versioned, len(views)),
                share(versioned, len(views), "pipelines", "have at least two versions") + note + capped,
                raw,
                url,
            ),
            *structure_findings(scope, views, Source(raw, url, note + capped)),
            self._training_images(views, versions, raw, url, note + capped),
        ]

    def _training_images(
        self, views: list[Pipeline], versions: Versions, raw: tuple[str, ...], url: str, note: str
    ) -> ProbeFinding:
        """Training pipelines (a training task in the newest version) whose every container task runs a versioned
        image."""
        training = [v for v in views if "train" in v.stages]
        loose: dict[str, list[str]] = {}
        for view in training:
            latest = newest(versions.found.get(view.id, []))
            images = spec_images(latest.pipeline_spec if latest else None) or []
            bad = [f"{task}={image or 'no image'}" for task, image in images if not versioned_image(image)]
            if bad or not images:
                loose[view.id] = bad or ["no container task"]
        kept = len(training) - len(loose)
        text = share(kept, len(training), "training pipelines", "run every task in a versioned image") + note
        if loose:
            text += "; not: " + sample([f"{pid} ({', '.join(bad[:3])})" for pid, bad in sorted(loose.items())])
        return ProbeFinding(
            P + "training_pipelines_with_versioned_images_ratio", ratio(kept, len(training)), text, raw, url
        )

    def _runs(
        self,
        config: KubeflowConfig,
        scope: Scope,
        views: list[Pipeline],
        pages: Pages[KfpRun],
        experiments: Fetched[Pages[Experiment]],
        job_raw: list[str],
        note: str,
    ) -> list[ProbeFinding]:
        ids = {v.id for v in views}
        inside = in_window(config, scope, pages, experiments)
        own = [r for r in inside if pipeline_of(r) in ids]
        loose = len(inside) - len(own)
        extra = pages.cap_note("runs")
        if loose:
            extra += f" ({loose} runs of pipelines out of scope or without a pipeline reference left out)"
        raw = tuple(pages.raw + job_raw)
        src = Source(raw, pages.url, note + extra)
        shared = run_findings(scope, views, [run(r, pipeline_of(r) or "") for r in own], src)
        window = f"in the last {scope.window_days} days"

        def runs_share(probe: str, holds: Callable[[KfpRun], bool], statement: str) -> ProbeFinding:
            passed = sum(1 for r in own if holds(r))
            text = f"{of(passed, len(own))} runs created {window} {statement}{src.note}"
            return ProbeFinding(probe, ratio(passed, len(own)), text, raw, pages.url)

        return [
            *shared,
            runs_share(P + "runs_in_experiment_ratio", lambda r: bool(r.experiment_id), "belong to an experiment"),
            runs_share(
                P + "runs_with_parameters_ratio",
                lambda r: bool(r.runtime_config and r.runtime_config.parameters),
                "record their input parameters",
            ),
            runs_share(P + "runs_with_artifacts_ratio", has_artifacts, "list output artifacts of their tasks"),
        ]

    def _run_versions(
        self,
        config: KubeflowConfig,
        scope: Scope,
        chosen: list[KfpPipeline],
        runs: Fetched[Pages[KfpRun]],
        versions: Fetched[Versions],
        experiments: Fetched[Pages[Experiment]],
        note: str,
    ) -> list[ProbeFinding]:
        """Runs of the window that name a pipeline version still listed for their pipeline (see the catalogue)."""
        pages, stored = runs.get(), versions.get()
        ids = {p.pipeline_id for p in chosen}
        counted = [
            r
            for r in in_window(config, scope, pages, experiments)
            if pipeline_of(r) in ids or (not config.pipelines and pipeline_of(r) is None)
        ]
        linked = [r for r in counted if version_listed(r, stored)]
        missing = sorted(r.display_name or r.run_id for r in counted if r not in linked)
        text = (
            f"{of(len(linked), len(counted))} runs created in the last {scope.window_days} days name a pipeline "
            f"version that is still stored{note}{pages.cap_note('runs')}{stored.note}"
        )
        if missing:
            text += f"; not: {sample(missing)}"
        raw = tuple(runs.raw + versions.raw)
        return [ProbeFinding(RUN_VERSION_PROBES[0], ratio(len(linked), len(counted)), text, raw, pages.url)]

    def _experiment_findings(
        self, config: KubeflowConfig, experiments: Fetched[Pages[Experiment]]
    ) -> list[ProbeFinding]:
        pages = experiments.get()
        wanted = experiment_ids(config, experiments)
        live = [e for e in pages.items if (e.storage_state or "AVAILABLE").upper() != "ARCHIVED"]
        if wanted is not None:
            live = [e for e in live if e.experiment_id in wanted]
        names = sample(sorted(e.display_name or e.experiment_id for e in live), 8)
        text = f"{len(live)} experiments not archived{pages.cap_note('experiments')}: {names or 'none'}"
        return [ProbeFinding(P + "experiments", len(live), text, tuple(pages.raw), pages.url)]


def in_scope(pipelines: list[KfpPipeline], config: KubeflowConfig) -> list[KfpPipeline]:
    """The pipelines named in the target (display name or id), else every one listed."""
    if not config.pipelines:
        return pipelines
    missing = [n for n in config.pipelines if not any(n in (p.pipeline_id, p.display_name) for p in pipelines)]
    if missing:
        raise CollectError(f"pipeline(s) named in the targets file not readable: {', '.join(missing)}")
    return [p for p in pipelines if p.pipeline_id in config.pipelines or p.display_name in config.pipelines]


def in_window(
    config: KubeflowConfig, scope: Scope, pages: Pages[KfpRun], experiments: Fetched[Pages[Experiment]]
) -> list[KfpRun]:
    """The runs created in the window, in the target's experiments when it names some."""
    wanted = experiment_ids(config, experiments)
    return [
        r
        for r in pages.items
        if r.created_at is not None and r.created_at >= scope.start and (wanted is None or r.experiment_id in wanted)
    ]


def version_listed(item: KfpRun, versions: Versions) -> bool:
    """Whether the run names its pipeline and a version of it that the version listing holds (or may hold, when the
    listing stopped at max_items)."""
    ref = item.pipeline_version_reference
    if ref is None or not ref.pipeline_id or not ref.pipeline_version_id:
        return False
    if ref.pipeline_id in versions.capped:
        return True
    return any(v.pipeline_version_id == ref.pipeline_version_id for v in versions.found.get(ref.pipeline_id, []))


def experiment_ids(config: KubeflowConfig, experiments: Fetched[Pages[Experiment]]) -> set[str] | None:
    """The ids of the experiments named in the target; None when none are named (every experiment is in scope)."""
    if not config.experiments:
        return None
    listed = experiments.get().items
    missing = [n for n in config.experiments if not any(n in (e.experiment_id, e.display_name) for e in listed)]
    if missing:
        raise CollectError(f"experiment(s) named in the targets file not readable: {', '.join(missing)}")
    return {
        e.experiment_id for e in listed if e.experiment_id in config.experiments or e.display_name in config.experiments
    }

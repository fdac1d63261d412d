"""Apache Airflow collector: the DAGs in scope, their schedules and tasks, and their runs of the time window, as
Airflow's REST API reports them (the stable API v1 of Airflow 2, or v2 of Airflow 3).

Reads the version (which also tells the API to use), the DAG list, then per DAG in scope its tasks and its runs of the
window, and the task instances of the newest runs. Each read is shared by the probes that need it; a read that fails
costs only those probes (`unavailable`/`error` with the reason). A refused credential or an unreadable version or DAG
list fails the whole target. SLA misses are not offered: neither API version lists them (Airflow 3 removed SLAs).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from evidence_collectors.airflow.api import AirflowApi
from evidence_collectors.airflow.config import AirflowConfig
from evidence_collectors.airflow.models import Dag, Task
from evidence_collectors.airflow.views import pipeline, run
from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.orchestration import (
    RUN_SUFFIXES,
    STRUCTURE_SUFFIXES,
    Run,
    Scope,
    Source,
    list_findings,
    run_findings,
    structure_findings,
)
from evidence_collectors.outcome import (
    Fetched,
    ProbeFinding,
    counts,
    in_catalogue_order,
    of,
    probe_section,
    ratio,
    recorded,
    sample,
    share,
    status_of,
)
from evidence_collectors.records import EvidenceRecord, utc_now

PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))
P = "airflow."
LIST_PROBES = tuple(
    P + s
    for s in (
        "pipelines",
        "pipelines_active_ratio",
        "pipelines_scheduled_ratio",
        "pipelines_documented_ratio",
        "pipelines_with_description_and_owner_ratio",
    )
)
DEFAULT_OWNER = "airflow"  # what Airflow puts in `owners` when no task names an owner
STRUCTURE_PROBES = tuple(P + s for s in STRUCTURE_SUFFIXES)
RUN_PROBES = tuple(P + s for s in (*RUN_SUFFIXES, "run_types", "runs_with_pipeline_version_ratio"))
RETRY_PROBES = (P + "task_retries_in_runs",)
VERSION_PROBES = (P + "pipeline_versions_from_commit_ratio",)
COMMIT = re.compile(r"[0-9a-f]{7,64}")  # a Git commit id as a Git DAG bundle records it


@dataclass
class Runs:
    items: list[Run]
    raw: list[str]
    note: str
    types: dict[str, str] = field(default_factory=dict)  # run_type by run id
    versioned: set[str] = field(default_factory=set)  # the runs that name the DAG version they ran (v2 dag_versions)


class AirflowCollector(Collector):
    name = "airflow"
    version = "1.0.0"
    system = "orchestrator"
    config_model = AirflowConfig
    probes = PROBES

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, AirflowConfig):
            raise TypeError(f"expected a AirflowConfig, got {type(config).__name__}")
        scope = Scope(P, "DAGs", utc_now(), config.window_days, config.min_tasks)
        with AirflowApi(config, ctx) as api:
            try:
                version, version_sha = api.version()
                listing = api.dags()
            except (Unavailable, CollectError) as exc:  # a refused credential, no version or DAG list
                return self.failed(config, ctx, status_of(exc), f"version and DAG list: {exc}")
            dags = in_scope(listing.items, config)
            note = listing.cap_note("DAGs")
            label = f"{version.version or 'unknown version'} (REST API {api.api.rsplit('/', 1)[-1]})"
            records = [
                self.record(config, ctx, P + "version", label, f"Airflow {label}", [version_sha], api.url(api.api))
            ]

            def section(what: str, probes: tuple[str, ...], compute: Callable[[], list[ProbeFinding]]) -> None:
                records.extend(probe_section(self, config, ctx, what, probes, compute))

            list_src = Source(tuple(listing.raw), listing.url, note)
            records += recorded(self, config, ctx, self._list(scope, dags, list_src))
            tasks = Fetched.run(lambda: self._tasks(api, dags))
            section(
                "DAG tasks",
                STRUCTURE_PROBES,
                lambda: structure_findings(
                    scope,
                    [pipeline(d, tasks.get().get(d.dag_id)) for d in dags],
                    Source(tuple(tasks.raw), api.where("/dags/{dag_id}/tasks"), note),
                ),
            )
            runs = Fetched.run(lambda: self._runs(api, dags, scope))
            section(
                "DAG runs",
                RUN_PROBES,
                lambda: self._run_findings(
                    scope, dags, runs.get(), api.where("/dags/{dag_id}/dagRuns"), note, api.api.endswith("v1")
                ),
            )
            section("task instances", RETRY_PROBES, lambda: self._retries(api, runs.get(), config, scope))
            section("DAG versions", VERSION_PROBES, lambda: [self._dag_versions(api, dags, note)])
        return in_catalogue_order(self, records)

    def _list(self, scope: Scope, dags: list[Dag], src: Source) -> list[ProbeFinding]:
        views = [pipeline(d, None) for d in dags]
        active = sum(1 for d in dags if d.is_paused is not True)
        return [
            *list_findings(scope, views, src),
            ProbeFinding(
                P + "pipelines_active_ratio",
                ratio(active, len(dags)),
                share(active, len(dags), "DAGs", "are not paused") + src.note,
                src.raw,
                src.url,
            ),
            self._purpose_and_owner(dags, src),
        ]

    def _purpose_and_owner(self, dags: list[Dag], src: Source) -> ProbeFinding:
        kept = [d for d in dags if (d.description or "").strip() and named_owners(d)]
        text = share(len(kept), len(dags), "DAGs", "have a description and a named owner") + src.note
        missing = sorted(d.dag_id for d in dags if d not in kept)
        if missing:
            text += f"; not: {sample(missing)}"
        return ProbeFinding(
            P + "pipelines_with_description_and_owner_ratio", ratio(len(kept), len(dags)), text, src.raw, src.url
        )

    def _run_findings(
        self, scope: Scope, dags: list[Dag], runs: Runs, url: str, note: str, v1: bool
    ) -> list[ProbeFinding]:
        src = Source(tuple(runs.raw), url, note + runs.note)
        inside = [r for r in runs.items if r.started is not None and r.started >= scope.start]
        kinds = Counter(runs.types[r.id] for r in inside)
        text = f"run types of the {len(inside)} runs started in the last {scope.window_days} days{src.note}: "
        text += counts(runs.types[r.id] for r in inside)
        return [
            *run_findings(scope, [pipeline(d, None) for d in dags], runs.items, src),
            ProbeFinding(P + "run_types", sorted(kinds), text, src.raw, url),
            self._versions(scope, inside, runs, src, url, v1),
        ]

    def _versions(self, scope: Scope, inside: list[Run], runs: Runs, src: Source, url: str, v1: bool) -> ProbeFinding:
        linked = [r for r in inside if r.id in runs.versioned]
        text = (
            f"{of(len(linked), len(inside))} runs started in the last {scope.window_days} days name the DAG version "
            f"they ran (dag_versions[].version_number){src.note}"
        )
        if v1:
            text += "; Airflow 2 (REST API v1) records no DAG version on its runs"
        missing = sorted(r.id for r in inside if r.id not in runs.versioned)
        if missing and not v1:
            text += f"; not: {sample(missing)}"
        return ProbeFinding(P + "runs_with_pipeline_version_ratio", ratio(len(linked), len(inside)), text, src.raw, url)

    def _tasks(self, api: AirflowApi, dags: list[Dag]) -> tuple[dict[str, list[Task]], list[str]]:
        found: dict[str, list[Task]] = {}
        raw: list[str] = []
        for dag in dags:
            found[dag.dag_id], sha = api.tasks(dag.dag_id)
            raw.append(sha)
        return found, raw

    def _runs(self, api: AirflowApi, dags: list[Dag], scope: Scope) -> tuple[Runs, list[str]]:
        result = Runs([], [], "")
        capped: list[str] = []
        for dag in dags:
            pages = api.runs(dag.dag_id, scope.start)
            result.raw += pages.raw
            for item in pages.items:
                view = run(item, dag.dag_id)
                result.items.append(view)
                result.types[view.id] = item.run_type or "unknown"
                if any(v.version_number is not None for v in item.dag_versions):
                    result.versioned.add(view.id)
            if pages.stopped:
                capped.append(dag.dag_id)
        if capped:
            result.note = f" (runs of {', '.join(capped[:5])} stopped at max_runs_per_dag: more exist than were read)"
        return result, result.raw

    def _dag_versions(self, api: AirflowApi, dags: list[Dag], note: str) -> ProbeFinding:
        """The DAG versions Airflow 3 keeps, each judged by whether a Git bundle commit produced it."""
        if api.api.endswith("v1"):
            raise Unavailable(
                "Airflow 2 (REST API v1) keeps no DAG versions: whether DAG files come from a commit "
                "cannot be read from it"
            )
        raw: list[str] = []
        total = 0
        loose: list[str] = []
        capped: list[str] = []
        for dag in dags:
            pages = api.dag_versions(dag.dag_id)
            raw += pages.raw
            total += len(pages.items)
            loose += [
                f"{dag.dag_id} v{v.version_number}"
                for v in pages.items
                if not COMMIT.fullmatch((v.bundle_version or "").strip().lower())
            ]
            if pages.stopped:
                capped.append(dag.dag_id)
        extra = note + (f" (versions of {sample(capped)} stopped at max_runs_per_dag)" if capped else "")
        text = (
            f"{of(total - len(loose), total)} DAG versions of {len(dags)} DAGs were parsed from a Git commit of a "
            f"versioned DAG bundle (bundle_version){extra}"
        )
        if loose:
            text += f"; not: {sample(loose)}"
        url = api.where("/dags/{dag_id}/dagVersions")
        return ProbeFinding(VERSION_PROBES[0], ratio(total - len(loose), total), text, tuple(raw), url)

    def _retries(self, api: AirflowApi, runs: Runs, config: AirflowConfig, scope: Scope) -> list[ProbeFinding]:
        newest = sorted(
            (r for r in runs.items if r.started is not None and r.started >= scope.start),
            key=lambda r: (r.started, r.id),
            reverse=True,
        )
        chosen = newest[: config.max_task_instance_reads]
        raw: list[str] = []
        instances = 0
        retried: list[str] = []
        for item in chosen:
            dag_id = item.pipeline  # the run's id is "<dag_id>/<run_id>", and a DAG id may itself hold a slash
            run_id = item.id.removeprefix(f"{dag_id}/")
            pages = api.task_instances(dag_id, run_id)
            raw += pages.raw
            instances += len(pages.items)
            retried += [f"{dag_id}.{ti.task_id}" for ti in pages.items if (ti.try_number or 0) > 1]
        note = ""
        if len(newest) > len(chosen):
            note = f" (task instances read for the newest {len(chosen)} of {len(newest)} runs: max_task_instance_reads)"
        text = f"{len(retried)} of {instances} task instances of {len(chosen)} runs took more than one try{note}" + (
            f": {', '.join(sorted(set(retried))[:8])}" if retried else ""
        )
        url = api.where("/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances")
        return [ProbeFinding(P + "task_retries_in_runs", len(retried), text, tuple(raw), url)]


def named_owners(dag: Dag) -> list[str]:
    """The DAG's owners other than Airflow's default owner (any case, blank ones dropped)."""
    return [o.strip() for o in dag.owners if o.strip() and o.strip().lower() != DEFAULT_OWNER]


def in_scope(dags: list[Dag], config: AirflowConfig) -> list[Dag]:
    """The DAGs whose file still exists, whose id starts with a configured prefix and that carry a configured tag."""
    kept = [d for d in dags if not d.gone]
    if config.dag_id_prefixes:
        kept = [d for d in kept if d.dag_id.startswith(tuple(config.dag_id_prefixes))]
    if config.tags:
        wanted = set(config.tags)
        kept = [d for d in kept if wanted & set(d.tag_names)]
    return kept

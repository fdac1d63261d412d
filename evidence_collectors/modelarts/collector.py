"""Huawei Cloud ModelArts evidence: workflows and executions, training jobs, models with their lineage and
real-time services, read through the ModelArts REST API.

Reads, in this order: the IAM token (when signing in with a password), the workflows (each one's definition,
executions and schedules, and the Workflow to-do list), the training jobs of the window, the models (each version's
lineage), and the real-time services (each one's configuration, monitoring and events). Each read is done once and
shared by the probes that need it; a read that fails costs only those probes (`unavailable`/`error` with the reason).
A refused sign-in or token fails the whole target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.modelarts.api import ModelArtsApi, segment
from evidence_collectors.modelarts.config import ModelArtsConfig
from evidence_collectors.modelarts.figures import (
    Executions,
    WorkflowView,
    approval_findings,
    event_findings,
    execution_findings,
    in_window,
    model_findings,
    monitor_findings,
    registered_findings,
    schedule_findings,
    service_findings,
    training_findings,
    workflow_findings,
)
from evidence_collectors.modelarts.models import (
    ModelVersion,
    Monitor,
    Service,
    ServiceEvent,
    ServiceMonitor,
    TrainingJob,
    Workflow,
    WorkflowExecution,
    WorkflowSchedule,
    WorkflowSchedules,
    WorkflowTodos,
)
from evidence_collectors.outcome import Fetched, ProbeFinding, in_catalogue_order, probe_section, status_of
from evidence_collectors.records import EvidenceRecord, utc_now

T = TypeVar("T")
D = TypeVar("D", bound=BaseModel)
PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))


def _ids(*suffixes: str) -> tuple[str, ...]:
    return tuple(f"modelarts.{s}" for s in suffixes)


WORKFLOW_PROBES = _ids(
    "workflows",
    "workflows_with_training_step_ratio",
    "workflows_with_evaluation_step_ratio",
    "workflows_with_model_registration_step_ratio",
    "workflows_with_deployment_step_ratio",
    "workflows_with_data_step_ratio",
    "workflows_end_to_end_ratio",
    "workflow_step_types",
)
EXECUTION_PROBES = _ids(
    "workflows_run_in_window_ratio", "workflow_executions_in_window", "workflow_execution_success_ratio"
)
APPROVAL_PROBES = _ids("workflows_with_manual_approval_ratio")
SCHEDULE_PROBES = _ids("workflows_scheduled_ratio")
TRAINING_PROBES = _ids("training_jobs_in_window", "training_job_success_ratio")
MODEL_PROBES = _ids(
    "registered_model_count",
    "model_version_count",
    "registered_models_with_multiple_versions_ratio",
    "model_versions_with_run_ratio",
    "model_versions_with_metrics_ratio",
    "model_versions_with_description_ratio",
)
SERVICE_PROBES = _ids(
    "realtime_services",
    "running_services_ratio",
    "services_with_traffic_split",
    "canary_services_ratio",
    "services_updated_in_window_ratio",
)
REGISTERED_PROBES = _ids("deployed_versions_registered_ratio")
MONITOR_PROBES = _ids("monitored_services_ratio", "service_invocations", "service_failure_ratio")
EVENT_PROBES = _ids("service_events_in_window", "service_abnormal_event_ratio")


@dataclass
class Read(Generic[T]):
    """The items of a listing in scope, those completed by their single-item read, and where they came from."""

    listed: list[T]
    detailed: list[T]
    note: str  # the listing was cut short, if it was
    raw: tuple[str, ...]
    url: str
    everything: set[str] = field(default_factory=set)  # ids of every item listed, in scope or not

    @property
    def source(self) -> tuple[tuple[str, ...], str]:
        return self.raw, self.url


def matches(name: str, patterns: list[str]) -> bool:
    return not patterns or any(fnmatchcase(name, p) for p in patterns)


class ModelArtsCollector(Collector):
    name = "modelarts"
    version = "1.0.0"
    system = "modelarts"
    config_model = ModelArtsConfig
    probes = PROBES

    def source_url(self, config: TargetConfig) -> str:
        return f"{getattr(config, 'url', '')}/v2/{getattr(config, 'project_id', '')}"

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, ModelArtsConfig):
            raise TypeError(f"expected a ModelArtsConfig, got {type(config).__name__}")
        start = utc_now() - dt.timedelta(days=config.window_days)
        days = config.window_days
        with ModelArtsApi(config, ctx) as api:
            try:
                api.sign_in()
            except (Unavailable, CollectError) as exc:
                return self.failed(config, ctx, status_of(exc), f"IAM token: {exc}")
            workflows = Fetched.run(lambda: self._workflows(api))
            if isinstance(workflows.error, CollectError) and workflows.error.status in (401, 403):
                return self.failed(config, ctx, status_of(workflows.error), f"workflows: {workflows.error}")
            records: list[EvidenceRecord] = []

            def section(what: str, probes: tuple[str, ...], compute: Callable[[], list[ProbeFinding]]) -> None:
                records.extend(probe_section(self, config, ctx, what, probes, compute))

            section("workflows", WORKFLOW_PROBES, lambda: workflow_findings(workflows.get()))
            executions = Fetched.run(lambda: self._executions(api, workflows.get().listed))
            url = api.where("v2", "/workflows/{id}/executions")
            section(
                "workflow executions",
                EXECUTION_PROBES,
                lambda: execution_findings(workflows.get().listed, executions.get(), start, days, url),
            )
            section(
                "workflow to-do list and executions",
                APPROVAL_PROBES,
                lambda: self._approval(api, workflows.get(), executions.get(), start, days),
            )
            section("workflow schedules", SCHEDULE_PROBES, lambda: self._schedules(api, workflows.get()))
            section("training jobs", TRAINING_PROBES, lambda: self._training(api, start, days))
            models = Fetched.run(lambda: self._models(api))
            section(
                "models",
                MODEL_PROBES,
                lambda: model_findings(
                    models.get().listed, models.get().detailed, models.get().note, models.get().source
                ),
            )
            services = Fetched.run(lambda: self._services(api))
            section(
                "real-time services",
                SERVICE_PROBES,
                lambda: service_findings(
                    services.get().listed,
                    services.get().detailed,
                    start,
                    days,
                    services.get().note,
                    services.get().source,
                ),
            )
            section(
                "real-time services and models",
                REGISTERED_PROBES,
                lambda: self._registered(services.get(), models.get()),
            )
            section("service monitoring", MONITOR_PROBES, lambda: self._monitoring(api, services.get()))
            section("service events", EVENT_PROBES, lambda: self._events(api, services.get(), start, days))
        return in_catalogue_order(self, records)

    # --- workflows ---------------------------------------------------------------------------------------------

    def _workflows(self, api: ModelArtsApi) -> tuple[WorkflowView, list[str]]:
        """The workflows in scope, and the definition (steps) of each, read one by one."""
        pages = api.listing(
            api.path("v2", "/workflows"),
            "items",
            Workflow,
            total_key="count",
            paging="item",
            ident=lambda w: w.workflow_id,
        )
        workspace = api.config.workspace_id
        listed = [
            w
            for w in pages.items
            if matches(w.name, api.config.workflows) and (workspace is None or w.workspace_id in ("", workspace))
        ]
        raw = list(pages.raw)
        detailed: list[Workflow] = []
        for workflow in listed:
            if workflow.steps is not None:
                detailed.append(workflow)
                continue
            got = api.detail(api.path("v2", f"/workflows/{segment(workflow.workflow_id)}"), Workflow)
            if got is not None:
                full, sha = got
                raw.append(sha)
                detailed.append(workflow.model_copy(update={"steps": full.steps or []}))
        view = WorkflowView(listed, detailed, tuple(raw), api.where("v2", "/workflows"), pages.cap_note("workflows"))
        return view, raw

    def _executions(self, api: ModelArtsApi, listed: list[Workflow]) -> tuple[Executions, list[str]]:
        found = Executions()
        for workflow in listed:
            pages = api.listing(
                api.path("v2", f"/workflows/{segment(workflow.workflow_id)}/executions"),
                "items",
                WorkflowExecution,
                total_key="total",
                paging="item",
                ident=lambda e: e.execution_id,
                params=api.scope(),
            )
            found.by_workflow[workflow.workflow_id] = pages.items
            found.raw += pages.raw
            if pages.stopped:
                found.stopped.append(f"executions of {workflow.name or workflow.workflow_id}: {pages.stopped}")
        return found, found.raw

    def _approval(
        self, api: ModelArtsApi, view: WorkflowView, executions: Executions, start: dt.datetime, days: int
    ) -> list[ProbeFinding]:
        todos, sha = api.get(api.path("v2", "/workflows/todolist"), WorkflowTodos, api.scope())
        source = ((sha, *executions.raw), api.where("v2", "/workflows/todolist"))
        return approval_findings(view.listed, executions, todos.items, start, days, source)

    def _schedules(self, api: ModelArtsApi, view: WorkflowView) -> list[ProbeFinding]:
        schedules: dict[str, list[WorkflowSchedule]] = {}
        raw: list[str] = []
        unread = 0
        for workflow in view.detailed:
            got = api.detail(api.path("v2", f"/workflows/{segment(workflow.workflow_id)}/schedules"), WorkflowSchedules)
            if got is None:
                unread += 1
                continue
            found, sha = got
            raw.append(sha)
            schedules[workflow.workflow_id] = found.schedules
        source = (tuple(raw), api.where("v2", "/workflows/{id}/schedules"))
        return schedule_findings(view.detailed, schedules, unread, source)

    # --- training jobs -----------------------------------------------------------------------------------------

    def _training(self, api: ModelArtsApi, start: dt.datetime, days: int) -> list[ProbeFinding]:
        """Training jobs newest first, read until one older than the window."""
        pages = api.listing(
            api.path("v2", "/training-job-searches"),
            "items",
            TrainingJob,
            total_key="count",
            paging="page",
            ident=lambda j: j.metadata.id,
            search={"sort_by": "create_time", "order": "desc"},
            stop=lambda page: any(j.metadata.create_time is not None and j.metadata.create_time < start for j in page),
        )
        jobs = [j for j in pages.items if in_window(j.metadata.create_time, start)]
        source = (tuple(pages.raw), api.where("v2", "/training-job-searches"))
        return training_findings(jobs, days, pages.cap_note("training jobs"), source)

    # --- models ------------------------------------------------------------------------------------------------

    def _models(self, api: ModelArtsApi) -> tuple[Read[ModelVersion], list[str]]:
        """Every model version in scope (ListModels) and the lineage of each (ShowModel)."""
        pages = api.listing(
            api.path("v1", "/models"),
            "models",
            ModelVersion,
            total_key="total_count",
            paging="page",
            ident=lambda m: m.model_id,
            params=api.scope(),
        )
        listed = [m for m in pages.items if matches(m.model_name, api.config.models)]
        raw = list(pages.raw)
        detailed = _details(api, listed, lambda m: api.path("v1", f"/models/{segment(m.model_id)}"), raw)
        everything = {m.model_id for m in pages.items}
        found = Read(listed, detailed, pages.cap_note("models"), tuple(raw), api.where("v1", "/models"), everything)
        return found, raw

    # --- services ----------------------------------------------------------------------------------------------

    def _services(self, api: ModelArtsApi) -> tuple[Read[Service], list[str]]:
        """The real-time services in scope (ListServices) and the configuration of each (ShowService)."""
        pages = api.listing(
            api.path("v1", "/services"),
            "services",
            Service,
            total_key="total_count",
            paging="page",
            ident=lambda s: s.service_id,
            params={**api.scope(), "infer_type": "real-time"},
        )
        listed = [
            s for s in pages.items if s.infer_type in ("", "real-time") and matches(s.service_name, api.config.services)
        ]
        raw = list(pages.raw)
        detailed = [
            full.model_copy(update={"status": full.status or listed_one.status})
            for listed_one, full in _details_of(
                api, listed, lambda s: api.path("v1", f"/services/{segment(s.service_id)}"), raw
            )
        ]
        found = Read(listed, detailed, pages.cap_note("services"), tuple(raw), api.where("v1", "/services"))
        return found, raw

    def _registered(self, services: Read[Service], models: Read[ModelVersion]) -> list[ProbeFinding]:
        """Model ids served, against every model version listed (whatever the `models` patterns say)."""
        note = services.note + models.note
        source = ((*services.raw, *models.raw), services.url)
        return registered_findings(services.detailed, models.everything, note, source)

    def _monitoring(self, api: ModelArtsApi, services: Read[Service]) -> list[ProbeFinding]:
        """The monitor of every running real-time service (stopped ones have none to report)."""
        note = services.note
        running = [s for s in services.listed if s.status == "running"]
        monitors: dict[str, list[Monitor]] = {}
        raw: list[str] = []
        for service in running:
            got = api.detail(api.path("v1", f"/services/{segment(service.service_id)}/monitor"), ServiceMonitor)
            if got is not None:
                found, sha = got
                raw.append(sha)
                monitors[service.service_id] = found.monitors
        return monitor_findings(running, monitors, note, (tuple(raw), api.where("v1", "/services/{id}/monitor")))

    def _events(
        self,
        api: ModelArtsApi,
        services: Read[Service],
        start: dt.datetime,
        days: int,
    ) -> list[ProbeFinding]:
        listed, note = services.listed, services.note
        events: dict[str, list[ServiceEvent]] = {}
        raw: list[str] = []
        stopped: list[str] = []
        since = int(start.timestamp() * 1000)
        for service in listed:
            pages = api.listing(
                api.path("v1", f"/services/{segment(service.service_id)}/events"),
                "events",
                ServiceEvent,
                total_key="total_count",
                paging="page",
                ident=lambda e: f"{e.occur_time}|{e.event_type}|{e.event_info}",
                params={"start_time": since},
            )
            events[service.service_id] = pages.items
            raw += pages.raw
            if pages.stopped:
                stopped.append(f"events of {service.service_name or service.service_id}: {pages.stopped}")
        note += f" ({'; '.join(stopped)}: more exist than were read)" if stopped else ""
        return event_findings(listed, events, start, days, note, (tuple(raw), api.where("v1", "/services/{id}/events")))


def _details_of(api: ModelArtsApi, listed: list[D], path_of: Callable[[D], str], raw: list[str]) -> list[tuple[D, D]]:
    """Each listed item with its single-item read, while the read budget lasts; the reads' hashes join `raw`."""
    pairs: list[tuple[D, D]] = []
    for item in listed:
        got = api.detail(path_of(item), type(item))
        if got is not None:
            full, sha = got
            raw.append(sha)
            pairs.append((item, full))
    return pairs


def _details(api: ModelArtsApi, listed: list[D], path_of: Callable[[D], str], raw: list[str]) -> list[D]:
    return [full for _, full in _details_of(api, listed, path_of, raw)]

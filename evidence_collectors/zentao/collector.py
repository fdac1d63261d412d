"""ZenTao (禅道) collector: requirement, test, defect, iteration and risk management facts of the products in scope,
as the ZenTao REST API v1 reports them.

Reads the products, then per product its stories, test cases, bugs, projects (and their executions or, for a product
without executions, its product plans) and the projects' risks. Each read is done once and shared by the probes that
need it; a read that fails costs only those probes (`unavailable`/`error` with the reason). A refused token or an
unreadable product list fails the whole target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.outcome import Fetched, ProbeFinding, in_catalogue_order, probe_section, recorded, status_of
from evidence_collectors.records import EvidenceRecord, utc_now
from evidence_collectors.rest import Pages
from evidence_collectors.zentao.api import API, ZentaoApi, combine
from evidence_collectors.zentao.config import ZentaoConfig
from evidence_collectors.zentao.figures import (
    Labels,
    PlanView,
    bug_findings,
    completion_findings,
    in_window,
    plan_findings,
    plan_views,
    product_findings,
    product_plan_finding,
    requirement_findings,
    risk_findings,
    test_case_findings,
    time_findings,
    traceability_findings,
)
from evidence_collectors.zentao.models import Execution, Product, ProductPlan, Project, Risk, Story, Task, TestCase

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))
MAX_EXECUTION_STORY_READS = 200  # finished executions whose stories are read for plan_completion_ratio

REQUIREMENT_PROBES = tuple(
    f"zentao.{s}"
    for s in (
        "requirements",
        "requirements_with_acceptance_criteria_ratio",
        "requirements_with_measurable_criteria_ratio",
        "requirements_reviewed_ratio",
        "requirements_with_owner_ratio",
        "requirements_with_priority_ratio",
        "requirements_with_estimate_ratio",
        "requirements_planned_ratio",
        "requirements_changed_after_review",
        "requirements_reconfirmed_after_change_ratio",
        "requirements_with_feasibility_ratio",
        "requirements_with_reviewed_feasibility_ratio",
        "projects_with_feasibility_ratio",
        "projects_with_scenario_ratio",
        "projects_with_performance_target_ratio",
    )
)
TIME_PROBES = ("zentao.requirements_with_time_logged_ratio",)
TRACE_PROBES = ("zentao.requirements_linked_to_test_cases_ratio",)
CASE_PROBES = (
    "zentao.test_cases",
    "zentao.test_cases_linked_to_requirement_ratio",
    "zentao.test_cases_with_steps_ratio",
    "zentao.test_cases_executed_ratio",
    "zentao.test_cases_fully_specified_ratio",
)
BUG_PROBES = (
    "zentao.bugs",
    "zentao.bugs_linked_ratio",
    "zentao.bugs_with_owner_ratio",
    "zentao.bugs_with_severity_version_and_test_case_ratio",
)
PLAN_PROBES = (
    "zentao.plans",
    "zentao.plans_with_dates_ratio",
    "zentao.plans_closed_on_time_ratio",
    "zentao.projects_with_dated_plans_ratio",
)
COMPLETION_PROBES = ("zentao.plan_completion_ratio",)
RISK_PROBES = (
    "zentao.risks",
    "zentao.risks_project_coverage_ratio",
    "zentao.risks_with_owner_and_mitigation_ratio",
    "zentao.risks_with_probability_and_impact_ratio",
    "zentao.risks_with_category_and_rating_ratio",
    "zentao.risks_reviewed_in_window_ratio",
)


@dataclass
class Detailed(Generic[T]):
    """A listing whose items were completed from single-item reads, and how many could not be (budget spent)."""

    pages: Pages[T]
    unread: int = 0


@dataclass
class Plans:
    """The executions of the products' projects, and the product plans of products without executions."""

    executions: list[Execution] = field(default_factory=list)
    plans: list[ProductPlan] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    by_product: dict[int, set[tuple[str, int]]] = field(default_factory=dict)  # (kind, id) of each product's plans

    @property
    def note(self) -> str:
        return f" ({'; '.join(self.stopped)}: more exist than were read)" if self.stopped else ""


class ZentaoCollector(Collector):
    name = "zentao"
    version = "1.0.0"
    system = "issue_tracker"
    config_model = ZentaoConfig
    probes = PROBES

    def source_url(self, config: TargetConfig) -> str:
        return f"{getattr(config, 'url', '')}{API}"

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, ZentaoConfig):
            raise TypeError(f"expected a ZentaoConfig, got {type(config).__name__}")
        now = utc_now()
        start = now - dt.timedelta(days=config.window_days)
        days = config.window_days
        with ZentaoApi(config, ctx) as api:
            try:
                api.sign_in()
                products, note = chosen(api.products(), config)
            except (Unavailable, CollectError) as exc:  # a refused token or no product list: nothing can be read
                return self.failed(config, ctx, status_of(exc), f"products: {exc}")
            ids = [p.id for p in products.items]
            records = recorded(self, config, ctx, product_findings(products, note))

            def section(what: str, probes: tuple[str, ...], compute: Callable[[], list[ProbeFinding]]) -> None:
                records.extend(probe_section(self, config, ctx, what, probes, compute))

            stories = Fetched.run(lambda: self._stories(api, ids, start))
            cases = Fetched.run(lambda: self._cases(api, ids))
            labels = Labels.of(config.feasibility_labels, config.scenario_labels)
            section(
                "stories",
                REQUIREMENT_PROBES,
                lambda: requirement_findings(
                    stories.get().pages, start, days, stories.get().unread, labels, products.items
                ),
            )
            section(
                "stories and test cases",
                TRACE_PROBES,
                lambda: traceability_findings(stories.get().pages, cases.get().pages, start, days),
            )
            section("test cases", CASE_PROBES, lambda: test_case_findings(cases.get().pages, cases.get().unread))
            section(
                "bugs",
                BUG_PROBES,
                lambda: bug_findings(self._listing(api, ids, "bugs", api.bugs), start, days),
            )
            projects = Fetched.run(lambda: self._projects(api, ids))
            plans = Fetched.run(lambda: self._plans(api, projects.get()))
            url = api.where("/projects/{id}/executions")

            def views() -> list[PlanView]:
                return plan_views(plans.get().executions, plans.get().plans, start)

            section(
                "projects, executions and product plans",
                PLAN_PROBES,
                lambda: [
                    *plan_findings(views(), tuple(plans.get().raw), url, days, plans.get().note),
                    product_plan_finding(
                        views(), plans.get().by_product, products.items, tuple(plans.get().raw), url, days
                    ),
                ],
            )
            section(
                "stories of the finished iterations and plans",
                COMPLETION_PROBES,
                lambda: self._completion(api, views(), plans.get(), stories),
            )
            section(
                "stories and the tasks of the executions",
                TIME_PROBES,
                lambda: time_findings(stories.get().pages, self._tasks(api, plans.get()), start, days),
            )
            section("risks", RISK_PROBES, lambda: self._risk_findings(api, projects.get(), start, now, days))
        return in_catalogue_order(self, records)

    # --- reads ------------------------------------------------------------------------------------------------

    def _listing(self, api: ZentaoApi, ids: list[int], what: str, read: Callable[[int], Pages[M]]) -> Pages[M]:
        return combine([(f"product {i}", read(i)) for i in ids], api.where(f"/products/{{id}}/{what}"))

    def _stories(self, api: ZentaoApi, ids: list[int], start: dt.datetime) -> tuple[Detailed[Story], list[str]]:
        """Stories of every product; a story of the window whose listing omits 验收标准 is read on its own."""
        pages = self._listing(api, ids, "stories", api.stories)
        result: Detailed[Story] = Detailed(pages)
        items: list[Story] = []
        for story in pages.items:
            if story.verify is None and not story.deleted and in_window(story.opened_date, start):
                got = api.detail(f"/stories/{story.id}", Story)
                if got is None:
                    result.unread += 1
                else:
                    full, sha = got
                    pages.raw.append(sha)
                    story = story.model_copy(
                        update={**(full.model_extra or {}), "verify": full.verify or "", "spec": full.spec}
                    )
            items.append(story)
        pages.items = items
        return result, pages.raw

    def _cases(self, api: ZentaoApi, ids: list[int]) -> tuple[Detailed[TestCase], list[str]]:
        """Test cases of every product; a case whose listing omits its steps is read on its own."""
        pages = self._listing(api, ids, "testcases", api.testcases)
        result: Detailed[TestCase] = Detailed(pages)
        items: list[TestCase] = []
        for case in pages.items:
            if case.steps is None and not case.deleted:
                got = api.detail(f"/testcases/{case.id}", TestCase)
                if got is None:
                    result.unread += 1
                else:
                    full, sha = got
                    pages.raw.append(sha)
                    precondition = full.precondition if full.precondition is not None else case.precondition
                    case = case.model_copy(update={"steps": full.steps or [], "precondition": precondition})
            items.append(case)
        pages.items = items
        return result, pages.raw

    def _projects(self, api: ZentaoApi, ids: list[int]) -> tuple[dict[int, Pages[Project]], list[str]]:
        found = {i: api.projects(i) for i in ids}
        return found, [sha for pages in found.values() for sha in pages.raw]

    def _plans(self, api: ZentaoApi, projects: dict[int, Pages[Project]]) -> tuple[Plans, list[str]]:
        """Executions of each product's projects (each project read once); product plans where there are none."""
        result = Plans()
        read: dict[int, Pages[Execution]] = {}
        for product, listing in projects.items():
            result.raw += listing.raw
            if listing.stopped:
                result.stopped.append(f"projects of product {product}: {listing.stopped}")
            executions: list[Execution] = []
            for project in (p for p in listing.items if not p.deleted):
                if project.id not in read:
                    read[project.id] = api.executions(project.id)
                    result.raw += read[project.id].raw
                    if read[project.id].stopped:
                        result.stopped.append(f"executions of project {project.id}: {read[project.id].stopped}")
                executions += [e for e in read[project.id].items if not e.deleted]
            result.by_product[product] = {("execution", e.id) for e in executions}
            if not executions:
                plans = api.plans(product)
                result.raw += plans.raw
                result.plans += plans.items
                result.by_product[product] = {("plan", p.id) for p in plans.items if not p.deleted}
                if plans.stopped:
                    result.stopped.append(f"plans of product {product}: {plans.stopped}")
        result.executions = [e for pages in read.values() for e in pages.items]
        return result, result.raw

    def _tasks(self, api: ZentaoApi, plans: Plans) -> Pages[Task]:
        """The tasks of every execution of the products' projects, each execution read once."""
        ids = sorted({e.id for e in plans.executions if not e.deleted})
        return combine([(f"execution {i}", api.tasks(i)) for i in ids], api.where("/executions/{id}/tasks"))

    def _completion(
        self, api: ZentaoApi, views: list[PlanView], plans: Plans, stories: Fetched[Detailed[Story]]
    ) -> list[ProbeFinding]:
        finished = [v for v in views if v.finished]
        raw = list(plans.raw)
        members: dict[int, list[Story]] = {}
        note = plans.note
        executions = [v for v in finished if v.kind == "execution"]
        for view in executions[:MAX_EXECUTION_STORY_READS]:
            listing = api.execution_stories(view.id)
            members[view.id] = listing.items
            raw += listing.raw
            if listing.stopped:
                note += f" (stories of execution {view.id}: {listing.stopped})"
        if len(executions) > MAX_EXECUTION_STORY_READS:
            note += f" (stories read for the newest {MAX_EXECUTION_STORY_READS} finished executions)"
            finished = [v for v in finished if v.kind != "execution" or v.id in members]
        product_stories: list[Story] = []
        if any(v.kind == "plan" for v in finished):
            product_stories = stories.get().pages.items
            raw += stories.get().pages.raw
        url = api.where("/executions/{id}/stories")
        return completion_findings(finished, members, product_stories, tuple(raw), url, note)

    def _risk_findings(
        self, api: ZentaoApi, projects: dict[int, Pages[Project]], start: dt.datetime, now: dt.datetime, days: int
    ) -> list[ProbeFinding]:
        listed = [p for listing in projects.values() for p in listing.items]
        return risk_findings(self._risks(api, projects), start, now, days, listed)

    def _risks(self, api: ZentaoApi, projects: dict[int, Pages[Project]]) -> Pages[Risk]:
        ids = sorted({p.id for listing in projects.values() for p in listing.items if not p.deleted})
        return combine([(f"project {i}", api.risks(i)) for i in ids], api.where("/projects/{id}/risks"))


def chosen(listing: Pages[Product], config: ZentaoConfig) -> tuple[Pages[Product], str]:
    """The products in scope: those named in the targets file (by id or name), else every readable one, capped."""
    live = [p for p in listing.items if not p.deleted]
    note = listing.cap_note("products")
    if config.products:

        def named(product: Product) -> bool:
            return any(ref in (product.id, product.name, str(product.id)) for ref in config.products)

        missing = [ref for ref in config.products if not any(ref in (p.id, p.name, str(p.id)) for p in live)]
        if missing:
            names = ", ".join(str(ref) for ref in missing)
            raise CollectError(f"product(s) named in the targets file not readable by this account: {names}")
        live = [p for p in live if named(p)]
    if len(live) > config.max_products:
        note += f" (the first {config.max_products} of {len(live)} products: max_products)"
        live = live[: config.max_products]
    return Pages(items=live, url=listing.url, raw=listing.raw, pages=listing.pages, stopped=listing.stopped), note

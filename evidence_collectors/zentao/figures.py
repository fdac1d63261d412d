"""Turning ZenTao products, stories, test cases, bugs, plans and risks into probe values with one-line summaries.
Pure functions: no I/O."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from evidence_collectors.criteria import measurable
from evidence_collectors.jira.text import (  # one reading of descriptions for the two trackers
    DATA_LABELS,
    performance_target,
    section,
    user_story,
    without_section,
)
from evidence_collectors.outcome import ProbeFinding, counts, of, ratio, sample, share
from evidence_collectors.rest import Pages
from evidence_collectors.zentao.models import (
    Bug,
    Execution,
    Product,
    ProductPlan,
    Project,
    Risk,
    Story,
    Task,
    TestCase,
)

P = "zentao."
PLANNED_STAGES = frozenset(
    {"planned", "projected", "developing", "developed", "testing", "tested", "verified", "released", "delivering"}
    | {"delivered", "accepted"}
)
DONE_STAGES = frozenset({"verified", "released", "delivered", "accepted"})
UNREVIEWED_STATUSES = frozenset({"draft", "reviewing"})
REJECTED_REASONS = frozenset({"willnotdo", "bydesign", "duplicate", "cancel"})
FINISHED_EXECUTION = frozenset({"closed"})
FINISHED_PLAN = frozenset({"done", "closed"})
OPEN_RISK = frozenset({"active", "hangup"})
PLACEHOLDER_DATE = dt.date(2030, 1, 1)  # ZenTao's "long term / to be decided" (长期 / 待定) plan date
RISK_REVIEW_DAYS = 30

_TAG = re.compile(r"<[^<>]*>")  # "<" not closed: each scan ends at the next "<" (linear, not quadratic)
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_LINE_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
_HEADING_TAG = re.compile(r"<h([1-6])\b[^<>]*>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|br|tr|td|th|table|blockquote|pre|section)\b[^<>]*>|</h[1-6]>", re.I)


@dataclass(frozen=True)
class Labels:
    """The names (lower case) a story's feasibility conclusion and scenario description go by: spec section headings
    and workflow field codes (the target's feasibility_labels and scenario_labels)."""

    feasibility: tuple[str, ...] = ()
    scenario: tuple[str, ...] = ()

    @classmethod
    def of(cls, feasibility: Iterable[str], scenario: Iterable[str]) -> Labels:
        return cls(
            tuple(sorted({n.strip().lower() for n in feasibility})),
            tuple(sorted({n.strip().lower() for n in scenario})),
        )


# --- story rules -----------------------------------------------------------------------------------------------


def plain_text(markup: str) -> str:
    """ZenTao keeps rich text as HTML: the words a reader sees, tags and entities removed, spaces collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup))).strip()


def text_lines(markup: str) -> str:
    """ZenTao's rich text as lines a reader sees: one per block (paragraph, list item, line break), headings as
    "hN. text" (the form the section reader knows), tags and entities removed. Linear in the text."""
    marked = _HEADING_TAG.sub(lambda m: f"\nh{m.group(1)}. ", markup)
    lines = html.unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", marked))).splitlines()
    return "\n".join(t for t in (_LINE_SPACE.sub(" ", line).strip() for line in lines) if t)


def workflow_field(story: Story, labels: tuple[str, ...]) -> str:
    """The text of a field added through the workflow editor whose code begins with one of `labels`."""
    for key, value in (story.model_extra or {}).items():
        if key.lower().startswith(labels) and isinstance(value, str) and plain_text(value):
            return plain_text(value)
    return ""


def feasibility(story: Story, labels: Labels) -> str:
    """The story's feasibility conclusion: a workflow field so named, else its spec's section so headed."""
    if not labels.feasibility:
        return ""
    return workflow_field(story, labels.feasibility) or section(text_lines(story.spec or ""), labels.feasibility)


def scenario(story: Story, labels: Labels) -> str:
    """The story's scenario description: a workflow field or spec section so named, else the spec itself when it is
    a user story in its three parts (作为..., 我希望..., 以便...)."""
    text = text_lines(story.spec or "")
    if labels.scenario:
        found = workflow_field(story, labels.scenario) or section(text, labels.scenario)
        if found:
            return found
    return text if user_story(text) else ""


def has_criteria(story: Story) -> bool:
    return bool(plain_text(story.verify or ""))


def is_measurable(text: str) -> bool:
    """A number with a comparison (>= 95, 不低于 95) or with a unit (200 ms, 99.5%, 3 秒)."""
    return measurable(plain_text(text))


def is_reviewed(story: Story) -> bool:
    """Reviewed by someone, out of draft and review, and not closed by the review as rejected."""
    if not story.reviewed_by or story.status in UNREVIEWED_STATUSES:
        return False
    return not (story.status == "closed" and story.closed_reason in REJECTED_REASONS)


def has_owner(story: Story) -> bool:
    """An assignee; ZenTao assigns closed stories to the placeholder "closed", where closedBy names the owner."""
    people = [a for a in story.assigned_to if a != "closed"]
    return bool(people) or (story.assigned_to == ["closed"] and bool(story.closed_by))


def is_planned(story: Story) -> bool:
    return bool(story.plan) or story.stage in PLANNED_STAGES


def changed_after_review(story: Story) -> bool:
    return story.reviewed_date is not None and (story.version > 1 or story.status == "changing")


def reconfirmed(story: Story) -> bool:
    """Changed after review and reviewed again since the last change: out of the changing, draft and review states,
    with a review no earlier than the change (changedDate; where the answer lacks it, the last edit, which a later
    review is itself). A story without either time does not count."""
    if not changed_after_review(story) or story.status in UNREVIEWED_STATUSES | {"changing"}:
        return False
    reviewed, changed = story.reviewed_date, story.changed_date or story.last_edited_date
    return reviewed is not None and changed is not None and reviewed >= changed


def is_done(story: Story) -> bool:
    return story.stage in DONE_STAGES or (story.status == "closed" and story.closed_reason == "done")


def live(items: Iterable[Story]) -> list[Story]:
    """Stories not deleted, each once (a story may be listed by two products' branches or two pages)."""
    seen: dict[int, Story] = {}
    for story in items:
        if not story.deleted:
            seen.setdefault(story.id, story)
    return list(seen.values())


def in_window(moment: dt.datetime | None, start: dt.datetime) -> bool:
    return moment is not None and moment >= start


# --- products ----------------------------------------------------------------------------------------------------


def product_findings(products: Pages[Product], note: str) -> list[ProbeFinding]:
    names = [f"#{p.id} {p.name}" for p in products.items]
    return [
        ProbeFinding(
            P + "projects",
            len(products.items),
            f"{len(names)} product(s) read: {sample(names) or 'none'}{note}",
            tuple(products.raw),
            products.url,
        )
    ]


# --- requirements ------------------------------------------------------------------------------------------------


def requirement_window(stories: Pages[Story], start: dt.datetime) -> list[Story]:
    return [s for s in live(stories.items) if in_window(s.opened_date, start)]


def states_target(story: Story) -> bool:
    """The story's 验收标准 or description states a model performance target with its value."""
    return performance_target(text_lines(story.verify or "")) or performance_target(text_lines(story.spec or ""))


def requirement_findings(
    stories: Pages[Story],
    start: dt.datetime,
    days: int,
    unread: int,
    labels: Labels = Labels(),
    products: Iterable[Product] = (),
) -> list[ProbeFinding]:
    """`unread`: stories of the window whose acceptance criteria could not be read (detail budget spent);
    `products`: every product in scope, each of which should state a performance target."""
    window = requirement_window(stories, start)
    raw, url = tuple(stories.raw), stories.url
    period = f"opened in the last {days} days{stories.cap_note('stories')}"
    noun = f"stories {period}"
    known = [s for s in window if s.verify is not None]
    criteria = [s for s in known if has_criteria(s)]
    measurable = [s for s in criteria if is_measurable(s.verify or "")]
    left_out = f" ({unread} left out: 验收标准 not read, max_detail_reads spent or story gone)" if unread else ""
    reviewed = [s for s in window if is_reviewed(s)]
    owned = sum(has_owner(s) for s in window)
    prioritised = sum(1 <= s.pri <= 4 for s in window)
    estimated = sum(s.estimate > 0 for s in window)
    planned = sum(is_planned(s) for s in window)
    changed = [s for s in window if changed_after_review(s)]
    renewed = [s for s in changed if reconfirmed(s)]
    assessed = [s for s in known if feasibility(s, labels)]
    signed = [s for s in assessed if has_owner(s) and is_reviewed(s)]

    def per_product(probe: str, holds: list[Story], what: str) -> ProbeFinding:
        """Products with stories in the window (whose description was read), and those with one that `holds`."""
        products = sorted({s.product for s in known})
        having = {s.product for s in holds}
        lacking = [f"#{p}" for p in products if p not in having]
        summary = share(
            len(having & set(products)), len(products), f"products with {noun}", f"have at least one with {what}"
        )
        return ProbeFinding(
            P + probe,
            ratio(len(having & set(products)), len(products)),
            summary + (f"; none in product {sample(lacking)}" if lacking else "") + left_out,
            raw,
            url,
        )

    def finding(probe: str, part: int, whole: int, predicate: str, extra: str = "") -> ProbeFinding:
        return ProbeFinding(P + probe, ratio(part, whole), share(part, whole, noun, predicate) + extra, raw, url)

    return [
        ProbeFinding(
            P + "requirements",
            len(window),
            f"{len(window)} {noun}; statuses: {counts(s.status for s in window)}",
            raw,
            url,
        ),
        finding("requirements_with_acceptance_criteria_ratio", len(criteria), len(known), "state 验收标准", left_out),
        finding(
            "requirements_with_measurable_criteria_ratio",
            len(measurable),
            len(known),
            "state measurable 验收标准 (a number with a comparison or unit)",
            left_out,
        ),
        finding(
            "requirements_reviewed_ratio",
            len(reviewed),
            len(window),
            "passed review",
            f"; statuses of the others: {counts(s.status for s in window if s not in reviewed)}"
            if len(reviewed) < len(window)
            else "",
        ),
        finding("requirements_with_owner_ratio", owned, len(window), "have an assignee"),
        finding("requirements_with_priority_ratio", prioritised, len(window), "have a priority (pri 1-4)"),
        finding("requirements_with_estimate_ratio", estimated, len(window), "have an estimate above 0"),
        finding(
            "requirements_planned_ratio", planned, len(window), "are linked to a product plan, project or execution"
        ),
        finding(
            "requirements_with_feasibility_ratio",
            len(assessed),
            len(known),
            "record a feasibility conclusion (workflow field or spec section)",
            left_out,
        ),
        ProbeFinding(
            P + "requirements_with_reviewed_feasibility_ratio",
            ratio(len(signed), len(assessed)),
            share(
                len(signed), len(assessed), "stories with a feasibility conclusion", "have an owner and passed review"
            ),
            raw,
            url,
        ),
        per_product("projects_with_feasibility_ratio", assessed, "a feasibility conclusion"),
        per_product(
            "projects_with_scenario_ratio", [s for s in known if scenario(s, labels)], "a scenario description"
        ),
        target_finding(known, list(products), raw, url, noun, left_out),
        ProbeFinding(
            P + "requirements_changed_after_review",
            len(changed),
            f"{len(changed)} of {len(window)} {noun} changed after review (version above 1 or status changing)"
            + (": " + sample(f"#{s.id} v{s.version}" for s in changed) if changed else ""),
            raw,
            url,
        ),
        ProbeFinding(
            P + "requirements_reconfirmed_after_change_ratio",
            ratio(len(renewed), len(changed)),
            share(
                len(renewed),
                len(changed),
                f"{noun} changed after review",
                "were reviewed again after their last change (reviewedDate not before changedDate)",
            ),
            raw,
            url,
        ),
    ]


def target_finding(
    known: list[Story], products: list[Product], raw: tuple[str, ...], url: str, noun: str, left_out: str
) -> ProbeFinding:
    """Products in scope (all of them, with stories or not) with a story of the window that states a model
    performance target with its value."""
    having = {s.product for s in known if states_target(s)}
    met = [p for p in products if p.id in having]
    lacking = [f"#{p.id} {p.name}" for p in products if p.id not in having]
    return ProbeFinding(
        P + "projects_with_performance_target_ratio",
        ratio(len(met), len(products)),
        share(len(met), len(products), "products", f"have one of the {noun} stating a model performance target")
        + (f"; none in {sample(lacking)}" if lacking else "")
        + left_out,
        raw,
        url,
    )


def time_findings(stories: Pages[Story], tasks: Pages[Task], start: dt.datetime, days: int) -> list[ProbeFinding]:
    """Stories of the window with hours consumed on a task that serves them."""
    window = requirement_window(stories, start)
    worked = {t.story for t in tasks.items if not t.deleted and t.story and t.consumed > 0}
    logged = sum(s.id in worked for s in window)
    note = stories.cap_note("stories") + tasks.cap_note("tasks")
    return [
        ProbeFinding(
            P + "requirements_with_time_logged_ratio",
            ratio(logged, len(window)),
            share(
                logged,
                len(window),
                f"stories opened in the last {days} days",
                "have hours consumed on a task linked to them",
            )
            + note,
            tuple(stories.raw) + tuple(tasks.raw),
            stories.url,
        )
    ]


def traceability_findings(
    stories: Pages[Story], cases: Pages[TestCase], start: dt.datetime, days: int
) -> list[ProbeFinding]:
    window = requirement_window(stories, start)
    covered = {c.story for c in cases.items if not c.deleted and c.story}
    linked = sum(s.id in covered for s in window)
    note = stories.cap_note("stories") + cases.cap_note("test cases")
    return [
        ProbeFinding(
            P + "requirements_linked_to_test_cases_ratio",
            ratio(linked, len(window)),
            share(linked, len(window), f"stories opened in the last {days} days", "are covered by a test case") + note,
            tuple(stories.raw) + tuple(cases.raw),
            stories.url,
        )
    ]


# --- test cases --------------------------------------------------------------------------------------------------


def has_steps(case: TestCase) -> bool:
    return any(plain_text(step.expect) for step in case.steps or [])


def has_precondition(case: TestCase) -> bool:
    """前置条件 that says something besides a test data part."""
    return bool(without_section(text_lines(case.precondition or ""), DATA_LABELS))


def has_test_data(case: TestCase) -> bool:
    """A test data section (测试数据, 输入数据, 测试数据集, Test data, ...) in the 前置条件 or in a step."""
    texts = [case.precondition or "", *(step.desc for step in case.steps or [])]
    return any(section(text_lines(text), DATA_LABELS) for text in texts)


def test_case_findings(cases: Pages[TestCase], unread: int) -> list[ProbeFinding]:
    """`unread`: cases whose steps could not be read (detail budget spent), left out of the steps ratio."""
    items = [c for c in cases.items if not c.deleted]
    raw, url, note = tuple(cases.raw), cases.url, cases.cap_note("test cases")
    known = [c for c in items if c.steps is not None]
    stepped = sum(has_steps(c) for c in known)
    linked = sum(c.story > 0 for c in items)
    run = [c for c in items if c.last_run_result.strip()]
    specified = sum(has_precondition(c) and has_test_data(c) and has_steps(c) for c in known)
    left_out = f" ({unread} left out: steps not read, max_detail_reads spent or case gone)" if unread else ""
    return [
        ProbeFinding(
            P + "test_cases",
            len(items),
            f"{'at least ' if cases.capped else ''}{len(items)} test case(s){note}",
            raw,
            url,
        ),
        ProbeFinding(
            P + "test_cases_linked_to_requirement_ratio",
            ratio(linked, len(items)),
            share(linked, len(items), "test cases", "are linked to a story") + note,
            raw,
            url,
        ),
        ProbeFinding(
            P + "test_cases_with_steps_ratio",
            ratio(stepped, len(known)),
            share(stepped, len(known), "test cases", "have steps with expected results") + left_out + note,
            raw,
            url,
        ),
        ProbeFinding(
            P + "test_cases_executed_ratio",
            ratio(len(run), len(items)),
            share(len(run), len(items), "test cases", "have a recorded run")
            + (f"; last results: {counts(c.last_run_result for c in run)}" if run else "")
            + note,
            raw,
            url,
        ),
        ProbeFinding(
            P + "test_cases_fully_specified_ratio",
            ratio(specified, len(known)),
            share(
                specified, len(known), "test cases", "state their preconditions, input data, steps and expected results"
            )
            + left_out
            + note,
            raw,
            url,
        ),
    ]


# --- bugs --------------------------------------------------------------------------------------------------------


def bug_owned(bug: Bug) -> bool:
    """Assigned to a person; a closed bug (assigned to the placeholder "closed") counts when it names who resolved or
    closed it."""
    people = [a for a in bug.assigned_to if a != "closed"]
    return bool(people) or (bug.assigned_to == ["closed"] and bool(bug.resolved_by or bug.closed_by))


def graded_and_traced(bug: Bug) -> bool:
    """A severity (1-4), an affected build other than "trunk" (主干: no build chosen) and the test case it came from."""
    builds = [b for b in bug.opened_build if b.lower() != "trunk"]
    return 1 <= bug.severity <= 4 and bool(builds) and bug.case > 0


def bug_findings(bugs: Pages[Bug], start: dt.datetime, days: int) -> list[ProbeFinding]:
    window = [b for b in bugs.items if not b.deleted and in_window(b.opened_date, start)]
    raw, url = tuple(bugs.raw), bugs.url
    noun = f"bugs opened in the last {days} days{bugs.cap_note('bugs')}"
    linked = sum(b.story > 0 or b.case > 0 for b in window)
    owned = sum(bug_owned(b) for b in window)
    traced = sum(graded_and_traced(b) for b in window)
    return [
        ProbeFinding(P + "bugs", len(window), f"{len(window)} {noun}", raw, url),
        ProbeFinding(
            P + "bugs_linked_ratio",
            ratio(linked, len(window)),
            share(linked, len(window), noun, "are linked to a story or a test case"),
            raw,
            url,
        ),
        ProbeFinding(
            P + "bugs_with_owner_ratio",
            ratio(owned, len(window)),
            share(owned, len(window), noun, "are assigned to a person (closed ones: name who resolved or closed them)"),
            raw,
            url,
        ),
        ProbeFinding(
            P + "bugs_with_severity_version_and_test_case_ratio",
            ratio(traced, len(window)),
            share(traced, len(window), noun, "have a severity, an affected build (not trunk) and a test case"),
            raw,
            url,
        ),
    ]


# --- plans -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanView:
    """An execution or a product plan, as the plan probes see it."""

    kind: str  # execution | plan
    id: int
    name: str
    begin: dt.datetime | None
    end: dt.datetime | None
    finished: bool
    actual_end: dt.datetime | None

    @property
    def label(self) -> str:
        return f"{self.kind} #{self.id} {self.name}"


def real_date(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None or moment.date() == PLACEHOLDER_DATE else moment


def plan_views(executions: Iterable[Execution], plans: Iterable[ProductPlan], start: dt.datetime) -> list[PlanView]:
    """The plans counted: unfinished ones, and finished ones whose planned (else actual) end is in the window."""
    views = [
        PlanView(
            "execution",
            e.id,
            e.name,
            real_date(e.begin),
            real_date(e.end),
            e.status in FINISHED_EXECUTION,
            e.real_end or e.closed_date,
        )
        for e in {e.id: e for e in executions if not e.deleted}.values()
    ] + [
        PlanView(
            "plan",
            p.id,
            p.title,
            real_date(p.begin),
            real_date(p.end),
            p.status in FINISHED_PLAN,
            p.finished_date or p.closed_date,
        )
        for p in {p.id: p for p in plans if not p.deleted}.values()
    ]
    return [v for v in views if not v.finished or in_window(v.end or v.actual_end, start)]


def on_time(view: PlanView) -> bool:
    if view.end is None or view.actual_end is None:
        return False
    # a difference, not `end + 1 day`: a planned end of 9999-12-31 would overflow
    return view.actual_end.date() - view.end.date() <= dt.timedelta(days=1)


def plan_findings(views: list[PlanView], raw: tuple[str, ...], url: str, days: int, note: str) -> list[ProbeFinding]:
    dated = sum(v.begin is not None and v.end is not None for v in views)
    finished = [v for v in views if v.finished]
    timely = sum(on_time(v) for v in finished)
    undated = sum(v.end is None or v.actual_end is None for v in finished)
    noun = f"iterations and plans unfinished or ended in the last {days} days{note}"
    return [
        ProbeFinding(
            P + "plans",
            len(views),
            f"{len(views)} {noun}: {counts(v.kind for v in views)}; "
            f"{len(finished)} finished, {len(views) - len(finished)} not",
            raw,
            url,
        ),
        ProbeFinding(
            P + "plans_with_dates_ratio",
            ratio(dated, len(views)),
            share(dated, len(views), noun, "have a start and an end date"),
            raw,
            url,
        ),
        ProbeFinding(
            P + "plans_closed_on_time_ratio",
            ratio(timely, len(finished)),
            share(timely, len(finished), "finished iterations and plans", "closed at most a day after the planned end")
            + ("; late: " + sample(v.label for v in finished if not on_time(v)) if timely < len(finished) else "")
            + (f" ({undated} of them without a planned or an actual end date)" if undated else ""),
            raw,
            url,
        ),
    ]


def product_plan_finding(
    views: list[PlanView],
    by_product: Mapping[int, set[tuple[str, int]]],
    products: Iterable[Product],
    raw: tuple[str, ...],
    url: str,
    days: int,
) -> ProbeFinding:
    """Products in scope with at least one counted iteration or plan (their projects' executions, else their product
    plans), every one of them with a planned end date."""
    listed = list(products)
    dated = []
    for product in listed:
        mine = by_product.get(product.id, set())
        own = [v for v in views if (v.kind, v.id) in mine]
        if own and all(v.end is not None for v in own):
            dated.append(product)
    lacking = [f"#{p.id} {p.name}" for p in listed if p not in dated]
    return ProbeFinding(
        P + "projects_with_dated_plans_ratio",
        ratio(len(dated), len(listed)),
        share(
            len(dated),
            len(listed),
            "products",
            f"have iterations or plans unfinished or ended in the last {days} days, all with a planned end date",
        )
        + (f"; not: {sample(lacking)}" if lacking else ""),
        raw,
        url,
    )


def completion_findings(
    views: list[PlanView],
    execution_stories: dict[int, list[Story]],
    stories: list[Story],
    raw: tuple[str, ...],
    url: str,
    note: str,
) -> list[ProbeFinding]:
    """Done over planned stories of the finished plans: an execution's stories as the execution lists them, a product
    plan's as the stories that name the plan."""
    planned = done = 0
    for view in (v for v in views if v.finished):
        if view.kind == "execution":
            members = live(execution_stories.get(view.id, []))
        else:
            members = [s for s in live(stories) if view.id in s.plan]
        planned += len(members)
        done += sum(is_done(s) for s in members)
    finished = sum(v.finished for v in views)
    summary = (
        f"{of(done, planned)} stories planned into {finished} finished iteration(s) and plan(s) were done "
        f"(stage verified/released/delivered or closed as done){note}"
        if planned
        else f"no stories planned into the {finished} finished iteration(s) and plan(s), so 0 done{note}"
    )
    return [ProbeFinding(P + "plan_completion_ratio", ratio(done, planned), summary, raw, url)]


# --- risks -------------------------------------------------------------------------------------------------------


def risk_findings(
    risks: Pages[Risk], start: dt.datetime, now: dt.datetime, days: int, projects: Iterable[Project] = ()
) -> list[ProbeFinding]:
    """`projects`: the products' projects, of which those not closed should each keep a register."""
    items = [r for r in {r.id: r for r in risks.items if not r.deleted}.values()]
    counted = [r for r in items if r.status in OPEN_RISK or in_window(r.created_date, start)]
    running = list({p.id: p for p in projects if not p.deleted and p.status != "closed"}.values())
    with_risks = {r.project for r in counted}
    registered = [p for p in running if p.id in with_risks]
    without = [f"#{p.id} {p.name}" for p in running if p.id not in with_risks]
    raw, url = tuple(risks.raw), risks.url
    noun = f"risks open or identified in the last {days} days{risks.cap_note('risks')}"
    handled = sum(
        any(a != "closed" for a in r.assigned_to) and bool(plain_text(r.prevention) or plain_text(r.remedy))
        for r in counted
    )
    rated = sum(r.probability > 0 and r.impact > 0 for r in counted)
    graded = sum(bool(r.category.strip()) and r.rate > 0 for r in counted)
    open_ = [r for r in counted if r.status in OPEN_RISK]
    recent = now - dt.timedelta(days=RISK_REVIEW_DAYS)
    tracked = [r for r in open_ if any(in_window(t, recent) for t in (r.tracked_date, r.edited_date, r.created_date))]
    stale = [f"#{r.id} {r.name}" for r in open_ if r not in tracked]
    return [
        ProbeFinding(
            P + "risks", len(counted), f"{len(counted)} {noun}: {counts(r.status for r in counted)}", raw, url
        ),
        ProbeFinding(
            P + "risks_project_coverage_ratio",
            ratio(len(registered), len(running)),
            share(len(registered), len(running), "projects not closed", f"have a risk {noun.removeprefix('risks ')}")
            + (f"; none in {sample(without)}" if without else ""),
            raw,
            url,
        ),
        ProbeFinding(
            P + "risks_with_owner_and_mitigation_ratio",
            ratio(handled, len(counted)),
            share(handled, len(counted), noun, "have an owner and a prevention or contingency measure"),
            raw,
            url,
        ),
        ProbeFinding(
            P + "risks_with_probability_and_impact_ratio",
            ratio(rated, len(counted)),
            share(rated, len(counted), noun, "are rated for probability and impact"),
            raw,
            url,
        ),
        ProbeFinding(
            P + "risks_with_category_and_rating_ratio",
            ratio(graded, len(counted)),
            share(graded, len(counted), noun, "have a category and a rating (风险系数 above 0)"),
            raw,
            url,
        ),
        ProbeFinding(
            P + "risks_reviewed_in_window_ratio",
            ratio(len(tracked), len(open_)),
            share(len(tracked), len(open_), "open risks", f"were tracked or edited in the last {RISK_REVIEW_DAYS} days")
            + (f"; not: {sample(stale)}" if stale else ""),
            raw,
            url,
        ),
    ]

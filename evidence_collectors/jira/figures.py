"""Turning Jira issues and sprints into probe values with one-line summaries. Pure functions: no I/O.

Which custom field holds what is found by name in /field (`FieldMap`); which issue is a requirement, a test case, a bug
or a risk, by issue type name (`Kinds`, from the target's lists, compared without regard to case).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from evidence_collectors.criteria import measurable
from evidence_collectors.jira.config import JiraConfig
from evidence_collectors.jira.models import History, Issue, JiraField, Project, Sprint
from evidence_collectors.jira.text import (
    AC_LABELS,
    DATA_LABELS,
    EXPECTED_LABELS,
    MITIGATION_LABELS,
    PRECONDITION_LABELS,
    STEP_LABELS,
    as_text,
    filled,
    performance_target,
    positive,
    section,
    user_story,
    without_section,
)
from evidence_collectors.outcome import ProbeFinding, ratio, sample, share
from evidence_collectors.rest import Pages

REVIEW_DAYS = 30  # an open risk untouched for longer is not being reviewed
ON_TIME_GRACE = dt.timedelta(days=1)
_ISSUE_NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits, few enough for int() (it refuses more than 4300)
BASE_FIELDS = ("summary", "issuetype", "status", "assignee", "priority", "created", "updated", "resolutiondate")
TIME_FIELDS = ("timespent", "aggregatetimespent", "timetracking")  # time logged: on the issue, with its sub-tasks

# custom field names (lower case, "contains") for each role
AC_NAMES = ("acceptance criteria", "acceptance criterion", "验收标准", "验收条件", "验收准则")
STORY_POINT_NAMES = ("story points", "story point estimate", "故事点")
STEP_NAMES = ("test steps", "manual test steps", "测试步骤")
MITIGATION_NAMES = ("mitigation", "risk response", "response plan", "应对措施", "缓解措施", "应对计划", "应对策略")
PROBABILITY_NAMES = ("probability", "likelihood", "可能性", "概率")
IMPACT_NAMES = ("impact", "severity", "影响", "严重程度")
CATEGORY_NAMES = ("risk category", "risk type", "风险类别", "风险类型", "风险分类")
RATING_NAMES = ("risk rating", "risk level", "risk score", "风险等级", "风险级别", "风险评分")
RISK_ONLY_NAMES = ("risk",)  # "Risk Severity" grades a risk, not a defect
PRECONDITION_NAMES = ("precondition", "pre-condition", "前置条件", "前提条件")
DATA_NAMES = ("test data", "test dataset", "input data", "dataset", "测试数据", "输入数据", "数据集")
STEP_DATA_KEYS = frozenset({"data", "test data", "testdata", "测试数据", "输入数据"})  # a step's data part
MAX_STEP_DEPTH = 8
SEVERITY_NAMES = ("severity", "严重程度", "严重级别", "严重等级", "缺陷等级")


def _named(fields: Sequence[JiraField], names: tuple[str, ...]) -> tuple[JiraField, ...]:
    return tuple(f for f in fields if f.custom and any(n in f.name.lower() for n in names))


def _headed(fields: Sequence[JiraField], labels: tuple[str, ...]) -> tuple[JiraField, ...]:
    """Custom fields whose name begins with one of `labels` ("Feasibility conclusion", "业务场景"): a prefix, not
    "contains", so that a test add-on's "Cucumber Scenario" is not taken for a requirement's scenario."""
    return tuple(f for f in fields if f.custom and f.name.strip().lower().startswith(labels))


@dataclass(frozen=True)
class Labels:
    """The names (lower case) a requirement's feasibility conclusion and scenario description go by, as fields or
    description sections (the target's feasibility_labels and scenario_labels)."""

    feasibility: tuple[str, ...] = ()
    scenario: tuple[str, ...] = ()

    @classmethod
    def of(cls, config: JiraConfig) -> Labels:
        return cls(
            feasibility=tuple(sorted({n.strip().lower() for n in config.feasibility_labels})),
            scenario=tuple(sorted({n.strip().lower() for n in config.scenario_labels})),
        )


@dataclass(frozen=True)
class FieldMap:
    """The custom fields that hold each thing the probes look for (several fields may share a role)."""

    acceptance: tuple[JiraField, ...] = ()
    story_points: tuple[JiraField, ...] = ()
    sprint: tuple[JiraField, ...] = ()
    steps: tuple[JiraField, ...] = ()
    mitigation: tuple[JiraField, ...] = ()
    probability: tuple[JiraField, ...] = ()
    impact: tuple[JiraField, ...] = ()
    category: tuple[JiraField, ...] = ()
    rating: tuple[JiraField, ...] = ()
    feasibility: tuple[JiraField, ...] = ()
    scenario: tuple[JiraField, ...] = ()
    severity: tuple[JiraField, ...] = ()
    precondition: tuple[JiraField, ...] = ()
    test_data: tuple[JiraField, ...] = ()
    labels: Labels = Labels()

    @classmethod
    def of(cls, fields: Sequence[JiraField], labels: Labels = Labels()) -> FieldMap:
        sprint = tuple(f for f in fields if f.is_sprint)
        return cls(
            feasibility=_headed(fields, labels.feasibility),
            scenario=_headed(fields, labels.scenario),
            labels=labels,
            acceptance=_named(fields, AC_NAMES),
            story_points=_named(fields, STORY_POINT_NAMES),
            sprint=sprint,
            steps=_named(fields, STEP_NAMES),
            mitigation=_named(fields, MITIGATION_NAMES),
            probability=_named(fields, PROBABILITY_NAMES),
            impact=_named(fields, IMPACT_NAMES),
            category=_named(fields, CATEGORY_NAMES),
            rating=_named(fields, RATING_NAMES),
            severity=tuple(f for f in _named(fields, SEVERITY_NAMES) if not _named([f], RISK_ONLY_NAMES)),
            precondition=_named(fields, PRECONDITION_NAMES),
            test_data=_named(fields, DATA_NAMES),
        )

    @staticmethod
    def ids(*groups: tuple[JiraField, ...]) -> list[str]:
        return [f.id for group in groups for f in group]

    def requirement_fields(self) -> list[str]:
        extra = self.ids(self.acceptance, self.story_points, self.sprint, self.feasibility, self.scenario)
        return [
            *BASE_FIELDS,
            "issuelinks",
            "description",
            "timeoriginalestimate",
            *TIME_FIELDS,
            "fixVersions",
            *extra,
        ]

    def test_fields(self) -> list[str]:
        extra = self.ids(self.steps, self.precondition, self.test_data)
        return [*BASE_FIELDS, "issuelinks", "description", *extra]

    def bug_fields(self) -> list[str]:
        return [*BASE_FIELDS, "issuelinks", "versions", *self.ids(self.severity)]

    def risk_fields(self) -> list[str]:
        roles = (self.mitigation, self.probability, self.impact, self.category, self.rating)
        return [*BASE_FIELDS, "description", *self.ids(*roles)]


def _lower(names: Iterable[str]) -> frozenset[str]:
    return frozenset(n.strip().lower() for n in names)


@dataclass(frozen=True)
class Kinds:
    """Issue type names (lower case) of each kind, and the status names that mark a review or a test result."""

    requirement: frozenset[str]
    test_case: frozenset[str]
    test_execution: frozenset[str]
    bug: frozenset[str]
    risk: frozenset[str]
    review_statuses: tuple[str, ...] = ()
    result_statuses: tuple[str, ...] = ()

    @classmethod
    def of(cls, config: JiraConfig) -> Kinds:
        return cls(
            requirement=_lower(config.requirement_types),
            test_case=_lower(config.test_case_types),
            test_execution=_lower(config.test_execution_types),
            bug=_lower(config.bug_types),
            risk=_lower(config.risk_types),
            review_statuses=tuple(sorted(_lower(config.review_statuses))),
            result_statuses=tuple(sorted(_lower(config.result_statuses))),
        )

    @staticmethod
    def present(wanted: frozenset[str], existing: Iterable[str]) -> list[str]:
        """The site's own spelling of the wanted type names that exist there (JQL refuses unknown ones)."""
        return sorted({name for name in existing if name.strip().lower() in wanted})


def _is(name: str, kind: frozenset[str]) -> bool:
    return name.strip().lower() in kind


def _like(name: str | None, patterns: tuple[str, ...]) -> bool:
    lowered = (name or "").strip().lower()
    return any(p in lowered for p in patterns)


def linked_to(issue: Issue, *kinds: frozenset[str]) -> bool:
    wanted = frozenset().union(*kinds)
    return any(link.other is not None and _is(link.other.type_name, wanted) for link in issue.links)


def description(issue: Issue) -> str:
    return as_text(issue.fields.description)


def field_text(issue: Issue, fields: tuple[JiraField, ...]) -> str:
    return "\n".join(t for t in (as_text(issue.fields.value(f.id)) for f in fields) if t)


# --- requirements --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementFacts:
    key: str
    criteria: str
    reviewed_at: dt.datetime | None
    changed_after_review: bool
    reconfirmed: bool
    owner: bool
    priority: bool
    estimate: bool
    planned: bool
    tested: bool
    feasibility: bool = False
    scenario: bool = False
    time_logged: bool = False
    target: bool = False

    @property
    def project(self) -> str:
        return project_of(self.key)


def acceptance_criteria(issue: Issue, fields: FieldMap) -> str:
    """The acceptance criteria field's text if the site has one and it is filled, else the description's section."""
    return field_text(issue, fields.acceptance) or section(description(issue), AC_LABELS)


def feasibility(issue: Issue, fields: FieldMap) -> str:
    """The feasibility conclusion: a field named like one of the labels, else the description's section so headed."""
    return field_text(issue, fields.feasibility) or section(description(issue), fields.labels.feasibility)


def scenario(issue: Issue, fields: FieldMap) -> str:
    """The scenario description: a field or a description section named like one of the labels, else the description
    itself when it is a user story in its three parts (as a ..., I want ..., so that ...)."""
    found = field_text(issue, fields.scenario) or section(description(issue), fields.labels.scenario)
    if found:
        return found
    text = description(issue)
    return text if user_story(text) else ""


def time_logged(issue: Issue) -> bool:
    """Time spent logged on the issue or, through aggregatetimespent, on its sub-tasks (work logs, in seconds)."""
    f = issue.fields
    tracking = f.timetracking if isinstance(f.timetracking, dict) else {}
    return positive(f.timespent) or positive(f.aggregatetimespent) or positive(tracking.get("timeSpentSeconds"))


def review_time(histories: Sequence[History], statuses: tuple[str, ...]) -> dt.datetime | None:
    """When the issue first moved into a status named like a review status."""
    moves = [
        h.created
        for h in histories
        for item in h.items
        if (item.field_id or item.field).lower() == "status" and _like(item.to_string, statuses)
    ]
    return min(moves, default=None)


def content_changes(histories: Sequence[History], moment: dt.datetime, fields: FieldMap) -> list[dt.datetime]:
    """When the description or the acceptance criteria field changed after `moment`."""
    ids = {f.id for f in fields.acceptance} | {"description"}
    names = {f.name.lower() for f in fields.acceptance} | {"description"}
    return [
        h.created
        for h in histories
        for item in h.items
        if h.created > moment and ((item.field_id or "") in ids or item.field.lower() in names)
    ]


def reviewed_after(histories: Sequence[History], moment: dt.datetime, statuses: tuple[str, ...]) -> bool:
    """Whether the issue moved into a review status after `moment` (a renewed confirmation)."""
    return any(
        h.created > moment and (item.field_id or item.field).lower() == "status" and _like(item.to_string, statuses)
        for h in histories
        for item in h.items
    )


def requirement_facts(
    issue: Issue, fields: FieldMap, kinds: Kinds, histories: Sequence[History] | None = None
) -> RequirementFacts:
    """`histories`: the whole changelog when it was read separately; else the one embedded in the issue."""
    if histories is None:
        histories = issue.changelog.histories if issue.changelog else []
    reviewed = review_time(histories, kinds.review_statuses)
    changes = content_changes(histories, reviewed, fields) if reviewed is not None else []
    f = issue.fields
    sprint = any(filled(f.value(s.id)) for s in fields.sprint)
    return RequirementFacts(
        key=issue.key,
        criteria=acceptance_criteria(issue, fields),
        reviewed_at=reviewed,
        changed_after_review=bool(changes),
        reconfirmed=bool(changes) and reviewed_after(histories, max(changes), kinds.review_statuses),
        owner=f.assignee is not None,
        priority=f.priority is not None and bool(f.priority.name),
        estimate=positive(f.timeoriginalestimate) or any(positive(f.value(s.id)) for s in fields.story_points),
        planned=bool(f.fix_versions) or sprint,
        tested=linked_to(issue, kinds.test_case),
        feasibility=bool(feasibility(issue, fields)),
        scenario=bool(scenario(issue, fields)),
        time_logged=time_logged(issue),
        target=performance_target(acceptance_criteria(issue, fields)) or performance_target(description(issue)),
    )


def key_order(key: str) -> tuple[str, int, str]:
    """ML-2 before ML-10."""
    project, _, number = key.rpartition("-")
    if _ISSUE_NUMBER.fullmatch(number):  # not str.isdigit(): it takes '²', which int() refuses
        return (project, int(number), "")
    return (key, 0, key)


def in_window(issues: Iterable[Issue], start: dt.datetime) -> list[Issue]:
    return [i for i in issues if i.fields.created is None or i.fields.created >= start]


def requirement_findings(
    facts: Sequence[RequirementFacts],
    raw: tuple[str, ...],
    url: str,
    days: int,
    note: str,
    projects: Sequence[str] = (),
) -> list[ProbeFinding]:
    """`facts` are those of the requirements in the window; `note` says what limited the reading, if anything;
    `projects`: the keys of every project read, each of which should state a performance target."""
    n = len(facts)
    noun = "requirements"
    with_ac = [r for r in facts if r.criteria]
    measured = [r for r in facts if r.criteria and measurable(r.criteria)]
    reviewed = [r for r in facts if r.reviewed_at is not None]
    changed = sorted((r.key for r in facts if r.changed_after_review), key=key_order)
    renewed = [r for r in facts if r.changed_after_review and r.reconfirmed]
    assessed = [r for r in facts if r.feasibility]
    signed = [r for r in assessed if r.owner and r.reviewed_at is not None]
    period = f"created in the last {days} days"

    def project_share(probe: str, holds: Callable[[RequirementFacts], bool], what: str) -> ProbeFinding:
        """Projects with requirements in the window, and those where at least one of them `holds`."""
        projects = sorted({r.project for r in facts})
        having = sorted({r.project for r in facts if holds(r)})
        lacking = [p for p in projects if p not in having]
        summary = share(
            len(having), len(projects), f"projects with requirements {period}", f"have at least one with {what}"
        )
        return ProbeFinding(
            probe,
            ratio(len(having), len(projects)),
            summary + (f"; none in {sample(lacking)}" if lacking else "") + note,
            raw,
            url,
        )

    def finding(probe: str, part: Sequence[RequirementFacts], predicate: str) -> ProbeFinding:
        return ProbeFinding(probe, ratio(len(part), n), share(len(part), n, noun, predicate) + note, raw, url)

    return [
        ProbeFinding("jira.requirements", n, f"{n} requirement issue(s) {period}{note}", raw, url),
        finding("jira.requirements_with_acceptance_criteria_ratio", with_ac, "have acceptance criteria"),
        finding(
            "jira.requirements_with_measurable_criteria_ratio",
            measured,
            "state acceptance criteria with a number and a comparison or unit",
        ),
        finding("jira.requirements_reviewed_ratio", reviewed, "moved into a review status"),
        finding("jira.requirements_with_owner_ratio", [r for r in facts if r.owner], "have an assignee"),
        finding("jira.requirements_with_priority_ratio", [r for r in facts if r.priority], "have a priority"),
        finding("jira.requirements_with_estimate_ratio", [r for r in facts if r.estimate], "have an estimate"),
        finding(
            "jira.requirements_planned_ratio", [r for r in facts if r.planned], "are planned into a version or sprint"
        ),
        finding(
            "jira.requirements_linked_to_test_cases_ratio", [r for r in facts if r.tested], "are linked to a test case"
        ),
        finding(
            "jira.requirements_with_feasibility_ratio",
            [r for r in facts if r.feasibility],
            "record a feasibility conclusion (field or description section)",
        ),
        ProbeFinding(
            "jira.requirements_with_reviewed_feasibility_ratio",
            ratio(len(signed), len(assessed)),
            share(
                len(signed),
                len(assessed),
                "requirements with a feasibility conclusion",
                "have an assignee and moved into a review status",
            )
            + note,
            raw,
            url,
        ),
        project_share("jira.projects_with_feasibility_ratio", lambda r: r.feasibility, "a feasibility conclusion"),
        project_share("jira.projects_with_scenario_ratio", lambda r: r.scenario, "a scenario description"),
        target_finding(facts, projects, raw, url, period, note),
        finding(
            "jira.requirements_with_time_logged_ratio",
            [r for r in facts if r.time_logged],
            "have time logged (timespent or aggregatetimespent above 0)",
        ),
        ProbeFinding(
            "jira.requirements_changed_after_review",
            len(changed),
            f"{len(changed)} of {len(reviewed)} reviewed requirement(s) had their description or acceptance criteria "
            f"changed after the review" + (f": {sample(changed)}" if changed else "") + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.requirements_reconfirmed_after_change_ratio",
            ratio(len(renewed), len(changed)),
            share(
                len(renewed),
                len(changed),
                "requirements changed after their review",
                "moved into a review status again after the last change",
            )
            + note,
            raw,
            url,
        ),
    ]


def target_finding(
    facts: Sequence[RequirementFacts], projects: Sequence[str], raw: tuple[str, ...], url: str, period: str, note: str
) -> ProbeFinding:
    """Projects read (all of them, with requirements or not) where a requirement of the window states a model
    performance target with its value."""
    having = {r.project for r in facts if r.target}
    met = [p for p in projects if p in having]
    lacking = sorted(p for p in projects if p not in having)
    return ProbeFinding(
        "jira.projects_with_performance_target_ratio",
        ratio(len(met), len(projects)),
        share(
            len(met),
            len(projects),
            "projects",
            f"have a requirement {period} stating a model performance target with its value",
        )
        + (f"; none in {sample(lacking)}" if lacking else "")
        + note,
        raw,
        url,
    )


# --- test cases ----------------------------------------------------------------------------------------------------


def has_steps(issue: Issue, fields: FieldMap) -> bool:
    if field_text(issue, fields.steps):
        return True
    text = description(issue)
    return bool(section(text, STEP_LABELS)) and bool(section(text, EXPECTED_LABELS))


def step_data(value: object, depth: int = 0) -> bool:
    """Whether a test steps field (Xray's Action / Data / Expected Result, Zephyr's testData) gives a step's data."""
    if depth > MAX_STEP_DEPTH:
        return False
    if isinstance(value, list):
        return any(step_data(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(
            (str(k).strip().lower() in STEP_DATA_KEYS and filled(v)) or step_data(v, depth + 1)
            for k, v in value.items()
        )
    return False


def has_precondition(issue: Issue, fields: FieldMap) -> bool:
    """A precondition field (its text besides a test data part; a test add-on's field naming the associated
    pre-condition issues counts) or a precondition section of the description."""
    if without_section(field_text(issue, fields.precondition), DATA_LABELS):
        return True
    return bool(section(description(issue), PRECONDITION_LABELS))


def has_test_data(issue: Issue, fields: FieldMap) -> bool:
    """A test data field, a test data section of the description or of the precondition field, or step data."""
    if field_text(issue, fields.test_data) or section(field_text(issue, fields.precondition), DATA_LABELS):
        return True
    if section(description(issue), DATA_LABELS):
        return True
    return any(step_data(issue.fields.value(f.id)) for f in fields.steps)


def executed(issue: Issue, kinds: Kinds) -> bool:
    status = issue.fields.status.name if issue.fields.status else ""
    return linked_to(issue, kinds.test_execution) or _like(status, kinds.result_statuses)


def test_case_findings(
    tests: Sequence[Issue], fields: FieldMap, kinds: Kinds, raw: tuple[str, ...], url: str, note: str
) -> list[ProbeFinding]:
    n = len(tests)
    noun = "test cases"
    linked = sum(linked_to(t, kinds.requirement) for t in tests)
    steps = sum(has_steps(t, fields) for t in tests)
    run = sum(executed(t, kinds) for t in tests)
    specified = sum(has_precondition(t, fields) and has_test_data(t, fields) and has_steps(t, fields) for t in tests)
    return [
        ProbeFinding("jira.test_cases", n, f"{n} test case issue(s){note}", raw, url),
        ProbeFinding(
            "jira.test_cases_linked_to_requirement_ratio",
            ratio(linked, n),
            share(linked, n, noun, "are linked to a requirement") + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.test_cases_with_steps_ratio",
            ratio(steps, n),
            share(steps, n, noun, "have steps and expected results") + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.test_cases_executed_ratio",
            ratio(run, n),
            share(run, n, noun, "have a recorded execution (a linked test execution or a result status)") + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.test_cases_fully_specified_ratio",
            ratio(specified, n),
            share(specified, n, noun, "state their preconditions, input data, steps and expected results") + note,
            raw,
            url,
        ),
    ]


# --- bugs ----------------------------------------------------------------------------------------------------------


def graded_and_traced(bug: Issue, fields: FieldMap, kinds: Kinds) -> bool:
    """A severity set (a field named like Severity), an affected version (versions) and a link to a test case."""
    severity = bool(field_text(bug, fields.severity))
    return severity and bool(bug.fields.versions) and linked_to(bug, kinds.test_case)


def bug_findings(
    bugs: Sequence[Issue],
    kinds: Kinds,
    raw: tuple[str, ...],
    url: str,
    days: int,
    note: str,
    fields: FieldMap = FieldMap(),
) -> list[ProbeFinding]:
    n = len(bugs)
    linked = sum(linked_to(b, kinds.requirement, kinds.test_case) for b in bugs)
    owned = sum(b.fields.assignee is not None for b in bugs)
    traced = sum(graded_and_traced(b, fields, kinds) for b in bugs)
    no_field = "" if fields.severity else " (the site has no severity field)"
    return [
        ProbeFinding("jira.bugs", n, f"{n} bug issue(s) created in the last {days} days{note}", raw, url),
        ProbeFinding(
            "jira.bugs_linked_ratio",
            ratio(linked, n),
            share(linked, n, "bugs", "are linked to a requirement or test case") + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.bugs_with_owner_ratio",
            ratio(owned, n),
            share(owned, n, "bugs", "have an assignee") + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.bugs_with_severity_version_and_test_case_ratio",
            ratio(traced, n),
            share(traced, n, "bugs", "have a severity, an affected version and a linked test case") + no_field + note,
            raw,
            url,
        ),
    ]


# --- sprints -------------------------------------------------------------------------------------------------------


def sprint_end(sprint: Sprint) -> dt.datetime | None:
    return sprint.end or sprint.complete


def counted_sprints(sprints: Iterable[Sprint], start: dt.datetime, now: dt.datetime) -> list[Sprint]:
    """Sprints that are active or whose end (completion when no end is set) falls in the window."""
    chosen = []
    for sprint in sprints:
        end = sprint_end(sprint)
        if sprint.state.lower() == "active" or (end is not None and start <= end <= now):
            chosen.append(sprint)
    return chosen


def closed(sprints: Iterable[Sprint]) -> list[Sprint]:
    return [s for s in sprints if s.state.lower() == "closed"]


def on_time(sprint: Sprint) -> bool:
    # a difference, not `end + grace`: an end on the last day a datetime holds would overflow
    return sprint.complete is not None and sprint.end is not None and sprint.complete - sprint.end <= ON_TIME_GRACE


def plan_findings(
    sprints: Sequence[Sprint], raw: tuple[str, ...], url: str, days: int, note: str
) -> list[ProbeFinding]:
    """`sprints` are those counted (active or ended in the window), each once."""
    n = len(sprints)
    dated = sum(s.start is not None and s.end is not None for s in sprints)
    finished = closed(sprints)
    timely = [s for s in finished if on_time(s)]
    late = sorted(s.name or str(s.id) for s in finished if not on_time(s))
    active = sum(s.state.lower() == "active" for s in sprints)
    return [
        ProbeFinding(
            "jira.plans",
            n,
            f"{n} sprint(s) active or ended in the last {days} days ({active} active, {len(finished)} closed){note}",
            raw,
            url,
        ),
        ProbeFinding(
            "jira.plans_with_dates_ratio",
            ratio(dated, n),
            share(dated, n, "sprints", "have a start and an end date") + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.plans_closed_on_time_ratio",
            ratio(len(timely), len(finished)),
            share(len(timely), len(finished), "closed sprints", "were completed within a day of their end date")
            + (f"; late or undated: {sample(late)}" if late else "")
            + note,
            raw,
            url,
        ),
    ]


def project_plan_finding(
    sprints: Sequence[Sprint],
    by_project: Mapping[str, set[int]],
    projects: Sequence[str],
    raw: tuple[str, ...],
    url: str,
    days: int,
    note: str,
) -> ProbeFinding:
    """Projects read whose boards hold at least one counted sprint, each of them with a planned end date."""
    counted = {s.id: s for s in sprints}
    dated = []
    for key in projects:
        own = [counted[i] for i in sorted(by_project.get(key, set())) if i in counted]
        if own and all(s.end is not None for s in own):
            dated.append(key)
    lacking = [p for p in projects if p not in dated]
    return ProbeFinding(
        "jira.projects_with_dated_plans_ratio",
        ratio(len(dated), len(projects)),
        share(
            len(dated),
            len(projects),
            "projects",
            f"have sprints active or ended in the last {days} days, all with a planned end date",
        )
        + (f"; not: {sample(lacking)}" if lacking else "")
        + note,
        raw,
        url,
    )


def done_in(issue: Issue, sprint: Sprint) -> bool:
    """Done (status category) and resolved no later than the sprint's completion (its end when not completed)."""
    f = issue.fields
    if f.status is None or not f.status.done:
        return False
    limit = sprint.complete or sprint.end
    return f.resolutiondate is None or limit is None or f.resolutiondate <= limit


def completion_finding(
    sprint_issues: Sequence[tuple[Sprint, Sequence[Issue]]], kinds: Kinds, raw: tuple[str, ...], url: str, note: str
) -> ProbeFinding:
    planned = done = 0
    for sprint, issues in sprint_issues:
        requirements = [i for i in issues if _is(i.type_name, kinds.requirement)]
        planned += len(requirements)
        done += sum(done_in(i, sprint) for i in requirements)
    return ProbeFinding(
        "jira.plan_completion_ratio",
        ratio(done, planned),
        share(
            done,
            planned,
            "requirements planned",
            f"in {len(sprint_issues)} closed sprint(s) were done by the sprint's completion",
        )
        + note,
        raw,
        url,
    )


# --- risks ---------------------------------------------------------------------------------------------------------


def is_open(issue: Issue) -> bool:
    return not (issue.fields.status is not None and issue.fields.status.done)


def mitigation(issue: Issue, fields: FieldMap) -> str:
    return field_text(issue, fields.mitigation) or section(description(issue), MITIGATION_LABELS)


def counted_risks(risks: Iterable[Issue], start: dt.datetime) -> list[Issue]:
    return [r for r in risks if is_open(r) or (r.fields.created is not None and r.fields.created >= start)]


def project_of(key: str) -> str:
    return key.rpartition("-")[0]


def risk_findings(
    risks: Sequence[Issue],
    fields: FieldMap,
    now: dt.datetime,
    raw: tuple[str, ...],
    url: str,
    days: int,
    note: str,
    projects: Sequence[str] = (),
) -> list[ProbeFinding]:
    """`projects`: the keys of the projects read, each of which should keep a register."""
    n = len(risks)
    with_risks = {project_of(r.key) for r in risks}
    registered = [p for p in projects if p in with_risks]
    without = sorted(p for p in projects if p not in with_risks)
    noun = "risks"
    owned = sum(r.fields.assignee is not None and bool(mitigation(r, fields)) for r in risks)
    assessed = sum(bool(field_text(r, fields.probability)) and bool(field_text(r, fields.impact)) for r in risks)
    graded = sum(bool(field_text(r, fields.category)) and bool(field_text(r, fields.rating)) for r in risks)
    no_grade = "" if fields.category and fields.rating else " (the site has no risk category or rating field)"
    open_risks = [r for r in risks if is_open(r)]
    recent = now - dt.timedelta(days=REVIEW_DAYS)
    fresh = sum(r.fields.updated is not None and r.fields.updated >= recent for r in open_risks)
    missing = "" if fields.probability and fields.impact else " (the site has no probability or impact field)"
    return [
        ProbeFinding(
            "jira.risks",
            n,
            f"{n} risk issue(s) open or created in the last {days} days ({len(open_risks)} open){note}",
            raw,
            url,
        ),
        ProbeFinding(
            "jira.risks_project_coverage_ratio",
            ratio(len(registered), len(projects)),
            share(len(registered), len(projects), "projects", f"have a risk open or created in the last {days} days")
            + (f"; none in {sample(without)}" if without else "")
            + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.risks_with_owner_and_mitigation_ratio",
            ratio(owned, n),
            share(owned, n, noun, "have an assignee and a mitigation") + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.risks_with_probability_and_impact_ratio",
            ratio(assessed, n),
            share(assessed, n, noun, "have probability and impact set") + missing + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.risks_with_category_and_rating_ratio",
            ratio(graded, n),
            share(graded, n, noun, "have a category and a rating set") + no_grade + note,
            raw,
            url,
        ),
        ProbeFinding(
            "jira.risks_reviewed_in_window_ratio",
            ratio(fresh, len(open_risks)),
            share(fresh, len(open_risks), "open risks", f"were updated in the last {REVIEW_DAYS} days") + note,
            raw,
            url,
        ),
    ]


# --- scope ---------------------------------------------------------------------------------------------------------


def project_finding(projects: Pages[Project]) -> ProbeFinding:
    keys = sorted(p.key for p in projects.items)
    return ProbeFinding(
        "jira.projects",
        len(keys),
        f"{len(keys)} project(s) read: {sample(keys, 10) or 'none'}{projects.cap_note('projects')}",
        tuple(projects.raw),
        projects.url,
    )

"""Jira collector: facts about requirement, test, defect, risk and iteration management in Jira projects.

Reads serverInfo (which also decides between Cloud's v3 API and Server / Data Center's v2), the projects, the custom
fields and issue types of the site, then one JQL search per kind of issue (requirements with their changelog, test
cases, bugs, risks) and the sprints of the projects' boards through the Agile API. An unreadable site or project list
fails the whole target; any other failing read only costs the probes computed from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import CollectError
from evidence_collectors.jira.api import AGILE, JiraApi, issue_jql
from evidence_collectors.jira.config import JiraConfig
from evidence_collectors.jira.figures import (
    FieldMap,
    Kinds,
    Labels,
    bug_findings,
    closed,
    completion_finding,
    counted_risks,
    counted_sprints,
    in_window,
    plan_findings,
    project_finding,
    project_plan_finding,
    requirement_facts,
    requirement_findings,
    risk_findings,
    sprint_end,
    test_case_findings,
)
from evidence_collectors.jira.models import History, Issue, JiraField, Named, Sprint
from evidence_collectors.outcome import Fetched, ProbeFinding, in_catalogue_order, probe_section, recorded, sample
from evidence_collectors.records import EvidenceRecord, utc_now

PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))

REQUIREMENT_PROBES = (
    "jira.requirements",
    "jira.requirements_with_acceptance_criteria_ratio",
    "jira.requirements_with_measurable_criteria_ratio",
    "jira.requirements_reviewed_ratio",
    "jira.requirements_with_owner_ratio",
    "jira.requirements_with_priority_ratio",
    "jira.requirements_with_estimate_ratio",
    "jira.requirements_planned_ratio",
    "jira.requirements_linked_to_test_cases_ratio",
    "jira.requirements_with_feasibility_ratio",
    "jira.requirements_with_reviewed_feasibility_ratio",
    "jira.projects_with_feasibility_ratio",
    "jira.projects_with_scenario_ratio",
    "jira.requirements_with_time_logged_ratio",
    "jira.requirements_changed_after_review",
    "jira.requirements_reconfirmed_after_change_ratio",
    "jira.projects_with_performance_target_ratio",
)
TEST_PROBES = (
    "jira.test_cases",
    "jira.test_cases_linked_to_requirement_ratio",
    "jira.test_cases_with_steps_ratio",
    "jira.test_cases_executed_ratio",
    "jira.test_cases_fully_specified_ratio",
)
BUG_PROBES = (
    "jira.bugs",
    "jira.bugs_linked_ratio",
    "jira.bugs_with_owner_ratio",
    "jira.bugs_with_severity_version_and_test_case_ratio",
)
PLAN_PROBES = (
    "jira.plans",
    "jira.plans_with_dates_ratio",
    "jira.plans_closed_on_time_ratio",
    "jira.projects_with_dated_plans_ratio",
)
COMPLETION_PROBES = ("jira.plan_completion_ratio",)
RISK_PROBES = (
    "jira.risks",
    "jira.risks_project_coverage_ratio",
    "jira.risks_with_owner_and_mitigation_ratio",
    "jira.risks_with_probability_and_impact_ratio",
    "jira.risks_with_category_and_rating_ratio",
    "jira.risks_reviewed_in_window_ratio",
)
SPRINT_BOARDS = frozenset({"scrum", "simple"})  # kanban boards have no sprints
SPRINT_ISSUE_FIELDS = ("issuetype", "status", "resolutiondate")


@dataclass
class Found:
    """What a read gave for one group of probes: the items, their raw responses, where they were read, and what
    limited the reading (said in every summary), if anything."""

    issues: list[Issue] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    url: str = ""
    note: str = ""


@dataclass
class Sprints:
    items: list[Sprint] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    note: str = ""
    by_project: dict[str, set[int]] = field(default_factory=dict)  # the sprints of each project's boards


class JiraCollector(Collector):
    name = "jira"
    version = "1.0.0"
    system = "issue_tracker"
    config_model = JiraConfig
    probes = PROBES

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, JiraConfig):
            raise TypeError(f"expected a JiraConfig, got {type(config).__name__}")
        now = utc_now()
        with JiraApi(config, ctx) as api:
            api.server_info()  # an unreadable site (bad token, wrong URL): the runner fails every probe
            projects = api.projects()
            records = recorded(self, config, ctx, [project_finding(projects)])
            reader = _Reader(config, api, [p.key for p in projects.items], now)

            def section(what: str, probes: tuple[str, ...], compute: Callable[[], list[ProbeFinding]]) -> None:
                records.extend(probe_section(self, config, ctx, what, probes, compute))

            section("requirement issues", REQUIREMENT_PROBES, reader.requirements)
            section("test case issues", TEST_PROBES, reader.test_cases)
            section("bug issues", BUG_PROBES, reader.bugs)
            section("sprints", PLAN_PROBES, reader.plans)
            section("sprint issues", COMPLETION_PROBES, reader.completion)
            section("risk issues", RISK_PROBES, reader.risks)
        return in_catalogue_order(self, records)


class _Reader:
    """The reads behind each group of probes; the shared ones (fields, issue types, sprints) are read once."""

    def __init__(self, config: JiraConfig, api: JiraApi, keys: list[str], now: dt.datetime) -> None:
        self.config = config
        self.api = api
        self.keys = keys
        self.now = now
        self.start = now - dt.timedelta(days=config.window_days)
        self.window = f"created >= -{config.window_days}d"
        self.kinds = Kinds.of(config)
        self.labels = Labels.of(config)
        self.fields: Fetched[list[JiraField]] = Fetched.run(api.fields)
        self.types: Fetched[list[Named]] = Fetched.run(api.issue_types)
        self.sprints: Fetched[Sprints] = Fetched.run(lambda: (s := self._sprints(), s.raw))

    @property
    def field_map(self) -> FieldMap:
        return FieldMap.of(self.fields.get(), self.labels)

    def _search(self, wanted: frozenset[str], condition: str, fields: Sequence[str], changelog: bool = False) -> Found:
        """Issues of the wanted types in the projects; none when no such type exists on the site (JQL would refuse
        an unknown type name)."""
        self.fields.get()
        names = Kinds.present(wanted, [t.name for t in self.types.get()])
        found = Found(raw=self.fields.raw + self.types.raw, url=self.api.search_url())
        if not self.keys:
            found.note = " (no project to search)"
        elif not names:
            found.note = f" (the site has no issue type named {', '.join(sorted(wanted))})"
        else:
            pages = self.api.search(issue_jql(self.keys, names, condition), fields, changelog)
            found.issues, found.url, found.note = pages.items, pages.url, pages.cap_note("issues")
            found.raw += pages.raw
        return found

    # --- issues ---------------------------------------------------------------------------------------------

    def requirements(self) -> list[ProbeFinding]:
        fields = self.field_map
        found = self._search(self.kinds.requirement, self.window, fields.requirement_fields(), changelog=True)
        issues = in_window(found.issues, self.start)
        full: dict[str, list[History]] = {}
        partial = [i for i in issues if i.changelog is not None and i.changelog.partial]
        cut: list[str] = []
        for issue in partial[: self.config.max_changelog_reads]:
            changes = self.api.changelog(issue.key)
            full[issue.key] = changes.items
            found.raw += changes.raw
            if changes.stopped:
                cut.append(f"{issue.key} {changes.stopped}")
        if cut:
            found.note += f" (changelogs read only in part: {sample(cut, 3)})"
        if len(partial) > self.config.max_changelog_reads:
            found.note += (
                f" (only the newest changes of {len(partial) - self.config.max_changelog_reads} long changelog(s) "
                "read: max_changelog_reads)"
            )
        facts = [requirement_facts(i, fields, self.kinds, full.get(i.key)) for i in issues]
        days = self.config.window_days
        return requirement_findings(facts, tuple(found.raw), found.url, days, found.note, self.keys)

    def test_cases(self) -> list[ProbeFinding]:
        fields = self.field_map
        found = self._search(self.kinds.test_case, "", fields.test_fields())
        return test_case_findings(found.issues, fields, self.kinds, tuple(found.raw), found.url, found.note)

    def bugs(self) -> list[ProbeFinding]:
        fields = self.field_map
        found = self._search(self.kinds.bug, self.window, fields.bug_fields())
        bugs = in_window(found.issues, self.start)
        days = self.config.window_days
        return bug_findings(bugs, self.kinds, tuple(found.raw), found.url, days, found.note, fields)

    def risks(self) -> list[ProbeFinding]:
        fields = self.field_map
        found = self._search(self.kinds.risk, f"({self.window} OR statusCategory != Done)", fields.risk_fields())
        risks = counted_risks(found.issues, self.start)
        days = self.config.window_days
        return risk_findings(risks, fields, self.now, tuple(found.raw), found.url, days, found.note, self.keys)

    # --- sprints --------------------------------------------------------------------------------------------

    def _sprints(self) -> Sprints:
        """The sprints of the projects' scrum boards, each once (a sprint can show on several boards)."""
        result = Sprints()
        seen_boards: set[int] = set()
        by_id: dict[int, Sprint] = {}
        of_board: dict[int, set[int]] = {}
        for key in self.keys:
            boards = self.api.boards(key)
            result.raw += boards.raw
            result.note += boards.cap_note("boards")
            mine = result.by_project.setdefault(key, set())
            for board in boards.items:
                if board.id in seen_boards:
                    mine |= of_board.get(board.id, set())  # a board shared with a project read before
                    continue
                if board.type.lower() not in SPRINT_BOARDS:
                    continue
                seen_boards.add(board.id)
                try:
                    sprints = self.api.sprints(board.id)
                except CollectError as exc:
                    if board.type.lower() == "simple" and exc.status == 400:
                        continue  # a team-managed board with sprints turned off
                    raise
                result.raw += sprints.raw
                result.note += sprints.cap_note("sprints")
                of_board[board.id] = {sprint.id for sprint in sprints.items}
                mine |= of_board[board.id]
                for sprint in sprints.items:
                    by_id.setdefault(sprint.id, sprint)
        result.items = sorted(by_id.values(), key=lambda s: s.id)
        return result

    def plans(self) -> list[ProbeFinding]:
        sprints = self.sprints.get()
        counted = counted_sprints(sprints.items, self.start, self.now)
        url = self.api.url(f"{AGILE}/board")
        days = self.config.window_days
        return [
            *plan_findings(counted, tuple(sprints.raw), url, days, sprints.note),
            project_plan_finding(counted, sprints.by_project, self.keys, tuple(sprints.raw), url, days, sprints.note),
        ]

    def completion(self) -> list[ProbeFinding]:
        sprints = self.sprints.get()
        finished = closed(counted_sprints(sprints.items, self.start, self.now))
        finished.sort(key=lambda s: (sprint_end(s) or self.start, s.id), reverse=True)
        note = sprints.note
        if len(finished) > self.config.max_sprints:
            note += f" (issues read for the newest {self.config.max_sprints} of {len(finished)} closed sprints)"
        raw = list(sprints.raw)
        read: list[tuple[Sprint, list[Issue]]] = []
        for sprint in finished[: self.config.max_sprints]:
            pages = self.api.sprint_issues(sprint.id, SPRINT_ISSUE_FIELDS)
            raw += pages.raw
            note += pages.cap_note(f"issues of sprint {sprint.id}")
            read.append((sprint, pages.items))
        url = self.api.url(f"{AGILE}/sprint")
        return [completion_finding(read, self.kinds, tuple(raw), url, note)]

"""The Jira probes added for feasibility assessment (P1.RM.RA.02), scenario design (P1.RM.RA.03) and resource
management (P1.RM.PP.02): feasibility conclusions, their owner and review, scenario descriptions per project and
time logged on requirements. Recorded Jira Server and Cloud answers (fixtures/jira, written by generate.py from its
tables of facts) served over real HTTP on 127.0.0.1, and the rules on hand-made issues."""

from __future__ import annotations

from typing import Any

import pytest

from evidence_collectors.jira import JiraCollector
from evidence_collectors.jira.config import JiraConfig
from evidence_collectors.jira.figures import FieldMap, Kinds, Labels, requirement_facts, scenario, time_logged
from evidence_collectors.jira.models import Issue, JiraField
from evidence_collectors.jira.text import FEASIBILITY_LABELS, SCENARIO_LABELS, adf_text, section, user_story
from evidence_collectors.records import EvidenceStatus
from tests.collectors.test_jira import EMAIL, ENV, FIXTURES, TOKEN, collect, config, expected
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

server = collecting.recorded_server(FIXTURES / "routes.yaml")
token = collecting.env_token(ENV, TOKEN)

NEW = (
    "requirements_with_feasibility_ratio",
    "requirements_with_reviewed_feasibility_ratio",
    "projects_with_feasibility_ratio",
    "projects_with_scenario_ratio",
    "requirements_with_time_logged_ratio",
)


def test_new_probes_are_in_the_catalogue_with_both_languages() -> None:
    specs = {s.id: s for s in JiraCollector.probes}
    for suffix in NEW:
        spec = specs[f"jira.{suffix}"]
        assert spec.short and spec.short_zh and spec.implementation and spec.remediation.text_zh


@pytest.mark.parametrize("site", ["jira", "cloud"])
def test_figures_counted_from_the_tables(server: RecordedHttpServer, site: str) -> None:
    extra: dict[str, Any] = {"projects": ["ML", "DATA"]} if site == "jira" else {"username": EMAIL}
    records, _ = collect(config(f"{server.base_url}/{site}", site, **extra))
    want = expected(site)
    assert {p: (records[p].status, records[p].value) for p in NEW} == {p: (EvidenceStatus.ok, want[p]) for p in NEW}


def test_server_summaries_say_which_projects_lack_them(server: RecordedHttpServer) -> None:
    records, _ = collect(config(f"{server.base_url}/jira", projects=["ML", "DATA"]))
    # ML-1, ML-3, ML-6 by field, ML-2, ML-7, ML-11, ML-14 (验收标准-style Chinese heading) by section; ML-4's is empty
    assert records["requirements_with_feasibility_ratio"].summary.startswith("7 of 24 requirements")
    # ML-7 is only in review, ML-11 has no assignee
    assert records["requirements_with_reviewed_feasibility_ratio"].summary.startswith(
        "5 of 7 requirements with a feasibility conclusion (71.4%) have an assignee"
    )
    assert "; none in DATA" in records["projects_with_feasibility_ratio"].summary
    # DATA has only DATA-3's user story; ML-5's template line and ML-6's Cucumber Scenario field do not count
    assert records["projects_with_scenario_ratio"].value == 1.0


def test_labels_are_configurable(server: RecordedHttpServer) -> None:
    """Other names: the site's Feasibility Conclusion and Business Scenario fields and sections no longer count."""
    cfg = config(
        f"{server.base_url}/jira", projects=["ML", "DATA"], feasibility_labels=["Machbarkeit"], scenario_labels=["Team"]
    )
    records, _ = collect(cfg)
    assert records["requirements_with_feasibility_ratio"].value == 0.0
    assert records["requirements_with_reviewed_feasibility_ratio"].value == 0.0
    assert "no requirements with a feasibility conclusion to check" in (
        records["requirements_with_reviewed_feasibility_ratio"].summary
    )
    # the user stories of ML-2, ML-11 and DATA-3 still count; the Business Scenario field and sections do not
    assert records["projects_with_scenario_ratio"].value == 1.0


def test_default_labels_are_the_shared_ones() -> None:
    cfg = JiraConfig.model_validate({"collector": "jira", "name": "j", "url": "https://jira.example"})
    assert tuple(cfg.feasibility_labels) == FEASIBILITY_LABELS and tuple(cfg.scenario_labels) == SCENARIO_LABELS


# --- the rules on hand-made issues --------------------------------------------------------------------------------

FIELDS = [
    JiraField(id="customfield_1", name="Feasibility Conclusion", custom=True),
    JiraField(id="customfield_2", name="Cucumber Scenario", custom=True),
    JiraField(id="customfield_3", name="业务场景", custom=True),
]
DEFAULT = Labels(tuple(FEASIBILITY_LABELS), tuple(SCENARIO_LABELS))
KINDS = Kinds.of(JiraConfig.model_validate({"collector": "jira", "name": "j", "url": "https://jira.example"}))


def made(**fields: Any) -> Issue:
    return Issue.model_validate({"key": "ML-1", "fields": {"issuetype": {"name": "Story"}, **fields}})


def test_fields_are_found_by_the_beginning_of_their_name() -> None:
    fields = FieldMap.of(FIELDS, DEFAULT)
    assert [f.id for f in fields.feasibility] == ["customfield_1"]
    assert [f.id for f in fields.scenario] == ["customfield_3"], "Cucumber Scenario is a test add-on's field"
    assert "customfield_1" in fields.requirement_fields() and "aggregatetimespent" in fields.requirement_fields()
    assert requirement_facts(made(customfield_1="可行"), fields, KINDS).feasibility
    assert not requirement_facts(made(customfield_1="  "), fields, KINDS).feasibility
    assert not requirement_facts(made(customfield_2="Given a customer"), fields, KINDS).scenario
    assert requirement_facts(made(customfield_3={"value": "贷前批量评分"}), fields, KINDS).scenario


def test_sections_in_wiki_markup_and_document_format_alike() -> None:
    wiki = "h3. Context\nwhy\nh3. 可行性评估\n有条件可行\nh3. Notes\nlater"
    adf = {
        "type": "doc",
        "content": [
            {"type": "heading", "attrs": {"level": 3}, "content": [{"type": "text", "text": "可行性评估"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "有条件可行"}]},
        ],
    }
    assert section(wiki, FEASIBILITY_LABELS) == section(adf_text(adf), FEASIBILITY_LABELS) == "有条件可行"
    assert section("*Feasibility:* feasible\nAcceptance criteria: 5 ms", FEASIBILITY_LABELS) == "feasible"
    # a feasibility section ends where a scenario section starts
    assert section("Feasibility:\nfeasible\nUsage scenario: nightly batch", FEASIBILITY_LABELS) == "feasible"
    assert section("Feasibility study pending", FEASIBILITY_LABELS) == "", "a bare line is no section"


@pytest.mark.parametrize(
    ("text", "story"),
    [
        ("As a risk analyst, I want a daily score so that I can call customers first.", True),
        ("作为客户经理，我希望看到推荐理由，以便向客户解释。", True),
        ("作为业务方，我希望……", False),  # ZenTao's template line: no purpose
        ("I want a score so that... as a user", False),  # parts out of order
        ("Has a dashboard; I want it so that it works", False),  # "has a" is not "as a"
    ],
)
def test_user_stories_need_their_three_parts(text: str, story: bool) -> None:
    assert user_story(text) is story
    assert bool(scenario(made(description=text), FieldMap.of([], DEFAULT))) is story


@pytest.mark.parametrize(
    ("fields", "logged"),
    [
        ({"timespent": 3600}, True),
        ({"aggregatetimespent": 1800}, True),  # on a sub-task
        ({"timetracking": {"timeSpentSeconds": 60}}, True),
        ({"timespent": 0, "aggregatetimespent": 0}, False),
        ({"timespent": None, "timetracking": {"originalEstimateSeconds": 3600}}, False),  # an estimate, not a log
        ({"timespent": "a lot"}, False),
    ],
)
def test_time_logged_on_the_issue_or_its_sub_tasks(fields: dict[str, Any], logged: bool) -> None:
    assert time_logged(made(**fields)) is logged

"""The ZenTao probes added for feasibility assessment (P1.RM.RA.02), scenario design (P1.RM.RA.03) and resource
management (P1.RM.PP.02). Recorded REST API v1 answers (fixtures/zentao/acme, the facts written by facts.py from its
tables) served over real HTTP on 127.0.0.1, and the rules on hand-made stories."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import pytest

from evidence_collectors.jira.text import FEASIBILITY_LABELS
from evidence_collectors.records import EvidenceStatus
from evidence_collectors.zentao.figures import Labels, feasibility, scenario, text_lines
from evidence_collectors.zentao.models import Story, Task
from tests.collectors.test_zentao import (
    EXPECTED,
    FIXTURES,
    PASSWORD,
    PASSWORD_ENV,
    TOKEN,
    TOKEN_ENV,
    collect,
    config,
)
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

server = collecting.recorded_server(FIXTURES / "routes.yaml")


def _facts() -> ModuleType:
    """The tables the acme facts were written from (fixtures/zentao/facts.py; the fixtures are not a package)."""
    spec = importlib.util.spec_from_file_location("zentao_fixture_facts", FIXTURES / "facts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


facts = _facts()

NEW = tuple(
    f"zentao.{s}"
    for s in (
        "requirements_with_feasibility_ratio",
        "requirements_with_reviewed_feasibility_ratio",
        "projects_with_feasibility_ratio",
        "projects_with_scenario_ratio",
        "requirements_with_time_logged_ratio",
    )
)


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)


def test_figures_counted_from_the_tables(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme"))
    assert {p: records[p].status for p in NEW} == dict.fromkeys(NEW, EvidenceStatus.ok)
    assert {p: records[p].value for p in NEW} == facts.expected() == {p: EXPECTED[p] for p in NEW}
    # stories 1, 4, 7, 11 by spec section, 2 by its workflow field; 5's section is empty
    assert records["zentao.requirements_with_feasibility_ratio"].summary.startswith(
        "5 of 34 stories opened in the last 180 days"
    )
    assert "none in product #2" in records["zentao.projects_with_feasibility_ratio"].summary
    # stories 1, 3 (hours "2.5"), 26 and 27; 2 has 0 hours, 4's task is deleted, 22 is older than the window
    assert records["zentao.requirements_with_time_logged_ratio"].summary.startswith("4 of 34 stories")


def test_tasks_are_read_per_execution_closed_ones_included(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(config(server.base_url, "acme"))
    asked = sorted((r.path.split("/")[-2], r.query.get("status")) for r in seen if r.path.endswith("/tasks"))
    assert asked == [(str(e), "all") for e in sorted(facts.TASKS)]


def test_the_effort_figure_stands_when_other_listings_fail(server: RecordedHttpServer) -> None:
    """The /partial product: its test cases, bugs and risks fail; its execution's tasks (none) answer."""
    records, _ = collect(config(server.base_url, "partial", sign_in=False))
    assert records["zentao.requirements_with_time_logged_ratio"].status is EvidenceStatus.ok
    assert records["zentao.requirements_with_time_logged_ratio"].value == 0.0
    assert records["zentao.test_cases"].status is not EvidenceStatus.ok


def test_labels_are_configurable(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme", feasibility_labels=["论证"], scenario_labels=["场景描述"]))
    assert records["zentao.requirements_with_feasibility_ratio"].value == 0.0
    # story 2's user story (作为运营人员，我希望…，以便…) still gives product 1 a scenario; 26's 业务场景 no longer
    # counts
    assert records["zentao.projects_with_scenario_ratio"].value == 0.5


# --- the rules on hand-made stories -------------------------------------------------------------------------------

LABELS = Labels.of(FEASIBILITY_LABELS, ["使用场景", "业务场景"])


def made(**fields: Any) -> Story:
    return Story.model_validate({"id": 1, **fields})


def test_rich_text_becomes_lines_with_headings() -> None:
    spec = "<h3 class='x'>可行性结论</h3><p>有条件<b>可行</b></p><ul><li>数据&nbsp;可得</li></ul>说明<br/>完"
    assert text_lines(spec).splitlines() == ["h3. 可行性结论", "有条件可行", "数据 可得", "说明", "完"]


@pytest.mark.parametrize(
    ("fields", "found"),
    [
        ({"spec": "<h3>可行性结论</h3><p>可行</p>"}, "可行"),
        ({"spec": "<p><strong>可行性：</strong>不可行，数据不可得</p>"}, "不可行，数据不可得"),
        ({"spec": "<h3>可行性评估</h3><h3>风险</h3><p>待定</p>"}, ""),  # an empty section
        ({"spec": "<p>可行性很高的需求</p>"}, ""),  # words in a sentence are no section
        ({"feasibilityConclusion": "<p>可行</p>"}, "可行"),  # a workflow field, by its code
        ({"feasibility": "<p>&nbsp;</p>"}, ""),
        ({"feasibility": ["可行"]}, ""),  # not text
        ({"spec": None}, ""),
    ],
)
def test_feasibility_from_spec_sections_or_workflow_fields(fields: dict[str, Any], found: str) -> None:
    assert feasibility(made(**fields), LABELS) == found


def test_scenarios_from_sections_or_whole_user_stories() -> None:
    assert scenario(made(spec="<h4>业务场景</h4><p>贷前批量评分</p>"), LABELS) == "贷前批量评分"
    assert scenario(made(spec="<p>作为风控专员，我希望每日获得评分，以便优先处理高风险客户。</p>"), LABELS)
    assert not scenario(made(spec="<p>作为业务方，我希望……</p>"), LABELS), "the template line without a purpose"
    assert not scenario(made(spec="<h3>场景描述</h3><p>x</p>"), LABELS), "a label the target does not name"


def test_tasks_are_read_loosely() -> None:
    task = Task.model_validate({"id": "7", "story": "3", "consumed": "1.5", "deleted": "0"})
    assert (task.id, task.story, task.consumed, task.deleted) == (7, 3, 1.5, False)
    assert Task.model_validate({"id": 8, "consumed": "NaN", "story": "3,5"}).consumed == 0.0

"""The ZenTao probes added for automated checks of defect handling and performance targets (the same suffixes as
Jira's): bugs assigned to a person, bugs with a severity, an affected build and a test case, and products whose
stories state a model performance target. Recorded REST API v1 answers (fixtures/zentao/acme) served over real HTTP,
and the rules on hand-made items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from evidence_collectors.jira import JiraCollector
from evidence_collectors.records import EvidenceStatus
from evidence_collectors.rest import Pages
from evidence_collectors.zentao import ZentaoCollector
from evidence_collectors.zentao.figures import (
    bug_findings,
    bug_owned,
    graded_and_traced,
    has_precondition,
    has_test_data,
    plan_views,
    product_plan_finding,
    requirement_findings,
)
from evidence_collectors.zentao.models import Bug, Execution, Product, ProductPlan, Story
from evidence_collectors.zentao.models import TestCase as Case
from tests.collectors.test_zentao import FIXTURES, PASSWORD, PASSWORD_ENV, collect, config
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

server = collecting.recorded_server(FIXTURES / "routes.yaml")

NEW = (
    "projects_with_dated_plans_ratio",
    "test_cases_fully_specified_ratio",
    "projects_with_performance_target_ratio",
    "bugs_with_owner_ratio",
    "bugs_with_severity_version_and_test_case_ratio",
)
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
START = NOW - dt.timedelta(days=180)


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def test_each_new_probe_pairs_with_jira_in_type_and_text() -> None:
    jira = {p.id.removeprefix("jira."): p for p in JiraCollector.probes}
    zentao = {p.id.removeprefix("zentao."): p for p in ZentaoCollector.probes}
    for suffix in NEW:
        assert (zentao[suffix].value_type, zentao[suffix].short) == (jira[suffix].value_type, jira[suffix].short)
        assert zentao[suffix].short_zh == jira[suffix].short_zh


def test_figures_on_the_recorded_site(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme"))
    assert all(records[f"zentao.{p}"].status is EvidenceStatus.ok for p in NEW)
    owners = records["zentao.bugs_with_owner_ratio"]
    assert owners.value == round(7 / 9, 4) and owners.summary.startswith("7 of 9 bugs opened in the last 180 days")
    assert records["zentao.bugs_with_severity_version_and_test_case_ratio"].value == round(2 / 9, 4)
    assert records["zentao.projects_with_performance_target_ratio"].value == 1.0
    dated = records["zentao.projects_with_dated_plans_ratio"]
    assert dated.value == 0.0, "execution 106 has zero dates, plan 203 the placeholder date"
    assert dated.summary.endswith("not: #1 推荐模型服务, #2 风控评分模型")
    # 101, 105 (输入数据 in a step) and 201 (read on its own: the listing omits its steps); 104 has no expected results
    assert records["zentao.test_cases_fully_specified_ratio"].value == round(3 / 18, 4)


def bug(**fields: Any) -> Bug:
    return Bug.model_validate({"id": 1, "openedDate": "2026-11-20 10:00:00"} | fields)


def test_a_closed_bug_is_owned_when_it_names_who_handled_it() -> None:
    assert bug_owned(bug(assignedTo={"account": "wangqiang"}))
    assert not bug_owned(bug(assignedTo=""))
    assert bug_owned(bug(status="closed", assignedTo="closed", resolvedBy="wangqiang"))
    assert bug_owned(bug(status="closed", assignedTo="closed", closedBy={"account": "lina"}))
    assert not bug_owned(bug(status="closed", assignedTo="closed", resolvedBy="", closedBy=""))


def test_a_traced_bug_has_severity_a_real_build_and_a_case() -> None:
    assert graded_and_traced(bug(severity="2", openedBuild="5", case=102))
    assert graded_and_traced(bug(severity=1, openedBuild="trunk,7", case="201"))
    assert graded_and_traced(bug(severity=3, openedBuild=[{"id": 4, "name": "v1.2"}], case=9))
    assert not graded_and_traced(bug(severity=3, openedBuild="trunk", case=102)), "trunk: no build chosen"
    assert not graded_and_traced(bug(severity=0, openedBuild="5", case=102)), "not graded"
    assert not graded_and_traced(bug(severity=3, openedBuild="5", case=0)), "no test case"
    assert not graded_and_traced(bug(severity=3, openedBuild="", case=102))
    found = {
        f.probe: f.value for f in bug_findings(Pages(items=[bug(severity=2, openedBuild="5", case=3)]), START, 180)
    }
    assert found["zentao.bugs_with_severity_version_and_test_case_ratio"] == 1.0


def story(sid: int, product: int, verify: str, spec: str = "") -> Story:
    return Story.model_validate(
        {"id": sid, "product": product, "verify": verify, "spec": spec, "openedDate": "2026-11-20 10:00:00"}
    )


def test_every_product_in_scope_counts_also_those_without_stories() -> None:
    stories = [
        story(1, 1, "<ul><li>召回率达到 95%</li></ul>"),
        story(2, 2, "<p>P99 推理延迟 ≤ 200ms</p>", "<p>准确率要高</p>"),  # a latency bound and a metric without a value
        story(3, 2, "", "<p>目标</p><p>AUC 不低于 0.8</p>"),  # a target in the description counts too
        story(4, 4, "<p>召回率达到 95%</p>"),  # a product outside the scope
    ]
    products = [Product(id=1, name="推荐"), Product(id=2, name="风控"), Product(id=3, name="客服")]
    found = {f.probe: f for f in requirement_findings(Pages(items=stories), START, 180, 0, products=products)}
    target = found["zentao.projects_with_performance_target_ratio"]
    assert target.value == round(2 / 3, 4)
    assert target.summary.endswith("none in #3 客服")
    without_target = [story(1, 1, "<p>上线即可</p>")]
    found = {f.probe: f for f in requirement_findings(Pages(items=without_target), START, 180, 0, products=products)}
    assert found["zentao.projects_with_performance_target_ratio"].value == 0.0


def zcase(precondition: Any, *descs: str) -> Case:
    steps = [{"desc": d, "expect": "ok"} for d in descs]
    return Case.model_validate({"id": 1, "precondition": precondition, "steps": steps})


def test_preconditions_and_test_data_of_a_case() -> None:
    both = zcase("<p>模型已注册</p><p>测试数据：留出集 v3</p>")
    assert has_precondition(both) and has_test_data(both)
    only_data = zcase("<p><strong>测试数据：</strong>留出集 v3</p>")
    assert has_test_data(only_data) and not has_precondition(only_data)
    in_step = zcase("<p>服务已部署</p>", "<p>调用接口</p><p>Input data: 100 requests</p>")
    assert has_precondition(in_step) and has_test_data(in_step)
    assert not has_test_data(zcase("<p>服务已部署</p>", "调用接口，数据集照旧"))
    assert not has_precondition(zcase(None)) and not has_precondition(zcase("<p>&nbsp;</p>"))


def test_a_product_needs_counted_plans_all_with_a_planned_end() -> None:
    executions = [
        Execution.model_validate({"id": 1, "status": "doing", "begin": "2026-11-01", "end": "2026-12-15"}),
        Execution.model_validate({"id": 2, "status": "wait", "begin": "2026-12-16", "end": "0000-00-00"}),
    ]
    plans = [ProductPlan.model_validate({"id": 7, "status": "doing", "begin": "2026-11-01", "end": "2026-12-31"})]
    views = plan_views(executions, plans, START)
    by_product = {1: {("execution", 1)}, 2: {("execution", 1), ("execution", 2)}, 3: {("plan", 7)}, 4: set()}
    products = [Product(id=i, name=f"p{i}") for i in (1, 2, 3, 4)]
    found = product_plan_finding(views, by_product, products, (), "u", 180)
    assert found.value == 0.5
    assert found.summary.endswith("not: #2 p2, #4 p4")


@pytest.mark.parametrize("build", [None, 0, "0", "", [None], {"a": 1}, [{"id": {"x": 1}}], True, [False]])
def test_odd_affected_builds_name_no_build(build: Any) -> None:
    assert bug(openedBuild=build).opened_build == []
    assert not graded_and_traced(bug(severity=2, openedBuild=build, case=3))


@pytest.mark.parametrize("severity", [None, "x", {"a": 1}, [1], 9e99, -1, 5])
def test_odd_severities_do_not_grade_a_bug(severity: Any) -> None:
    assert not graded_and_traced(bug(severity=severity, openedBuild="5", case=3))

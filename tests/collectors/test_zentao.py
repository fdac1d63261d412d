"""ZenTao (禅道) collector against recorded REST API v1 answers served by a real HTTP server on 127.0.0.1.

The fixtures (tests/collectors/fixtures/zentao/) hold what each figure is counted from; routes.yaml lists them and
acme/expected.yaml gives the expected figure of every probe, with how it was counted.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from evidence_collectors.base import CollectContext
from evidence_collectors.bundle import write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.secrets import Redactor
from evidence_collectors.zentao import ZentaoCollector
from evidence_collectors.zentao.config import ZentaoConfig
from evidence_collectors.zentao.figures import is_measurable, plain_text
from evidence_collectors.zentao.models import Risk, Story
from evidence_collectors.zentao.models import TestCase as ZentaoCase
from tests.support import collecting
from tests.support.recorded_http import RecordedHttpServer

FIXTURES = Path(__file__).parent / "fixtures" / "zentao"
EXPECTED = yaml.safe_load((FIXTURES / "acme" / "expected.yaml").read_text(encoding="utf-8"))
TOKEN = "zt-preissued-Token-0123456789abcdef"
PASSWORD = "pa55-Word-zentao-SECRET"
ISSUED = json.loads((FIXTURES / "acme" / "token.json").read_text())["token"]  # what POST /tokens answers
TOKEN_ENV = "MLOPS_TEST_ZENTAO_TOKEN"
PASSWORD_ENV = "MLOPS_TEST_ZENTAO_PASSWORD"
SUFFIXES = [
    "projects",
    "requirements",
    "requirements_with_acceptance_criteria_ratio",
    "requirements_with_measurable_criteria_ratio",
    "requirements_reviewed_ratio",
    "requirements_with_owner_ratio",
    "requirements_with_priority_ratio",
    "requirements_with_estimate_ratio",
    "requirements_planned_ratio",
    "requirements_linked_to_test_cases_ratio",
    "requirements_changed_after_review",
    "requirements_reconfirmed_after_change_ratio",
    "requirements_with_feasibility_ratio",
    "requirements_with_reviewed_feasibility_ratio",
    "projects_with_feasibility_ratio",
    "projects_with_scenario_ratio",
    "projects_with_performance_target_ratio",
    "requirements_with_time_logged_ratio",
    "test_cases",
    "test_cases_linked_to_requirement_ratio",
    "test_cases_with_steps_ratio",
    "test_cases_executed_ratio",
    "test_cases_fully_specified_ratio",
    "bugs",
    "bugs_linked_ratio",
    "bugs_with_owner_ratio",
    "bugs_with_severity_version_and_test_case_ratio",
    "plans",
    "plans_with_dates_ratio",
    "plans_closed_on_time_ratio",
    "projects_with_dated_plans_ratio",
    "plan_completion_ratio",
    "risks",
    "risks_project_coverage_ratio",
    "risks_with_owner_and_mitigation_ratio",
    "risks_with_probability_and_impact_ratio",
    "risks_with_category_and_rating_ratio",
    "risks_reviewed_in_window_ratio",
]

server = collecting.recorded_server(FIXTURES / "routes.yaml")


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def config(url: str, scenario: str, *, sign_in: bool = True, **extra: Any) -> ZentaoConfig:
    fields: dict[str, Any] = {
        "collector": "zentao",
        "name": extra.pop("name", f"{scenario}-{'password' if sign_in else 'token'}"),
        "url": f"{url}/{scenario}",
        "page_size": 20,
    }
    if scenario == "acme":
        fields["products"] = [1, "风控评分模型"]
    if sign_in:
        fields |= {"account": "assessor", "password_env": PASSWORD_ENV}
    else:
        fields["token_env"] = TOKEN_ENV
    return collecting.target_config(ZentaoConfig, fields, extra)


def collect(cfg: ZentaoConfig) -> tuple[collecting.Records, CollectContext]:
    return collecting.collect_records(ZentaoCollector, cfg)


def values(records: dict[str, EvidenceRecord]) -> dict[str, Any]:
    return {probe: r.value for probe, r in records.items()}


# --- figures ---------------------------------------------------------------------------------------------------


def test_figures_match_the_expected_file(server: RecordedHttpServer) -> None:
    records, ctx = collect(config(server.base_url, "acme"))
    assert {p: r.status for p, r in records.items()} == dict.fromkeys(records, EvidenceStatus.ok)
    assert values(records) == EXPECTED
    assert "27 of 34 stories opened in the last 180 days (79.4%) state 验收标准" in (
        records["zentao.requirements_with_acceptance_criteria_ratio"].summary
    )
    assert "#1 推荐模型服务, #2 风控评分模型" in records["zentao.projects"].summary
    assert "late" in records["zentao.plans_closed_on_time_ratio"].summary
    assert "execution #102 Sprint 2" in records["zentao.plans_closed_on_time_ratio"].summary
    # every record names the raw answers it was computed from, and they are all stored
    stored = {item.sha256 for item in ctx.raw.items()}
    for record in records.values():
        assert record.raw_sha256 and set(record.raw_sha256) <= stored, record.probe
    # two pages of product 1, one of product 2, 13 single stories (their 验收标准 is not in the listing)
    assert len(records["zentao.requirements"].raw_sha256) == 16
    assert records["zentao.requirements"].source.url.endswith("/acme/api.php/v1/products/{id}/stories")


def test_a_pre_issued_token_gives_the_same_figures(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(config(server.base_url, "acme", sign_in=False))
    assert values(records) == EXPECTED
    assert {r.method for r in seen} == {"GET"}, "no sign-in, read-only"
    assert {r.headers.get("token") for r in seen} == {TOKEN}


def test_signing_in_asks_for_a_token_once_and_sends_it(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(config(server.base_url, "acme"))
    assert (seen[0].method, seen[0].path) == ("POST", "/acme/api.php/v1/tokens")
    assert "token" not in seen[0].headers
    rest = seen[1:]
    assert {r.method for r in rest} == {"GET"}, "the only POST is the sign-in"
    assert {r.headers.get("token") for r in rest} == {ISSUED}
    assert not server.unmatched


def test_listings_are_paged_and_single_items_read_only_when_needed(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        collect(config(server.base_url, "acme"))

    def pages(path: str) -> list[tuple[str, str]]:
        return [
            (r.query.get("page", ""), r.query.get("limit", "")) for r in seen if r.path == f"/acme/api.php/v1{path}"
        ]

    assert pages("/products/1/stories") == [("1", "20"), ("2", "20")]
    assert pages("/products/2/stories") == [("1", "20")]
    assert pages("/products/3/stories") == [], "内部工具 is not in scope"
    single = sorted(int(r.path.rsplit("/", 1)[1]) for r in seen if "/api.php/v1/stories/" in r.path)
    assert single == list(range(26, 39)), "only product 2's stories of the window, whose listing has no 验收标准"
    cases = sorted(int(r.path.rsplit("/", 1)[1]) for r in seen if "/api.php/v1/testcases/" in r.path)
    assert cases == list(range(201, 207))
    executions = sorted(r.path.split("/")[-2] for r in seen if r.path.endswith("/stories") and "/executions/" in r.path)
    assert executions == ["101", "102", "103", "107"], "only finished executions in the window"
    assert not [r for r in seen if r.path.endswith("/products/1/plans")], "product 1 has executions"


def test_the_item_cap_is_said_in_the_summary(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme", max_items=10))
    assert records["zentao.requirements"].value == 20  # the first 10 stories of each product, all in the window
    summary = records["zentao.requirements"].summary
    assert "product 1: stopped at max_items (10); product 2: stopped at max_items (10)" in summary


def test_the_detail_budget_leaves_unread_items_out_and_says_so(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(config(server.base_url, "acme", max_detail_reads=5))
    assert len([r for r in seen if "/api.php/v1/stories/" in r.path or "/api.php/v1/testcases/" in r.path]) == 5
    criteria = records["zentao.requirements_with_acceptance_criteria_ratio"]
    assert " of 26 stories " in criteria.summary and "8 left out" in criteria.summary
    steps = records["zentao.test_cases_with_steps_ratio"]
    assert steps.value == 0.75 and "6 left out" in steps.summary  # 9 of product 1's 12 cases
    assert records["zentao.requirements"].value == 34


def test_window_is_configurable(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme", window_days=31))
    assert records["zentao.requirements"].value == 8  # opened 8 to 30 days ago
    assert records["zentao.bugs"].value == 6
    assert records["zentao.plans"].value == 4  # only the unfinished: executions 104, 106 and plans 202, 203
    assert records["zentao.plans_closed_on_time_ratio"].value == 0.0
    assert "no finished iterations and plans to check" in records["zentao.plans_closed_on_time_ratio"].summary
    assert records["zentao.test_cases"].value == 18, "test cases are not windowed"


# --- faults ------------------------------------------------------------------------------------------------------


def test_each_failing_section_costs_only_its_own_probes(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "partial", sign_in=False))
    status = {probe: r.status for probe, r in records.items()}
    cases = {f"zentao.{s}" for s in SUFFIXES if s.startswith("test_cases")}
    cases.add("zentao.requirements_linked_to_test_cases_ratio")
    bugs = {f"zentao.{s}" for s in SUFFIXES if s.startswith("bugs")}
    risks = {f"zentao.{s}" for s in SUFFIXES if s.startswith("risks")}
    assert {p for p, s in status.items() if s is EvidenceStatus.unavailable} == cases | risks
    assert {p for p, s in status.items() if s is EvidenceStatus.error} == bugs
    assert records["zentao.requirements"].value == 2
    assert records["zentao.requirements_with_measurable_criteria_ratio"].value == 0.5  # NDCG@10 不低于 0.45
    assert records["zentao.plans"].value == 1 and records["zentao.plans_closed_on_time_ratio"].value == 1.0
    assert records["zentao.plan_completion_ratio"].value == 1.0
    assert "HTTP 500" in (records["zentao.test_cases"].reason or "")
    assert (records["zentao.requirements_linked_to_test_cases_ratio"].reason or "").startswith("stories and test cases")
    assert "bugs" in (records["zentao.bugs"].reason or "") and "JSON" in (records["zentao.bugs"].reason or "")
    assert "offers no risk API (HTTP 404" in (records["zentao.risks"].reason or "")
    for record in records.values():
        assert (record.value is None) == (record.status is not EvidenceStatus.ok)


@pytest.mark.parametrize("sign_in", [True, False])
def test_a_refused_token_or_password_makes_every_probe_unavailable(server: RecordedHttpServer, sign_in: bool) -> None:
    records, _ = collect(config(server.base_url, "locked", sign_in=sign_in))
    assert {r.status for r in records.values()} == {EvidenceStatus.unavailable}
    reason = next(iter(records.values())).reason or ""
    assert "HTTP 401" in reason and "not authorised" in reason


def test_a_named_product_that_cannot_be_read_fails_the_target(server: RecordedHttpServer) -> None:
    records, _ = collect(config(server.base_url, "acme", products=[1, "不存在的产品", 99]))
    assert {r.status for r in records.values()} == {EvidenceStatus.error}
    assert "not readable by this account: 不存在的产品, 99" in (records["zentao.projects"].reason or "")


def test_a_listing_that_ignores_the_page_ends(server: RecordedHttpServer) -> None:
    with server.recording() as seen:
        records, _ = collect(config(server.base_url, "stuck", sign_in=False))
    assert records["zentao.projects"].value == 1
    assert "the server sent page 1 again" in records["zentao.projects"].summary
    assert len([r for r in seen if r.path == "/stuck/api.php/v1/products"]) == 2


def test_a_sign_in_answer_of_another_shape_fails_and_its_token_is_not_kept(server: RecordedHttpServer) -> None:
    ctx = CollectContext(raw=RawStore(), redactor=Redactor())
    records = ZentaoCollector().collect(config(server.base_url, "odd"), ctx)
    assert {r.status for r in records} == {EvidenceStatus.error}
    assert "/odd/api.php/v1/tokens" in (records[0].reason or "") and "token" in (records[0].reason or "")
    stored = b"".join(item.body for item in ctx.raw.items())
    assert b'"token": "***"' in stored and b"nested-session" not in stored


def test_secrets_appear_nowhere(server: RecordedHttpServer, tmp_path: Path) -> None:
    collection = collecting.collect_targets(
        ZentaoCollector,
        config(server.base_url, "acme"),
        config(server.base_url, "acme", sign_in=False),
        config(server.base_url, "partial", sign_in=False),
        config(server.base_url, "locked"),
        config(server.base_url, "locked", sign_in=False),
    )
    # the secrets were in play: the token went out, and the servers echoed it back
    assert any(r.headers.get("token") == TOKEN for r in server.seen("/partial/"))
    assert any(r.headers.get("token") == ISSUED for r in server.seen("/acme/"))
    write_bundle(tmp_path, collection)
    written = b"".join(p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file())
    assert "排序模型上线（调试信息：***）".encode() in written, "the echoed token is masked"
    assert b'"token": "***"' in written, "the sign-in answer is stored with its token masked"
    for secret in (TOKEN, ISSUED, PASSWORD):
        assert secret.encode() not in written
        for record in collection.records:
            assert secret not in record.model_dump_json()
    # a reason quoting the targets file quotes no secret either
    cfg = config(server.base_url, "acme", sign_in=False, products=[TOKEN])
    records = ZentaoCollector().collect(cfg, CollectContext(raw=RawStore(), redactor=Redactor()))
    assert {r.reason for r in records} == {
        "products: product(s) named in the targets file not readable by this account: ***"
    }


# --- parsing and rules -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "measurable"),
    [
        ("<p>AUC 不低于 0.82</p>", True),
        ("P99 延迟 ≤ 200ms", True),
        ("召回率达到 95%", True),
        ("响应时间 3 秒内", True),
        ("at least 1000 QPS", True),
        ("数据量 10 万条以上", True),
        ("accuracy &gt;= 0.9", True),
        ("推荐结果更准确", False),
        ("The model should work well on 2 datasets", False),
        ("<p>&nbsp;</p>", False),
    ],
)
def test_measurable_criteria(text: str, measurable: bool) -> None:
    assert is_measurable(text) is measurable


def test_loose_answers_are_read_alike() -> None:
    story = Story.model_validate(
        {
            "id": "7",
            "pri": "2",
            "estimate": "1.5",
            "plan": ",3,5,",
            "reviewedBy": "zhangwei,lina",
            "assignedTo": {"id": 3, "account": "lina", "realname": "李娜"},
            "openedDate": "2026-05-01 10:00:00",
            "reviewedDate": "0000-00-00 00:00:00",
            "deleted": "0",
        }
    )
    assert (story.id, story.pri, story.estimate, story.plan) == (7, 2, 1.5, [3, 5])
    assert (story.reviewed_by, story.assigned_to) == (["zhangwei", "lina"], ["lina"])
    assert story.opened_date == dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)
    assert story.reviewed_date is None and story.deleted is False and story.verify is None
    case = ZentaoCase.model_validate({"id": 1, "steps": {"1": {"desc": "a", "expect": "b"}}, "story": {"id": 4}})
    assert case.steps is not None and case.steps[0].expect == "b" and case.story == 4
    risk = Risk.model_validate({"id": 1, "createdDate": "2026-05-01T10:00:00+08:00", "assignedTo": [{"account": "a"}]})
    assert risk.created_date == dt.datetime(2026, 5, 1, 2, tzinfo=dt.UTC) and risk.assigned_to == ["a"]
    assert plain_text("<p>验收&nbsp;标准</p>\n<br/>") == "验收 标准"


# --- configuration ---------------------------------------------------------------------------------------------


def test_config_defaults_and_refusals() -> None:
    base = {"collector": "zentao", "name": "zt", "url": "https://zentao.example.internal/zentao/"}
    cfg = ZentaoConfig.model_validate(base)
    assert (cfg.url, cfg.window_days, cfg.products, cfg.signs_in) == (
        "https://zentao.example.internal/zentao",
        180,
        [],
        False,
    )
    bad: list[dict[str, Any]] = [
        {"account": "assessor"},  # no password
        {"password_env": PASSWORD_ENV},  # no account
        {"account": "assessor", "password_env": PASSWORD_ENV, "token_env": TOKEN_ENV},  # two ways
        {"username": "assessor", "token_env": TOKEN_ENV},
        {"token": TOKEN},  # inline credentials
        {"password": PASSWORD},
        {"window_days": 0},
        {"products": [0]},
    ]
    for extra in bad:
        with pytest.raises(ValidationError) as caught:
            ZentaoConfig.model_validate({**base, **extra})
        assert TOKEN not in str(caught.value) and PASSWORD not in str(caught.value)


def test_probe_catalogue_is_complete_and_shares_the_tracker_suffixes() -> None:
    collecting.assert_catalogue_complete(ZentaoCollector, "zentao.")
    assert ZentaoCollector.probe_ids() == [f"zentao.{s}" for s in SUFFIXES]
    assert ZentaoCollector.system == "issue_tracker" and ZentaoCollector.version == "1.0.0"
    assert set(EXPECTED) == set(ZentaoCollector.probe_ids())

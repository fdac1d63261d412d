"""What a Jira target names: the site, the projects, the time window and which issue types count as what.

Jira Cloud takes an account's e-mail address with an API token as HTTP basic auth (set `username`); Jira Server and
Data Center take a personal access token as a bearer token (leave `username` unset).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from evidence_collectors.config import HttpTargetConfig
from evidence_collectors.jira.text import FEASIBILITY_LABELS, SCENARIO_LABELS

CLOUD_HOSTS = (".atlassian.net", ".jira.com")

Name = Annotated[str, Field(min_length=1, max_length=200)]

REQUIREMENT_TYPES = ["Story", "Requirement", "Epic", "需求", "用户故事", "故事"]
TEST_CASE_TYPES = ["Test", "Test Case", "测试用例", "测试"]
TEST_EXECUTION_TYPES = ["Test Execution", "Test Run", "测试执行"]
BUG_TYPES = ["Bug", "Defect", "缺陷", "故障"]
RISK_TYPES = ["Risk", "风险"]
REVIEW_STATUSES = [
    "Approved",
    "Accepted",
    "Reviewed",
    "Signed off",
    "Sign-off",
    "已评审",
    "评审通过",
    "已确认",
    "已批准",
    "已验收",
]
RESULT_STATUSES = ["Passed", "Failed", "Pass", "Fail", "通过", "失败", "已通过", "未通过"]


class JiraConfig(HttpTargetConfig):
    projects: list[Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=100)]] = Field(
        default_factory=list, description="Project keys to read; empty: every readable project, up to max_projects"
    )
    api_version: Literal["auto", "2", "3"] = Field(
        default="auto",
        description="REST API version: 3 (Jira Cloud), 2 (Jira Server / Data Center); auto: 3 when serverInfo says "
        "deploymentType Cloud",
    )
    search: Literal["auto", "jql", "classic"] = Field(
        default="auto",
        description="Issue search: jql (/rest/api/3/search/jql with nextPageToken, Cloud), classic (/search with "
        "startAt); auto: jql on Cloud, classic elsewhere",
    )
    window_days: Annotated[
        int, Field(ge=1, le=3660, description="Issues created / sprints ended in the last N days")
    ] = 180
    requirement_types: list[Name] = Field(
        default_factory=lambda: list(REQUIREMENT_TYPES), description="Issue types that are requirements (any case)"
    )
    test_case_types: list[Name] = Field(
        default_factory=lambda: list(TEST_CASE_TYPES), description="Issue types that are test cases (any case)"
    )
    test_execution_types: list[Name] = Field(
        default_factory=lambda: list(TEST_EXECUTION_TYPES),
        description="Issue types that record a test run; a test case linked to one counts as executed",
    )
    bug_types: list[Name] = Field(default_factory=lambda: list(BUG_TYPES), description="Issue types that are bugs")
    risk_types: list[Name] = Field(default_factory=lambda: list(RISK_TYPES), description="Issue types that are risks")
    review_statuses: list[Name] = Field(
        default_factory=lambda: list(REVIEW_STATUSES),
        description="A requirement counts as reviewed once its status changed into one whose name contains one of "
        "these",
    )
    result_statuses: list[Name] = Field(
        default_factory=lambda: list(RESULT_STATUSES),
        description="A test case whose status name contains one of these has a recorded execution result",
    )
    feasibility_labels: list[Name] = Field(
        default_factory=lambda: list(FEASIBILITY_LABELS),
        description="A requirement records a feasibility conclusion in a custom field whose name begins with one of "
        "these, or in a description section so headed (any case)",
    )
    scenario_labels: list[Name] = Field(
        default_factory=lambda: list(SCENARIO_LABELS),
        description="A requirement carries a scenario description in a custom field whose name begins with one of "
        "these, or in a description section so headed (any case), or as a user story (as a ..., I want ..., so that "
        "...)",
    )
    max_projects: Annotated[int, Field(ge=1, le=10_000, description="Projects read at most")] = 50
    max_issues: Annotated[int, Field(ge=1, le=1_000_000, description="Issues read per search at most")] = 5_000
    max_sprints: Annotated[int, Field(ge=1, le=100_000, description="Closed sprints whose issues are read at most")] = (
        200
    )
    page_size: Annotated[int, Field(ge=1, le=1000, description="Items asked for per page (servers may send fewer)")] = (
        100
    )
    max_changelog_reads: Annotated[
        int, Field(ge=0, le=100_000, description="Issues whose long changelog is read separately, at most")
    ] = 500

    @model_validator(mode="after")
    def _cloud_token_needs_user(self) -> JiraConfig:
        host = self.url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0].lower()
        if (self.token_env or self.token_file) and not self.username and host.endswith(CLOUD_HOSTS):
            raise ValueError(
                "Jira Cloud takes an API token with the account's e-mail address (basic auth): set username"
            )
        return self

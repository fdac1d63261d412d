"""The parts of Jira REST API (platform v2/v3, Agile 1.0) responses the probes read; unknown fields are ignored,
missing required ones are reported as an unexpected response rather than guessed.

Custom fields (acceptance criteria, story points, sprint, risk fields) have site-specific ids (customfield_10042),
so issue fields keep every field they were sent; `IssueFields.value(id)` reads one by the id found in /field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def aware(moment: dt.datetime) -> dt.datetime:
    """A time without an offset (a bare date) is taken as UTC so it compares with the others."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


SPRINT_SCHEMA = "com.pyxis.greenhopper.jira:gh-sprint"
When = Annotated[dt.datetime, AfterValidator(aware)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class ServerInfo(_Model):
    version: str = ""
    deployment_type: str = Field(default="", alias="deploymentType")  # Cloud | Server | DataCenter

    @property
    def cloud(self) -> bool:
        return self.deployment_type.lower() == "cloud"


class Project(_Model):
    id: str
    key: str
    name: str = ""


class ProjectPage(_Model):
    """GET /rest/api/3/project/search (Cloud)."""

    values: list[Project] = Field(default_factory=list)
    is_last: bool | None = Field(default=None, alias="isLast")
    total: int | None = None


class FieldSchema(_Model):
    type: str = ""
    custom: str | None = None  # e.g. com.pyxis.greenhopper.jira:gh-sprint


class JiraField(_Model):
    id: str
    name: str
    custom: bool = False
    schema_: FieldSchema | None = Field(default=None, alias="schema")

    @property
    def is_sprint(self) -> bool:
        """Jira Software's Sprint field (its name may be translated, its schema is not)."""
        by_schema = self.schema_ is not None and self.schema_.custom == SPRINT_SCHEMA
        return by_schema or (self.custom and self.name.strip().lower() in ("sprint", "迭代", "冲刺"))


class Named(_Model):
    name: str = ""


class StatusCategory(_Model):
    key: str = ""  # new | indeterminate | done


class Status(_Model):
    name: str = ""
    category: StatusCategory | None = Field(default=None, alias="statusCategory")

    @property
    def done(self) -> bool:
        return self.category is not None and self.category.key == "done"


class LinkedFields(_Model):
    issuetype: Named | None = None
    status: Status | None = None


class LinkedIssue(_Model):
    key: str = ""
    fields: LinkedFields | None = None

    @property
    def type_name(self) -> str:
        return self.fields.issuetype.name if self.fields and self.fields.issuetype else ""


class IssueLink(_Model):
    type: Named | None = None
    inward: LinkedIssue | None = Field(default=None, alias="inwardIssue")
    outward: LinkedIssue | None = Field(default=None, alias="outwardIssue")

    @property
    def other(self) -> LinkedIssue | None:
        return self.inward or self.outward


class ChangeItem(_Model):
    field: str = ""
    field_id: str | None = Field(default=None, alias="fieldId")  # Cloud only
    from_string: str | None = Field(default=None, alias="fromString")
    to_string: str | None = Field(default=None, alias="toString")


class History(_Model):
    created: When
    items: list[ChangeItem] = Field(default_factory=list)


class Changelog(_Model):
    """The changelog embedded by expand=changelog: possibly only the newest histories (total says how many exist)."""

    start_at: int = Field(default=0, alias="startAt")
    max_results: int = Field(default=0, alias="maxResults")
    total: int = 0
    histories: list[History] = Field(default_factory=list)

    @property
    def partial(self) -> bool:
        return self.total > len(self.histories)


class ChangelogPage(_Model):
    """GET /rest/api/3/issue/{key}/changelog (Cloud)."""

    values: list[History] = Field(default_factory=list)
    is_last: bool | None = Field(default=None, alias="isLast")
    total: int | None = None


class IssueFields(_Model):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    issuetype: Named | None = None
    status: Status | None = None
    assignee: Any = None  # a user object, or null when unassigned
    priority: Named | None = None
    created: When | None = None
    updated: When | None = None
    resolutiondate: When | None = None
    timeoriginalestimate: float | None = None
    timespent: Any = None  # seconds logged on the issue (read loosely: a wrong type costs only this fact)
    aggregatetimespent: Any = None  # seconds logged on the issue and its sub-tasks
    timetracking: Any = None  # {"timeSpentSeconds": ...} where the field is asked for by name
    fix_versions: list[Any] | None = Field(default=None, alias="fixVersions")
    versions: list[Any] | None = None  # Affects Version/s
    issuelinks: list[IssueLink | None] | None = None
    description: Any = None  # wiki markup text (v2), an Atlassian Document Format document (v3), or None

    def value(self, field_id: str | None) -> Any:
        """A custom field's raw value by id; None when the field is unknown or not sent."""
        if not field_id:
            return None
        return (self.model_extra or {}).get(field_id)


class Issue(_Model):
    id: str = ""
    key: str
    fields: IssueFields = Field(default_factory=IssueFields)
    changelog: Changelog | None = None

    @property
    def type_name(self) -> str:
        return self.fields.issuetype.name if self.fields.issuetype else ""

    @property
    def links(self) -> list[IssueLink]:
        return [link for link in self.fields.issuelinks or [] if link is not None]


class SearchPage(_Model):
    """GET /rest/api/{2|3}/search (startAt paging) or /rest/agile/1.0/sprint/{id}/issue."""

    start_at: int = Field(default=0, alias="startAt")
    max_results: int = Field(default=0, alias="maxResults")
    total: int | None = None
    issues: list[Issue] = Field(default_factory=list)


class JqlPage(_Model):
    """GET /rest/api/3/search/jql (Cloud: nextPageToken paging, no total)."""

    issues: list[Issue] = Field(default_factory=list)
    next_page_token: str | None = Field(default=None, alias="nextPageToken")
    is_last: bool | None = Field(default=None, alias="isLast")


class Board(_Model):
    id: int
    name: str = ""
    type: str = ""  # scrum | kanban | simple


class BoardPage(_Model):
    values: list[Board] = Field(default_factory=list)
    is_last: bool | None = Field(default=None, alias="isLast")
    total: int | None = None


class Sprint(_Model):
    id: int
    name: str = ""
    state: str = ""  # future | active | closed
    start: When | None = Field(default=None, alias="startDate")
    end: When | None = Field(default=None, alias="endDate")
    complete: When | None = Field(default=None, alias="completeDate")


class SprintPage(_Model):
    values: list[Sprint] = Field(default_factory=list)
    is_last: bool | None = Field(default=None, alias="isLast")
    total: int | None = None

"""The parts of Grafana HTTP API answers the probes read; dashboards are free-form JSON, so every field is lenient."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Keys under which data-source queries keep their text: PromQL/LogQL `expr`, SQL `rawSql`, Graphite `target`,
# InfluxQL/Elasticsearch/Flux `query`, CloudWatch/Azure `expression`/`queryText`.
QUERY_KEYS = ("expr", "rawSql", "query", "target", "expression", "queryText")


class _Api(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def query_text(query: dict[str, Any]) -> str:
    """The query language text of one panel target or alert query, whatever the data source."""
    return "\n".join(t for key in QUERY_KEYS if (t := _text(query.get(key))))


class Health(_Api):
    version: str = ""
    commit: str = ""
    database: str = ""


class SearchHit(_Api):
    uid: str
    title: str = ""
    folder_title: str = Field(default="", alias="folderTitle")
    tags: list[str] = Field(default_factory=list)


class Panel(_Api):
    title: str = ""
    type: str = ""
    description: str = ""  # the panel's own explanation of what it shows
    targets: list[dict[str, Any]] = Field(default_factory=list)
    panels: list[Panel] = Field(default_factory=list)  # a collapsed row keeps its panels inside

    @field_validator("title", "type", "description", mode="before")
    @classmethod
    def _str(cls, value: Any) -> str:
        return _text(value)

    @field_validator("targets", "panels", mode="before")
    @classmethod
    def _list(cls, value: Any) -> list[Any]:
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    def queries(self) -> str:
        return "\n".join(t for target in self.targets if (t := query_text(target)))


class Row(_Api):
    """Dashboards from before schema version 16 keep panels in rows."""

    panels: list[Panel] = Field(default_factory=list)


class Variable(_Api):
    name: str = ""
    label: str = ""
    query: Any = None

    @field_validator("name", "label", mode="before")
    @classmethod
    def _str(cls, value: Any) -> str:
        return _text(value)

    def text(self) -> str:
        query = self.query.get("query", "") if isinstance(self.query, dict) else self.query
        return f"{self.name} {self.label} {_text(query)}"


class Templating(_Api):
    variables: list[Variable] = Field(default_factory=list, alias="list")


class Dashboard(_Api):
    uid: str = ""
    title: str = ""
    tags: list[str] = Field(default_factory=list)
    panels: list[Panel] = Field(default_factory=list)
    rows: list[Row] = Field(default_factory=list)
    templating: Templating = Field(default_factory=Templating)

    @field_validator("panels", "rows", mode="before")
    @classmethod
    def _list(cls, value: Any) -> list[Any]:
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    def all_panels(self) -> list[Panel]:
        """Every panel, including those inside collapsed rows and legacy rows; row panels themselves left out."""
        found: list[Panel] = []
        stack = [*self.panels, *(p for row in self.rows for p in row.panels)]
        while stack:
            panel = stack.pop(0)
            if panel.type != "row":
                found.append(panel)
            stack += panel.panels
        return found


class DashboardMeta(_Api):
    provisioned: bool = False
    folder_title: str = Field(default="", alias="folderTitle")


class DashboardDoc(_Api):
    """GET /api/dashboards/uid/:uid answers with the dashboard JSON model and Grafana's metadata about it."""

    dashboard: Dashboard
    meta: DashboardMeta = Field(default_factory=DashboardMeta)


class AlertQuery(_Api):
    ref_id: str = Field(default="", alias="refId")
    datasource_uid: str = Field(default="", alias="datasourceUid")
    model: dict[str, Any] = Field(default_factory=dict)


class AlertRule(_Api):
    """A Grafana-managed rule as the provisioning API returns it (`record` set for recording rules, Grafana 11+)."""

    uid: str = ""
    title: str = ""
    rule_group: str = Field(default="", alias="ruleGroup")
    data: list[AlertQuery] = Field(default_factory=list)
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None
    is_paused: bool = Field(default=False, alias="isPaused")
    record: dict[str, Any] | None = None

    def queries(self) -> str:
        """Text of the data queries; server-side expressions (`__expr__`: math, reduce, threshold) are left out."""
        return "\n".join(t for q in self.data if q.datasource_uid != "__expr__" and (t := query_text(q.model)))

    def keys(self) -> dict[str, str]:
        return {**(self.annotations or {}), **(self.labels or {})}


class DataSource(_Api):
    name: str = ""
    type: str = ""
    is_default: bool = Field(default=False, alias="isDefault")


class Annotation(_Api):
    id: int | None = None
    time: int | None = None
    tags: list[str] = Field(default_factory=list)


class ReportSchedule(_Api):
    frequency: str = ""  # once | hourly | daily | weekly | monthly | custom


class ReportDashboardRef(_Api):
    uid: str = ""
    name: str = ""


class ReportDashboard(_Api):
    dashboard: ReportDashboardRef = Field(default_factory=ReportDashboardRef)


class Report(_Api):
    """A report of Grafana Enterprise's Reporting feature as GET /api/reports lists it (recipients are not read)."""

    id: int | None = None
    name: str = ""
    state: str = ""  # e.g. scheduled, paused, expired, not scheduled, draft
    schedule: ReportSchedule = Field(default_factory=ReportSchedule)
    dashboards: list[ReportDashboard] = Field(default_factory=list)

"""The parts of Prometheus HTTP API answers the probes read (fields Prometheus adds later are ignored)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Api(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Envelope(_Api):
    """Every answer: `status` success|error, `data`, and on error `errorType` and `error`."""

    status: Literal["success", "error"]
    data: Any = None
    error_type: str = Field(default="", alias="errorType")
    error: str = ""


class BuildInfo(_Api):
    version: str = ""
    revision: str = ""


class ScrapeTarget(_Api):
    labels: dict[str, str] = Field(default_factory=dict)
    scrape_pool: str = Field(default="", alias="scrapePool")
    scrape_url: str = Field(default="", alias="scrapeUrl")
    health: str = "unknown"  # up | down | unknown
    last_error: str = Field(default="", alias="lastError")

    @property
    def job(self) -> str:
        return self.labels.get("job", self.scrape_pool)

    @property
    def instance(self) -> str:
        return self.labels.get("instance", "")

    @property
    def key(self) -> tuple[str, str]:
        return self.job, self.instance


class TargetDiscovery(_Api):
    active_targets: list[ScrapeTarget] = Field(default_factory=list, alias="activeTargets")


class AlertmanagerDiscovery(_Api):
    active: list[dict[str, Any]] = Field(default_factory=list, alias="activeAlertmanagers")


class Rule(_Api):
    name: str
    query: str = ""
    type: Literal["alerting", "recording"]
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    health: str = "unknown"  # ok | err | unknown
    last_error: str = Field(default="", alias="lastError")
    state: str = ""  # alerting rules: firing | pending | inactive


class RuleGroup(_Api):
    name: str
    file: str = ""
    rules: list[Rule] = Field(default_factory=list)


class RuleDiscovery(_Api):
    groups: list[RuleGroup] = Field(default_factory=list)
    group_next_token: str = Field(default="", alias="groupNextToken")  # Prometheus >= 3.1 when group_limit is sent


class ActiveAlert(_Api):
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    state: str = ""  # firing | pending

    @property
    def name(self) -> str:
        return self.labels.get("alertname", "")


class AlertList(_Api):
    alerts: list[ActiveAlert] = Field(default_factory=list)


class Sample(_Api):
    metric: dict[str, str] = Field(default_factory=dict)
    value: tuple[float, str] | None = None


class QueryData(_Api):
    result_type: str = Field(alias="resultType")
    result: list[Sample] = Field(default_factory=list)


class RangeSeries(_Api):
    """One series of a range query: its labels and its [unix time, "value"] points."""

    metric: dict[str, str] = Field(default_factory=dict)
    values: list[tuple[float, str]] = Field(default_factory=list)


class RangeData(_Api):
    result_type: str = Field(alias="resultType")
    result: list[RangeSeries] = Field(default_factory=list)

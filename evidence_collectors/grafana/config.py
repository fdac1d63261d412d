"""Settings of a Grafana target: page sizes and guards, the model-metric pattern, deployment annotation tags."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

from evidence_collectors.config import HttpTargetConfig
from evidence_collectors.model_metrics import ModelMetricPattern, compiled_pattern


class GrafanaConfig(HttpTargetConfig):
    """A Grafana instance, read with a service account token (Viewer role is enough for every probe)."""

    page_size: Annotated[
        int, Field(ge=1, le=5000, description="Dashboards per search page (Grafana's maximum 5000)")
    ] = 1000
    max_pages: Annotated[int, Field(ge=1, le=10_000, description="Guard on followed search pages")] = 100
    max_dashboards: Annotated[int, Field(ge=1, le=100_000, description="Guard on dashboards read one by one")] = 2000
    model_metric_pattern: ModelMetricPattern = None
    owner_keys: list[str] = Field(
        default=["owner", "team", "oncall", "on_call", "contact", "service_owner"],
        description="Alert rule labels or annotations that name who owns an alert",
    )
    annotation_tags: list[str] = Field(
        default=["deploy", "deployment", "release"], description="Tags that mark deployment annotations"
    )
    annotation_window_days: Annotated[int, Field(ge=1, le=3650)] = 90
    annotation_limit: Annotated[int, Field(ge=1, le=100_000)] = 5000

    def extra_pattern(self) -> re.Pattern[str] | None:
        return compiled_pattern(self.model_metric_pattern)

"""Settings of a Prometheus target: which labels name a model and its version, and how far back to look."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator

from evidence_collectors.config import HttpTargetConfig
from evidence_collectors.model_metrics import ModelMetricPattern, compiled_pattern

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class PrometheusConfig(HttpTargetConfig):
    """A Prometheus server (or a Prometheus-compatible API such as Thanos Query or Mimir's /prometheus prefix)."""

    metric_window_h: Annotated[
        float,
        Field(
            gt=0, le=24 * 90, description="Metric names count as present when they had samples within this many hours"
        ),
    ] = 24.0
    model_metric_pattern: ModelMetricPattern = None
    model_name_labels: list[str] = Field(
        default=["model_name", "model", "model_id", "inference_service", "isvc", "deployment_name", "predictor_name"],
        description="Labels that carry the model name on model metrics",
    )
    model_version_labels: list[str] = Field(
        default=["model_version", "version", "model_revision", "revision"],
        description="Labels that carry the model version on model metrics",
    )
    owner_keys: list[str] = Field(
        default=["owner", "team", "oncall", "on_call", "contact", "service_owner"],
        description="Rule labels or annotations that name who owns an alert",
    )
    rules_page_size: Annotated[int, Field(ge=1, le=10_000)] = 500
    max_pages: Annotated[int, Field(ge=1, le=10_000, description="Guard on followed rule-group pages")] = 200
    max_series_queries: Annotated[
        int,
        Field(
            ge=1,
            le=10_000,
            description="Instant queries (100 model metric names each) run to read model labels; names beyond are "
            "left out and the summary says so",
        ),
    ] = 50

    alert_history_h: Annotated[
        float,
        Field(
            gt=0,
            le=24 * 90,
            description="Alert history (the ALERTS series) and alert notifications are read over this many hours",
        ),
    ] = 168.0
    alert_history_step_s: Annotated[
        float | None,
        Field(
            ge=0.1,
            le=86_400,
            description="Resolution of the alert history, seconds; by default the window / 10,000, at least 60 s (a "
            "coarser step is used when this one would ask for more than 10,000 points per series)",
        ),
    ] = None
    flap_min_episodes: Annotated[
        int, Field(ge=2, le=1000, description="Firing episodes in the window from which an alert counts as flapping")
    ] = 3

    def history_step_s(self) -> float:
        """The step of the alert-history range query: the configured one or the default, never > 10,000 points."""
        window_s = self.alert_history_h * 3600
        return max(self.alert_history_step_s or 60.0, window_s / 10_000)

    @field_validator("model_name_labels", "model_version_labels")
    @classmethod
    def _label_names(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not LABEL_NAME.match(v) or v.startswith("__")]
        if bad:
            raise ValueError(f"not Prometheus label names: {', '.join(bad)}")
        return value

    def extra_pattern(self) -> re.Pattern[str] | None:
        return compiled_pattern(self.model_metric_pattern)

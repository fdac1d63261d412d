"""Evidently report files, in each format Evidently writes, read into one shape: when, which model, what drift was
checked and found, and whether model quality was measured.

Formats (detected from the JSON, not the file name):
- snapshot (Evidently >= 0.7, `Snapshot.dumps()`, what a workspace stores): `timestamp`, `metadata`, `tags`,
  `metric_results` {id: result}, `top_level_metrics` [id]; each result names its metric in
  `metric_value_location.metric.params` (`type` such as `evidently:metric_v2:DriftedColumnsCount`, `column`, ...).
- metrics (Evidently >= 0.7, `Snapshot.save_json()` / `.json()`): `metrics` [{`config` {type, ...}, `value`}] and
  `tests`; no date and no metadata, so the file's modification time dates it.
- legacy report (Evidently < 0.7, `Report.json()`): `metrics` [{`metric`: name, `result`: {...}}], `timestamp`.
- legacy snapshot (Evidently < 0.7, `Report.save()`): `timestamp`, `metadata`, `tags`, `suite` {`metrics` [{type}],
  `metric_results` [{...}]} in the same order.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Format = Literal["snapshot", "metrics", "legacy report", "legacy snapshot"]

# Evidently >= 0.7 metric classes and Evidently < 0.7 metric classes that test for drift
DRIFT_METRICS = frozenset(
    {
        "DriftedColumnsCount",
        "ValueDrift",
        "EmbeddingsDrift",
        "DatasetDriftMetric",
        "DataDriftTable",
        "ColumnDriftMetric",
        "EmbeddingsDriftMetric",
        "TextDescriptorsDriftMetric",
    }
)
# ... and that measure model quality against actual outcomes (the Dummy* baselines of 0.7 are not)
PERFORMANCE_METRIC = re.compile(
    r"^(Accuracy|Precision|Recall|F1Score|F1ByLabel|PrecisionByLabel|RecallByLabel|RocAuc|RocAucByLabel|LogLoss"
    r"|TPR|TNR|FPR|FNR|MAE|MAPE|RMSE|MeanError|AbsMaxError|R2Score|NDCG|MAP|MRR|HitRate|FBetaTopK|PrecisionTopK"
    r"|RecallTopK|ClassificationQuality\w*|RegressionQuality\w*|RegressionPerformanceMetrics|\w+TopKMetric"
    r"|(NDCG|MAP|MAR|MRR|HitRate)KMetric)$"
)


class ReportError(ValueError):
    """A file that is not a usable Evidently report; the message says why."""


class EvidentlyReport(BaseModel):
    """One report as evidence. `when` is timezone-aware (a naive Evidently timestamp is taken as UTC)."""

    model_config = ConfigDict(frozen=True)

    file: str
    format: Format
    when: dt.datetime
    dated_by_file: bool
    model: str
    drift_metrics: list[str] = Field(default_factory=list)
    drift_columns: list[str] = Field(default_factory=list)
    drifted_columns: int | None = None
    drifted_share: float | None = None
    dataset_drift: bool | None = None
    performance_metrics: list[str] = Field(default_factory=list)

    @property
    def is_drift(self) -> bool:
        return bool(self.drift_metrics)


# --- the formats -----------------------------------------------------------------------------------------------------


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Single(_Shape):
    value: Any = None


class _MetricRef(_Shape):
    params: dict[str, Any]


class _Location(_Shape):
    metric: _MetricRef


class _V2Result(_Shape):
    metric_value_location: _Location
    value: Any = None
    count: _Single | None = None
    share: _Single | None = None


class _V2Snapshot(_Shape):
    timestamp: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    tags: list[Any] = Field(default_factory=list)
    metric_results: dict[str, _V2Result]
    top_level_metrics: list[str]


class _V2Metric(_Shape):
    config: dict[str, Any]
    value: Any = None


class _V2Metrics(_Shape):
    metrics: list[_V2Metric]


class _LegacyMetric(_Shape):
    metric: str
    result: dict[str, Any]


class _LegacyReport(_Shape):
    metrics: list[_LegacyMetric]
    timestamp: str | None = None


class _LegacySuite(_Shape):
    metrics: list[dict[str, Any]]
    metric_results: list[dict[str, Any]]


class _LegacySnapshot(_Shape):
    timestamp: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    tags: list[Any] = Field(default_factory=list)
    suite: _LegacySuite


Entry = tuple[str, dict[str, Any], Any]  # metric class, its parameters or result, its value (format >= 0.7)


def _validated(model: type[_Shape], value: dict[str, Any], what: str) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ReportError(f"an Evidently {what} with a bad field {where}: {first['msg']}") from None


def _short(kind: Any) -> str:
    return str(kind).rsplit(":", 1)[-1] if isinstance(kind, str) else ""


def _detect(value: dict[str, Any]) -> Format:
    if "metric_results" in value and "top_level_metrics" in value:
        return "snapshot"
    if isinstance(value.get("suite"), dict):
        return "legacy snapshot"
    metrics = value.get("metrics")
    if isinstance(metrics, list) and metrics and isinstance(metrics[0], dict):
        if "metric" in metrics[0] and "result" in metrics[0]:
            return "legacy report"
        if "config" in metrics[0]:
            return "metrics"
    if isinstance(metrics, list) and not metrics and "tests" in value:
        return "metrics"
    raise ReportError("not an Evidently report or snapshot (no metric_results, suite or metrics list of a known shape)")


def _entries(fmt: Format, value: dict[str, Any]) -> tuple[list[Entry], str | None, dict[str, Any], list[Any]]:
    """The metrics of a report as (class, parameters or result, value), and its timestamp, metadata and tags."""
    if fmt == "snapshot":
        snap: _V2Snapshot = _validated(_V2Snapshot, value, "snapshot")
        entries: list[Entry] = []
        for mid in snap.top_level_metrics:
            result = snap.metric_results.get(mid)
            if result is None:
                raise ReportError(f"an Evidently snapshot whose top-level metric {mid[:40]} has no result")
            params = result.metric_value_location.metric.params
            counted = (
                {"count": result.count.value, "share": result.share.value} if result.count and result.share else None
            )
            entries.append((_short(params.get("type")), params, counted if counted else result.value))
        return entries, snap.timestamp, snap.metadata, snap.tags
    if fmt == "metrics":
        listed: _V2Metrics = _validated(_V2Metrics, value, "metrics file")
        return [(_short(m.config.get("type")), m.config, m.value) for m in listed.metrics], None, {}, []
    if fmt == "legacy report":
        report: _LegacyReport = _validated(_LegacyReport, value, "legacy report")
        return [(m.metric, m.result, None) for m in report.metrics], report.timestamp, {}, []
    legacy: _LegacySnapshot = _validated(_LegacySnapshot, value, "legacy snapshot")
    if len(legacy.suite.metrics) != len(legacy.suite.metric_results):
        raise ReportError(
            f"an Evidently legacy snapshot with {len(legacy.suite.metrics)} metrics but "
            f"{len(legacy.suite.metric_results)} results"
        )
    pairs = zip(legacy.suite.metrics, legacy.suite.metric_results, strict=True)
    return [(_short(m.get("type")), r, None) for m, r in pairs], legacy.timestamp, legacy.metadata, legacy.tags


# --- reading one file ------------------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _when(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(text))
    except ValueError:
        raise ReportError(f"an Evidently report whose timestamp is not a date: {str(text)[:40]!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _model(metadata: dict[str, Any], tags: Iterable[Any], keys: Sequence[str], folder: str | None) -> str:
    for key in keys:
        named = metadata.get(key)
        if isinstance(named, str | int) and not isinstance(named, bool) and str(named).strip():
            return str(named).strip()[:200]
    for tag in tags:
        found = re.fullmatch(r"model[:=]\s*(\S.{0,199})", tag) if isinstance(tag, str) else None
        if found:
            return found.group(1)
    return folder or "(unnamed)"


def parse(
    data: bytes,
    file: str,
    modified: dt.datetime,
    model_keys: Sequence[str],
    folder: str | None,
) -> EvidentlyReport:
    """One report from a file's bytes; ReportError saying what is wrong with it."""
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ReportError(f"not UTF-8 text (byte offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise ReportError("JSON nested too deeply to be an Evidently report") from None
    if not isinstance(value, dict):
        raise ReportError(f"not an Evidently report (expected a JSON object, found {type(value).__name__})")
    fmt = _detect(value)
    entries, stamp, metadata, tags = _entries(fmt, value)
    when = _when(stamp)
    drift = [kind for kind, _, _ in entries if kind in DRIFT_METRICS]
    columns: list[str] = []
    drifted: int | None = None
    share: float | None = None
    dataset: bool | None = None
    for kind, fields, counted in entries:
        if kind == "DriftedColumnsCount" and isinstance(counted, dict):
            count, part = _number(counted.get("count")), _number(counted.get("share"))
            threshold = _number(fields.get("drift_share"))
            drifted = int(count) if count is not None else drifted
            share = part if part is not None else share
            if part is not None:
                dataset = part >= (threshold if threshold is not None else 0.5)
            listed = fields.get("columns")
            columns += [str(c) for c in listed] if isinstance(listed, list) else []
        elif kind == "ValueDrift" and isinstance(fields.get("column"), str):
            columns.append(fields["column"])
        elif kind in ("DatasetDriftMetric", "DataDriftTable"):
            drifted = int(n) if (n := _number(fields.get("number_of_drifted_columns"))) is not None else drifted
            share = part if (part := _number(fields.get("share_of_drifted_columns"))) is not None else share
            dataset = fields["dataset_drift"] if isinstance(fields.get("dataset_drift"), bool) else dataset
            by_column = fields.get("drift_by_columns")
            columns += [str(c) for c in by_column] if isinstance(by_column, dict) else []
        elif kind == "ColumnDriftMetric" and isinstance(fields.get("column_name"), str):
            columns.append(fields["column_name"])
    return EvidentlyReport(
        file=file,
        format=fmt,
        when=when or modified,
        dated_by_file=when is None,
        model=_model(metadata, tags, model_keys, folder),
        drift_metrics=sorted(set(drift)),
        drift_columns=sorted(set(columns)),
        drifted_columns=drifted,
        drifted_share=share,
        dataset_drift=dataset,
        performance_metrics=sorted({kind for kind, _, _ in entries if PERFORMANCE_METRIC.match(kind)}),
    )

"""Facts about model metrics: which exist, from which model servers, for which models and versions, from which
scrape targets."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from evidence_collectors import model_metrics as vocab
from evidence_collectors.outcome import Finding, percent, ratio, sample
from evidence_collectors.prometheus.models import Sample, ScrapeTarget

CLASSIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def model_metric_names(names: Sequence[str], extra: re.Pattern[str] | None) -> list[str]:
    """Model metrics exported by model servers or applications; recording-rule outputs (`a:b:c`) are left out."""
    return [n for n in names if not vocab.is_recording_output(n) and vocab.is_model_metric(n, extra)]


def name_findings(
    names: Sequence[str], model_names: Sequence[str], window_h: float, extra: re.Pattern[str] | None
) -> dict[str, Finding]:
    window = f"{window_h:g} h"
    by_framework = Counter(vocab.framework_of(n, extra) or vocab.CUSTOM for n in model_names)
    frameworks = sorted(by_framework)
    found = vocab.ordered(c for n in model_names for c in vocab.categories(n))
    if model_names:
        names_summary = (
            f"{len(model_names)} of {len(names)} metric names with samples in the last {window} are model "
            f"metrics: {sample(model_names)}"
        )
        fw_summary = "model metrics come from " + ", ".join(f"{f} ({by_framework[f]} names)" for f in frameworks)
        cat_summary = (
            f"model metric names cover {len(found)} aspects: {', '.join(found)}"
            if found
            else "no model metric name says what it measures (latency, errors, drift, ...)"
        )
    else:
        names_summary = f"none of the {len(names)} metric names with samples in the last {window} is a model metric"
        fw_summary = "no model-serving or model-monitoring metrics found"
        cat_summary = "no model metrics, so no aspect of model behaviour is measured"
    return {
        "prometheus.model_metric_names": Finding(len(model_names), names_summary),
        "prometheus.model_serving_frameworks": Finding(frameworks, fw_summary),
        "prometheus.model_metric_categories": Finding(found, cat_summary),
    }


def _first(labels: dict[str, str], keys: Sequence[str]) -> str:
    return next((labels[k] for k in keys if labels.get(k)), "")


def series_findings(
    series: list[Sample], name_labels: Sequence[str], version_labels: Sequence[str], queried: int
) -> dict[str, Finding]:
    models = sorted({m for s in series if (m := _first(s.metric, name_labels))})
    versioned: dict[str, bool] = defaultdict(bool)
    for s in series:
        versioned[s.metric.get("__name__", "")] |= bool(_first(s.metric, version_labels))
    reported = len(versioned)
    with_version = sum(versioned.values())
    labels = ", ".join(version_labels)
    if models:
        models_summary = f"{len(models)} model(s) named by a model label on current model metrics: {sample(models, 10)}"
    else:
        models_summary = f"no current model metric carries a model label ({', '.join(name_labels)})"
    if reported:
        version_summary = (
            f"{with_version} of {reported} model metric names with current series "
            f"({percent(with_version, reported)}) carry a model version label ({labels})"
        )
    else:
        version_summary = (
            f"none of the {queried} model metric names has a current series, so none carries a model "
            "version label (0.0)"
        )
    return {
        "prometheus.monitored_models": Finding(models, models_summary),
        "prometheus.model_metrics_with_version_label_ratio": Finding(ratio(with_version, reported), version_summary),
    }


def serving_targets(targets: list[ScrapeTarget], series: list[Sample]) -> list[ScrapeTarget]:
    """Targets exposing current model metrics, or whose job is named for model serving."""
    exposing = {(s.metric.get("job", ""), s.metric.get("instance", "")) for s in series}
    return [t for t in targets if t.key in exposing or vocab.is_model_text(t.job)]


def model_target_findings(targets: list[ScrapeTarget], series: list[Sample]) -> dict[str, Finding]:
    """Scrape targets that serve models: those exposing model metrics, and those whose job is named for models (a
    model server that is down exposes nothing, but must still count)."""
    exposing = {(s.metric.get("job", ""), s.metric.get("instance", "")) for s in series}
    model_targets = serving_targets(targets, series)
    by_name = sum(1 for t in model_targets if t.key not in exposing)
    up = sum(1 for t in model_targets if t.health == "up")
    total = len(model_targets)
    down = sorted(f"{t.job} {t.instance}" for t in model_targets if t.health != "up")
    if total:
        count_summary = (
            f"{total} scrape target(s) serve models: {total - by_name} exposing model metrics, "
            f"{by_name} counted by their job name only"
        )
        up_summary = f"{up} of {total} model-serving scrape targets ({percent(up, total)}) are up" + (
            f"; not up: {sample(down)}" if down else ""
        )
    else:
        count_summary = "no scrape target exposes model metrics or is named for model serving"
        up_summary = "there are no model-serving scrape targets, so none is up (0.0)"
    return {
        "prometheus.model_serving_targets": Finding(total, count_summary),
        "prometheus.model_serving_targets_up_ratio": Finding(ratio(up, total), up_summary),
    }


# The aspects a model's own metrics must cover to count as fully monitored: system behaviour (latency, throughput,
# errors, resource use) and model behaviour (input data quality, prediction distribution).
FULL_ASPECTS = ("latency", "traffic", "errors", "resources", "data_quality", "prediction_distribution")


def aspects_by_model(series: list[Sample], name_labels: Sequence[str]) -> dict[str, set[str]]:
    """For each model named by a model label, the aspects named by the metrics that carry that label."""
    found: dict[str, set[str]] = defaultdict(set)
    for s in series:
        if model := _first(s.metric, name_labels):
            found[model] |= vocab.categories(s.metric.get("__name__", ""))
    return dict(found)


def _model_share(by_model: dict[str, set[str]], needed: Sequence[str], what: str) -> Finding:
    total = len(by_model)
    if not total:
        return Finding(0.0, f"no current model metric names a model, so no model {what} (0.0)")
    lacking = {m: [a for a in needed if a not in cats] for m, cats in by_model.items()}
    short = sorted(f"{m} (no {', '.join(gap)})" for m, gap in lacking.items() if gap)
    n = total - len(short)
    summary = f"{n} of {total} models named on current model metrics ({percent(n, total)}) {what}"
    return Finding(ratio(n, total), summary + (f"; lacking: {sample(short, 6)}" if short else ""))


def model_aspect_findings(series: list[Sample], name_labels: Sequence[str]) -> dict[str, Finding]:
    by_model = aspects_by_model(series, name_labels)
    return {
        "prometheus.monitored_models_with_all_aspects_ratio": _model_share(
            by_model, FULL_ASPECTS, f"have metrics for all of {', '.join(FULL_ASPECTS)}"
        ),
        "prometheus.monitored_models_with_performance_metric_ratio": _model_share(
            by_model, ("model_performance",), "have an online performance metric (accuracy, AUC, F1, RMSE, ...)"
        ),
    }


def error_metric_findings(targets: list[ScrapeTarget], series: list[Sample]) -> dict[str, Finding]:
    """Model-serving targets from which an error metric of a model is collected now."""
    model_targets = serving_targets(targets, series)
    with_errors = {
        (s.metric.get("job", ""), s.metric.get("instance", ""))
        for s in series
        if "errors" in vocab.categories(s.metric.get("__name__", ""))
    }
    total = len(model_targets)
    n = sum(1 for t in model_targets if t.key in with_errors)
    missing = sorted(f"{t.job} {t.instance}" for t in model_targets if t.key not in with_errors)
    if total:
        summary = f"{n} of {total} model-serving scrape targets ({percent(n, total)}) expose a current error metric"
        summary += f"; without: {sample(missing)}" if missing else ""
    else:
        summary = "there are no model-serving scrape targets, so none exposes an error metric (0.0)"
    return {"prometheus.model_serving_targets_with_error_metrics_ratio": Finding(ratio(n, total), summary)}

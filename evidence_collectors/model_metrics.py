"""How model metrics are recognised by name, and which aspect of a model a metric, rule or query speaks to.

Both the Prometheus and the Grafana collector read metric names and PromQL (rules, panel queries), so they share this
vocabulary; an auditor can read here exactly which names count as "model metrics". A target may add its organisation's
own names with a regular expression (`model_metric_pattern`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator, Field


def _compiles(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


# The target setting `model_metric_pattern`: checked to compile when the targets file is read.
ModelMetricPattern = Annotated[
    str | None,
    AfterValidator(_compiles),
    Field(description="Extra regular expression for the organisation's own model metric names"),
]


def compiled_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """The compiled `model_metric_pattern`, or None when the target sets none."""
    return re.compile(pattern) if pattern else None


# Metric-name prefixes of the common model servers and monitoring libraries.
FRAMEWORKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kserve", re.compile(r"^(kserve_|request_(preprocess|predict|postprocess|explain)_seconds)")),
    ("seldon", re.compile(r"^seldon_")),
    ("bentoml", re.compile(r"^bentoml_")),
    ("torchserve", re.compile(r"^ts_(inference|queue_latency|model)")),
    ("triton", re.compile(r"^nv_(inference|gpu|cpu|energy|pinned|cache)_")),
    ("tfserving", re.compile(r"^:tensorflow:serving:")),
    ("mlserver", re.compile(r"^(mlserver_|model_infer_request_)")),
    ("ray_serve", re.compile(r"^ray_serve_")),
    ("evidently", re.compile(r"^evidently_")),
)
CUSTOM = "custom"

# Words that make a metric name a model metric when they appear as one of its `_`/`:`-separated words.
MODEL_WORDS = frozenset(
    {"model", "models", "prediction", "predictions", "predicted", "predict", "inference", "infer", "drift", "psi", "ml"}
    | {"accuracy", "auc", "f1", "rmse", "ndcg", "logloss"}  # evaluation words that only models are measured by
)

# Words that make a rule, alert or dashboard query about models when they appear anywhere in its text.
MODEL_TEXT = re.compile(
    r"model|inference|predict|serving|kserve|seldon|triton|torchserve|bentoml|mlserver|ray_serve|evidently|drift"
    r"|(^|[^a-z])psi([^a-z]|$)",
    re.IGNORECASE,
)

SYSTEM_CATEGORIES = ("availability", "latency", "traffic", "errors", "resources")
MODEL_QUALITY_CATEGORIES = ("prediction_distribution", "drift", "data_quality", "model_performance")
CATEGORY_ORDER = SYSTEM_CATEGORIES + MODEL_QUALITY_CATEGORIES

CATEGORIES: dict[str, re.Pattern[str]] = {
    "availability": re.compile(
        r"\bup\b\s*(\{[^}]*\})?\s*(==|!=|<)|absent(_over_time)?\s*\("
        r"|(^|_)(down|unavailable|availability|uptime|unhealthy|health|healthy)(_|$)"
    ),
    "latency": re.compile(
        r"latency|duration|response_time|queue_time|_seconds(_|$)"
        r"|(^|_)(seconds|microseconds|milliseconds|us|ms|p50|p90|p95|p99)(_|$)"
    ),
    "traffic": re.compile(
        r"requests?_(total|count|success|per_)|_seconds_count|(^|_)(throughput|qps|rps|calls)(_|$)"
        r"|(infer|inference|prediction|predictions)_(total|count|per_)|request_rate|traffic|_per_(second|minute|hour)"
    ),
    "errors": re.compile(r"error|fail|exception|(^|_)5xx(_|$)|(code|status)\s*=~?\s*\"5"),
    "resources": re.compile(r"(^|_)(gpu|cpu|memory|mem)(_|$)|utili[sz]ation"),
    "prediction_distribution": re.compile(
        r"(?<!drift_)(?<!quality_)(?<!data_)(?<!f1_)(?<!r2_)score|confidence|probabilit"
        r"|(prediction|predictions|predicted|output)_(value|values|distribution|histogram|class|classes|label|labels"
        r"|mean|bucket)|class_distribution|label_distribution"
    ),
    "drift": re.compile(
        r"drift|(^|[^a-z])psi([^a-z]|$)|population_stability|kl_divergence|kolmogorov|(^|_)ks_(stat|test|statistic)"
        r"|wasserstein|jensen_shannon|js_divergence|distribution_shift|skew"
    ),
    "data_quality": re.compile(
        r"data_quality|quality_score|missing|(^|_)nulls?(_|$)|(^|_)nan(_|$)|invalid|schema_(violation|error|mismatch)"
        r"|out_of_range|outlier|freshness"
    ),
    # How well predictions match actual outcomes (online evaluation), not how they are distributed.
    "model_performance": re.compile(
        r"(^|[^a-z])(accuracy|auc|roc_auc|pr_auc|precision|recall|f1|f1_score|rmse|mse|mae|mape|log_?loss|ndcg"
        r"|hit_rate|r2|ctr|click_through_rate|conversion_rate)([^a-z0-9]|$)"
    ),
}

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def snake(name: str) -> str:
    """`ModelPSIHigh` -> `model_psi_high`, so alert names are read word by word."""
    return _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name)).replace("-", "_").replace(" ", "_").lower()


def is_recording_output(name: str) -> bool:
    """Names with `:` are, by convention, produced by recording rules (TF Serving's own names excepted)."""
    return ":" in name and not name.startswith(":tensorflow:")


def framework_of(name: str, extra: re.Pattern[str] | None = None) -> str | None:
    """The model server or library a metric name comes from; `custom` for other model metrics; None if not a model
    metric at all."""
    for framework, pattern in FRAMEWORKS:
        if pattern.search(name):
            return framework
    words = set(re.split(r"[_:]+", name.lower()))
    if words & MODEL_WORDS or (extra is not None and extra.search(name)):
        return CUSTOM
    return None


def is_model_metric(name: str, extra: re.Pattern[str] | None = None) -> bool:
    return framework_of(name, extra) is not None


def is_model_text(*texts: str, extra: re.Pattern[str] | None = None) -> bool:
    """A rule, alert or query is about models when its text names a model word or references a model metric."""
    for text in texts:
        if MODEL_TEXT.search(text):
            return True
        if any(is_model_metric(token, extra) for token in _IDENTIFIER.findall(text)):
            return True
    return False


def categories(text: str) -> set[str]:
    """The aspects (latency, drift, ...) a metric name or query text speaks to."""
    lowered = text.lower()
    return {category for category, pattern in CATEGORIES.items() if pattern.search(lowered)}


def titled_categories(title: str, text: str) -> set[str]:
    """Categories of a named thing (alert, panel): its name when that is descriptive, else its query.

    The name goes first because a query names its denominators too (an error ratio divides by a latency histogram's
    count) while `ModelHighLatency` says what the rule is for.
    """
    return categories(snake(title)) or categories(text)


def ordered(found: Iterable[str]) -> list[str]:
    """Categories in their fixed reading order (system aspects first, then model quality)."""
    present = set(found)
    return [c for c in CATEGORY_ORDER if c in present]


# Pipeline topics that metrics, dashboards and alerts speak to, beside model services: ingestion (with its quality
# and timeliness facets), preprocessing, the feature store, training and evaluation. A topic word must appear; the
# facet words only qualify ingestion.
TOPIC_ORDER = (
    "ingestion",
    "ingestion_quality",
    "ingestion_timeliness",
    "preprocessing",
    "feature_store",
    "training",
    "evaluation",
)
_INGESTION = re.compile(r"ingest|数据接入|数据采集|数据摄取")
_QUALITY_FACET = re.compile(r"success|fail|error|reject|invalid|quality|missing|dropped|duplicate|成功|失败|质量|缺失")
_TIMELINESS_FACET = re.compile(
    r"latency|(^|[^a-z])lag([^a-z]|$)|delay|fresh|on_?time|timel|(^|_)late(_|$)|duration|seconds|arriv|延迟|时效|准时|耗时"
)
_PREPROCESSING = re.compile(r"pre_?process|数据预处理|预处理")
_FEATURE_STORE = re.compile(r"feast|feature_?(store|server|view)|(online|offline)_?store|特征平台|特征存储|特征库")
_TRAINING = re.compile(r"(^|[^a-z])(re)?train(ing|er|s)?([^a-z]|$)|训练")
# Rule evaluation (Prometheus, Grafana and Loki rulers report it) is not the evaluation of a model.
_EVALUATION = re.compile(r"(?<!rule_)(?<!rules_)(?<!last_)(?<!alert_)evaluat|(^|[^a-z])eval([^a-z]|$)|评估|评测")


def data_topics(title: str, text: str) -> set[str]:
    """The pipeline topics a named thing (metric, panel, alert) speaks to, read from its name and its query together."""
    lowered = f"{snake(title)} {title.lower()} {text.lower()}"
    found: set[str] = set()
    if _INGESTION.search(lowered):
        found.add("ingestion")
        if _QUALITY_FACET.search(lowered):
            found.add("ingestion_quality")
        if _TIMELINESS_FACET.search(lowered):
            found.add("ingestion_timeliness")
    if _PREPROCESSING.search(lowered):
        found.add("preprocessing")
    if _FEATURE_STORE.search(lowered):
        found.add("feature_store")
    if _TRAINING.search(lowered):
        found.add("training")
    if _EVALUATION.search(lowered):
        found.add("evaluation")
    return found


def ordered_topics(found: Iterable[str]) -> list[str]:
    present = set(found)
    return [t for t in TOPIC_ORDER if t in present]

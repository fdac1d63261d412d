"""Which pipeline topics (ingestion and its quality and timeliness, preprocessing, feature store, training,
evaluation) metric names measure and alerting rules watch, read with the vocabulary shared with Grafana."""

from __future__ import annotations

from collections.abc import Sequence

from evidence_collectors import model_metrics as vocab
from evidence_collectors.outcome import Finding, sample
from evidence_collectors.prometheus.rules import RuleSet

NONE = "ingestion, preprocessing, a feature store, training or evaluation"


def _listed(where: dict[str, list[str]]) -> str:
    return "; ".join(f"{t} ({sample(sorted(where[t]), 3)})" for t in vocab.ordered_topics(where))


def topic_findings(rules: RuleSet) -> dict[str, Finding]:
    where: dict[str, list[str]] = {}
    for rule in rules.alerting:
        for topic in vocab.data_topics(rule.name, rule.query):
            where.setdefault(topic, []).append(rule.name)
    found = vocab.ordered_topics(where)
    if found:
        summary = "alerting rules watch " + _listed(where)
    else:
        summary = f"none of the {len(rules.alerting)} alerting rules watches {NONE}"
    return {"prometheus.alert_pipeline_topics": Finding(found, summary + rules.capped_note)}


def name_topic_findings(names: Sequence[str], window_h: float) -> dict[str, Finding]:
    """Topics of the metric names with samples in the window (recording-rule outputs included)."""
    where: dict[str, list[str]] = {}
    for name in names:
        for topic in vocab.data_topics(name, ""):
            where.setdefault(topic, []).append(name)
    found = vocab.ordered_topics(where)
    if found:
        summary = f"metrics with samples in the last {window_h:g} h measure " + _listed(where)
    else:
        summary = f"none of the {len(names)} metric names with samples in the last {window_h:g} h measures {NONE}"
    return {"prometheus.metric_pipeline_topics": Finding(found, summary)}

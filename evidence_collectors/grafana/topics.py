"""Which data pipeline topics (ingestion and its quality and timeliness, preprocessing, feature store) dashboard panels
show and alert rules watch, read with the vocabulary shared with Prometheus. A panel counts only when it has a query,
an alert rule only when it is active and not a recording rule."""

from __future__ import annotations

from evidence_collectors import model_metrics as vocab
from evidence_collectors.grafana.api import DashboardRead
from evidence_collectors.grafana.models import AlertRule
from evidence_collectors.outcome import Finding, sample


def _listed(where: dict[str, set[str]]) -> str:
    return "; ".join(f"{t} ({sample(sorted(where[t]), 3)})" for t in vocab.ordered_topics(where))


def dashboard_topic_findings(read: DashboardRead) -> dict[str, Finding]:
    where: dict[str, set[str]] = {}
    for doc in read.docs:
        title = doc.dashboard.title or doc.dashboard.uid
        for panel in doc.dashboard.all_panels():
            if queries := panel.queries():
                for topic in vocab.data_topics(panel.title, queries):
                    where.setdefault(topic, set()).add(title)
    found = vocab.ordered_topics(where)
    summary = (
        f"dashboard panels show {_listed(where)}"
        if found
        else f"no panel with a query on the {len(read.docs)} dashboards read shows ingestion, preprocessing or a "
        "feature store"
    )
    return {"grafana.dashboard_pipeline_topics": Finding(found, summary)}


def alert_topic_findings(rules: list[AlertRule]) -> dict[str, Finding]:
    active = [r for r in rules if r.record is None and not r.is_paused]
    where: dict[str, set[str]] = {}
    for rule in active:
        for topic in vocab.data_topics(rule.title, rule.queries()):
            where.setdefault(topic, set()).add(rule.title)
    found = vocab.ordered_topics(where)
    summary = (
        f"active alert rules watch {_listed(where)}"
        if found
        else f"none of the {len(active)} active alert rules watches ingestion, preprocessing or a feature store"
    )
    return {"grafana.alert_pipeline_topics": Finding(found, summary)}

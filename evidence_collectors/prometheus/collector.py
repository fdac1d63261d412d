"""Prometheus: what is scraped and healthy, which model metrics exist, and which rules and alerts watch models."""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar

from evidence_collectors.base import CollectContext, Collector, ProbeSpec, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import HttpSession, Unavailable
from evidence_collectors.outcome import Computed, Fetched, Finding, sections
from evidence_collectors.prometheus import (
    alert_history,
    baselines,
    coverage,
    delivery,
    metrics,
    notifications,
    retention,
    rules,
    scrape,
    topics,
)
from evidence_collectors.prometheus.api import NAMES_PER_QUERY, PrometheusApi, RulePages
from evidence_collectors.prometheus.config import PrometheusConfig
from evidence_collectors.prometheus.models import (
    ActiveAlert,
    AlertmanagerDiscovery,
    BuildInfo,
    Sample,
    ScrapeTarget,
)
from evidence_collectors.records import EvidenceRecord

P = "prometheus."


class PrometheusCollector(Collector):
    name = "prometheus"
    version = "1.0.0"
    system = "prometheus"
    config_model = PrometheusConfig
    probes: ClassVar[tuple[ProbeSpec, ...]] = load_probe_specs(Path(__file__).with_name("probes.yaml"))

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        assert isinstance(config, PrometheusConfig)
        extra = config.extra_pattern()
        with HttpSession(config, ctx.raw, ctx.redactor) as session:
            api = PrometheusApi(session)
            ctx.progress(f"{config.name}: build information")
            build: Fetched[BuildInfo] = Fetched.run(api.build_info)
            if isinstance(build.error, Unavailable):
                raise build.error  # the server does not answer: every probe is unavailable, no point waiting more
            ctx.progress(f"{config.name}: targets, rules, alerts")
            targets: Fetched[list[ScrapeTarget]] = Fetched.run(api.targets)
            managers: Fetched[AlertmanagerDiscovery] = Fetched.run(api.alertmanagers)
            flags: Fetched[dict[str, str]] = Fetched.run(api.flags)
            pages: Fetched[RulePages] = Fetched.run(lambda: api.rules(config.rules_page_size, config.max_pages))
            alerts: Fetched[list[ActiveAlert]] = Fetched.run(api.alerts)
            ctx.progress(f"{config.name}: metric names and model series")
            names: Fetched[list[str]] = Fetched.run(lambda: api.metric_names(config.metric_window_h))
            model_names = metrics.model_metric_names(names.value or [], extra)
            queryable = [n for n in model_names if metrics.CLASSIC_NAME.match(n)]
            limit = config.max_series_queries * NAMES_PER_QUERY
            queried = queryable[:limit]
            by = list(dict.fromkeys(["job", "instance", *config.model_name_labels, *config.model_version_labels]))
            series: Fetched[list[Sample]] = (
                Fetched(error=names.error) if names.error else Fetched.run(lambda: api.series_counts(queried, by))
            )
            ctx.progress(f"{config.name}: history of delivery metrics")
            delivery_names = delivery.delivery_names(names.value or [])
            history: Fetched[int] = (
                Fetched(error=names.error) if names.error else Fetched.run(lambda: _history(api, delivery_names))
            )
            ctx.progress(f"{config.name}: alert history and notifications")
            step = config.history_step_s()
            alerts_seen: Fetched[alert_history.History] = Fetched.run(
                lambda: alert_history.read(api, config.alert_history_h, step)
            )
            notes: Fetched[notifications.Notifications] = Fetched.run(
                lambda: notifications.read(api, config.alert_history_h)
            )
        partial = (
            f" (series read for the first {len(queried)} of {len(queryable)} model metric names: "
            f"max_series_queries of {config.max_series_queries} reached)"
            if len(queried) < len(queryable)
            else ""
        )

        def noted(found: dict[str, Finding]) -> dict[str, Finding]:
            return {probe: Finding(f.value, f.summary + partial) for probe, f in found.items()}

        def version() -> Computed:
            info = build.get()
            summary = f"Prometheus {info.version} (revision {info.revision or 'unknown'})"
            return {P + "version": Finding(info.version, summary)}, build.raw

        def scraped() -> Computed:
            return scrape.target_findings(targets.get()), targets.raw

        def alerting() -> Computed:
            return scrape.alertmanager_findings(managers.get()), managers.raw

        def kept() -> Computed:
            return retention.retention_findings(flags.get()), flags.raw

        def named() -> Computed:
            return metrics.name_findings(names.get(), model_names, config.metric_window_h, extra), names.raw

        def delivered() -> Computed:
            return delivery.delivery_findings(names.get(), config.metric_window_h), names.raw

        def labelled() -> Computed:
            found = metrics.series_findings(
                series.get(), config.model_name_labels, config.model_version_labels, len(queried)
            )
            return noted(found), names.raw + series.raw

        def serving() -> Computed:
            found = metrics.model_target_findings(targets.get(), series.get())
            return noted(found), targets.raw + names.raw + series.raw

        def watched() -> Computed:
            model_targets = metrics.serving_targets(targets.get(), series.get())
            found = coverage.coverage_findings(model_targets, rules.classify(pages.get(), extra))
            return noted(found), targets.raw + names.raw + series.raw + pages.raw

        def per_model() -> Computed:
            found = metrics.model_aspect_findings(series.get(), config.model_name_labels)
            return noted(found), names.raw + series.raw

        def errors_collected() -> Computed:
            found = metrics.error_metric_findings(targets.get(), series.get())
            return noted(found), targets.raw + names.raw + series.raw

        def kept_history() -> Computed:
            return delivery.history_findings(history.get(), delivery_names), names.raw + history.raw

        def measured_topics() -> Computed:
            return topics.name_topic_findings(names.get(), config.metric_window_h), names.raw

        def delivery_alerts() -> Computed:
            ruleset = rules.classify(pages.get(), extra)
            return delivery.delivery_alert_findings(ruleset.alerting, ruleset.capped_note), pages.raw

        def watched_topics() -> Computed:
            return topics.topic_findings(rules.classify(pages.get(), extra)), pages.raw

        def ruled() -> Computed:
            ruleset = rules.classify(pages.get(), extra)
            found = {**rules.rule_findings(ruleset, config.owner_keys), **baselines.baseline_findings(ruleset, extra)}
            return found, pages.raw

        def fired() -> Computed:
            return rules.alert_findings(alerts.get()), alerts.raw

        def fired_models() -> Computed:
            finding = rules.firing_model_findings(alerts.get(), rules.classify(pages.get(), extra), extra)
            return {P + "firing_model_alerts": finding}, alerts.raw + pages.raw

        def decay_rules() -> Computed:
            return alert_history.decay_rule_findings(rules.classify(pages.get(), extra)), pages.raw

        def fired_history() -> Computed:
            ruleset = rules.classify(pages.get(), extra)
            found = alert_history.history_findings(alerts_seen.get(), ruleset, extra, config.flap_min_episodes)
            return found, alerts_seen.raw + pages.raw

        def resolved() -> Computed:
            found = alert_history.resolution_findings(alerts_seen.get(), rules.classify(pages.get(), extra), extra)
            return found, alerts_seen.raw + pages.raw

        def notified() -> Computed:
            return notifications.delivery_findings(notes.get(), alerts_seen.get()), notes.raw + alerts_seen.raw

        groups = [
            ([P + "version"], version),
            ([P + "scrape_targets", P + "scrape_targets_up_ratio", P + "scrape_targets_down"], scraped),
            ([P + "alertmanagers"], alerting),
            ([P + "retention_days"], kept),
            ([P + "model_metric_names", P + "model_serving_frameworks", P + "model_metric_categories"], named),
            ([P + "delivery_metrics"], delivered),
            ([P + "monitored_models", P + "model_metrics_with_version_label_ratio"], labelled),
            ([P + "model_serving_targets", P + "model_serving_targets_up_ratio"], serving),
            ([P + "model_serving_targets_with_availability_alert_ratio"], watched),
            (
                [P + "monitored_models_with_all_aspects_ratio", P + "monitored_models_with_performance_metric_ratio"],
                per_model,
            ),
            ([P + "model_serving_targets_with_error_metrics_ratio"], errors_collected),
            ([P + "delivery_metrics_history_days"], kept_history),
            ([P + "alert_pipeline_topics"], watched_topics),
            ([P + "metric_pipeline_topics"], measured_topics),
            ([P + "delivery_alerting_rules"], delivery_alerts),
            ([p for p in self.probe_ids() if p in RULE_PROBES], ruled),
            ([P + "firing_alerts", P + "firing_alert_names"], fired),
            ([P + "firing_model_alerts"], fired_models),
            ([P + "performance_decay_alerting_rules"], decay_rules),
            (HISTORY_PROBES, fired_history),
            ([P + "model_alert_resolution_median_minutes", P + "model_alert_resolution_p90_minutes"], resolved),
            ([notifications.PROBE], notified),
        ]
        return sections(self, config, ctx, groups)


def _history(api: PrometheusApi, names: list[str]) -> tuple[int, list[str]]:
    """The oldest age in HISTORY_DAYS at which a delivery metric had samples (0 when none had), oldest asked first."""
    shas: list[str] = []
    now = time.time()
    for days in delivery.HISTORY_DAYS if names else ():
        present, more = api.present_at(names, now - days * 86400, 24.0)
        shas += more
        if present:
            return days, shas
    return 0, shas


RULE_PROBES = frozenset(
    P + p
    for p in (
        "alerting_rules",
        "recording_rules",
        "model_alerting_rules",
        "model_recording_rules",
        "model_alert_categories",
        "drift_alerting_rules",
        "model_availability_alerting_rules",
        "model_alerting_rules_with_owner_ratio",
        "model_alerting_rules_with_severity_ratio",
        "model_alerting_rules_with_runbook_ratio",
        "model_slo_rules",
        "unhealthy_rules",
        "anomaly_alerting_rules",
        "forecast_alerting_rules",
        "key_metric_forecast_alerting_rules",
    )
)

HISTORY_PROBES = [
    P + p
    for p in (
        "model_alert_episodes_in_window",
        "model_alert_names_fired_in_window",
        "flapping_model_alerts",
        "model_alerting_rules_fired_ratio",
        "drift_or_decay_alert_episodes_in_window",
    )
]

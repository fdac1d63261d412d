"""Grafana: which dashboards show model metrics and what they cover, which alert rules watch models, which data
sources feed them, and whether deployments are marked on dashboards."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from evidence_collectors.base import CollectContext, Collector, ProbeSpec, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.grafana import alerting, dashboards, delivery, forecasts, reports, topics
from evidence_collectors.grafana.api import DashboardRead, GrafanaApi, SearchResult
from evidence_collectors.grafana.config import GrafanaConfig
from evidence_collectors.grafana.models import AlertRule, Annotation, DataSource, Health, Report
from evidence_collectors.http import HttpSession, Unavailable
from evidence_collectors.outcome import Computed, Fetched, Finding, sections
from evidence_collectors.records import EvidenceRecord

G = "grafana."
CONTENT_PROBES = [
    G + p
    for p in (
        "model_dashboards",
        "model_dashboard_titles",
        "model_dashboard_categories",
        "complete_model_dashboards",
        "model_dashboards_with_version_variable",
        "model_dashboards_provisioned_ratio",
    )
]
ALERT_PROBES = [
    G + p
    for p in (
        "alert_rules",
        "model_alert_rules",
        "model_alert_categories",
        "drift_alert_rules",
        "model_alert_rules_with_owner_ratio",
        "model_alert_rules_with_severity_ratio",
    )
]


class GrafanaCollector(Collector):
    name = "grafana"
    version = "1.0.0"
    system = "grafana"
    config_model = GrafanaConfig
    probes: ClassVar[tuple[ProbeSpec, ...]] = load_probe_specs(Path(__file__).with_name("probes.yaml"))

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        assert isinstance(config, GrafanaConfig)
        extra = config.extra_pattern()
        with HttpSession(config, ctx.raw, ctx.redactor) as session:
            api = GrafanaApi(session)
            health: Fetched[Health] = Fetched.run(api.health)
            if isinstance(health.error, Unavailable):
                raise health.error  # Grafana does not answer: every probe is unavailable, no point waiting more
            ctx.progress(f"{config.name}: dashboards")
            search: Fetched[SearchResult] = Fetched.run(
                lambda: api.search_dashboards(config.page_size, config.max_pages)
            )
            read: Fetched[DashboardRead] = (
                Fetched(error=search.error)
                if search.error
                else Fetched.run(lambda: api.dashboards(search.get().hits, config.max_dashboards))
            )
            ctx.progress(f"{config.name}: alert rules, data sources, reports, annotations")
            rules: Fetched[list[AlertRule]] = Fetched.run(api.alert_rules)
            sources: Fetched[list[DataSource]] = Fetched.run(api.data_sources)
            scheduled: Fetched[list[Report]] = Fetched.run(api.reports)
            marks: Fetched[list[Annotation]] = Fetched.run(
                lambda: api.annotations(config.annotation_tags, config.annotation_window_days, config.annotation_limit)
            )

        def version() -> Computed:
            info = health.get()
            summary = f"Grafana {info.version} (commit {info.commit or 'unknown'}, database {info.database or '?'})"
            return {G + "version": Finding(info.version, summary)}, health.raw

        def listed() -> Computed:
            return dashboards.listing_findings(search.get()), search.raw

        def content() -> Computed:
            return dashboards.content_findings(read.get(), extra), search.raw + read.raw

        def delivered() -> Computed:
            return delivery.delivery_findings(read.get()), search.raw + read.raw

        def shown_topics() -> Computed:
            return topics.dashboard_topic_findings(read.get()), search.raw + read.raw

        def reported() -> Computed:
            return reports.report_findings(scheduled.get(), read.get()), scheduled.raw + search.raw + read.raw

        def delivery_alerts() -> Computed:
            return delivery.delivery_alert_findings(rules.get()), rules.raw

        def watched_topics() -> Computed:
            return topics.alert_topic_findings(rules.get()), rules.raw

        def alerted() -> Computed:
            return alerting.alert_findings(rules.get(), config.owner_keys, extra), rules.raw

        def forecast() -> Computed:
            return forecasts.forecast_findings(rules.get(), extra), rules.raw

        def sourced() -> Computed:
            return alerting.data_source_findings(sources.get()), sources.raw

        def marked() -> Computed:
            found = alerting.annotation_findings(
                marks.get(), config.annotation_tags, config.annotation_window_days, config.annotation_limit
            )
            return found, marks.raw

        groups = [
            ([G + "version"], version),
            ([G + "dashboards"], listed),
            (CONTENT_PROBES, content),
            ([G + "delivery_metrics", G + "delivery_metric_kinds", G + "delivery_metrics_described_ratio"], delivered),
            ([G + "dashboard_pipeline_topics"], shown_topics),
            ([G + "alert_pipeline_topics"], watched_topics),
            ([G + "recurring_measurement_reports"], reported),
            ([G + "delivery_alert_rules"], delivery_alerts),
            (ALERT_PROBES, alerted),
            ([G + "key_metric_forecast_alert_rules"], forecast),
            ([G + "data_sources", G + "data_source_types"], sourced),
            ([G + "deployment_annotations"], marked),
        ]
        return sections(self, config, ctx, groups)

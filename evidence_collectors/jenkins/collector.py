"""Jenkins collector: facts about the jobs of one Jenkins server (or the jobs named) and their recent builds.

The job list (folders walked) gives the jobs and their last successful builds; each enabled job's build history over
the time window gives volumes, results and triggers. An unreadable job list fails the whole target; an unreadable
build history only costs the build probes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.jenkins.api import History, JenkinsApi, Jobs
from evidence_collectors.jenkins.config import JenkinsConfig
from evidence_collectors.jenkins.figures import build_findings, job_findings
from evidence_collectors.jenkins.run_records import run_record_findings
from evidence_collectors.outcome import failed_read, in_catalogue_order, recorded
from evidence_collectors.records import EvidenceRecord, utc_now

PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))
BUILD_PROBES = (
    "jenkins.builds_in_window",
    "jenkins.build_success_ratio",
    "jenkins.automatic_build_ratio",
    "jenkins.builds_with_trigger_record_ratio",
    "jenkins.build_duration_median_minutes",
    "jenkins.build_trigger_causes",
    "jenkins.active_job_count",
    "jenkins.builds_with_run_record_ratio",
    "jenkins.builds_with_test_report_ratio",
)


class JenkinsCollector(Collector):
    name = "jenkins"
    version = "1.0.0"
    system = "ci"
    config_model = JenkinsConfig
    probes = PROBES

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        if not isinstance(config, JenkinsConfig):
            raise TypeError(f"expected a JenkinsConfig, got {type(config).__name__}")
        now = utc_now()
        start = now - dt.timedelta(days=config.window_days)
        with JenkinsApi(config, ctx) as api:
            jobs = api.jobs()  # unreadable job list: the runner fails every probe
            url = api.url("/api/json")
            records = recorded(self, config, ctx, job_findings(jobs, start, now, config.window_days, url))
            records += self._builds(config, ctx, api, jobs, start)
        return in_catalogue_order(self, records)

    def _builds(
        self, config: JenkinsConfig, ctx: CollectContext, api: JenkinsApi, jobs: Jobs, start: dt.datetime
    ) -> list[EvidenceRecord]:
        """Every enabled job's history is needed for the build figures; the first unreadable one fails them."""
        histories: dict[str, History] = {}
        for job in jobs.items:
            if not job.enabled:
                continue
            name = job.full_name or job.name
            try:
                histories[name] = api.history(name, start)
            except (Unavailable, CollectError) as exc:
                return failed_read(self, config, ctx, f"builds of {name}", BUILD_PROBES, exc)
        url, days = api.url("/api/json"), config.window_days
        findings = build_findings(histories, start, days, url) + run_record_findings(histories, start, days, url)
        return recorded(self, config, ctx, findings)

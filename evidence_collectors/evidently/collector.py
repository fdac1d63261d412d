"""Evidently: drift and model-quality reports written by a monitoring job, read from a folder of JSON files.

Each file is read on its own: one that cannot be read (not JSON, not an Evidently report, too large, a link) is named
with its reason in `evidently.unreadable_report_files` and the others are still used. A path that cannot be read at
all fails every probe with `error`; a figure with nothing to compute it from (no drift report) is `unavailable`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.evidently import facts, files
from evidence_collectors.evidently.config import EvidentlyConfig
from evidence_collectors.evidently.reports import EvidentlyReport, ReportError, parse
from evidence_collectors.outcome import ProbeFinding, in_catalogue_order, recorded
from evidence_collectors.records import EvidenceRecord, EvidenceStatus, utc_now

PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))


class EvidentlyCollector(Collector):
    name: ClassVar[str] = "evidently"
    version: ClassVar[str] = "1.0.0"
    system: ClassVar[str] = "evidently"
    config_model: ClassVar[type[TargetConfig]] = EvidentlyConfig
    probes = PROBES

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        assert isinstance(config, EvidentlyConfig)
        ctx.progress(f"{config.name}: Evidently reports under {config.path}")
        try:
            listing = files.list_reports(config.path, config.max_files)
        except OSError as exc:
            return self.failed(config, ctx, EvidenceStatus.error, f"cannot read {config.path}: {exc.strerror or exc}")
        reading = self._read(listing, config, ctx)
        url = self.source_url(config)
        findings = [
            *facts.files_findings(reading, url),
            *facts.drift_findings(reading, url),
            *facts.coverage_findings(reading, config.prediction_columns, url),
        ]
        records = recorded(self, config, ctx, findings)
        figures: dict[str, Callable[[], ProbeFinding]] = {
            facts.E + "drift_report_interval_days": lambda: facts.interval_finding(reading, url),
            **facts.latest_findings(reading, url),
        }
        for probe, compute in figures.items():
            try:
                records += recorded(self, config, ctx, [compute()])
            except facts.NoFigure as exc:
                records += self.failed(config, ctx, EvidenceStatus.unavailable, str(exc), [probe])
        return in_catalogue_order(self, records)

    def _read(self, listing: files.Listing, config: EvidentlyConfig, ctx: CollectContext) -> facts.Reading:
        reports: list[EvidentlyReport] = []
        refused = dict(listing.refused)
        raw: dict[str, str] = {}
        cap = int(config.max_file_mb * 1024 * 1024)
        for found in listing.files:
            try:
                data = files.read_capped(found.path, cap)
            except (OSError, ValueError) as exc:
                refused[found.name] = str(getattr(exc, "strerror", None) or exc)
                continue
            raw[found.name] = ctx.raw.add(data, url=str(found.path), content_type="application/json")
            try:
                reports.append(parse(data, found.name, found.modified, config.model_keys, found.folder))
            except ReportError as exc:
                refused[found.name] = str(exc)
        return facts.Reading(reports, refused, listing.left_out, utc_now(), config.window_days, raw)

"""Facts about drift monitoring read from Evidently reports: which models have drift reports, how often and how
recently they are written, what the latest ones found, and whether they watch predictions and model quality."""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evidence_collectors.evidently.reports import EvidentlyReport
from evidence_collectors.outcome import ProbeFinding, of, ratio, sample

E = "evidently."


@dataclass(frozen=True)
class Reading:
    """Everything read from one target."""

    reports: list[EvidentlyReport]
    refused: dict[str, str]  # file -> why
    left_out: int
    now: dt.datetime
    window_days: float
    raw: dict[str, str]  # file -> raw sha256

    def shas(self, reports: Sequence[EvidentlyReport]) -> tuple[str, ...]:
        return tuple(sorted({self.raw[r.file] for r in reports if r.file in self.raw}))

    @property
    def recent(self) -> list[EvidentlyReport]:
        cutoff = self.now - dt.timedelta(days=self.window_days)
        return [r for r in self.reports if r.when >= cutoff]

    @property
    def window(self) -> str:
        return f"the last {self.window_days:g} days"


class NoFigure(Exception):
    """Nothing to measure for this probe (the reason is given instead of a value)."""


def _days(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 86400, 2)


def _by_model(reports: Sequence[EvidentlyReport]) -> dict[str, list[EvidentlyReport]]:
    grouped: dict[str, list[EvidentlyReport]] = {}
    for report in sorted(reports, key=lambda r: (r.when, r.file)):
        grouped.setdefault(report.model, []).append(report)
    return dict(sorted(grouped.items()))


def _listed(items: dict[str, str]) -> str:
    return sample([f"{k} {v}" for k, v in items.items()], 8)


def files_findings(reading: Reading, url: str) -> list[ProbeFinding]:
    formats = Counter(r.format for r in reading.reports)
    by_file = sum(r.dated_by_file for r in reading.reports)
    shown = ", ".join(f"{n} {f}" for f, n in sorted(formats.items()))
    summary = f"{len(reading.reports)} Evidently report file(s) read" + (f" ({shown})" if shown else "")
    summary += f"; {by_file} dated by file modification time (the format carries no date)" if by_file else ""
    summary += f"; {len(reading.refused)} refused" if reading.refused else ""
    summary += f"; {reading.left_out} older JSON file(s) beyond max_files not read" if reading.left_out else ""
    refused = sorted(reading.refused)
    why = "; ".join(f"{f}: {reading.refused[f]}" for f in refused[:5])
    refused_summary = (
        f"{len(refused)} file(s) could not be read as Evidently reports: {why}"
        + (f" (+{len(refused) - 5} more)" if len(refused) > 5 else "")
        if refused
        else "every JSON file was read as an Evidently report"
    )
    raw = reading.shas(reading.reports)
    return [
        ProbeFinding(E + "report_files", len(reading.reports), summary, raw, url),
        ProbeFinding(
            E + "unreadable_report_files",
            refused,
            refused_summary,
            tuple(sorted({reading.raw[f] for f in refused if f in reading.raw})),
            url,
        ),
    ]


def drift_findings(reading: Reading, url: str) -> list[ProbeFinding]:
    """Models with drift reports in the window, how many, and how regularly."""
    recent = [r for r in reading.recent if r.is_drift]
    models = _by_model(recent)
    counts = {m: f"×{len(rs)}" for m, rs in models.items()}
    raw = reading.shas(recent)
    everywhere = sum(r.is_drift for r in reading.reports)
    listed = (
        f"{len(models)} model(s) with drift reports in {reading.window}: {_listed(counts)}"
        if models
        else f"no drift report in {reading.window} ({everywhere} older)"
    )
    return [
        ProbeFinding(E + "models_with_drift_report", sorted(models), listed, raw, url),
        ProbeFinding(
            E + "drift_reports_in_window",
            len(recent),
            f"{len(recent)} drift report(s) in {reading.window}" + (f": {_listed(counts)}" if models else ""),
            raw,
            url,
        ),
    ]


def interval_finding(reading: Reading, url: str) -> ProbeFinding:
    """The slowest cadence: the largest of the models' median gaps between consecutive drift reports in the window."""
    recent = [r for r in reading.recent if r.is_drift]
    gaps = {
        model: statistics.median(_days(b.when - a.when) for a, b in itertools.pairwise(rs))
        for model, rs in _by_model(recent).items()
        if len(rs) > 1
    }
    if not gaps:
        raise NoFigure(f"no model has two drift reports in {reading.window}, so no interval between them")
    slowest = max(gaps, key=lambda m: (gaps[m], m))
    single = sorted(m for m, rs in _by_model(recent).items() if len(rs) == 1)
    summary = (
        f"median days between drift reports in {reading.window}: "
        + _listed({m: f"{g:g}" for m, g in gaps.items()})
        + f"; slowest {slowest}"
        + (f"; only one report: {sample(single)}" if single else "")
    )
    return ProbeFinding(E + "drift_report_interval_days", round(gaps[slowest], 2), summary, reading.shas(recent), url)


def latest_findings(reading: Reading, url: str) -> dict[str, Callable[[], ProbeFinding]]:
    """What the newest drift report of each model says (whatever its age)."""
    latest = {m: rs[-1] for m, rs in _by_model([r for r in reading.reports if r.is_drift]).items()}
    raw = reading.shas(list(latest.values()))

    def age() -> ProbeFinding:
        if not latest:
            raise NoFigure("no drift report was found, so there is no latest one")
        ages = {m: _days(reading.now - r.when) for m, r in latest.items()}
        oldest = max(ages, key=lambda m: (ages[m], m))
        summary = "age in days of each model's newest drift report: " + _listed({m: f"{a:g}" for m, a in ages.items()})
        return ProbeFinding(E + "latest_drift_report_age_days", max(0.0, ages[oldest]), summary, raw, url)

    def share() -> ProbeFinding:
        shares = {m: r.drifted_share for m, r in latest.items() if r.drifted_share is not None}
        if not shares:
            raise NoFigure("no model's newest drift report gives a share of drifted columns")
        top = max(shares, key=lambda m: (shares[m] or 0.0, m))
        summary = "share of drifted columns in each model's newest drift report: " + _listed(
            {m: f"{s:.2f} ({latest[m].file})" for m, s in shares.items() if s is not None}
        )
        return ProbeFinding(E + "latest_drifted_columns_share", round(shares[top] or 0.0, 4), summary, raw, url)

    def dataset() -> ProbeFinding:
        drifting = sorted(m for m, r in latest.items() if r.dataset_drift)
        undecided = sorted(m for m, r in latest.items() if r.dataset_drift is None)
        summary = (
            f"dataset drift detected in the newest drift report of {sample(drifting)}"
            if drifting
            else f"no model's newest drift report detected dataset drift ({len(latest)} model(s))"
        ) + (f"; not stated for {sample(undecided)}" if undecided else "")
        return ProbeFinding(E + "models_with_dataset_drift", drifting, summary, raw, url)

    return {
        E + "latest_drift_report_age_days": age,
        E + "latest_drifted_columns_share": share,
        E + "models_with_dataset_drift": dataset,
    }


def coverage_findings(reading: Reading, prediction_columns: Sequence[str], url: str) -> list[ProbeFinding]:
    """Which recent reports check prediction drift, and which measure model quality."""
    wanted = {c.lower() for c in prediction_columns}
    drift = [r for r in reading.recent if r.is_drift]
    watched = [r for r in drift if wanted & {c.lower() for c in r.drift_columns}]
    rated = [r for r in reading.recent if r.performance_metrics]
    measures = sorted({m for r in rated for m in r.performance_metrics})
    missing = sorted({r.model for r in drift} - {r.model for r in watched})
    drift_summary = (
        f"{of(len(watched), len(drift))} drift reports in {reading.window} check a prediction column"
        + (f"; models without: {sample(missing)}" if missing else "")
        if drift
        else f"no drift report in {reading.window}, so none checks prediction drift (0.0)"
    )
    rated_summary = (
        f"{of(len(rated), len(reading.recent))} reports in {reading.window} measure model quality"
        + (f" ({sample(measures, 6)}) for {sample(sorted({r.model for r in rated}))}" if rated else "")
        if reading.recent
        else f"no report in {reading.window}, so none measures model quality (0.0)"
    )
    return [
        ProbeFinding(
            E + "drift_reports_with_prediction_drift_ratio",
            ratio(len(watched), len(drift)),
            drift_summary,
            reading.shas(drift),
            url,
        ),
        ProbeFinding(
            E + "reports_with_performance_metrics_ratio",
            ratio(len(rated), len(reading.recent)),
            rated_summary,
            reading.shas(reading.recent),
            url,
        ),
    ]

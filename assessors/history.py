"""Many assessments over time and across scopes: open them from files, order them, and lay out trends and a portfolio.

Reading files (assessments and the bundles they name) happens here; the trend and portfolio shapes are built by pure
functions over already scored snapshots.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel

from assessors.compare import Snapshot
from assessors.workflow import EvidenceBundle, open_assessment, open_bundle

ASSESSMENT_SUFFIXES = (".yaml", ".yml", ".json")


def load_snapshot(
    path: Path, evidence: Path | None = None, bundles: dict[Path, EvidenceBundle] | None = None
) -> Snapshot:
    """Open and score one assessment exactly as `assess` does: with the bundle given, else the one the file names.

    Raises SourceError / UnknownFrameworkError for a bad file and BundleError for a bad bundle. `bundles` caches
    bundles shared by several files."""
    opened = open_assessment(path)
    bundle_path = opened.evidence_path(evidence)
    bundle = None
    if bundle_path is not None:
        cache = {} if bundles is None else bundles
        key = Path(os.path.realpath(bundle_path))  # not Path.resolve, which raises RuntimeError on a link loop
        bundle = cache[key] if key in cache else cache.setdefault(key, open_bundle(bundle_path))
    result = opened.score(evidence=bundle)
    return Snapshot(
        label=path.name,
        assessment=opened.assessment,
        framework=opened.framework.framework,
        result=result,
        records=tuple(bundle.records) if bundle else (),
    )


def looks_like_assessment(path: Path) -> bool:
    """A cheap first look, so that other YAML and JSON in a folder (targets, pipelines) are passed over quietly:
    an assessment names its framework and has answers."""
    if path.suffix.lower() not in ASSESSMENT_SUFFIXES or not path.is_file():
        return False
    try:
        with path.open("rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return False
    return b"framework" in head and b"answers" in head and b"organisation" in head


def assessment_files(paths: Iterable[Path]) -> list[Path]:
    """The assessment files among `paths`: files as given, folders' own files (not their sub-folders) by name."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if looks_like_assessment(p))
        else:
            found.append(path)
    return found


def chronological(snapshots: Iterable[Snapshot]) -> list[Snapshot]:
    """Oldest first, by completion (else start) date, then start date, then file name."""
    return sorted(snapshots, key=lambda s: (s.date, s.assessment.started, s.label))


class TrendPoint(BaseModel):
    label: str
    date: str  # ISO date: completion, else start
    framework: str  # id@version
    level: int | None
    score: float | None
    domains: dict[str, int | None]
    domain_scores: dict[str, float | None]


class Trend(BaseModel):
    """One scope's assessments of one framework, oldest first."""

    organisation: str
    scope: str
    framework: str  # framework id
    domains: list[str]  # every domain id seen, in framework order
    points: list[TrendPoint]


def trends(snapshots: Iterable[Snapshot]) -> list[Trend]:
    """One trend per organisation, scope and framework; points in date order."""
    groups: dict[tuple[str, str, str], list[Snapshot]] = {}
    for s in snapshots:
        groups.setdefault((s.assessment.organisation, s.assessment.scope, s.framework.id), []).append(s)
    out = []
    for (organisation, scope, framework), members in groups.items():
        ordered = chronological(members)
        domains: list[str] = []
        for s in ordered:
            domains += [d.id for d in s.result.domains if d.id not in domains]
        points = [
            TrendPoint(
                label=s.label,
                date=s.date.isoformat(),
                framework=s.framework.ref,
                level=s.result.overall.level,
                score=s.result.overall.score,
                domains={d.id: d.level for d in s.result.domains},
                domain_scores={d.id: d.score for d in s.result.domains},
            )
            for s in ordered
        ]
        out.append(Trend(organisation=organisation, scope=scope, framework=framework, domains=domains, points=points))
    return sorted(out, key=lambda t: (t.organisation, t.scope, t.framework))


class PortfolioPart(BaseModel):
    framework: str  # id@version of the latest assessment of this part
    label: str
    date: str
    level: int | None
    score: float | None


class PortfolioRow(BaseModel):
    organisation: str
    scope: str
    parts: dict[str, PortfolioPart]  # framework id -> its latest assessment
    domains: dict[str, int | None]  # domain id -> level, from the latest assessment of its part
    assessments: int  # files found for this scope (older ones are in its history)


class Portfolio(BaseModel):
    frameworks: list[str]  # framework ids, in order of first appearance
    domains: list[str]  # every domain id of every row, grouped by framework
    rows: list[PortfolioRow]


def portfolio(snapshots: Sequence[Snapshot]) -> Portfolio:
    """One row per organisation and scope: for each framework, the levels of its latest assessment."""
    frameworks: list[str] = []
    domains: list[str] = []
    groups: dict[tuple[str, str], list[Snapshot]] = {}
    for s in chronological(snapshots):
        if s.framework.id not in frameworks:
            frameworks.append(s.framework.id)
        groups.setdefault((s.assessment.organisation, s.assessment.scope), []).append(s)
    ordered_domains: dict[str, list[str]] = {f: [] for f in frameworks}
    rows = []
    for (organisation, scope), members in sorted(groups.items()):
        latest: dict[str, Snapshot] = {}
        for s in members:  # oldest first: the last one of each framework stays
            latest[s.framework.id] = s
        parts = {}
        levels: dict[str, int | None] = {}
        for fid, s in latest.items():
            parts[fid] = PortfolioPart(
                framework=s.framework.ref,
                label=s.label,
                date=s.date.isoformat(),
                level=s.result.overall.level,
                score=s.result.overall.score,
            )
            for d in s.result.domains:
                levels[d.id] = d.level
                if d.id not in ordered_domains[fid]:
                    ordered_domains[fid].append(d.id)
        rows.append(
            PortfolioRow(organisation=organisation, scope=scope, parts=parts, domains=levels, assessments=len(members))
        )
    for fid in frameworks:
        domains += ordered_domains[fid]
    return Portfolio(frameworks=frameworks, domains=domains, rows=rows)

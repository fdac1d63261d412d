"""From assessment files to a finished report in one format: open, score, build the view, render."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from assessors.compare import Snapshot, compare
from assessors.workflow import BundleError, EvidenceBundle, open_assessment, open_bundle
from capability_model.atomicfile import write_atomic
from capability_model.schema import Lang
from reports.compare_render import names_of
from reports.view import ScoredPart, build_view, report_json
from reports.viewmodel import PreviousPart


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    md = "md"
    json = "json"
    csv = "csv"


def score_parts(
    paths: Sequence[Path],
    target: int | None = None,
    evidence: Path | None = None,
    audit: bool = False,
) -> list[ScoredPart]:
    """Open and score each assessment file exactly as `assess` does, keeping each file's SHA-256 for the record.

    Each part uses the bundle given on the command line, else the one its assessment file names; a bundle shared by
    parts is read once. A combined report has one section per part, so two files answering the same part are refused
    (ValueError); an altered or missing bundle raises BundleError.
    """
    parts: list[ScoredPart] = []
    bundles: dict[Path, EvidenceBundle] = {}
    for path in paths:
        opened = open_assessment(path)
        seen = [p.path for p in parts if p.opened.framework.framework.id == opened.framework.framework.id]
        if seen:
            raise ValueError(f"{path} and {seen[0]} both assess {opened.framework.framework.id}; report one of them")
        bundle_path = opened.evidence_path(evidence)
        bundle = None
        if bundle_path is not None:
            try:  # realpath, not Path.resolve, which raises RuntimeError on a link loop
                key = Path(os.path.realpath(bundle_path))
            except (OSError, ValueError) as exc:  # a NUL byte
                raise BundleError(f"{bundle_path}: not an evidence bundle ({exc})") from None
            bundle = bundles[key] if key in bundles else bundles.setdefault(key, open_bundle(bundle_path))
        result = opened.score(target, evidence=bundle, audit=audit)
        sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        parts.append(ScoredPart(opened, result, Path(path), sha, bundle))
    return parts


def _snapshot(part: ScoredPart) -> Snapshot:
    return Snapshot(
        label=part.path.name,
        assessment=part.opened.assessment,
        framework=part.opened.framework.framework,
        result=part.result,
        records=tuple(part.bundle.records) if part.bundle else (),
    )


def with_previous(
    parts: Sequence[ScoredPart], previous: Sequence[Path], today: dt.date, audit: bool = False
) -> list[ScoredPart]:
    """The parts, each compared with the earlier assessment file of the same framework among `previous`.

    An earlier file is opened and scored as `report` scores its own files (with the bundle it names, and `audit` as
    given); see compared_parts for the matching.
    """
    return compared_parts(parts, [score_parts([path], audit=audit)[0] for path in previous], today)


def compared_parts(parts: Sequence[ScoredPart], earlier: Sequence[ScoredPart], today: dt.date) -> list[ScoredPart]:
    """The parts, each with its comparison (assessors/compare.py) with the earlier part of the same framework.

    One earlier part per part at most, matched by framework id; an earlier part of a framework the report does not
    cover, or two of one framework, is refused (ValueError): it would be silently left out otherwise. `today` stands
    in for a part's completion date when it has none (for the age of its evidence).
    """
    by_framework = {p.opened.framework.framework.id: p for p in parts}
    found: dict[str, PreviousPart] = {}
    for old in earlier:
        fid = old.opened.framework.framework.id
        if fid not in by_framework:
            covered = ", ".join(by_framework)
            raise ValueError(
                f"--previous {old.path} assesses {fid}, but the assessments given cover only {covered}: "
                "give one earlier assessment per part, of the same framework"
            )
        if fid in found:
            raise ValueError(f"--previous {old.path} and {found[fid].path} both assess {fid}; give one of them")
        new = by_framework[fid]
        compared = compare(_snapshot(old), _snapshot(new), today=today)
        names = names_of([old.opened.framework.framework, new.opened.framework.framework])
        found[fid] = PreviousPart(old, compared, names)
    return [dataclasses.replace(p, previous=found.get(p.opened.framework.framework.id)) for p in parts]


def render_report(
    parts: Sequence[ScoredPart],
    fmt: ReportFormat,
    lang: Lang,
    report_date: dt.date | None = None,
) -> bytes:
    """The report's bytes. CSV carries a UTF-8 byte-order mark so spreadsheet programs read Chinese correctly."""
    data = report_json(parts).encode()
    if fmt is ReportFormat.json:
        return data
    view = build_view(parts, lang, report_date)
    if fmt is ReportFormat.csv:
        from reports.exports import requirements_csv

        return requirements_csv(view).encode("utf-8-sig")
    from reports.templating import render_html, render_markdown

    if fmt is ReportFormat.md:
        return render_markdown(view).encode()
    html = render_html(view)
    if fmt is ReportFormat.html:
        return html.encode()
    from reports.identity import embedded_files
    from reports.pdf import PdfOptions, html_to_pdf

    options = PdfOptions(embedded_files(parts, data), dt.date.fromisoformat(view.report_date), view.report_id)
    return html_to_pdf(html, options=options)


def render_checks_csv(parts: Sequence[ScoredPart], lang: Lang) -> bytes:
    """One CSV row per automated check of every part (the requirements CSV keeps one row per requirement)."""
    from reports.exports import checks_csv

    return checks_csv([p.check_report() for p in parts], lang).encode("utf-8-sig")


def write_report(path: Path, data: bytes) -> None:
    """Replace `path` atomically, so an interrupted run never leaves half a PDF where a good one was.

    A directory at `path` raises TargetIsDirectoryError (an OSError) before anything is written.
    """
    write_atomic(path, data)

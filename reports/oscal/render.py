"""OSCAL documents as the bytes the CLI writes: pretty JSON, UTF-8, keys in the order they were built."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from capability_model.schema import Framework, Lang
from reports.oscal.common import Json
from reports.viewmodel import ScoredPart


def _bytes(doc: Json) -> bytes:
    """Pretty UTF-8 JSON; control, bidi and other hidden characters are written as \\u escapes, never raw."""
    from assessors.storage import json_text

    return json_text(doc).encode()


def render_oscal(parts: Sequence[ScoredPart], kind: str, lang: Lang, report_date: dt.date | None = None) -> bytes:
    """`oscal-ar` (assessment results) or `oscal-poam` (plan of action and milestones) of the scored parts."""
    if kind == "oscal-ar":
        from reports.oscal.results import oscal_assessment_results

        return _bytes(oscal_assessment_results(parts, lang, report_date))
    if kind == "oscal-poam":
        from reports.oscal.poam import oscal_poam

        return _bytes(oscal_poam(parts, lang, report_date))
    raise ValueError(f"not an OSCAL document kind: {kind}")


def render_catalog(framework: Framework, sha256: str, lang: Lang) -> bytes:
    """The framework as an OSCAL catalog."""
    from reports.oscal.catalog import oscal_catalog

    return _bytes(oscal_catalog(framework, sha256, lang))

"""Answers proposed by evidence in the workshop: draft them from the loaded bundle, list those awaiting confirmation,
and say who decided each verdict.

No Streamlit here: the pages call these functions and draw what they return. Drafting is the CLI's (`assess --draft`,
assessors/draft.py) applied to every part of the workshop; saving goes through ProposalStore, which leaves alone any
requirement someone answered after the workshop was loaded.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from app.workshop.service import Scores
from assessors.answering import proposed
from assessors.assessment import Answer
from assessors.draft import Disagreement
from assessors.proposal_store import ProposalStore
from assessors.results import RequirementOutcome

Shown = Literal["evidence", "proposed", "confirmed", "answered", "overridden", "unanswered"]


class DraftReport(BaseModel):
    """What drafting did over every part, for the evidence page to show."""

    automated: int = 0
    assisted: int = 0
    replaced: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    kept: int = 0
    skipped: list[str] = []  # answered by someone meanwhile: no proposal written
    disagreements: list[tuple[str, Disagreement]] = []  # (item id, disagreement), parts in workshop order


def draft_workshop(store: ProposalStore, scores: Scores, who: str) -> DraftReport:
    """Draft proposals in every part from the workshop's bundle and save them where nobody has answered."""
    if scores.bundle is None:
        raise ValueError("no evidence bundle is loaded")
    report = DraftReport()
    for part in scores.parts:
        drafted = part.opened.draft(scores.bundle)
        saved = store.save_draft(scores.workshop.id, part.framework.id, drafted, scores.workshop.answer_revisions, who)
        skipped = set(saved.skipped)
        for verification in (v for rid, v in drafted.proposed.items() if rid not in skipped):
            if verification == "automated":
                report.automated += 1
            else:
                report.assisted += 1
        report.replaced += len(set(drafted.replaced) - skipped)
        report.unchanged += len(drafted.unchanged)
        report.withdrawn += len(saved.withdrawn)
        report.kept += len(drafted.kept)
        report.skipped += saved.skipped
        item_of = {req.id: item.id for item, req in part.framework.requirements()}
        report.disagreements += [(item_of[d.requirement], d) for d in drafted.disagreements]
    return report


def awaiting(scores: Scores) -> list[tuple[str, str]]:
    """(item id, requirement id) of every proposal nobody has confirmed yet, parts and requirements in order."""
    found = []
    for part in scores.parts:
        waiting = set(proposed(part.assessment))
        found += [(item.id, req.id) for item, req in part.framework.requirements() if req.id in waiting]
    return found


def shown_provenance(outcome: RequirementOutcome, answer: Answer) -> Shown:
    """Who or what decided the verdict shown: a proposal a person confirmed is theirs even where the evidence would
    decide the same status (the scoring calls that `evidence`; the screen names the person), and a proposal nobody
    confirmed says so wherever it stands."""
    if answer.provenance == "proposed":
        return "proposed"
    if (
        outcome.provenance == "evidence"
        and answer.provenance == "confirmed"
        and answer.status is not None
        and answer.status.value == outcome.status
    ):
        return "confirmed"
    return outcome.provenance

"""How far the room has got: answered requirements out of all, per part, as a bar in the sidebar's live results.

A requirement counts as answered when the verdict the score uses (a person's answer or the evidence's) is not
unknown; not applicable is an answer too.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st
from pydantic import BaseModel, ConfigDict

from app.workshop.service import PartScore
from app.workshop.words import t
from capability_model.schema import Lang


class Progress(BaseModel):
    model_config = ConfigDict(frozen=True)

    answered: int
    total: int

    @property
    def fraction(self) -> float:
        """0.0 to 1.0; a part without requirements counts as complete (nothing is left to ask)."""
        return self.answered / self.total if self.total else 1.0


def progress(statuses: Iterable[str]) -> Progress:
    """Answered and total of a part's requirement statuses."""
    found = list(statuses)
    return Progress(answered=sum(1 for s in found if s != "unknown"), total=len(found))


def of_part(part: PartScore) -> Progress:
    return progress(outcome.status for outcome in part.outcomes.values())


def show(part: PartScore, lang: Lang) -> None:
    """The part's bar with its counts."""
    done = of_part(part)
    st.progress(done.fraction, text=t("progress_line", lang, answered=done.answered, total=done.total))

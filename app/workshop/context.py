"""What every page is drawn from: the database, the language and the workshop as last saved, scored."""

from __future__ import annotations

from dataclasses import dataclass

from app.workshop.config import ServerConfig
from app.workshop.service import Scores
from app.workshop.words import t
from assessors.accounts import Action, Role, may
from assessors.store import AssessmentStore
from capability_model.schema import Lang


@dataclass(frozen=True)
class Context:
    config: ServerConfig
    db: str
    lang: Lang
    store: AssessmentStore
    scores: Scores | None  # None: no workshop is open
    who: str  # who the answers are recorded as (the sidebar's choice; the session's name at first; the account)
    role: Role | None = "facilitator"  # without accounts, the one person at the screen may do everything

    def may(self, action: Action) -> bool:
        """Whether the page offers `action` (the callbacks check again: app/workshop/rights.py)."""
        return may(self.role, action)

    def t(self, key: str, **fmt: object) -> str:
        return t(key, self.lang, **fmt)

"""The bilingual glossary: one English rendering per Chinese term, checked across a framework's texts."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from capability_model.schema import Framework, LocalizedText

GLOSSARY_PATH = Path(__file__).parent / "glossary.yaml"


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    forms: list[str] = Field(default_factory=list, description="Word forms that count as the translation")

    def used_in(self, english: str) -> bool:
        lowered = english.lower()
        return any(form.lower() in lowered for form in (self.forms or [self.en]))


class Glossary(BaseModel):
    terms: list[Term]


class GlossaryViolation(BaseModel):
    where: str
    term: Term


@cache
def load_glossary(path: Path = GLOSSARY_PATH) -> Glossary:
    return Glossary.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _texts(framework: Framework) -> Iterator[tuple[str, LocalizedText]]:
    for _, _, item in framework.items():
        if item.purpose:
            yield f"{item.id}.purpose", item.purpose
        for req in item.requirements:
            yield f"{req.id}.text", req.text
            yield f"{req.id}.guidance", req.guidance


def check_glossary(framework: Framework, glossary: Glossary | None = None) -> list[GlossaryViolation]:
    """Texts whose Chinese uses a glossary term while the English does not use its translation."""
    glossary = glossary or load_glossary()
    return [
        GlossaryViolation(where=where, term=term)
        for where, text in _texts(framework)
        for term in glossary.terms
        if term.zh in text.zh and not term.used_in(text.en)
    ]

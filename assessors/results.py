"""What scoring produces: the shapes every output (CLI, JSON, reports, UI) renders, never recomputes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

RequirementState = Literal["met", "partial", "not_met", "not_applicable", "unknown"]


class FrameworkRef(BaseModel):
    id: str
    version: str
    sha256: str


class ItemResult(BaseModel):
    id: str
    level: int | None  # None: every requirement is not applicable
    blocking: list[str]  # applicable requirements not met at level + 1
    gap: list[str]  # applicable requirements not met at levels <= target
    counts: dict[RequirementState, int]


class SubdomainResult(BaseModel):
    id: str
    level: int | None
    score: float | None
    items: list[ItemResult]


class DomainResult(BaseModel):
    id: str
    level: int | None
    score: float | None
    subdomains: list[SubdomainResult]


class Overall(BaseModel):
    level: int | None
    score: float | None


class RoadmapStep(BaseModel):
    id: str
    item: str
    status: RequirementState


class RoadmapPhase(BaseModel):
    level: int
    requirements: list[RoadmapStep]


class AssessmentResult(BaseModel):
    framework: FrameworkRef
    target_level: int
    overall: Overall
    counts: dict[RequirementState, int]
    domains: list[DomainResult]
    roadmap: list[RoadmapPhase]

    def items(self) -> list[ItemResult]:
        return [i for d in self.domains for s in d.subdomains for i in s.items]

"""The shape of an automated-check report: each check's row and outcome, and what could not be checked.

Kept apart from the computation (assessors/checks.py) so that the scoring result can carry it without an import cycle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from evidence_collectors.bundle_format import TargetState

CheckOutcome = Literal["holds", "fails", "not_collected"]
OUTCOMES: tuple[CheckOutcome, ...] = ("holds", "fails", "not_collected")
# Why a check could not run: no target of its collector was given; the target was given but its evidence was
# unavailable or in error (or the target was never collected); the target was collected but did not report the probe.
Gap = Literal["no_target", "target_failed", "not_reported"]
GAPS: tuple[Gap, ...] = ("no_target", "target_failed", "not_reported")


class CheckRow(BaseModel):
    """One check of one requirement on one target."""

    model_config = ConfigDict(frozen=True)

    probe: str
    collector: str
    op: str
    expected: Any
    target: str | None  # None: no target reported the probe
    actual: Any  # the collected value; None when nothing usable was collected
    outcome: CheckOutcome
    gap: Gap | None = None  # set when the outcome is not_collected
    status: str | None = None  # the record's evidence status (ok, unavailable, error)
    reason: str = ""  # why nothing usable was collected (the record's redacted reason, or the target's state)
    record: str | None = None  # evidence record id
    record_sha256: str | None = None  # SHA-256 of the record's line in records.jsonl
    collected_at: dt.datetime | None = None
    alternative: bool = False  # one of several systems that can prove the same fact (an any_of group)


class RequirementChecks(BaseModel):
    model_config = ConfigDict(frozen=True)

    requirement: str
    verification: Literal["automated", "assisted"]
    status: Literal["met", "not_met"] | None  # what the evidence decided; None: it decided nothing
    checks: list[CheckRow]


class TargetGap(BaseModel):
    """A given target whose evidence a check needed but could not use."""

    model_config = ConfigDict(frozen=True)

    name: str
    status: str  # unavailable | error | not_collected | deadline | pending | no_record
    reason: str


class Limitation(BaseModel):
    """Checks of one collector that could not run, for one reason."""

    model_config = ConfigDict(frozen=True)

    collector: str
    gap: Gap
    checks: int
    requirements: list[str]
    probes: list[str]
    targets: list[TargetGap]  # empty for no_target


class CheckReport(BaseModel):
    """Every automated check of one framework against one evidence bundle (or none), and what could not be checked."""

    model_config = ConfigDict(frozen=True)

    framework: str  # id@version
    bundle: str | None  # the bundle's manifest SHA-256; None when no bundle was used
    targets: list[TargetState]  # the targets the bundle was collected from
    requirements: list[RequirementChecks]
    limitations: list[Limitation]
    counts: dict[CheckOutcome, int]

    def rows(self) -> list[tuple[RequirementChecks, CheckRow]]:
        return [(req, row) for req in self.requirements for row in req.checks]

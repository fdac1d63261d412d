"""The assessment's frame: what an audit report states besides the answers (scope, period, methods, sign-off).

Kept apart from the answers so that a questionnaire without a frame still loads, and the report can say which parts
of the frame are missing instead of inventing them. What can be computed (limitations, the framework's disclosure)
is computed here from the inputs, never typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assessors.check_results import CheckReport
from capability_model.schema import Framework, LocalizedText

Method = Literal["document_review", "interview", "demonstration", "automated_probe"]
METHODS: tuple[Method, ...] = ("document_review", "interview", "demonstration", "automated_probe")
ActionStatus = Literal["open", "in_progress", "done"]


class _Typed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Exclusion(_Typed):
    """Something left out of the scope, and why."""

    what: str
    justification: str = ""


class FrameScope(_Typed):
    unit: str = Field(default="", description="The organisational unit assessed")
    projects: list[str] = Field(default_factory=list, description="Projects and models in scope")
    systems: list[str] = Field(default_factory=list, description="Systems in scope (tracking, CI, registry, ...)")
    environments: list[str] = Field(default_factory=list, description="Environments in scope (dev, test, prod, ...)")
    exclusions: list[Exclusion] = Field(default_factory=list)


class Fieldwork(_Typed):
    """When evidence was gathered; evidence from outside the period is listed as a limitation."""

    start: dt.date | None = None
    end: dt.date | None = None


class Signatory(_Typed):
    name: str = ""
    role: str = ""
    date: dt.date | None = None


class SignOff(_Typed):
    assessor: Signatory | None = None
    reviewer: Signatory | None = None
    approver: Signatory | None = None
    client: Signatory | None = Field(default=None, description="The assessed organisation's acknowledgement")


class ActionItem(_Typed):
    """Who will close a requirement (or every requirement of an item) and by when; the roadmap shows it."""

    ref: str = Field(description="A requirement id, or a capability item id for all of its requirements")
    owner: str = ""
    due: dt.date | None = None
    status: ActionStatus = "open"
    note: str = ""


class Attendee(_Typed):
    """Someone in a working session: who, in what role, for which side."""

    name: str
    role: str = Field(default="", description="e.g. facilitator, data engineer, model owner, auditor")
    organisation: str = Field(default="", description="The assessed organisation or the assessment body")


class EngagementSession(_Typed):
    """One working session of the assessment (an interview or workshop): when, on what, who was there."""

    date: dt.date
    topic: str = Field(default="", description="What the session covered, e.g. a domain or the evidence review")
    attendees: list[Attendee] = Field(default_factory=list)
    note: str = ""


class AssessmentFrame(BaseModel):
    """Everything the report's frame pages show that is typed by people, not computed."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(default="", description="The assessment body that performed the assessment")
    report_version: str = Field(default="", description="The report's issue, e.g. 1.0; a re-issue raises it")
    scope: FrameScope = Field(default_factory=FrameScope)
    fieldwork: Fieldwork = Field(default_factory=Fieldwork)
    methods: list[Method] = Field(default_factory=list)
    sampling: str = Field(default="", description="How samples were drawn (projects, runs, records)")
    independence: str = Field(default="", description="The assessors' statement of independence")
    sign_off: SignOff = Field(default_factory=SignOff)
    actions: list[ActionItem] = Field(default_factory=list)
    sessions: list[EngagementSession] = Field(default_factory=list, description="Working sessions and attendance")


# --- computed --------------------------------------------------------------------------------------------------


class SystemLimit(BaseModel):
    """A system the checks needed that was not probed, or was probed without usable evidence."""

    collector: str
    target: str  # empty: no target of this collector was given
    problem: Literal["not_probed", "unavailable", "not_reported"]
    status: str = ""  # the target's or record's state (unavailable, error, no_record, not_collected, ...)
    reason: str = ""  # the collector's (redacted) reason, when it gave one
    requirements: int = 0  # requirements whose checks needed it


class DatedOutside(BaseModel):
    """A record or answer dated outside the fieldwork period."""

    ref: str  # evidence record id or requirement id
    what: str  # probe @ target, or who answered
    at: dt.datetime


class NotApplicable(BaseModel):
    requirement: str
    justification: str  # the answer's note; empty when none was recorded


class Limitations(BaseModel):
    systems: list[SystemLimit] = []
    records_outside: list[DatedOutside] = []
    answers_outside: list[DatedOutside] = []
    not_applicable: list[NotApplicable] = []
    no_evidence: bool = False  # no evidence bundle was used: every checked requirement rests on people's answers


class DatedRecord(BaseModel):
    """What the limitations need of an evidence record."""

    id: str
    probe: str
    target: str
    collected_at: dt.datetime


class DatedAnswer(BaseModel):
    requirement: str
    status: str | None
    note: str
    by: str
    at: dt.datetime | None


def fieldwork_period(
    frame: AssessmentFrame, started: dt.date, completed: dt.date | None
) -> tuple[dt.date, dt.date | None]:
    """The frame's fieldwork period, else the assessment's start and completion dates."""
    return frame.fieldwork.start or started, frame.fieldwork.end or completed


def _outside(at: dt.datetime, start: dt.date, end: dt.date | None) -> bool:
    """Whether `at` falls on a day outside the period, the day taken where it was recorded (its own UTC offset)."""
    day = at.date()
    return day < start or (end is not None and day > end)


def limitations(
    report: CheckReport | None,
    records: Sequence[DatedRecord],
    answers: Sequence[DatedAnswer],
    period: tuple[dt.date, dt.date | None],
) -> Limitations:
    """What the result could not rest on: un-probed or unavailable systems, evidence and answers dated outside the
    fieldwork period, and requirements answered as not applicable with their justification."""
    systems: list[SystemLimit] = []
    if report is not None:
        for lim in report.limitations:
            if lim.gap == "no_target":
                systems.append(
                    SystemLimit(
                        collector=lim.collector, target="", problem="not_probed", requirements=len(lim.requirements)
                    )
                )
                continue
            problem: Literal["unavailable", "not_reported"] = (
                "unavailable" if lim.gap == "target_failed" else "not_reported"
            )
            n = len(lim.requirements)
            for t in lim.targets:
                systems.append(
                    SystemLimit(
                        collector=lim.collector,
                        target=t.name,
                        problem=problem,
                        status=t.status,
                        reason=t.reason,
                        requirements=n,
                    )
                )
            if not lim.targets:
                systems.append(SystemLimit(collector=lim.collector, target="", problem=problem, requirements=n))
    start, end = period
    return Limitations(
        systems=systems,
        records_outside=[
            DatedOutside(ref=r.id, what=f"{r.probe} @ {r.target}", at=r.collected_at)
            for r in records
            if _outside(r.collected_at, start, end)
        ],
        answers_outside=[
            DatedOutside(ref=a.requirement, what=a.by, at=a.at)
            for a in answers
            if a.at is not None and _outside(a.at, start, end)
        ],
        not_applicable=[
            NotApplicable(requirement=a.requirement, justification=a.note)
            for a in answers
            if a.status == "not_applicable"
        ],
        no_evidence=report is None or report.bundle is None,
    )


_STATUS = {
    "published": (
        "本框架文件依据已发布的标准 {series} 编写。",
        "This framework file models the published standard {series}.",
    ),
    "draft": (
        "本框架文件依据 {series} 的征求意见稿编写，标准正式发布后要求可能变化。",
        "This framework file models a draft of {series} issued for comment; requirements may change when the "
        "standard is published.",
    ),
    "provisional": (
        "本框架文件为暂定版本：结构由本工具项目自行设计，待标准正式发布后核对。",
        "This framework file is provisional: its structure is this tool project's own design, to be checked against "
        "the standard once it is published.",
    ),
}


def disclosure(framework: Framework) -> LocalizedText:
    """The framework file's own disclosure, else one built from its status, source and copyright lines."""
    if framework.disclosure is not None:
        return framework.disclosure
    zh, en = (s.format(series=framework.standard.series) for s in _STATUS[framework.status])
    if framework.source:
        zh += f" 来源说明：{framework.source}"
        en += f" Source: {framework.source}"
    if framework.copyright:
        zh += f" 版权：{framework.copyright}"
        en += f" Copyright: {framework.copyright}"
    return LocalizedText(zh=zh, en=en)


def actions_by_ref(frame: AssessmentFrame) -> Mapping[str, ActionItem]:
    """The recorded actions by requirement or item id; a later entry for the same id replaces an earlier one."""
    return {a.ref: a for a in frame.actions}

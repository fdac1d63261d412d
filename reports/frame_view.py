"""The assessment's frame as the report shows it: report identity, scope, fieldwork, methods, the frameworks'
disclosures, the computed limitations and the sign-off block, in one language.

A combined report has one frame: typed values are merged over the parts (each distinct value once, in order);
what is computed per part (framework, disclosure, limitations) stays per part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessors.frame import (
    AssessmentFrame,
    DatedAnswer,
    DatedRecord,
    EngagementSession,
    Limitations,
    Signatory,
    disclosure,
    fieldwork_period,
    limitations,
)
from capability_model.schema import Lang
from reports.identity import tool_name_and_version
from reports.labels import word

if TYPE_CHECKING:
    from reports.viewmodel import ScoredPart

_WORDS: dict[str, tuple[str, str]] = {
    "frame_title": ("评估框架与范围", "Assessment frame and scope"),
    "report_id": ("报告编号", "Report id"),
    "report_version": ("报告版本", "Report version"),
    "tool": ("评估工具及版本", "Tool and version"),
    "body": ("评估机构", "Assessment body"),
    "unit": ("受评单位", "Unit assessed"),
    "projects": ("范围内项目与模型", "Projects and models in scope"),
    "systems": ("范围内系统", "Systems in scope"),
    "environments": ("范围内环境", "Environments in scope"),
    "fieldwork": ("现场工作期间", "Fieldwork period"),
    "methods": ("评估方法", "Methods used"),
    "sampling": ("抽样说明", "Sampling"),
    "independence": ("独立性声明", "Independence statement"),
    "exclusions": ("范围排除及理由", "Exclusions and their justification"),
    "frameworks": ("标准框架及其状态", "Frameworks and their status"),
    "col_framework": ("框架", "Framework"),
    "col_version": ("版本", "Version"),
    "col_hash": ("内容哈希（SHA-256）", "Content hash (SHA-256)"),
    "col_disclosure": ("状态与措辞说明", "Status and wording"),
    "col_excluded": ("排除内容", "Excluded"),
    "col_justification": ("理由", "Justification"),
    "not_stated": ("未载明", "not stated"),
    "no_exclusions": ("无范围排除。", "Nothing was excluded from the scope."),
    "open_end": ("{start} 起（未结束）", "from {start} (not closed)"),
    "period": ("{start} 至 {end}", "{start} to {end}"),
    "status_published": ("已发布", "published"),
    "status_draft": ("征求意见稿", "draft"),
    "status_provisional": ("暂定", "provisional"),
    "m_document_review": ("文件审阅", "document review"),
    "m_interview": ("访谈", "interview"),
    "m_demonstration": ("现场演示", "demonstration"),
    "m_automated_probe": ("自动探测", "automated probe"),
    "frame_limits": ("评估局限（自动计算）", "Limitations of the assessment (computed)"),
    "limits_intro": (
        "以下各项由评估输入自动得出，而非人工填写：未探测或不可用的系统、现场工作期间以外的证据与作答、不适用的要求及其理由。",
        "The following are computed from the assessment's inputs, not typed: systems not probed or unavailable, "
        "evidence and answers dated outside the fieldwork period, and requirements not applicable with their "
        "justification.",
    ),
    "no_evidence": (
        "本部分未使用证据包：所有要求均依据访谈和文件作答，未经自动核查。",
        "No evidence bundle was used for this part: every requirement rests on interviews and documents; nothing "
        "was checked automatically.",
    ),
    "col_system": ("系统", "System"),
    "col_target": ("目标", "Target"),
    "col_problem": ("问题", "Problem"),
    "col_reqs": ("涉及要求", "Requirements"),
    "col_reason": ("原因", "Reason"),
    "p_not_probed": ("未探测（未给出目标）", "not probed: no target"),
    "p_unavailable": ("不可用或出错", "unavailable or in error"),
    "p_not_reported": ("未报告所需探针", "probes not reported"),
    "all_probed": ("所需系统均已探测并可用。", "Every system the checks needed was probed and available."),
    "records_outside": (
        "{n} 条证据记录采集于现场工作期间（{period}）以外",
        "{n} evidence records were collected outside the fieldwork period ({period})",
    ),
    "answers_outside": (
        "{n} 项作答或确认的时间在现场工作期间（{period}）以外",
        "{n} answers or confirmations are dated outside the fieldwork period ({period})",
    ),
    "none_outside": (
        "所有证据记录与作答均在现场工作期间（{period}）以内。",
        "Every evidence record and answer is dated within the fieldwork period ({period}).",
    ),
    "na_title": ("不适用的要求及理由", "Requirements not applicable and their justification"),
    "no_na": ("没有被判为不适用的要求。", "No requirement was answered as not applicable."),
    "no_justification": ("未记录理由", "no justification recorded"),
    "col_requirement": ("要求", "Requirement"),
    "signoff_intro": (
        "评估人、复核人和批准人签署确认本报告如实反映所取得的证据；受评组织签署确认已收到本报告。",
        "The assessor, reviewer and approver sign that this report fairly states the evidence obtained; the assessed "
        "organisation signs that it has received the report.",
    ),
    "r_assessor": ("评估人", "Assessor"),
    "r_reviewer": ("复核人", "Reviewer"),
    "r_approver": ("批准人", "Approver"),
    "r_client": ("受评组织确认", "Client acknowledgement"),
    "col_role": ("签署角色", "Capacity"),
    "col_name": ("姓名及职务", "Name and position"),
    "col_signature": ("签名", "Signature"),
    "col_date": ("日期", "Date"),
    "seal": ("评估机构盖章", "Seal of the assessment body"),
    "seal_client": ("受评组织盖章", "Seal of the assessed organisation"),
}


def fw(key: str, lang: Lang, **fmt: object) -> str:
    """A frame word in the report's language."""
    text = _WORDS[key][0 if lang == "zh" else 1]
    return text.format(**fmt) if fmt else text


@dataclass(frozen=True)
class FrameworkFrame:
    ref: str
    title: str
    version: str
    sha256: str
    status: str
    disclosure: str


@dataclass(frozen=True)
class SystemRow:
    system: str
    target: str
    problem: str
    requirements: int
    reason: str


@dataclass(frozen=True)
class PartLimits:
    title: str
    evidence_line: str  # "no bundle was used", or empty
    systems: tuple[SystemRow, ...]
    all_probed: str  # shown when `systems` is empty and a bundle was used
    dated: tuple[str, ...]  # records / answers outside the period, each with its ids
    not_applicable: tuple[tuple[str, str], ...]  # (requirement id, justification)


@dataclass(frozen=True)
class SignRow:
    capacity: str
    name: str
    role: str
    date: str


@dataclass(frozen=True)
class SessionView:
    """One working session: its heading (date and topic), who attended (name, role, organisation), and its note."""

    date: str
    topic: str
    heading: str
    attendees: tuple[tuple[str, str, str], ...]
    note: str


@dataclass(frozen=True)
class FrameView:
    words: dict[str, str]  # the frame pages' headings in the report's language
    rows: tuple[tuple[str, str], ...]  # (label, value) for the frame page
    frameworks: tuple[FrameworkFrame, ...]
    exclusions: tuple[tuple[str, str], ...]
    limits: tuple[PartLimits, ...]
    signatures: tuple[SignRow, ...]
    version_row: tuple[str, str] = ("", "")  # the report version, for the cover
    method_rows: tuple[tuple[str, str], ...] = ()  # methods, sampling and independence, for the methodology
    sessions: tuple[SessionView, ...] = ()  # the engagement's working sessions, oldest first
    no_sessions: str = ""  # the one line shown instead when the files record none


def _unique(values: Sequence[str]) -> str:
    return " / ".join(dict.fromkeys(v for v in values if v))


def _listed(values: Sequence[Sequence[str]]) -> str:
    return "; ".join(dict.fromkeys(v for vs in values for v in vs if v))


def merged_frame(frames: Sequence[AssessmentFrame]) -> AssessmentFrame:
    """One frame for a combined report: each distinct typed value once; the first part's signatory per role."""
    if len(frames) == 1:
        return frames[0]
    exclusions = list({(e.what, e.justification): e for f in frames for e in f.scope.exclusions}.values())
    sign: dict[str, Any] = {}
    for role in ("assessor", "reviewer", "approver", "client"):
        sign[role] = next((getattr(f.sign_off, role) for f in frames if getattr(f.sign_off, role)), None)
    starts = [f.fieldwork.start for f in frames if f.fieldwork.start]
    ends = [f.fieldwork.end for f in frames if f.fieldwork.end]
    return AssessmentFrame.model_validate(
        {
            "body": _unique([f.body for f in frames]),
            "report_version": _unique([f.report_version for f in frames]),
            "scope": {
                "unit": _unique([f.scope.unit for f in frames]),
                "projects": list(dict.fromkeys(p for f in frames for p in f.scope.projects)),
                "systems": list(dict.fromkeys(p for f in frames for p in f.scope.systems)),
                "environments": list(dict.fromkeys(p for f in frames for p in f.scope.environments)),
                "exclusions": [e.model_dump() for e in exclusions],
            },
            "fieldwork": {"start": min(starts, default=None), "end": max(ends, default=None)},
            "methods": list(dict.fromkeys(m for f in frames for m in f.methods)),
            "sampling": "\n".join(dict.fromkeys(f.sampling for f in frames if f.sampling)),
            "independence": "\n".join(dict.fromkeys(f.independence for f in frames if f.independence)),
            "sign_off": {k: (v.model_dump() if v else None) for k, v in sign.items()},
            "actions": [a.model_dump() for f in frames for a in f.actions],
            "sessions": [s.model_dump() for s in merged_sessions(frames)],
        }
    )


def merged_sessions(frames: Sequence[AssessmentFrame]) -> list[EngagementSession]:
    """Every part's sessions, a session recorded in several parts' files once, oldest first (stable by date)."""
    unique = {s.model_dump_json(): s for f in frames for s in f.sessions}
    return sorted(unique.values(), key=lambda s: s.date)


_SESSION_WORDS = (
    "sessions_title",
    "no_sessions",
    "session_date",
    "session_topic",
    "session_note",
    "attendee_name",
    "attendee_role",
    "attendee_organisation",
    "session_no_attendees",
)


def _session_views(sessions: Sequence[EngagementSession], lang: Lang) -> tuple[SessionView, ...]:
    views = []
    for s in sorted(sessions, key=lambda s: s.date):  # oldest first, however the files list them
        topic = s.topic or word("session_no_topic", lang)
        views.append(
            SessionView(
                date=s.date.isoformat(),
                topic=s.topic,
                heading=word("session_heading", lang, date=s.date.isoformat(), topic=topic),
                attendees=tuple((a.name, a.role, a.organisation) for a in s.attendees),
                note=s.note,
            )
        )
    return tuple(views)


def _sessions_row(sessions: Sequence[EngagementSession], lang: Lang) -> tuple[str, str]:
    """The frame page's one-line account of the sessions; "not stated" when the files record none."""
    if not sessions:
        return word("sessions_title", lang), fw("not_stated", lang)
    people = sum(len(s.attendees) for s in sessions)
    return word("sessions_title", lang), word("sessions_count", lang, n=len(sessions), people=people)


def _period_text(start: dt.date, end: dt.date | None, lang: Lang) -> str:
    if end is None:
        return fw("open_end", lang, start=start.isoformat())
    return fw("period", lang, start=start.isoformat(), end=end.isoformat())


def part_limitations(part: ScoredPart) -> Limitations:
    """The computed limitations of one scored part (pure: from its check report, bundle and answers)."""
    a = part.opened.assessment
    period = fieldwork_period(a.frame, a.started, a.completed)
    records = [
        DatedRecord(id=r.id, probe=r.probe, target=r.target, collected_at=r.collected_at)
        for r in (part.bundle.records if part.bundle else [])
    ]
    answers = []
    for rid, ans in a.answers.items():
        at = ans.confirmed_at or ans.answered_at
        by = ans.confirmed_by or ans.answered_by or ""
        status = ans.status.value if ans.status else None
        answers.append(DatedAnswer(requirement=rid, status=status, note=note_text(ans.note, "en"), by=by, at=at))
    report = part.check_report() if part.bundle else None
    return limitations(report, records, answers, period)


def note_text(note: object, lang: Lang) -> str:
    """An answer's note in the report's language where it is given per language, else as it was given."""
    if isinstance(note, str):
        return note
    other: Lang = "en" if lang == "zh" else "zh"
    for key in (lang, other):
        text = getattr(note, key, None)
        if isinstance(text, str) and text:
            return text
    return ""


def _limits_view(part: ScoredPart, lang: Lang) -> PartLimits:
    from reports.labels import EVIDENCE_STATUS_LABELS, TARGET_STATE_LABELS, collector_name

    a = part.opened.assessment
    start, end = fieldwork_period(a.frame, a.started, a.completed)
    period = _period_text(start, end, lang)
    lim = part_limitations(part)
    dated = []
    if lim.records_outside:
        ids = ", ".join(r.ref for r in lim.records_outside[:12]) + (" …" if len(lim.records_outside) > 12 else "")
        dated.append(f"{fw('records_outside', lang, n=len(lim.records_outside), period=period)}: {ids}")
    if lim.answers_outside:
        ids = ", ".join(r.ref for r in lim.answers_outside[:12]) + (" …" if len(lim.answers_outside) > 12 else "")
        dated.append(f"{fw('answers_outside', lang, n=len(lim.answers_outside), period=period)}: {ids}")
    if not dated:
        dated.append(fw("none_outside", lang, period=period))
    return PartLimits(
        title=part.opened.framework.framework.standard.title.get(lang),
        evidence_line=fw("no_evidence", lang) if lim.no_evidence else "",
        systems=tuple(
            SystemRow(
                collector_name(s.collector, lang),
                s.target,
                fw(f"p_{s.problem}", lang),
                s.requirements,
                _state_text(s.status, s.reason, lang, EVIDENCE_STATUS_LABELS | TARGET_STATE_LABELS),
            )
            for s in lim.systems
        ),
        all_probed="" if lim.no_evidence else fw("all_probed", lang),
        dated=tuple(dated),
        not_applicable=tuple(
            (n.requirement, note_text(a.answers[n.requirement].note, lang) or fw("no_justification", lang))
            for n in lim.not_applicable
        ),
    )


def _state_text(status: str, reason: str, lang: Lang, labels: dict[str, dict[str, str]]) -> str:
    """A target's state in the report's language, with the collector's reason when it differs."""
    label = labels.get(status, {}).get(lang, status)
    return f"{label}: {reason}" if reason and reason != status else label


def _signatory(capacity: str, given: Signatory | None, fallback: str, lang: Lang) -> SignRow:
    if given is None:
        return SignRow(fw(capacity, lang), fallback, "", "")
    return SignRow(fw(capacity, lang), given.name or fallback, given.role, given.date.isoformat() if given.date else "")


def frame_view(parts: Sequence[ScoredPart], lang: Lang, report_id: str) -> FrameView:
    """The frame pages of a report over `parts`."""
    assessments = [p.opened.assessment for p in parts]
    frame = merged_frame([a.frame for a in assessments])
    start = frame.fieldwork.start or min(a.started for a in assessments)
    ends = [a.completed for a in assessments]
    end = frame.fieldwork.end or (max(e for e in ends if e) if all(ends) else None)
    missing = fw("not_stated", lang)
    scope = frame.scope
    rows = (
        (fw("report_id", lang), report_id),
        (fw("report_version", lang), frame.report_version or missing),
        (fw("tool", lang), tool_name_and_version()),
        (fw("body", lang), frame.body or missing),
        (fw("unit", lang), scope.unit or missing),
        (fw("projects", lang), "; ".join(scope.projects) or missing),
        (fw("systems", lang), "; ".join(scope.systems) or missing),
        (fw("environments", lang), "; ".join(scope.environments) or missing),
        (fw("fieldwork", lang), _period_text(start, end, lang)),
        (
            fw("methods", lang),
            ("、" if lang == "zh" else ", ").join(fw(f"m_{m}", lang) for m in frame.methods) or missing,
        ),
        (fw("sampling", lang), frame.sampling or missing),
        (fw("independence", lang), frame.independence or missing),
        _sessions_row(frame.sessions, lang),
    )
    frameworks = tuple(
        FrameworkFrame(
            ref=p.opened.framework.framework.ref,
            title=p.opened.framework.framework.title.get(lang),
            version=p.opened.framework.framework.version,
            sha256=p.result.framework.sha256,
            status=fw(f"status_{p.opened.framework.framework.status}", lang),
            disclosure=disclosure(p.opened.framework.framework).get(lang),
        )
        for p in parts
    )
    sign = frame.sign_off
    assessor = " / ".join(dict.fromkeys(a.assessor for a in assessments))
    reviewer = " / ".join(dict.fromkeys(a.reviewer for a in assessments if a.reviewer))
    return FrameView(
        version_row=rows[1],
        method_rows=rows[9:12],
        words={k: fw(k, lang) for k in _WORDS if not k.startswith(("m_", "p_", "status_", "r_"))}
        | {k: word(k, lang) for k in _SESSION_WORDS},
        rows=rows,
        frameworks=frameworks,
        exclusions=tuple((e.what, e.justification or fw("no_justification", lang)) for e in scope.exclusions),
        limits=tuple(_limits_view(p, lang) for p in parts),
        signatures=(
            _signatory("r_assessor", sign.assessor, assessor, lang),
            _signatory("r_reviewer", sign.reviewer, reviewer, lang),
            _signatory("r_approver", sign.approver, "", lang),
            _signatory("r_client", sign.client, "", lang),
        ),
        sessions=_session_views(frame.sessions, lang),
        no_sessions="" if frame.sessions else word("no_sessions", lang),
    )


def frame_record(part: ScoredPart) -> dict[str, Any]:
    """One part's frame for the JSON export: what was typed, and what was computed from the inputs."""
    fwk = part.opened.framework.framework
    frame = part.opened.assessment.frame
    return {
        "typed": frame.model_dump(mode="json"),
        "tool": tool_name_and_version(),
        "framework": {
            "id": fwk.id,
            "version": fwk.version,
            "sha256": part.result.framework.sha256,
            "status": fwk.status,
            "disclosure": disclosure(fwk).model_dump(mode="json"),
        },
        "limitations": part_limitations(part).model_dump(mode="json"),
    }

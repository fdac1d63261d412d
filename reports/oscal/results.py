"""Scored assessments as OSCAL assessment results: one result per part, an observation per decided requirement,
a finding per capability item with the level it reached, and a risk per item that falls short of the target.

How a requirement was decided maps to OSCAL's observation methods: evidence checked by a collector is TEST (and
TEST-AUTOMATED, a project-namespaced `method` prop, when the requirement is in the automated class — OSCAL's method
list has no such value); a person's answer is EXAMINE for documents and system records, INTERVIEW for interviews and
TEST for demonstrations, following the kinds of evidence the framework names for the requirement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assessors.results import ItemResult, RequirementOutcome
from capability_model.schema import CapabilityItem, EvidenceKind, Lang, Requirement, Verification
from evidence_collectors.records import EvidenceRecord
from reports.oscal.common import Json, line, metadata, prop, props, stable_uuid, timestamp, tool_props
from reports.oscal.evidence import file_uuid, record_uuid, resources, target_uuid
from reports.viewmodel import ScoredPart

_KIND_METHOD = {
    EvidenceKind.document: "EXAMINE",
    EvidenceKind.system_record: "EXAMINE",
    EvidenceKind.interview: "INTERVIEW",
    EvidenceKind.demonstration: "TEST",
}
_STATUS = {
    "met": {"zh": "满足", "en": "met"},
    "partial": {"zh": "部分满足", "en": "partly met"},
    "not_met": {"zh": "不满足", "en": "not met"},
    "not_applicable": {"zh": "不适用", "en": "not applicable"},
    "unknown": {"zh": "未知", "en": "unknown"},
}
_TEXT = {
    "title": {"zh": "{fw}：{org}（{scope}）", "en": "{fw}: {org} ({scope})"},
    "summary": {
        "zh": "总体等级 {level}，目标等级 {target}；{items} 个能力子项中 {short} 个未达目标。",
        "en": "Overall level {level}, target level {target}; {short} of {items} capability items fall short of the "
        "target.",
    },
    "finding": {"zh": "达到 {level} 级（目标 {target} 级）。", "en": "Reaches level {level} (target {target})."},
    "risk_title": {"zh": "{item}：距目标 {target} 级的差距", "en": "{item}: gap to target level {target}"},
    "risk_desc": {
        "zh": "{target} 级及以下尚有 {n} 项适用要求未满足：{ids}。",
        "en": "{n} applicable requirements at level {target} or below are not met: {ids}.",
    },
    "risk_statement": {
        "zh": "在这些要求满足之前，该能力子项停留在 {level} 级，低于目标 {target} 级。",
        "en": "Until they are met, the capability item stays at level {level}, below the target level {target}.",
    },
    "import_ap": {
        "zh": "没有单独的评估计划：评估文件（问卷及其评估框架）即为计划。",
        "en": "No separate assessment plan: the assessment file (the questionnaire and its frame) is the plan.",
    },
    "by": {"zh": "（{who}）", "en": " ({who})"},
    "cited": {"zh": "引用：{ref}", "en": "Cited: {ref}"},
}


def _t(key: str, lang: Lang, **fmt: object) -> str:
    return _TEXT[key][lang].format(**fmt)


def _level(level: int | None) -> str:
    return "n/a" if level is None else str(level)


def methods(outcome: RequirementOutcome, req: Requirement) -> tuple[list[str], bool]:
    """OSCAL methods for how the verdict was reached, and whether it was an automated test."""
    if outcome.source == "evidence":
        return ["TEST"], req.verification_class is Verification.automated
    found = list(dict.fromkeys(_KIND_METHOD[k] for k in req.evidence))
    return found or ["EXAMINE"], False


def _start(part: ScoredPart) -> dt.date:
    a = part.opened.assessment
    return a.frame.fieldwork.start or a.started


def _end(part: ScoredPart) -> dt.date | None:
    a = part.opened.assessment
    end = a.frame.fieldwork.end or a.completed
    return end if end is not None and end >= _start(part) else None


def _collected(outcome: RequirementOutcome, records: list[EvidenceRecord], part: ScoredPart) -> str:
    if outcome.at is not None:
        return timestamp(outcome.at)
    if records:
        return timestamp(max(r.collected_at for r in records))
    return timestamp(_start(part))


class PartResults:
    """One part's result built from its scored outcomes; collects the records its observations cite."""

    def __init__(self, part: ScoredPart, lang: Lang, org_uuid: str) -> None:
        self.part = part
        self.lang = lang
        self.org_uuid = org_uuid
        self.records = {r.id: r for r in part.bundle.records} if part.bundle else {}
        self.cited: dict[str, EvidenceRecord] = {}
        self.index = part.opened.framework.framework.requirement_index()
        self.key = part.sha256

    def uuid(self, kind: str, ref: str) -> str:
        return stable_uuid(kind, self.key, ref)

    def observation(self, outcome: RequirementOutcome) -> Json | None:
        if outcome.provenance == "unanswered" or outcome.id not in self.index:
            return None
        lang = self.lang
        _, req = self.index[outcome.id]
        used = [self.records[e] for e in outcome.evidence if outcome.source == "evidence" and e in self.records]
        self.cited.update({r.id: r for r in used})
        found, automated = methods(outcome, req)
        description = f"{_STATUS[outcome.status][lang]}: {req.text.get(lang)}"
        if outcome.by:
            description += _t("by", lang, who=outcome.by)
        answer = self.part.opened.assessment.answers.get(outcome.id)
        note = answer.note_for(lang)[0] if answer else ""
        if note.strip():
            description += f"\n\n{note.strip()}"
        evidence: list[Json] = [
            {
                "href": f"#{record_uuid(r)}",
                "description": line(f"{r.probe} @ {r.target}: {r.summary or r.reason or r.status.value}"),
                "props": props(prop("record-id", r.id)),
            }
            for r in used
        ]
        if outcome.source == "manual":
            evidence += [{"description": _t("cited", lang, ref=line(ref))} for ref in outcome.evidence if line(ref)]
        subjects = (
            [
                {"subject-uuid": target_uuid(r.collector.name, r.target), "type": "resource", "title": line(r.target)}
                for r in {(r.collector.name, r.target): r for r in used}.values()
            ]
            if used
            else [{"subject-uuid": self.org_uuid, "type": "party"}]
        )
        obs: Json = {
            "uuid": self.uuid("observation", outcome.id),
            "title": outcome.id,
            "description": description,
            "props": props(
                prop("requirement-id", outcome.id),
                prop("level", req.level),
                prop("status", outcome.status),
                prop("provenance", outcome.provenance),
                prop("verification", req.verification_class.value),
                prop("method", "TEST-AUTOMATED") if automated else None,
                prop("decided-by", outcome.by or ""),
            ),
            "methods": found,
            "types": ["control-objective"],
            "subjects": subjects,
            "collected": _collected(outcome, used, self.part),
        }
        if evidence:
            obs["relevant-evidence"] = evidence
        return obs

    def finding(self, item: ItemResult, name: str, observed: list[str], risk: str | None) -> Json:
        target = self.part.result.target_level
        reached = item.level is None or item.level >= target
        out: Json = {
            "uuid": self.uuid("finding", item.id),
            "title": line(f"{item.id} {name}"),
            "description": _t("finding", self.lang, level=_level(item.level), target=target),
            "props": props(
                prop("level", _level(item.level)),
                prop("target-level", target),
                prop("blocking", len(item.blocking)),
            ),
            "target": {
                "type": "objective-id",
                "target-id": item.id,
                "status": {"state": "satisfied" if reached else "not-satisfied"},
            },
        }
        if observed:
            out["related-observations"] = [{"observation-uuid": u} for u in observed]
        if risk:
            out["related-risks"] = [{"risk-uuid": risk}]
        return out

    def risk(self, item: ItemResult, name: str, observed: list[str]) -> Json:
        lang = self.lang
        target = self.part.result.target_level
        outcomes = {o.id: o for o in self.part.result.requirements}
        ids = ", ".join(f"{g} ({_STATUS[outcomes[g].status][lang]})" if g in outcomes else g for g in item.gap)
        out: Json = {
            "uuid": self.uuid("risk", item.id),
            "title": line(_t("risk_title", lang, item=f"{item.id} {name}", target=target)),
            "description": _t("risk_desc", lang, n=len(item.gap), target=target, ids=ids),
            "statement": _t("risk_statement", lang, level=_level(item.level), target=target),
            "props": props(prop("item-id", item.id), prop("gap", len(item.gap)), prop("target-level", target)),
            "status": "open",
        }
        if observed:
            out["related-observations"] = [{"observation-uuid": u} for u in observed]
        return out

    def result(self) -> Json:
        part, lang = self.part, self.lang
        fw = part.opened.framework.framework
        a = part.opened.assessment
        items: dict[str, CapabilityItem] = {i.id: i for _, _, i in fw.items()}
        observations: list[Json] = []
        by_requirement: dict[str, str] = {}
        for outcome in part.result.requirements:
            obs = self.observation(outcome)
            if obs is not None:
                observations.append(obs)
                by_requirement[outcome.id] = obs["uuid"]
        findings: list[Json] = []
        risks: list[Json] = []
        for item in part.result.items():
            name = items[item.id].name.get(lang) if item.id in items else item.id
            mine = [by_requirement[r.id] for r in items[item.id].requirements if r.id in by_requirement]
            risk = None
            if item.gap:
                gap_obs = [by_requirement[g] for g in item.gap if g in by_requirement]
                risks.append(self.risk(item, name, gap_obs))
                risk = risks[-1]["uuid"]
            findings.append(self.finding(item, name, mine, risk))
        overall = part.result.overall
        short = sum(1 for i in part.result.items() if i.level is not None and i.level < part.result.target_level)
        out: Json = {
            "uuid": self.uuid("result", part.bundle.manifest_sha256 if part.bundle else "no-bundle"),
            "title": line(_t("title", lang, fw=fw.title.get(lang), org=a.organisation, scope=a.scope)),
            "description": _t(
                "summary",
                lang,
                level=_level(overall.level),
                target=part.result.target_level,
                items=len(part.result.items()),
                short=short,
            ),
            "start": timestamp(_start(part)),
            "props": props(
                prop("framework", fw.ref),
                prop("overall-level", _level(overall.level)),
                prop("overall-score", "n/a" if overall.score is None else f"{overall.score:.1f}"),
                prop("target-level", part.result.target_level),
                prop("audit-mode", str(part.result.audit).lower()),
                prop("assessment-file", f"#{file_uuid(part)}"),
            ),
            "reviewed-controls": {
                "control-selections": [{"include-controls": [{"control-id": i.id} for i in part.result.items()]}]
            },
        }
        end = _end(part)
        if end is not None:
            out["end"] = timestamp(end)
        if observations:
            out["observations"] = observations
        if risks:
            out["risks"] = risks
        if findings:
            out["findings"] = findings
        return out


def parties(parts: Sequence[ScoredPart]) -> tuple[list[Json], str]:
    """The assessed organisation(s) and the assessor(s) as parties; the first organisation's UUID."""
    out: dict[str, Json] = {}
    for part in parts:
        a = part.opened.assessment
        for kind, name in (("organization", a.organisation), ("person", a.assessor)):
            key = stable_uuid("party", kind, name)
            party: Json = {"uuid": key, "type": kind}
            if line(name):
                party["name"] = line(name)
            out.setdefault(key, party)
    first = parts[0].opened.assessment.organisation
    return list(out.values()), stable_uuid("party", "organization", first)


def document_uuid(kind: str, parts: Sequence[ScoredPart], lang: Lang) -> str:
    bundles = [p.bundle.manifest_sha256 if p.bundle else "" for p in parts]
    return stable_uuid(kind, *(p.sha256 for p in parts), *bundles, lang)


def last_modified(parts: Sequence[ScoredPart], when: dt.date | None) -> dt.datetime | dt.date:
    """The report date when given, else the latest date the inputs carry, so the same inputs give the same output."""
    if when is not None:
        return when
    dates: list[dt.datetime] = []
    for p in parts:
        a = p.opened.assessment
        for d in (a.started, a.completed):
            if d is not None:
                dates.append(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC))
        dates += [o.at if o.at.tzinfo else o.at.replace(tzinfo=dt.UTC) for o in p.result.requirements if o.at]
        if p.bundle:
            dates += [r.collected_at for r in p.bundle.records]
    return max(dates)


def oscal_assessment_results(parts: Sequence[ScoredPart], lang: Lang, report_date: dt.date | None = None) -> Json:
    """The scored parts as one OSCAL assessment-results document (the JSON root object)."""
    party_list, org = parties(parts)
    built = [PartResults(p, lang, org) for p in parts]
    results = [b.result() for b in built]
    cited = {rid: r for b in built for rid, r in b.cited.items()}
    title = {"zh": "MLOps 能力成熟度评估结果", "en": "MLOps capability maturity assessment results"}[lang]
    meta = metadata(title, "1", last_modified(parts, report_date), tool_props())
    meta["parties"] = party_list
    doc: Json = {
        "uuid": document_uuid("assessment-results", parts, lang),
        "metadata": meta,
        "import-ap": {"href": f"#{file_uuid(parts[0])}", "remarks": _t("import_ap", lang)},
        "results": results,
        "back-matter": {"resources": resources(parts, cited)},
    }
    return {"assessment-results": doc}

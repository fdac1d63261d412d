"""Build the report view model (reports/viewmodel.py) from the assessors' objects: assessment, framework, result and
evidence bundle. Nothing is scored here; every level, gap and pick is taken from the assessors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace

from markupsafe import Markup

from assessors.assessment import STATUS_LABELS, Answer
from assessors.results import ItemResult, RequirementOutcome
from assessors.storage import json_text
from assessors.summary import strengths, top_gaps
from assessors.verdict import part_verdict
from capability_model.schema import CapabilityItem, Framework, Lang
from evidence_collectors.records import EvidenceRecord
from reports import chart_data, compare_render, svg
from reports.answer_view import answer_record, note_view, record_summary, ref_views
from reports.checks_view import checks_view, coverage_view, rows_by_requirement
from reports.exports import result_json
from reports.frame_view import frame_record, frame_view
from reports.identity import report_id, tool_name_and_version
from reports.labels import EVIDENCE_STATUS_LABELS, SOURCE_LABELS, level_text, score_text, word
from reports.phrases import action_lines, gap_text, strength_text, verdict_lines
from reports.provenance_view import (
    conflict_text,
    conflict_views,
    outcome_of,
    provenance_table,
    provenance_view,
    requirement_anchor,
    tally_line,
    who_answered,
)
from reports.roadmap_view import planned_phases
from reports.viewmodel import (
    BundleView,
    CheckView,
    ComparisonSection,
    DomainView,
    EvidenceView,
    ItemView,
    LevelDef,
    MethodView,
    PartView,
    PhaseView,
    RecordView,
    ReportView,
    ReqRow,
    ScoredPart,
    StepView,
    SubdomainView,
)

__all__ = ["ScoredPart", "build_view", "css_string", "page_counter_css", "report_json"]


def _unique(values: Sequence[str]) -> str:
    """Values that may differ between parts (organisation, assessor, ...), each once, in order."""
    seen = [v for i, v in enumerate(values) if v and v not in values[:i]]
    return " / ".join(seen)


def css_string(text: str) -> str:
    """A CSS string literal; quotes, backslashes, angle brackets and line breaks are hex-escaped."""
    out = []
    for c in text:
        out.append(f"\\{ord(c):x} " if c in '"\\<>\n\r' else c)
    return '"' + "".join(out) + '"'


def page_counter_css(lang: Lang) -> Markup:
    """The footer's "page X of Y" in the report's language as a CSS `content` value."""
    template = word("page_x_of_y", lang, page="\0page\0", pages="\0pages\0")
    parts = []
    for n, chunk in enumerate(template.split("\0")):
        if n % 2:
            parts.append(f"counter({chunk})")
        elif chunk:
            parts.append(css_string(chunk))
    return Markup(" ".join(parts))


def _level_name(framework: Framework, level: int | None, lang: Lang) -> str:
    return "" if level is None else framework.level_name(level, lang)


def _anchor(node_id: str) -> str:
    return "sec-" + node_id.replace(".", "-")


# --- builders ----------------------------------------------------------------------------------------------------


def _requirement_rows(
    item: CapabilityItem,
    result: ItemResult,
    outcomes: dict[str, RequirementOutcome],
    answers: dict[str, Answer],
    conflicts: dict[str, str],
    records: dict[str, EvidenceRecord],
    checks: dict[str, tuple[str, str, tuple[CheckView, ...]]],
    lang: Lang,
) -> tuple[ReqRow, ...]:
    rows = []
    blocking, gap = set(result.blocking), set(result.gap)
    for req in item.requirements:
        answer = answers.get(req.id)
        outcome = outcomes.get(req.id) or outcome_of(req.id, answer)
        status = outcome.status
        source = outcome.source
        if source == "evidence":
            evidence = tuple(_record_reference(records[r], lang) if r in records else r for r in outcome.evidence)
        else:
            evidence = tuple(answer.evidence) if answer else ()
        note = note_view(answer, lang)
        cited = {str(ref) for ref in answer.evidence} if answer else set()
        verification_label, verification_short, check_rows = checks.get(req.id, ("", "", ()))
        rows.append(
            ReqRow(
                id=req.id,
                short_id=req.id.rsplit(".", 1)[-1],
                level=req.level,
                level_badge=word("level_badge", lang, n=req.level),
                text=req.text.get(lang),
                status=status,
                status_label=STATUS_LABELS[status][lang],
                source=source,
                source_label=SOURCE_LABELS[source][lang],
                evidence=evidence,
                note=note.text,
                blocking=req.id in blocking,
                in_gap=req.id in gap,
                conflict=conflicts.get(req.id, ""),
                anchor=requirement_anchor(req.id) if req.id in conflicts else "",
                how=provenance_view(outcome, lang),
                verification=req.verification_class.value,
                verification_label=verification_label,
                verification_short=verification_short,
                checks=check_rows,
                references=ref_views(answer, lang),
                records=tuple(e for e, r in zip(evidence, outcome.evidence, strict=False) if r not in cited)
                if source == "evidence"
                else (),
                record=answer_record(answer, outcome, lang),
                note_view=note,
            )
        )
    return tuple(rows)


def _record_reference(record: EvidenceRecord, lang: Lang) -> str:
    """A collected record cited for a verdict: its id, probe and target, and what it found in the report's
    language."""
    text = f"{record.id} · {record.probe} @ {record.target}"
    summary = record_summary(record, lang)
    return f"{text}{word('colon', lang)}{summary}" if summary else text


def _item_view(
    item: CapabilityItem, result: ItemResult, rows: tuple[ReqRow, ...], framework: Framework, target: int, lang: Lang
) -> ItemView:
    level = result.level
    if level is None:
        blocking_title = word("na", lang)
    elif level >= 5:
        blocking_title = word("top_level_reached", lang)
    else:
        blocking_title = word("blocking_level", lang, level=level + 1)
    gap_title = word("gap_count", lang, target=target, n=len(result.gap)) if result.gap else word("no_item_gap", lang)
    return ItemView(
        id=item.id,
        name=item.name.get(lang),
        level=level,
        level_text=level_text(level, lang),
        level_name=_level_name(framework, level, lang),
        requirements=rows,
        blocking_title=blocking_title,
        blocking=tuple(r for r in rows if r.blocking),
        gap_title=gap_title,
        gap_ids=tuple(r.short_id for r in rows if r.in_gap),
    )


def _part_view(part: ScoredPart, lang: Lang) -> PartView:
    fw = part.opened.framework.framework
    records = {r.id: r for r in part.bundle.records} if part.bundle else {}
    report = part.check_report()
    checks = rows_by_requirement(report, lang)
    result = part.result
    answers = part.opened.assessment.answers
    outcomes = {o.id: o for o in result.requirements}
    conflicts = {
        c.requirement: conflict_text(c, who_answered(answers.get(c.requirement)), lang) for c in result.conflicts
    }
    by_item = {i.id: i for i in result.items()}
    items = {i.id: i for _, _, i in fw.items()}
    subdomain_names = {s.id: s.name for d in fw.domains for s in d.subdomains}
    domain_names = {d.id: d.name for d in fw.domains}
    title = fw.standard.title.get(lang)
    domains = []
    for d in result.domains:
        subdomains = []
        for s in d.subdomains:
            views = []
            for i in s.items:
                rows = _requirement_rows(items[i.id], i, outcomes, answers, conflicts, records, checks, lang)
                views.append(_item_view(items[i.id], by_item[i.id], rows, fw, result.target_level, lang))
            subdomains.append(
                SubdomainView(
                    s.id,
                    subdomain_names[s.id].get(lang),
                    level_text(s.level, lang),
                    score_text(s.score, lang),
                    tuple(views),
                )
            )
        chart = svg.bars_svg(chart_data.bars_data(d, fw, result.target_level, lang))
        domains.append(
            DomainView(
                id=d.id,
                anchor=_anchor(d.id),
                name=domain_names[d.id].get(lang),
                level=d.level,
                level_text=level_text(d.level, lang),
                level_name=_level_name(fw, d.level, lang),
                score_text=score_text(d.score, lang),
                part_title=title,
                subdomains=tuple(subdomains),
                chart=Markup(chart),
            )
        )
    reqs = fw.requirement_index()
    phases = tuple(
        PhaseView(
            title=word("phase_title", lang, level=phase.level),
            steps=tuple(
                StepView(
                    id=step.id,
                    item=f"{step.item} {items[step.item].name.get(lang)}",
                    status=step.status,
                    status_label=STATUS_LABELS[step.status][lang],
                    text=reqs[step.id][1].text.get(lang),
                )
                for step in phase.requirements
            ),
        )
        for phase in result.roadmap
        if phase.requirements
    )
    texts = {c.requirement: reqs[c.requirement][1].text.get(lang) for c in result.conflicts if c.requirement in reqs}
    counts = tuple(
        (STATUS_LABELS[state][lang], result.counts.get(state, 0))
        for state in ("met", "partial", "not_met", "not_applicable", "unknown")
    )
    verdict = part_verdict(result)
    item_names = {i: item.name.get(lang) for i, item in items.items()}
    short = word("part_short", lang, n=fw.standard.part)
    return PartView(
        framework_id=fw.id,
        anchor=_anchor(fw.id),
        title=title,
        ref=fw.ref,
        version=fw.version,
        sha256=result.framework.sha256,
        series=fw.standard.series,
        target=result.target_level,
        target_text=word("level_named", lang, n=result.target_level, name=fw.level_name(result.target_level, lang)),
        level=result.overall.level,
        level_text=level_text(result.overall.level, lang),
        level_name=_level_name(fw, result.overall.level, lang),
        score_text=score_text(result.overall.score, lang),
        counts=counts,
        domains=tuple(domains),
        phases=phases,
        matrix=Markup(svg.matrix_svg(chart_data.matrix_data(result, fw, lang))),
        file_name=part.path.name,
        file_sha256=part.sha256,
        conflicts=len(result.conflicts),
        audit=result.audit,
        orphaned=tuple(sorted(part.opened.assessment.orphaned)),
        checks=checks_view(report, lang),
        provenance_line=tally_line(result, lang),
        conflict_list=conflict_views(result.conflicts, answers, texts, lang),
        verdict=tuple(verdict_lines(verdict, short, item_names, fw, lang)),
        actions=tuple(action_lines(verdict, item_names, lang)),
    )


def _methods(frameworks: Sequence[Framework], lang: Lang) -> tuple[MethodView, ...]:
    """One methodology per distinct set of level definitions and scoring rules, naming the parts it applies to."""
    methods: list[MethodView] = []
    for fw in frameworks:
        view = MethodView(
            refs=(fw.ref,),
            standard=f"{fw.standard.series} {fw.standard.title.get(lang)}",
            publisher=fw.standard.publisher.get(lang),
            description=fw.description.get(lang) if fw.description else "",
            levels=tuple(LevelDef(lv.level, lv.name.get(lang), lv.description.get(lang)) for lv in fw.levels),
            dimensions=tuple((d.name.get(lang), d.description.get(lang)) for d in fw.dimensions),
            scoring=fw.aggregation.description.get(lang),
            verification_rule=fw.methodology.verification_rule.get(lang) if fw.methodology else "",
            coverage=(coverage_view(fw, lang),),
        )
        same = ("levels", "dimensions", "scoring", "verification_rule")
        for k, known in enumerate(methods):
            if all(getattr(known, f) == getattr(view, f) for f in same):
                methods[k] = replace(
                    known,
                    refs=(*known.refs, fw.ref),
                    standard=f"{known.standard}; {view.standard}",
                    coverage=(*known.coverage, *view.coverage),
                )
                break
        else:
            methods.append(view)
    return tuple(methods)


def _record_view(r: EvidenceRecord, lang: Lang) -> RecordView:
    return RecordView(
        id=r.id,
        probe=r.probe,
        target=r.target,
        source=f"{r.source.system} · {r.source.url}",
        collected_at=r.collected_at.isoformat(),
        status=r.status.value,
        status_label=EVIDENCE_STATUS_LABELS[r.status.value][lang],
        sha256=tuple(r.raw_sha256),
        summary=record_summary(r, lang),
    )


def _evidence_view(parts: Sequence[ScoredPart], lang: Lang) -> EvidenceView:
    """Every bundle the parts were scored with (each once, naming its parts), and the references cited in answers."""
    cited = sum(len(a.evidence) for p in parts for a in p.opened.assessment.answers.values())
    bundles: dict[str, BundleView] = {}
    for part in parts:
        bundle = part.bundle
        if bundle is None:
            continue
        known = bundles.get(bundle.manifest_sha256)
        if known is not None:
            bundles[bundle.manifest_sha256] = replace(known, parts=(*known.parts, part.opened.framework.ref))
            continue
        statuses = [r.status.value for r in bundle.records]
        decided = sum(p.result.evidence.decided for p in parts if p.bundle is bundle and p.result.evidence)
        summary = word(
            "records_count",
            lang,
            n=len(statuses),
            ok=statuses.count("ok"),
            unavailable=statuses.count("unavailable"),
            error=statuses.count("error"),
            decided=decided,
        )
        bundles[bundle.manifest_sha256] = BundleView(
            name=bundle.path.name,
            parts=(part.opened.framework.ref,),
            manifest_sha256=bundle.manifest_sha256,
            summary=summary,
            records=tuple(_record_view(r, lang) for r in bundle.records),
        )
    return EvidenceView(tuple(bundles.values()), word("no_bundle", lang), word("cited_references", lang, n=cited))


def build_view(parts: Sequence[ScoredPart], lang: Lang, report_date: dt.date | None = None) -> ReportView:
    """The whole report for one or more parts of the standard, in one language."""
    if not parts:
        raise ValueError("a report needs at least one assessment")
    assessments = [p.opened.assessment for p in parts]
    frameworks = [p.opened.framework.framework for p in parts]
    by_id = {fw.id: fw for fw in frameworks}
    names = {i.id: i.name.get(lang) for fw in frameworks for _, _, i in fw.items()}
    results = [p.result for p in parts]
    part_views = _with_plans(tuple(_part_view(p, lang) for p in parts), parts, lang)
    started = min(a.started for a in assessments)
    ends = [a.completed for a in assessments]
    if all(ends):
        period = word("period_range", lang, start=started.isoformat(), end=max(e for e in ends if e).isoformat())
    else:
        period = word("period_open", lang, start=started.isoformat())
    dated = report_date or dt.date.today()
    targets = sorted(
        {(r.target_level, fw.level_name(r.target_level, lang)) for r, fw in zip(results, frameworks, strict=True)}
    )
    return ReportView(
        lang=lang,
        html_lang="zh-Hans" if lang == "zh" else "en",
        title=word("report_title", lang),
        organisation=_unique([a.organisation for a in assessments]),
        scope=_unique([a.scope for a in assessments]),
        assessor=_unique([a.assessor for a in assessments]),
        reviewer=_unique([a.reviewer for a in assessments]),
        participants=tuple(dict.fromkeys(p for a in assessments for p in a.participants)),
        period=period,
        report_date=dated.isoformat(),
        target_text=" / ".join(word("level_named", lang, n=n, name=name) for n, name in targets),
        parts=part_views,
        radar=Markup(svg.radar_svg(chart_data.radar_data(list(zip(results, frameworks, strict=True)), lang))),
        strengths=tuple(strength_text(p, names, by_id, lang) for p in strengths(results)),
        gaps=tuple(gap_text(p, names, by_id, lang) for p in top_gaps(results)),
        methods=_methods(frameworks, lang),
        evidence=_evidence_view(parts, lang),
        page_counter_css=page_counter_css(lang),
        provenance=provenance_table([(p.opened.framework.ref, p.result) for p in parts], lang),
        conflicts=tuple(c for v in part_views for c in v.conflict_list),
        report_id=_report_id(parts, dated),
        frame=frame_view(parts, lang, _report_id(parts, dated)),
        tool=tool_name_and_version(),
        result_sha256=hashlib.sha256(report_json(parts).encode()).hexdigest(),
        comparisons=tuple(_comparison_section(p, lang) for p in parts if p.previous is not None),
    )


def _report_id(parts: Sequence[ScoredPart], dated: dt.date) -> str:
    """The report id over every file the report was made from: the parts, then the earlier assessments they are
    compared with (none without `--previous`, so the id of such a report is as before)."""
    earlier = [p.previous.earlier for p in parts if p.previous is not None]
    return report_id([*parts, *earlier], dated)


def report_json(parts: Sequence[ScoredPart]) -> str:
    """What `report --format json` writes (and the PDF embeds): each part's result with its frame, and, for a part
    compared with an earlier assessment, the comparison as `compare --format json` writes it."""
    text = result_json([p.result for p in parts], frames=[frame_record(p) for p in parts])
    if all(p.previous is None for p in parts):
        return text
    data = json.loads(text)
    for record, part in zip(data if isinstance(data, list) else [data], parts, strict=True):
        if part.previous is not None:
            record["comparison"] = json.loads(compare_render.comparison_json(part.previous.comparison))
    return json_text(data)


def _comparison_section(part: ScoredPart, lang: Lang) -> ComparisonSection:
    """The part's comparison laid out by reports/compare_render.py, with the report's heading, intro and level line."""
    assert part.previous is not None
    c = part.previous.comparison
    cv = compare_render.compare_view(c, part.previous.names, lang)
    old = c.old.completed or c.old.started
    return ComparisonSection(
        title=part.opened.framework.framework.standard.title.get(lang),
        intro=word("previous_intro", lang, file=c.old.label, date=old.isoformat(), basis=c.basis),
        overall=word("previous_overall", lang, old=cv.overall.before, new=cv.overall.after, change=cv.overall.change),
        view=cv,
    )


def _with_plans(views: tuple[PartView, ...], parts: Sequence[ScoredPart], lang: Lang) -> tuple[PartView, ...]:
    """Each part's roadmap phases with their plan: effort, dependencies, owner, due date and what-if line."""
    return tuple(
        replace(view, phases=planned_phases(view, part, lang)) for view, part in zip(views, parts, strict=True)
    )

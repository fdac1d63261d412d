"""The assessment's frame: typed in the assessment file (scope, fieldwork, methods, sign-off, actions), computed where
it can be (limitations, the framework's disclosure), and shown on every report format."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from assessors.assessment import Assessment
from assessors.frame import AssessmentFrame, disclosure
from capability_model.catalog import resolve
from capability_model.schema import Lang, LocalizedText
from reports.build import ReportFormat, render_report, score_parts
from reports.exports import result_json
from reports.frame_view import frame_record, fw, part_limitations
from reports.identity import report_id, tool_name_and_version
from reports.labels import collector_name
from tests.conftest import EXAMPLES
from tests.reports.conftest import PART1, PART2, REPORT_DATE, RenderedPdf, squash
from tests.reports.support import edited_copy, visible_text

FRAMED = {
    PART1: EXAMPLES / "retail-bank" / "part1-development.yaml",
    PART2: EXAMPLES / "retail-bank" / "part2-delivery.yaml",
}


def _frame_of(path: Path) -> dict[str, Any]:
    frame: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["frame"]
    return frame


def _framed_copies(tmp_path: Path, **changes: Any) -> list[Path]:
    """The interview examples (every requirement answered) with the frame of the example organisation's files."""
    out = []
    for source, framed in FRAMED.items():
        frame = _frame_of(framed) | changes

        def edit(data: dict[str, Any], frame: dict[str, Any] = frame) -> None:
            data["frame"] = frame

        out.append(edited_copy(source, tmp_path / source.name, edit))
    return out


def test_a_file_without_frame_loads_and_a_frame_is_strict() -> None:
    base = {"organisation": "Acme", "scope": "reco", "assessor": "A", "started": "2026-11-02", "framework": "x@1"}
    assert Assessment.model_validate(base).frame == AssessmentFrame()
    with pytest.raises(ValidationError, match="scpoe"):
        Assessment.model_validate(base | {"frame": {"scpoe": {}}})
    with pytest.raises(ValidationError):
        Assessment.model_validate(base | {"frame": {"methods": ["guessing"]}})


def test_the_example_organisation_states_its_frame() -> None:
    for framed in FRAMED.values():
        frame = AssessmentFrame.model_validate(_frame_of(framed))
        assert frame.body and frame.independence and frame.sampling
        assert frame.scope.unit and frame.scope.projects and frame.scope.systems and frame.scope.environments
        assert all(e.justification for e in frame.scope.exclusions)
        assert frame.fieldwork.start and frame.fieldwork.end and frame.fieldwork.start <= frame.fieldwork.end
        roles = frame.sign_off
        assert roles.assessor and roles.reviewer and roles.approver and roles.client
        assert frame.actions and all(a.owner and a.due for a in frame.actions)
        fwk = resolve(yaml.safe_load(framed.read_text(encoding="utf-8"))["framework"]).framework
        known = {i.id for _, _, i in fwk.items()} | set(fwk.requirement_index())
        assert {a.ref for a in frame.actions} <= known


def test_disclosure_comes_from_the_file_or_from_its_status_source_and_copyright() -> None:
    as_filed = resolve("caict-mlops-p2@2022.10.4").framework
    assert as_filed.status == "draft" and as_filed.disclosure is not None
    assert disclosure(as_filed) == as_filed.disclosure  # the file's own words come first
    p2 = as_filed.model_copy(update={"disclosure": None})  # a file without them gets them built
    built = disclosure(p2)
    assert "draft" in built.en and "征求意见稿" in built.zh
    assert p2.source in built.en and p2.copyright in built.en
    provisional = p2.model_copy(update={"status": "provisional"})
    assert "provisional" in disclosure(provisional).en and "暂定" in disclosure(provisional).zh
    stated = p2.model_copy(update={"disclosure": LocalizedText(zh="自述", en="As stated")})
    assert disclosure(stated).en == "As stated"


def test_limitations_are_computed_from_the_inputs(tmp_path: Path, evidence_bundle: tuple[Path, str]) -> None:
    bundle, _ = evidence_bundle
    # fieldwork closed before the last day of interviews (2026-11-04) and the collection (2026-11-05)
    paths = _framed_copies(tmp_path, fieldwork={"start": "2026-11-02", "end": "2026-11-03"})
    parts = score_parts(paths, evidence=bundle)
    lim = part_limitations(parts[0])
    assert parts[0].bundle is not None
    assert [r.ref for r in lim.records_outside] == [r.id for r in parts[0].bundle.records]
    probed = {(s.collector, s.target): s for s in lim.systems if s.target}
    assert probed[("prometheus", "monitoring")].problem == "not_reported"  # its one record is unavailable
    not_probed = {s.collector for s in lim.systems if s.problem == "not_probed"}
    assert "jira" in not_probed and "git" not in not_probed
    answers = parts[0].opened.assessment.answers
    start, end = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
    dated = {rid: a.confirmed_at or a.answered_at for rid, a in answers.items()}
    outside = sorted(rid for rid, at in dated.items() if at and not start <= at.date() <= end)
    assert sorted(r.ref for r in lim.answers_outside) == outside and outside  # those of 4 November
    na = {n.requirement for n in lim.not_applicable}
    assert na == {rid for rid, a in answers.items() if a.status and a.status.value == "not_applicable"}
    assert "P1.DE.DP.02.R11" in na
    assert not lim.no_evidence


def test_no_bundle_is_itself_a_limitation(tmp_path: Path) -> None:
    parts = score_parts(_framed_copies(tmp_path))
    lim = part_limitations(parts[0])
    assert lim.no_evidence and not lim.records_outside


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_and_markdown_show_the_frame(tmp_path: Path, lang: Lang) -> None:
    parts = score_parts(_framed_copies(tmp_path))
    html = visible_text(render_report(parts, ReportFormat.html, lang, dt.date(2026, 11, 20)).decode())
    md = render_report(parts, ReportFormat.md, lang, dt.date(2026, 11, 20)).decode()
    frame = AssessmentFrame.model_validate(_frame_of(FRAMED[PART1]))
    for text in (html, md):
        flat = squash(text)
        for value in (frame.body, frame.scope.unit, frame.scope.exclusions[0].justification, frame.independence):
            assert squash(value) in flat
        for key in ("r_assessor", "r_reviewer", "r_approver", "r_client", "frame_title", "frame_limits"):
            assert squash(fw(key, lang)) in flat, key
        for person in ("Chen Jing", "Wang Lei", "He Ping", "Liu Yang"):
            assert person in text
        assert squash(fw("m_automated_probe", lang)) in flat
        assert tool_name_and_version() in text
    assert squash(fw("seal", lang)) in squash(html)


def test_json_carries_the_frame_when_asked(tmp_path: Path, evidence_bundle: tuple[Path, str]) -> None:
    bundle, _ = evidence_bundle
    parts = score_parts(_framed_copies(tmp_path), evidence=bundle)
    results = [p.result for p in parts]
    plain = json.loads(result_json(results))
    assert all("frame" not in r for r in plain)  # `assess --format json` unchanged
    framed = json.loads(result_json(results, frames=[frame_record(p) for p in parts]))
    first = framed[0]["frame"]
    assert first["typed"]["scope"]["unit"] == _frame_of(FRAMED[PART1])["scope"]["unit"]
    assert first["framework"]["sha256"] == parts[0].result.framework.sha256
    assert first["framework"]["disclosure"]["en"]
    assert first["tool"] == tool_name_and_version()
    assert any(s["target"] == "monitoring" for s in first["limitations"]["systems"])
    assert framed[1]["frame"]["framework"]["status"] == "draft"


WORDS = {
    "en": ("Assessor", "Reviewer", "Approver", "Client acknowledgement", "Seal of the assessment body"),
    "zh": ("评估人", "复核人", "批准人", "受评组织确认", "评估机构盖章"),
}


def test_pdf_shows_identity_disclosure_unprobed_systems_and_sign_off(
    example_pdfs: dict[str, RenderedPdf], evidence_bundle: tuple[Path, str]
) -> None:
    bundle, _ = evidence_bundle
    parts = score_parts([PART1, PART2], evidence=bundle)
    rid = report_id(parts, dt.date.fromisoformat(REPORT_DATE))
    langs: tuple[Lang, ...] = ("zh", "en")
    for lang in langs:
        pdf = example_pdfs[lang]
        text = squash(pdf.text)
        assert rid in pdf.text
        assert squash(tool_name_and_version()) in text
        for part in parts:
            fwk = part.opened.framework.framework
            assert squash(disclosure(fwk).get(lang))[:120] in text
            assert part.result.framework.sha256 in pdf.text
        lines = pdf.text[pdf.text.index(fw("frame_limits", lang)) :].splitlines()
        prometheus, jira = collector_name("prometheus", lang), collector_name("jira", lang)
        assert any(prometheus in ln and "monitoring" in ln and fw("p_not_reported", lang) in ln for ln in lines)
        assert any(re.match(rf"\s*{jira}\s+{re.escape(fw('p_not_probed', lang))}", ln) for ln in lines)
        signoff = text[text.rindex(squash(fw("signoff_intro", lang))) :]
        for word in WORDS[lang]:
            assert squash(word) in signoff, (lang, word)

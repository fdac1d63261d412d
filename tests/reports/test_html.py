"""The HTML report: one self-contained file, complete in the chosen language, and safe with hostile answers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from capability_model.catalog import catalog, resolve
from evidence_collectors.registry import probe_catalogue
from reports.build import ReportFormat, render_report
from reports.labels import COLLECTOR_NAMES
from reports.view import ScoredPart
from tests.conftest import RunCli
from tests.reports.conftest import PART1, PART2
from tests.reports.support import edited_copy, example_parts, parse_html, visible_text, without_user_text

# Identifiers that legitimately appear in both languages: framework refs, node ids, hashes, the standard's series.
IDENTIFIERS = re.compile(
    r"caict-mlops-p\d@[\d.]+|\bP\d(?:\.[A-Z]{2}){0,2}(?:\.\d{2})?(?:\.R\d{2})?\b|\b[A-Z]{2}\.\d{2}\b|\bR\d{2}\b"
    r"|\b[0-9a-f]{64}\b|AIIA/P \d{4}-\d{4}|SHA-256|mlops-maturity|[\w.-]+\.(?:yaml|json)|\bMMR-[0-9A-F]{16}\b"
    r"|\b[a-z0-9_\\]+(?:\.[a-z0-9_\\]+)+\b|&[gl]t;"  # probe ids (also Markdown-escaped), escaped < >
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _zh_words_of_the_standard() -> set[str]:
    """Latin words the standard's own Chinese text uses (tool names such as GitLab, abbreviations such as AI)."""
    words: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if set(node) == {"zh", "en"}:
                words.update(LATIN_WORD.findall(IDENTIFIERS.sub(" ", node["zh"])))
            if "probe" in node and isinstance(node.get("value"), str):  # a check's expected value, shown as is
                words.update(LATIN_WORD.findall(node["value"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for loaded in catalog():  # every bundled version: an example may answer an older one
        walk(loaded.framework.model_dump(mode="json"))
    for spec in probe_catalogue().values():  # a check names its probe in the report's language
        words.update(LATIN_WORD.findall(IDENTIFIERS.sub(" ", spec.short_zh)))
    words.update(word for name in COLLECTOR_NAMES.values() for word in LATIN_WORD.findall(name["zh"]))
    return words


@pytest.fixture(scope="module")
def parts() -> list[ScoredPart]:
    return example_parts()


@pytest.fixture(scope="module")
def html_zh(parts: list[ScoredPart]) -> str:
    return render_report(parts, ReportFormat.html, "zh").decode()


def test_html_is_one_self_contained_file(html_zh: str) -> None:
    page = parse_html(html_zh)
    assert page.urls, "the table of contents links into the document"
    for tag, attr, url in page.urls:
        assert url.startswith("#"), (tag, attr, url)  # only in-document anchors: no http(s), file: or relative URLs
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    style = html_zh.split("<style>", 1)[1].split("</style>", 1)[0]
    assert not re.search(r"url\(|@import|@font-face", style)
    assert not re.search(r"<[^>]+=\"(?:https?|file|ftp):", html_zh.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    ids = set(re.findall(r'\bid="([^"]+)"', html_zh))
    assert {url[1:] for _, _, url in page.urls} <= ids  # every anchor resolves
    assert page.tags.count("svg") == 1 + 2 + 8  # radar, a level matrix per part, bars per domain


def test_chinese_report_has_no_english_interface_text(parts: list[ScoredPart]) -> None:
    html = render_report(without_user_text(parts), ReportFormat.html, "zh").decode()
    md = render_report(without_user_text(parts), ReportFormat.md, "zh").decode()
    allowed = _zh_words_of_the_standard()
    for text in (visible_text(html), md):
        words = set(LATIN_WORD.findall(IDENTIFIERS.sub(" ", text)))
        assert words <= allowed, sorted(words - allowed)
    english = [lv.name.en for lv in resolve("caict-mlops-p1").framework.levels]
    english += [d.name.en for ref in ("caict-mlops-p1", "caict-mlops-p2") for d in resolve(ref).framework.domains]
    assert "专业级" in html and not [name for name in english if name in visible_text(html)]


def test_every_installed_collector_has_a_display_name_in_both_languages() -> None:
    """Reports name systems as their makers spell them: a collector without an entry would show its bare id."""
    from evidence_collectors.registry import installed_collectors

    assert sorted(set(installed_collectors()) - set(COLLECTOR_NAMES)) == []


def test_english_report_has_no_chinese_text(parts: list[ScoredPart]) -> None:
    html = render_report(without_user_text(parts), ReportFormat.html, "en").decode()
    md = render_report(without_user_text(parts), ReportFormat.md, "en").decode()
    for text in (visible_text(html), md):
        assert not CJK.findall(text), sorted(set(CJK.findall(text)))[:20]
    assert "Professional" in html and "Requirements management" in html


def test_notes_with_markup_are_text(tmp_path: Path) -> None:
    def hostile(data: dict[str, Any]) -> None:
        data["organisation"] = "Evil </style><script>alert('org')</script> Corp"
        data["answers"]["P1.RM.RA.01.R01"]["note"] = "<script>alert('x')</script> & <b>bold</b>"
        data["answers"]["P1.RM.RA.01.R02"]["note"] = '<img src="file:///etc/passwd">'
        data["answers"]["P1.RM.RA.01.R02"]["evidence"] = ["javascript:alert(1)", "[x](file:///etc/passwd)"]

    path = edited_copy(PART1, tmp_path / "hostile.yaml", hostile)
    parts = example_parts(path)
    html = render_report(parts, ReportFormat.html, "en").decode()
    page = parse_html(html)
    assert "script" not in page.tags and "img" not in page.tags and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<script>alert('x')</script>" in visible_text(html)  # the reader sees the note as written
    assert html.count("</style>") == 1  # the organisation cannot close the stylesheet
    md = render_report(parts, ReportFormat.md, "en").decode()
    assert "<script>" not in md and "&lt;/style&gt;&lt;script&gt;" in md


def test_markdown_report_lists_levels_and_roadmap(parts: list[ScoredPart]) -> None:
    md = render_report(parts, ReportFormat.md, "en").decode()
    assert "| P1.RM Requirements management | 2 | Professional | 2.1 | 3 |" in md
    assert "| P2.CM Configuration management | 3 | Leading | 3.1 | 3 |" in md
    first = parts[0].result.roadmap[0].requirements[0].id
    assert f"- [ ] `{first}` (partially met)" in md
    assert md.count("### Strengths") == 1 and md.count("1. ") >= 2


def test_report_json_equals_assess_json(run_cli: RunCli, evidence_bundle: tuple[Path, str]) -> None:
    bundle, _ = evidence_bundle
    for extra in ([], ["--evidence", str(bundle), "--audit"]):
        report = run_cli("report", PART1, "--format", "json", *extra)
        assess = run_cli("assess", PART1, "--format", "json", *extra)
        assert report.returncode == assess.returncode == 0, report.stderr + assess.stderr
        assert report.stdout == assess.stdout
    both = run_cli("report", PART1, PART2, "--format", "json", "--target", "4")
    import json

    assert [r["framework"]["id"] for r in json.loads(both.stdout)] == ["caict-mlops-p1", "caict-mlops-p2"]
    assert {r["target_level"] for r in json.loads(both.stdout)} == {4}


def test_cli_refuses_pdf_without_output_and_bad_input(run_cli: RunCli, tmp_path: Path) -> None:
    out = run_cli("report", PART1, "--format", "pdf")
    assert out.returncode == 2 and "--output" in out.stderr
    missing = run_cli("report", tmp_path / "nope.yaml", "--format", "md")
    assert missing.returncode == 2
    not_a_bundle = run_cli("report", PART1, "--format", "md", "--evidence", tmp_path)
    assert not_a_bundle.returncode == 2 and "not an evidence bundle" in not_a_bundle.stderr
    twice = run_cli("report", PART1, PART1, "--format", "md")
    assert twice.returncode == 2 and "both assess caict-mlops-p1" in twice.stderr
    assert "report" in run_cli("--help").stdout


def test_bundle_named_by_the_assessment_file_or_the_command_line(
    tmp_path: Path, evidence_bundle: tuple[Path, str]
) -> None:
    bundle, manifest = evidence_bundle

    def name_bundle(data: dict[str, Any]) -> None:
        data["evidence_bundle"] = str(bundle)

    named = edited_copy(PART1, tmp_path / "part1.yaml", name_bundle)
    md = render_report(example_parts(named), ReportFormat.md, "en").decode()
    assert f"manifest hash (SHA-256) `{manifest}`".lower() in md.lower() and "caict-mlops-p1@" in md

    from reports.build import score_parts

    both = score_parts([PART1, PART2], evidence=bundle)
    html = render_report(both, ReportFormat.html, "en").decode()
    assert html.count(manifest) == 1  # one bundle, listed once, naming both parts
    assert "git.default_branch_protected" in html

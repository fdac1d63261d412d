"""The standard's content in its latest version: complete, bilingual, checkable, consistently translated."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from capability_model.catalog import resolve
from capability_model.glossary import check_glossary, load_glossary
from capability_model.schema import LEVELS

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
MINIMUM = {"caict-mlops-p1": 280, "caict-mlops-p2": 320}


@pytest.fixture(params=sorted(MINIMUM), scope="module")
def framework(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return resolve(request.param).framework


def test_requirement_counts(framework) -> None:  # type: ignore[no-untyped-def]
    assert framework.counts()["requirements"] >= MINIMUM[framework.id]


def test_at_least_two_requirements_per_level_per_item(framework) -> None:  # type: ignore[no-untyped-def]
    for _, _, item in framework.items():
        per_level = Counter(r.level for r in item.requirements)
        assert all(per_level[lv] >= 2 for lv in LEVELS), (item.id, dict(per_level))
        assert item.purpose is not None, item.id


def test_chinese_is_chinese_and_english_is_english(framework) -> None:  # type: ignore[no-untyped-def]
    for _, req in framework.requirements():
        for text in (req.text, req.guidance):
            han = len(CJK.findall(text.zh))
            # tool names (e.g. Great Expectations) may appear, but Chinese carries the sentence
            assert han >= 10 and han >= 3 * len(LATIN_WORD.findall(text.zh)), (req.id, text.zh)
            assert not CJK.search(text.en), (req.id, text.en)
            assert len(text.en.split()) >= 8, (req.id, text.en)


def test_no_requirement_text_repeats_within_a_part(framework) -> None:  # type: ignore[no-untyped-def]
    for lang in ("zh", "en"):
        texts = Counter(" ".join(r.text.get(lang).split()).lower() for _, r in framework.requirements())
        assert [t for t, n in texts.items() if n > 1] == []


def test_glossary_terms_are_translated_consistently(framework) -> None:  # type: ignore[no-untyped-def]
    violations = check_glossary(framework)
    assert [(v.where, v.term.zh, v.term.en) for v in violations] == []


def test_glossary_catches_an_inconsistent_translation(framework) -> None:  # type: ignore[no-untyped-def]
    _, req = next(iter(framework.requirements()))
    text = req.text.model_copy(update={"zh": req.text.zh + "（含流水线）", "en": "No translation of the term here."})
    broken = req.model_copy(update={"text": text})
    item = framework.domains[0].subdomains[0].items[0]
    item2 = item.model_copy(update={"requirements": [broken, *item.requirements[1:]]})
    sub = (
        framework.domains[0]
        .subdomains[0]
        .model_copy(update={"items": [item2, *framework.domains[0].subdomains[0].items[1:]]})
    )
    dom = framework.domains[0].model_copy(update={"subdomains": [sub, *framework.domains[0].subdomains[1:]]})
    fw = framework.model_copy(update={"domains": [dom, *framework.domains[1:]]})
    assert any(v.where == f"{req.id}.text" and v.term.zh == "流水线" for v in check_glossary(fw))


def test_glossary_has_unique_terms() -> None:
    terms = load_glossary().terms
    assert len({t.zh for t in terms}) == len(terms)
    assert {"流水线": "pipeline", "元数据": "metadata", "模型下线": "model retirement"}.items() <= {
        t.zh: t.en for t in terms
    }.items()


def test_every_item_uses_several_dimensions(framework) -> None:  # type: ignore[no-untyped-def]
    for _, _, item in framework.items():
        assert len({r.dimension for r in item.requirements}) >= 2, item.id


def test_markdown_reference_reads_in_one_language(framework) -> None:  # type: ignore[no-untyped-def]
    from reports.markdown import render_framework_markdown

    zh = render_framework_markdown(framework, "zh")
    en = render_framework_markdown(framework, "en")
    first = next(iter(framework.requirements()))[1]
    assert first.text.zh in zh and first.guidance.zh in zh and first.text.en not in zh
    assert first.text.en in en and not CJK.search(en)
    assert zh.count("#### ") == framework.counts()["items"]

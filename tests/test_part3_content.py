"""Part 3 (model operation), provisional: the project's own structure, complete, bilingual, checkable, honest about its
status, and going beyond Part 2 wherever it builds on a Part 2 item rather than repeating it."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from capability_model.catalog import FRAMEWORKS_DIR, resolve
from capability_model.glossary import check_glossary
from capability_model.loader import load_framework
from capability_model.schema import LEVELS, Framework, LocalizedText, Requirement, Verification
from evidence_collectors.registry import load_errors, probe_catalogue

PATH = FRAMEWORKS_DIR / "caict-mlops" / "part3-operation" / "2026.12.1.yaml"
PART2 = "caict-mlops-p2@2022.10.4"
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
NEAR_DUPLICATE = 0.85
DOMAINS = {
    "服务运营": "Service operation",
    "模型监控": "Model monitoring",
    "持续训练": "Continuous training",
    "业务效果评估": "Business-effect evaluation",
    "反馈闭环": "Feedback and closed loop",
    "大模型运营": "Large-model operation",
}


@pytest.fixture(scope="module")
def part3() -> Framework:
    return resolve("caict-mlops-p3").framework


@pytest.fixture(scope="module")
def part2() -> Framework:
    return resolve(PART2).framework


def _normalised(text: str) -> str:
    """Lower case, punctuation and spacing removed: what is left is the wording a reader compares."""
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def _tokens(text: str, lang: str) -> frozenset[str]:
    """Words of English, character pairs of Chinese (which has no spaces)."""
    return frozenset(text.split()) if lang == "en" else frozenset(text[i : i + 2] for i in range(len(text) - 1))


def near_duplicates(
    new: Iterable[Requirement], old: Iterable[Requirement], threshold: float = NEAR_DUPLICATE
) -> list[tuple[str, str, str]]:
    """(new id, old id, language) of requirement texts whose normalised wording is nearly the same (difflib ratio).

    Pairs sharing under half their words (English) or character pairs (Chinese) are skipped before difflib runs:
    text that matches in 85% of its characters keeps far more of them than that, and the skip keeps the 130,000
    comparisons fast."""
    texts = [(r.id, lang, _normalised(r.text.get(lang))) for r in new for lang in ("zh", "en")]
    mine = [(new_id, lang, text, _tokens(text, lang)) for new_id, lang, text in texts]
    found = []
    matcher = difflib.SequenceMatcher(autojunk=False)
    for old_req in old:
        for lang in ("zh", "en"):
            theirs = _normalised(old_req.text.get(lang))
            their_grams = _tokens(theirs, lang)
            matcher.set_seq2(theirs)  # the costly index is built once per old text
            for new_id, new_lang, text, my_grams in mine:
                shared = len(my_grams & their_grams)
                if new_lang != lang or 2 * shared <= 0.5 * (len(my_grams) + len(their_grams)):
                    continue
                matcher.set_seq1(text)
                if matcher.quick_ratio() > threshold and matcher.ratio() > threshold:
                    found.append((new_id, old_req.id, lang))
    return sorted(found)


def test_the_file_validates_and_names_only_installed_probes() -> None:
    assert load_errors() == ()
    loaded = load_framework(PATH, known_probes=set(probe_catalogue()))
    assert loaded.ref == "caict-mlops-p3@2026.12.1"
    assert resolve("caict-mlops-p3").path == loaded.path


def test_it_says_plainly_that_it_is_provisional(part3: Framework) -> None:
    assert part3.status == "provisional"
    assert part3.disclosure is not None
    zh, en = part3.disclosure.zh, part3.disclosure.en
    assert "中国信通院" in zh and "尚未公开" in zh and "自行设计" in zh and "并非" in zh and "调整" in zh
    assert "CAICT" in en and "not public" in en and "own design, not CAICT's" in en and "may change" in en
    assert part3.standard.part == 3 and part3.standard.series == "AIIA/P"
    assert part3.standard.published == "announced"
    assert "own design" in part3.source
    assert "暂行" in part3.title.zh and "provisional" in part3.title.en


def test_structure_like_parts_one_and_two(part3: Framework) -> None:
    counts = part3.counts()
    assert counts == {"domains": 6, "subdomains": 12, "items": 16, "requirements": 160}
    assert {d.name.zh: d.name.en for d in part3.domains} == DOMAINS
    for domain, sub, item in part3.items():
        assert domain.id.startswith("P3.") and sub.id.startswith(domain.id + ".") and item.id.startswith(sub.id + ".")
        assert [r.id for r in item.requirements] == [
            f"{item.id}.R{n:02d}" for n in range(1, len(item.requirements) + 1)
        ]


def test_levels_dimensions_and_rules_are_those_of_part_two(part3: Framework, part2: Framework) -> None:
    assert part3.levels == part2.levels
    assert part3.dimensions == part2.dimensions
    assert part3.aggregation == part2.aggregation
    assert part3.methodology == part2.methodology


def test_at_least_two_requirements_per_level_per_item(part3: Framework) -> None:
    for _, _, item in part3.items():
        per_level = Counter(r.level for r in item.requirements)
        assert all(per_level[lv] >= 2 for lv in LEVELS), (item.id, dict(per_level))
        assert item.purpose is not None, item.id
        assert len({r.dimension for r in item.requirements}) >= 3, item.id


def test_chinese_is_chinese_and_english_is_english(part3: Framework) -> None:
    texts: list[tuple[str, LocalizedText]] = [(item.id, item.name) for *_, item in part3.items()]
    texts += [(item.id, item.purpose) for *_, item in part3.items() if item.purpose]
    texts += [(r.id, t) for _, r in part3.requirements() for t in (r.text, r.guidance)]
    for where, text in texts:
        han = len(CJK.findall(text.zh))
        assert han >= 4 and han >= 3 * len(LATIN_WORD.findall(text.zh)), (where, text.zh)
        assert not CJK.search(text.en), (where, text.en)
    for _, req in part3.requirements():
        for text in (req.text, req.guidance):
            assert len(CJK.findall(text.zh)) >= 10 and len(text.en.split()) >= 8, req.id


def test_no_requirement_text_repeats_within_the_part(part3: Framework) -> None:
    for lang in ("zh", "en"):
        texts = Counter(_normalised(r.text.get(lang)) for _, r in part3.requirements())
        assert [t for t, n in texts.items() if n > 1] == []
        guidance = Counter(_normalised(r.guidance.get(lang)) for _, r in part3.requirements())
        assert [t for t, n in guidance.items() if n > 1] == []


def test_glossary_terms_are_translated_consistently(part3: Framework) -> None:
    assert [(v.where, v.term.zh, v.term.en) for v in check_glossary(part3)] == []


def test_the_glossary_catches_an_untranslated_operation_term(part3: Framework) -> None:
    _, req = next(r for r in part3.requirements() if "提示词" in r[1].text.zh)
    broken = req.model_copy(
        update={"text": LocalizedText(zh=req.text.zh, en="Templates are kept in a repository here.")}
    )
    fw = _replaced(part3, broken)
    assert any(v.where == f"{req.id}.text" and v.term.zh == "提示词" for v in check_glossary(fw))


def _replaced(fw: Framework, new: Requirement) -> Framework:
    """The framework with one requirement swapped for `new` (same id)."""
    domains = []
    for d in fw.domains:
        subs = []
        for s in d.subdomains:
            items = [
                i.model_copy(update={"requirements": [new if r.id == new.id else r for r in i.requirements]})
                for i in s.items
            ]
            subs.append(s.model_copy(update={"items": items}))
        domains.append(d.model_copy(update={"subdomains": subs}))
    return fw.model_copy(update={"domains": domains})


def test_items_name_the_part_two_items_they_build_on(part3: Framework, part2: Framework) -> None:
    part2_items = {item.id: item for *_, item in part2.items()}
    named = [(item.id, ref) for *_, item in part3.items() for ref in item.builds_on]
    assert [(i, ref) for i, ref in named if ref not in part2_items] == []
    # 运行监控, 流量管理, 效果评估, 模型下线 and 更新策略管理 are each extended somewhere in Part 3
    assert {"P2.DR.RL.01", "P2.DR.RL.02", "P2.DR.RL.03", "P2.DR.RL.04", "P2.DR.CD.03"} <= {ref for _, ref in named}
    assert part2_items["P2.DR.RL.01"].name.zh == "运行监控"
    assert part2_items["P2.DR.RL.04"].name.zh == "模型下线"
    extended = {item.id for *_, item in part3.items() if item.builds_on}
    assert len(extended) >= 12


def test_no_requirement_repeats_a_part_two_requirement(part3: Framework, part2: Framework) -> None:
    assert near_duplicates((r for _, r in part3.requirements()), (r for _, r in part2.requirements())) == []


def test_the_duplicate_check_finds_a_reworded_copy(part3: Framework, part2: Framework) -> None:
    """A Part 2 requirement copied into Part 3 with a word changed and different punctuation is caught."""
    original = next(r for _, r in part2.requirements() if r.id == "P2.DR.RL.01.R06")
    _, target = next(iter(part3.requirements()))
    copied_en = original.text.en.replace("automatically", "without manual work").replace(",", ";")
    copied_zh = original.text.zh.replace("自动检测", "由系统检测").replace("，", "；")
    copy = target.model_copy(update={"text": LocalizedText(zh=copied_zh, en=copied_en)})
    found = near_duplicates([copy, target], (r for _, r in part2.requirements()))
    assert found == [(target.id, original.id, "en"), (target.id, original.id, "zh")]


def test_verification_classes_and_checks(part3: Framework) -> None:
    catalogue = probe_catalogue()
    reqs = [r for _, r in part3.requirements()]
    assert [r.id for r in reqs if r.verification is None] == []
    assert all(not r.expectations for r in reqs if r.verification is Verification.attested)
    checked = [r for r in reqs if r.expectations]
    assert len(checked) >= 60
    # automated only where the probe measures the whole statement over the whole population (methodology rule)
    assert [r.id for r in reqs if r.verification is Verification.automated] == ["P3.SO.SL.02.R01"]
    assert sorted({p for r in checked for p in r.probes()} - set(catalogue)) == []
    by_level = Counter(r.level for r in checked)
    assert [lv for lv in LEVELS if by_level[lv] == 0] == []
    for domain in part3.domains:
        in_domain = [r for s in domain.subdomains for i in s.items for r in i.requirements if r.expectations]
        assert in_domain, domain.id
    for *_, item in part3.items():
        assert any(r.expectations for r in item.requirements), item.id


@pytest.mark.parametrize(
    ("collector", "minimum"),
    [("prometheus", 20), ("grafana", 10), ("kubernetes", 10), ("mlflow", 8), ("airflow", 6), ("kubeflow", 5)],
)
def test_the_operation_collectors_check_part_three(part3: Framework, collector: str, minimum: int) -> None:
    """Monitoring, serving, registry and orchestrator evidence reaches Part 3 through the existing probes."""
    using = [r.id for _, r in part3.requirements() if any(p.startswith(collector + ".") for p in r.probes())]
    assert len(using) >= minimum, (collector, len(using))


def test_large_model_items_say_when_they_apply(part3: Framework) -> None:
    llm = next(d for d in part3.domains if d.id == "P3.LM")
    for sub in llm.subdomains:
        for item in sub.items:
            assert item.purpose is not None
            assert "不适用" in item.purpose.zh and "not applicable" in item.purpose.en, item.id


def test_markdown_reference_reads_in_one_language(part3: Framework) -> None:
    from reports.markdown import render_framework_markdown

    zh = render_framework_markdown(part3, "zh")
    en = render_framework_markdown(part3, "en")
    first = next(iter(part3.requirements()))[1]
    assert first.text.zh in zh and first.text.en not in zh
    assert first.text.en in en and not CJK.search(en)
    assert zh.count("#### ") == part3.counts()["items"]


def test_the_file_is_where_the_catalogue_finds_it() -> None:
    assert PATH.is_file()
    assert Path(resolve("caict-mlops-p3@2026.12.1").path).resolve() == PATH.resolve()

"""The bundled framework files: structure as the standard defines it, valid against the schema."""

from __future__ import annotations

import re

import pytest

from capability_model.catalog import catalog
from capability_model.loader import LoadedFramework
from capability_model.schema import LEVELS

CJK = re.compile(r"[\u4e00-\u9fff]")

EXPECTED = {
    "caict-mlops-p1": {"domains": 3, "subdomains": 10, "items": 28},
    "caict-mlops-p2": {"domains": 5, "subdomains": 12, "items": 32},
    "caict-mlops-p3": {"domains": 6, "subdomains": 12, "items": 16},
}
DOMAINS = {
    "caict-mlops-p1": ["需求管理", "数据工程", "模型开发"],
    "caict-mlops-p2": ["持续集成", "部署发布", "模型测试", "配置管理", "度量反馈"],
    "caict-mlops-p3": ["服务运营", "模型监控", "持续训练", "业务效果评估", "反馈闭环", "大模型运营"],
}


def test_every_bundled_part_has_the_standards_structure() -> None:
    loaded = catalog()
    assert {lf.framework.id for lf in loaded} == set(EXPECTED)
    for lf in loaded:
        counts = lf.framework.counts()
        for key, value in EXPECTED[lf.framework.id].items():
            assert counts[key] == value, (lf.ref, key)
        assert [d.name.zh for d in lf.framework.domains] == DOMAINS[lf.framework.id]


@pytest.mark.parametrize("ref", ["caict-mlops-p1", "caict-mlops-p2"])
def test_every_item_has_requirements_at_every_level(ref: str) -> None:
    lf = next(lf for lf in reversed(catalog()) if lf.framework.id == ref)
    for _, _, item in lf.framework.items():
        assert {r.level for r in item.requirements} == set(LEVELS), item.id


def test_texts_are_in_the_language_they_claim(part1: LoadedFramework, part2: LoadedFramework) -> None:
    for lf in (part1, part2):
        for _, req in lf.framework.requirements():
            assert CJK.search(req.text.zh), req.id
            assert not CJK.search(req.text.en), req.id
            assert not CJK.search(req.guidance.en), req.id


def test_level_names_are_data_in_the_file(part1: LoadedFramework) -> None:
    fw = part1.framework
    assert [lv.name.zh for lv in fw.levels] == ["基础级", "专业级", "领先级", "卓越级", "引领级"]
    assert fw.level_name(3, "en") == "Leading"


def test_item_ids_follow_their_subdomain(part2: LoadedFramework) -> None:
    for domain, sub, item in part2.framework.items():
        assert sub.id.startswith(domain.id + ".")
        assert item.id.startswith(sub.id + ".")
        for req in item.requirements:
            assert req.id.startswith(item.id + ".R")

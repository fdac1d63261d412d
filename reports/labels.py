"""Fixed interface words in both languages; everything from the standard itself comes from the framework file."""

from __future__ import annotations

from capability_model.schema import Lang

_WORDS: dict[str, dict[str, str]] = {
    "overall": {"zh": "整体等级", "en": "Overall level"},
    "score": {"zh": "平均分", "en": "Score"},
    "level": {"zh": "等级", "en": "Level"},
    "target": {"zh": "目标等级", "en": "Target level"},
    "domain": {"zh": "能力域", "en": "Domain"},
    "subdomain": {"zh": "能力子域", "en": "Subdomain"},
    "item": {"zh": "能力子项", "en": "Capability item"},
    "requirement": {"zh": "能力要求", "en": "Requirement"},
    "requirements": {"zh": "能力要求", "en": "Requirements"},
    "status": {"zh": "状态", "en": "Status"},
    "blocking": {"zh": "阻碍升级的要求", "en": "Blocking the next level"},
    "gap": {"zh": "距目标差距", "en": "Gap to target"},
    "open": {"zh": "未满足", "en": "Open"},
    "roadmap": {"zh": "改进路线图", "en": "Roadmap"},
    "phase": {"zh": "阶段", "en": "Phase"},
    "reach_level": {"zh": "达到{level}级", "en": "Reach level {level}"},
    "no_gap": {"zh": "已达到目标等级，无差距。", "en": "The target level is reached; there is no gap."},
    "na": {"zh": "不适用", "en": "N/A"},
    "organisation": {"zh": "组织", "en": "Organisation"},
    "scope": {"zh": "评估范围", "en": "Scope"},
    "assessor": {"zh": "评估人", "en": "Assessor"},
    "framework": {"zh": "标准框架", "en": "Framework"},
    "answered": {"zh": "已作答", "en": "Answered"},
    "guidance": {"zh": "核查方法", "en": "How to verify"},
    "purpose": {"zh": "目的", "en": "Purpose"},
    "dimension": {"zh": "评估维度", "en": "Dimension"},
    "evidence_kinds": {"zh": "证据类型", "en": "Evidence"},
    "systems": {"zh": "证据来源系统", "en": "Systems"},
    "levels": {"zh": "等级定义", "en": "Level definitions"},
    "scoring": {"zh": "计分规则", "en": "Scoring rules"},
    "more": {"zh": "另有 {n} 项", "en": "and {n} more"},
    "evidence": {"zh": "证据", "en": "Evidence"},
    "decided_by_evidence": {"zh": "{n} 项要求由证据判定", "en": "{n} requirements decided by evidence"},
    "audit_mode": {
        "zh": "审计模式：未引用证据的“满足”不予计入。",
        "en": "Audit mode: a manual 'met' without cited evidence is not counted.",
    },
    "conflict": {"zh": "冲突", "en": "Conflict"},
    "n_requirements": {"zh": "{n} 项要求", "en": "{n} requirements"},
    "status_published": {"zh": "已发布", "en": "published"},
    "status_draft": {"zh": "征求意见稿", "en": "draft for comment"},
    "released": {"zh": "框架文件发布日期", "en": "framework file released"},
}

EVIDENCE_KIND_LABELS: dict[str, dict[str, str]] = {
    "document": {"zh": "文档", "en": "document"},
    "system_record": {"zh": "系统记录", "en": "system record"},
    "demonstration": {"zh": "现场演示", "en": "demonstration"},
    "interview": {"zh": "访谈", "en": "interview"},
}


def word(key: str, lang: Lang, **fmt: object) -> str:
    text = _WORDS[key][lang]
    return text.format(**fmt) if fmt else text


def level_text(level: int | None, lang: Lang) -> str:
    return word("na", lang) if level is None else str(level)


def score_text(score: float | None, lang: Lang) -> str:
    return word("na", lang) if score is None else f"{score:.1f}"

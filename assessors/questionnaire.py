"""Render an assessment as a commented YAML questionnaire: every requirement listed, its text beside it.

The same renderer writes a blank questionnaire (`init`) and saves a filled one, so a file keeps its comments
however often it is rewritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from assessors.assessment import Answer, Assessment
from capability_model.schema import Framework, Lang

_HEADINGS = {
    "zh": {
        "legend": "status 取值：met（满足）| partial（部分满足）| not_met（不满足）| not_applicable（不适用）；"
        "留空表示未作答。",
        "fields": "note：说明；evidence：证据引用（文档、记录、链接或证据编号）；"
        "answered_by / answered_at：作答人和时间。",
        "orphaned": "以下答案对应的要求在当前框架版本中已不存在，予以保留以供核对。",
        "level": "级",
    },
    "en": {
        "legend": "status: met | partial | not_met | not_applicable; leave it empty while unknown.",
        "fields": "note: explanation; evidence: references (documents, records, links or evidence ids); "
        "answered_by / answered_at: who answered and when.",
        "orphaned": "Answers to requirements the current framework version no longer has, kept for review.",
        "level": "L",
    },
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Dumper(yaml.SafeDumper):
    """Multi-line notes as literal blocks, so a hand-edited questionnaire stays readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump_block(data: dict[str, Any], indent: int) -> str:
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
    pad = " " * indent
    return "".join(pad + line + "\n" for line in text.splitlines())


def _answer_fields(answer: Answer) -> dict[str, Any]:
    data: dict[str, Any] = {"status": answer.status.value if answer.status else None}
    if answer.note:
        data["note"] = answer.note
    if answer.evidence:
        data["evidence"] = list(answer.evidence)
    if answer.answered_by:
        data["answered_by"] = answer.answered_by
    if answer.answered_at:
        data["answered_at"] = answer.answered_at.isoformat()
    return data


def _answer_block(rid: str, answer: Answer, indent: int) -> str:
    pad = " " * indent
    if answer.is_blank:
        return f"{pad}{rid}:\n{pad}  status:\n"
    return f"{pad}{rid}:\n" + _dump_block(_answer_fields(answer), indent + 2)


def _header(assessment: Assessment) -> dict[str, Any]:
    data = assessment.model_dump(mode="json", exclude={"answers", "orphaned"})
    for key in ("started", "completed"):
        if data.get(key):
            data[key] = dt.date.fromisoformat(data[key])
    return data


def render_questionnaire(assessment: Assessment, framework: Framework | None, lang: Lang = "zh") -> str:
    words = _HEADINGS[lang]
    out = [
        f"# {framework.title.get(lang)} ({framework.ref})\n" if framework else f"# {assessment.framework}\n",
        f"# {words['legend']}\n# {words['fields']}\n",
        _dump_block(_header(assessment), 0),
        "answers:\n",
    ]
    listed: set[str] = set()
    if framework is not None:
        for domain in framework.domains:
            out.append(f"\n  # ===== {domain.id} {domain.name.get(lang)} =====\n")
            for sub in domain.subdomains:
                out.append(f"  # ----- {sub.id} {sub.name.get(lang)}\n")
                for item in sub.items:
                    out.append(f"\n  # {item.id} {item.name.get(lang)}\n")
                    for req in item.requirements:
                        label = f"{req.level}{words['level']}" if lang == "zh" else f"{words['level']}{req.level}"
                        out.append(f"  # [{label}] {_one_line(req.text.get(lang))}\n")
                        out.append(_answer_block(req.id, assessment.answers.get(req.id, Answer()), 2))
                        listed.add(req.id)
    extra = {rid: a for rid, a in assessment.answers.items() if rid not in listed}
    if extra:
        out.append("\n")
        out += [_answer_block(rid, a, 2) for rid, a in extra.items()]
    if assessment.orphaned:
        out.append(f"\n# {words['orphaned']}\norphaned:\n")
        out += [_answer_block(rid, a, 2) for rid, a in assessment.orphaned.items()]
    return "".join(out)

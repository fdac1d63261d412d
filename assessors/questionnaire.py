"""Render an assessment as a commented YAML questionnaire: every requirement listed, its text beside it.

The same renderer writes a blank questionnaire (`init`) and saves a filled one, so a file keeps its comments
however often it is rewritten. Every key and value goes through the YAML emitter, which quotes whatever would not read
back as the same string (ids such as `null`, `yes`, `1`, `a: b`, `#x`, `- x`, control characters, line separators);
comments, which the reader never interprets, are reduced to one printable line so they cannot end early.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from assessors.assessment import Answer, Assessment
from assessors.evidence_refs import as_ref
from capability_model.schema import Framework, Lang
from capability_model.visible import has_hidden, visible, yaml_escaped

_HEADINGS = {
    "zh": {
        "legend": "status 取值：met（满足）| partial（部分满足）| not_met（不满足）| not_applicable（不适用）；"
        "留空表示未作答。",
        "fields": "note：说明（note_translations 给出另一种语言的说明，如 en）；evidence：证据引用（文档、记录、"
        "链接或证据编号；可写为含 kind、title、location、version、sighted、sha256、method 的条目）；"
        "answered_by / answered_at：作答人和时间。",
        "draft": "source: evidence 表示依据采集证据起草的建议答案（proposal 记录判定理由与证据编号），"
        "confirmed_by / confirmed_at 为确认人和时间；人员改答与建议不同时须在 override_reason 中说明理由。",
        "orphaned": "以下答案对应的要求在当前框架版本中已不存在，予以保留以供核对。",
        "level": "级",
    },
    "en": {
        "legend": "status: met | partial | not_met | not_applicable; leave it empty while unknown.",
        "fields": "note: explanation (note_translations gives it in the other language, e.g. zh); evidence: "
        "references (documents, records, links or evidence ids; or entries with kind, title, location, version, "
        "sighted, sha256, method); answered_by / answered_at: who answered and when.",
        "draft": "source: evidence marks an answer drafted from collected evidence (proposal holds the reason and "
        "record ids); confirmed_by / confirmed_at: who confirmed it and when; a person answering otherwise than a "
        "proposal states why in override_reason.",
        "orphaned": "Answers to requirements the current framework version no longer has, kept for review.",
        "level": "L",
    },
}

# Characters a YAML reader refuses anywhere in a file (comments included), and BOMs, which only belong at its start.
_NOT_IN_COMMENT = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff")


def _one_line(text: str) -> str:
    """Text fit for a comment: one line (every kind of line break folded) of characters the reader accepts, with
    control and bidi characters shown as `[U+XXXX]`, so that a framework's text cannot reorder or hide what an editor
    or `cat` shows of the questionnaire."""
    return _NOT_IN_COMMENT.sub("\ufffd", visible(" ".join(text.split())))


class _Unanswered:
    """An empty `status:`, the questionnaire's way of saying "not answered yet"."""


_UNANSWERED = _Unanswered()


class _Dumper(yaml.SafeDumper):
    """Multi-line notes as literal blocks where that reads back exactly; anything else the emitter's safe choice."""


def _style(value: str) -> str | None:
    """Literal block for readable multi-line text, double quotes where a block or plain scalar would alter it.

    A block scalar keeping two or more final line breaks (`|+`) would swallow the blank lines and comments that follow
    it, and a raw NEL or line/paragraph separator is a line break to the reader (NEL even becomes `\\n`); CR is
    translated when the file is read. Double-quoted scalars escape all of these.
    """
    if any(c in value for c in "\r\x85\u2028\u2029") or has_hidden(value):  # escaped in double quotes only
        return '"'
    if "\n" in value:
        return '"' if value.endswith("\n\n") or value == "\n" else "|"
    return None


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=_style(value))


def _represent_unanswered(dumper: yaml.SafeDumper, _: _Unanswered) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Unanswered, _represent_unanswered)


def _dump_block(data: dict[str, Any], indent: int) -> str:
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=112, default_flow_style=False)
    text = yaml_escaped(text)  # bidi and other formatting characters the emitter writes raw
    pad = " " * indent
    # split on "\n" alone: the emitter escapes every other line break, and str.splitlines() would cut at those too
    return "".join(pad + line + "\n" for line in text.split("\n")[:-1])


def _answer_fields(answer: Answer) -> dict[str, Any]:
    blank = _UNANSWERED if answer == Answer() else None  # a bare `status:` for a requirement nobody touched yet
    data: dict[str, Any] = {"status": answer.status.value if answer.status else blank}
    if answer.note:
        data["note"] = answer.note
    if answer.note_lang is not None:
        data["note_lang"] = answer.note_lang
    if answer.note_translations:
        data["note_translations"] = dict(answer.note_translations)
    if answer.evidence:
        data["evidence"] = [as_ref(r).stored() for r in answer.evidence]
    if answer.answered_by is not None:
        data["answered_by"] = answer.answered_by
    if answer.answered_at is not None:
        data["answered_at"] = answer.answered_at.isoformat()
    if answer.source != "person":
        data["source"] = answer.source
    if answer.override_reason:
        data["override_reason"] = answer.override_reason
    if answer.confirmed_by is not None:
        data["confirmed_by"] = answer.confirmed_by
    if answer.confirmed_at is not None:
        data["confirmed_at"] = answer.confirmed_at.isoformat()
    if answer.proposal is not None:
        proposal = answer.proposal.model_dump(mode="json")
        if proposal["bundle"] is None:
            del proposal["bundle"]
        data["proposal"] = proposal
    return data


def _answer_block(rid: str, answer: Answer, indent: int) -> str:
    return _dump_block({rid: _answer_fields(answer)}, indent)


def _header(assessment: Assessment) -> dict[str, Any]:
    data = assessment.model_dump(mode="json", exclude={"answers", "orphaned"})
    for key in ("started", "completed"):
        if data.get(key):
            data[key] = dt.date.fromisoformat(data[key])
    return data


def written_language(text: str) -> Lang | None:
    """The language a questionnaire's comments were written in (its legend line tells), so that rewriting it keeps
    them; None for a file this writer did not write (JSON, or a hand-made YAML file)."""
    head = text[:4096]
    langs: tuple[Lang, ...] = ("zh", "en")
    for lang in langs:
        if f"# {_HEADINGS[lang]['legend']}" in head:
            return lang
    return None


def render_questionnaire(assessment: Assessment, framework: Framework | None, lang: Lang = "zh") -> str:
    words = _HEADINGS[lang]
    title = f"{framework.title.get(lang)} ({framework.ref})" if framework else assessment.framework
    out = [
        f"# {_one_line(title)}\n",
        f"# {words['legend']}\n# {words['fields']}\n# {words['draft']}\n",
        _dump_block(_header(assessment), 0),
        "answers:\n",
    ]
    listed: set[str] = set()
    if framework is not None:
        for domain in framework.domains:
            out.append(f"\n  # ===== {_one_line(f'{domain.id} {domain.name.get(lang)}')} =====\n")
            for sub in domain.subdomains:
                out.append(f"  # ----- {_one_line(f'{sub.id} {sub.name.get(lang)}')}\n")
                for item in sub.items:
                    out.append(f"\n  # {_one_line(f'{item.id} {item.name.get(lang)}')}\n")
                    for req in item.requirements:
                        label = f"{req.level}{words['level']}" if lang == "zh" else f"{words['level']}{req.level}"
                        out.append(f"  # [{label}] {_one_line(req.text.get(lang))}\n")
                        out.append(_answer_block(req.id, assessment.answers.get(req.id, Answer()), 2))
                        listed.add(req.id)
    extra = {rid: a for rid, a in assessment.answers.items() if rid not in listed}
    if extra:
        out.append("\n")
        out += [_answer_block(rid, a, 2) for rid, a in extra.items()]
    if not listed and not extra:
        out[-1] = "answers: {}\n"
    if assessment.orphaned:
        out.append(f"\n# {words['orphaned']}\norphaned:\n")
        out += [_answer_block(rid, a, 2) for rid, a in assessment.orphaned.items()]
    return "".join(out)

"""Reading issue text: Atlassian Document Format flattened to lines, named sections of a description (wiki markup
or ADF headings, bold lines, or "Label:" lines), whether a field value is filled, and whether criteria are measurable.

Pure functions. Headings come out of ADF as wiki-style "hN. text" lines, so one section reader serves v2 and v3.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from evidence_collectors.criteria import measurable

MAX_DEPTH = 64  # ADF nesting followed at most (a hostile document cannot exhaust the stack)
MAX_TEXT = 1_000_000  # characters of a description searched for its sections
_BLOCKS = frozenset(
    {
        "paragraph",
        "heading",
        "listItem",
        "bulletList",
        "orderedList",
        "taskList",
        "taskItem",
        "decisionList",
        "decisionItem",
        "blockquote",
        "codeBlock",
        "panel",
        "rule",
        "table",
        "tableRow",
        "tableHeader",
        "tableCell",
        "expand",
        "nestedExpand",
        "mediaSingle",
        "mediaGroup",
        "layoutSection",
        "layoutColumn",
    }
)

AC_LABELS = ("acceptance criteria", "acceptance criterion", "acceptance", "ac", "验收标准", "验收条件", "验收准则")
STEP_LABELS = ("test steps", "steps to test", "steps", "测试步骤", "操作步骤", "步骤")
EXPECTED_LABELS = ("expected results", "expected result", "expected", "预期结果", "期望结果", "预期")
MITIGATION_LABELS = (
    "mitigation plan",
    "mitigation",
    "risk response",
    "response plan",
    "response",
    "应对措施",
    "缓解措施",
    "应对计划",
    "应对策略",
)
OTHER_LABELS = (
    "description",
    "background",
    "context",
    "notes",
    "note",
    "out of scope",
    "scope",
    "definition of done",
    "背景",
    "描述",
    "说明",
    "备注",
    "范围",
)
# a test case's preconditions and its input data or test dataset (fields or sections; the two trackers share them)
PRECONDITION_LABELS = ("preconditions", "precondition", "pre-conditions", "pre-condition", "前置条件", "前提条件")
DATA_LABELS = (
    "test data",
    "test dataset",
    "input data",
    "dataset",
    "data set",
    "测试数据集",
    "测试数据",
    "输入数据",
    "数据集",
)
# default names of a requirement's feasibility conclusion and scenario description (fields or sections); the
# target's feasibility_labels / scenario_labels replace them, and the two trackers share them
FEASIBILITY_LABELS = (
    "feasibility conclusion",
    "feasibility assessment",
    "feasibility",
    "可行性结论",
    "可行性评估",
    "可行性分析",
    "可行性",
)
SCENARIO_LABELS = (
    "scenario description",
    "usage scenario",
    "business scenario",
    "application scenario",
    "scenario",
    "使用场景",
    "业务场景",
    "应用场景",
    "场景描述",
    "场景说明",
)
KNOWN_LABELS = (
    AC_LABELS
    + STEP_LABELS
    + EXPECTED_LABELS
    + MITIGATION_LABELS
    + OTHER_LABELS
    + PRECONDITION_LABELS
    + DATA_LABELS
    + FEASIBILITY_LABELS
    + SCENARIO_LABELS
)
# a user story in its three parts: who (as a / 作为), what (I want / 我希望), why (so that / 以便); the scan is bounded
# (MAX_STORY characters) and each part is searched once after the previous one, so it is linear in the text
MAX_STORY = 20_000
_STORY_WHO = re.compile(r"(?:^|[^a-z])as an? [^\n]|作为", re.IGNORECASE)
_STORY_WHAT = re.compile(r"\bi (?:want|need|would like)\b|我(?:希望|想要|想|要|需要)", re.IGNORECASE)
_STORY_WHY = re.compile(r"\bso that\b|\bin order to\b|以便|从而|这样(?:可以|就能|能够)?|便于", re.IGNORECASE)

# model performance metrics a requirement can set a target for (a word, then within the same sentence a number with a
# comparison or a unit): quality measures of a model's output, not delivery or service figures such as latency; words
# as often said of a service or a cache (error rate, hit rate, 错误率, 命中率, 精度) are left out
_METRIC = re.compile(
    r"(?<![a-z])(?:accuracy|precision|recall|f1(?:[- ]score)?|f-score|auc|rmse|mae|mape|mse|r2|r²|bleu|rouge|"
    r"iou|ndcg|ks|gini|false positive rate|false negative rate)(?![a-z])|"
    r"准确率|精确率|精准率|召回率|查全率|查准率|f1值|误报率|漏报率|误判率|拒真率|纳伪率|识别率",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[\n。；;]")
MAX_TARGET_TEXT = 200_000

_MARKUP_HEADING = re.compile(r"^h[1-6]\.\s*")  # wiki markup; ADF headings are rendered the same way
_EMPHASIS = "*_ \t"


def adf_text(node: Any) -> str:
    """The text of an Atlassian Document Format node, one line per block, headings as "hN. text"."""
    return "\n".join(line.strip() for line in _render(node, 0).splitlines() if line.strip())


def _render(node: Any, depth: int) -> str:
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return ""
    kind = node.get("type")
    found = node.get("attrs")
    attrs: dict[str, Any] = found if isinstance(found, dict) else {}
    if kind == "text":
        return str(node.get("text") or "")
    if kind == "hardBreak":
        return "\n"
    if kind in ("mention", "emoji", "status", "date", "inlineCard", "placeholder"):
        return str(attrs.get("text") or attrs.get("url") or "")
    children = node.get("content")
    inner = "".join(_render(c, depth + 1) for c in children) if isinstance(children, list) else ""
    if kind == "heading":
        level = attrs.get("level")
        level = level if isinstance(level, int) and 1 <= level <= 6 else 1
        return f"\nh{level}. {inner}\n"
    if kind in _BLOCKS or kind == "doc":
        return f"\n{inner}\n"
    return inner


def as_text(value: Any) -> str:
    """Any field value as plain text: a string, an ADF document, an option ({"value": ...}), a user, a number, or a
    list of those; "" when empty."""
    return _as_text(value, 0).strip()


def _as_text(value: Any, depth: int) -> str:
    if value is None or isinstance(value, bool) or depth > MAX_DEPTH:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)  # `:g` would turn it into a float, which no integer of 309 digits or more fits
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "\n".join(t for t in (_as_text(v, depth + 1).strip() for v in value) if t)
    if isinstance(value, dict):
        if value.get("type") == "doc" or isinstance(value.get("content"), list):
            return adf_text(value)
        for key in ("value", "name", "displayName", "text"):
            if key in value:
                return _as_text(value[key], depth + 1)
        # another structure (e.g. a test management add-on's steps): the text of its values
        return "\n".join(t for t in (_as_text(v, depth + 1).strip() for v in value.values()) if t)
    return ""


def filled(value: Any) -> bool:
    return bool(as_text(value))


def positive(value: Any) -> bool:
    """A number above zero (story points, an estimate); a numeric string counts too."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return value > 0
    if isinstance(value, str):
        try:
            return float(value) > 0
        except ValueError:
            return False
    return False


@functools.lru_cache(maxsize=64)
def _longest_first(labels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(labels, key=len, reverse=True))


def _label(line: str, labels: tuple[str, ...]) -> tuple[bool, str] | None:
    """If `line` opens a section named by one of `labels` (a heading, "Label:" or the bare label), what follows the
    label on the same line."""
    heading = bool(_MARKUP_HEADING.match(line))
    text = _MARKUP_HEADING.sub("", line).strip(_EMPHASIS)
    lowered = text.lower()
    if not lowered.startswith(labels):  # most lines: one call, not one per label (a description may hold millions)
        return None
    for label in _longest_first(labels):
        if not lowered.startswith(label):
            continue
        rest = text[len(label) :]
        if rest and rest[0].isalnum() and rest[0].isascii():
            continue  # "Acceptance criteriaX" or "Accepted": another word
        rest = rest.strip(_EMPHASIS)
        if rest[:1] in (":", "："):
            return heading, rest[1:].strip(_EMPHASIS)
        if not rest or heading:
            return heading, ""  # a heading's own words ("Acceptance criteria (draft)") are not its content
    return None


def _opens_section(line: str) -> bool:
    if _MARKUP_HEADING.match(line):
        return True
    stripped = line.strip()
    if len(stripped) > 2 and stripped[0] == "*" and stripped.endswith(("*", "*:", "*：")) and "*" not in stripped[1:-2]:
        return True  # a bold-only line, as wiki markup writes sub-headings
    return _label(line, KNOWN_LABELS) is not None


def section(text: str, labels: tuple[str, ...]) -> str:
    """The text of the first section named by one of `labels`, up to the next heading or known label; only the first
    MAX_TEXT characters are searched (each line costs a little, and a description may hold millions)."""
    lines = [line.strip() for line in text[:MAX_TEXT].splitlines() if line.strip()]
    for n, line in enumerate(lines):
        found = _label(line, labels)
        if found is None:
            continue
        body = [found[1]] if found[1] else []
        k = n + 1  # by index: a slice per labelled line would copy the rest of a long description each time
        while k < len(lines) and not _opens_section(lines[k]):
            body.append(lines[k])
            k += 1
        joined = " ".join(body).strip()
        if joined:
            return joined
    return ""


def without_section(text: str, labels: tuple[str, ...]) -> str:
    """The text outside every section named by one of `labels` (its label line and body up to the next heading or
    known label): what a field says besides, say, its "Test data:" part. Only the first MAX_TEXT characters count."""
    kept: list[str] = []
    inside = False
    for line in (line.strip() for line in text[:MAX_TEXT].splitlines()):
        if not line:
            continue
        if _label(line, labels) is not None:
            inside = True
            continue
        if inside and _opens_section(line):
            inside = False
        if not inside:
            kept.append(line)
    return "\n".join(kept)


def user_story(text: str) -> bool:
    """Whether `text` holds a user story with its three parts in order: the user (as a / 作为), the need (I want /
    我希望) and the purpose (so that / 以便). A bare "作为业务方，我希望……" template line without a purpose does not
    count."""
    head = text[:MAX_STORY]
    who = _STORY_WHO.search(head)
    what = _STORY_WHAT.search(head, who.end()) if who else None
    return bool(what and _STORY_WHY.search(head, what.end()))


def performance_target(text: str) -> bool:
    """Whether `text` states a model performance target with its value: a sentence naming a quality metric (recall,
    AUC, 准确率, ...) that also holds a measurable figure ("recall >= 0.85", "召回率不低于 85%")."""
    for sentence in _SENTENCE.split(text[:MAX_TARGET_TEXT]):
        if _METRIC.search(sentence) and measurable(sentence):
            return True
    return False

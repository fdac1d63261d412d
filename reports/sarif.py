"""The assessment as SARIF 2.1.0 for code-scanning gates: one rule per capability item, one result per requirement
the gap holds (applicable, not met, at a level up to the target), located in the assessment file at the line of its
answer, or at the file itself when that line cannot be found.

Results carry a partial fingerprint made of the framework id and the requirement id, so a code-scanning service
tracks the same gap across runs and framework versions. Everything comes from the scored result; nothing is rescored.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from assessors.results import AssessmentResult
from capability_model.schema import Framework, Lang

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "mlopsMaturityRequirement/v1"

_STATUS = {
    "met": {"zh": "满足", "en": "met"},
    "partial": {"zh": "部分满足", "en": "partly met"},
    "not_met": {"zh": "不满足", "en": "not met"},
    "not_applicable": {"zh": "不适用", "en": "not applicable"},
    "unknown": {"zh": "未作答", "en": "unanswered"},
}
_MESSAGE = {
    "zh": "{rid}（{level}级，{status}）：{text}",
    "en": "{rid} (level {level}, {status}): {text}",
}
_HELP = {
    "zh": "{name}：本能力子项当前为 {current} 级，目标 {target} 级。{purpose}",
    "en": "{name}: this capability item is at level {current}, target level {target}. {purpose}",
}


def artifact_uri(path: Path) -> str:
    """The assessment file as a URI reference: relative to the working directory (the repository root in CI) when
    it lies below it, else an absolute file URI."""
    if not path.is_absolute():
        return quote(path.as_posix())
    try:
        return quote(Path(os.path.relpath(path)).as_posix()) if path.is_relative_to(Path.cwd()) else path.as_uri()
    except ValueError:
        return path.as_uri()


def answer_lines(path: Path) -> dict[str, int]:
    """The 1-based line of each requirement's key under `answers:` in a YAML or JSON questionnaire; {} when the file
    cannot be parsed as YAML (the results then point at the file)."""
    import yaml

    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "answers" and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value if isinstance(k, yaml.ScalarNode)}
    return {}


def fingerprint(framework_id: str, requirement_id: str) -> str:
    return hashlib.sha256(f"{framework_id}|{requirement_id}".encode()).hexdigest()


def sarif_log(result: AssessmentResult, framework: Framework, lang: Lang, assessment: Path) -> dict[str, Any]:
    """The SARIF log object of one scored assessment."""
    from reports.identity import tool_version

    reqs = framework.requirement_index()
    outcomes = {o.id: o for o in result.requirements}
    levels = {i.id: i.level for i in result.items()}
    uri = artifact_uri(assessment)
    lines = answer_lines(assessment)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for domain, sub, cap in framework.items():
        index[cap.id] = len(rules)
        current = levels.get(cap.id)
        purpose = cap.purpose.get(lang) if cap.purpose else ""
        name = cap.name.get(lang)
        rules.append(
            {
                "id": cap.id,
                "name": cap.id.replace(".", "_"),
                "shortDescription": {"text": name},
                "fullDescription": {"text": purpose or name},
                "help": {
                    "text": _HELP[lang]
                    .format(
                        name=name,
                        current="n/a" if current is None else current,
                        target=result.target_level,
                        purpose=purpose,
                    )
                    .strip()
                },
                "defaultConfiguration": {"level": "warning"},
                "properties": {
                    "domain": domain.id,
                    "subdomain": sub.id,
                    "tags": ["mlops-maturity", domain.id, sub.id],
                },
            }
        )
    results: list[dict[str, Any]] = []
    for item in result.items():
        for rid in item.gap:
            if rid not in reqs:
                continue
            _, req = reqs[rid]
            outcome = outcomes.get(rid)
            status = outcome.status if outcome else "unknown"
            location: dict[str, Any] = {"artifactLocation": {"uri": uri}}
            if rid in lines:
                location["region"] = {"startLine": lines[rid]}
            results.append(
                {
                    "ruleId": item.id,
                    "ruleIndex": index[item.id],
                    "kind": "fail",
                    "level": "error" if rid in item.blocking else "warning",
                    "message": {
                        "text": _MESSAGE[lang].format(
                            rid=rid, level=req.level, status=_STATUS[status][lang], text=req.text.get(lang)
                        )
                    },
                    "locations": [{"physicalLocation": location}],
                    "partialFingerprints": {FINGERPRINT: fingerprint(framework.id, rid)},
                    "properties": {
                        "requirement": rid,
                        "requirementLevel": req.level,
                        "status": status,
                        "provenance": outcome.provenance if outcome else "unanswered",
                        "itemLevel": item.level,
                        "targetLevel": result.target_level,
                    },
                }
            )
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "mlops-maturity", "version": tool_version(), "rules": rules}},
        "automationDetails": {"id": f"mlops-maturity/{framework.id}/"},
        "invocations": [{"executionSuccessful": True}],
        "artifacts": [{"location": {"uri": uri}}],
        "results": results,
        "properties": {
            "framework": framework.ref,
            "overallLevel": result.overall.level,
            "overallScore": result.overall.score,
            "targetLevel": result.target_level,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def result_sarif(result: AssessmentResult, framework: Framework, lang: Lang, assessment: Path) -> str:
    """What `assess --format sarif` prints."""
    from assessors.storage import json_text

    return json_text(sarif_log(result, framework, lang, assessment))

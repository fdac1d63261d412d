"""The targets file: which systems to probe. Each entry is validated by its collector's own config model."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from capability_model.sourcefile import (
    Positioned,
    SourceError,
    SourceIssue,
    capped,
    load_positioned,
    validation_issues,
)
from evidence_collectors.base import Collector
from evidence_collectors.config import TargetConfig


class Target(BaseModel):
    """A validated target and the collector that reads it."""

    model_config = {"arbitrary_types_allowed": True}

    config: TargetConfig
    collector: type[Collector]


def load_targets(path: Path | str, collectors: dict[str, type[Collector]]) -> list[Target]:
    """Parse a targets file; every problem is reported with file, line, column and field path."""
    path = Path(path)
    doc = load_positioned(path)
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("targets"), list):
        raise SourceError([doc.issue(["targets"], "expected a list under 'targets'")])
    base_dir = path.parent.resolve()
    issues: list[SourceIssue] = []
    targets: list[Target] = []
    names: dict[str, int] = {}
    for i, entry in enumerate(doc.data["targets"]):
        where: list[str | int] = ["targets", i]
        if not isinstance(entry, dict):
            issues.append(doc.issue(where, "expected a mapping"))
            continue
        kind = entry.get("collector")
        if not isinstance(kind, str) or kind not in collectors:
            known = ", ".join(collectors)
            named = f"unknown collector {kind!r}" if isinstance(kind, str) else "collector must be a name"
            issues.append(doc.issue([*where, "collector"], f"{named}; installed: {known}"))
            continue
        cls = collectors[kind]
        try:
            config = cls.config_model.model_validate(entry, context={"base_dir": base_dir})
        except ValidationError as exc:
            issues += _prefixed(doc, where, exc)
            continue
        except Exception as exc:  # a collector's own validator failing other than by ValueError: still located
            issues.append(doc.issue(where, f"invalid {kind} target: {exc}"))
            continue
        if config.name in names:
            issues.append(
                doc.issue(
                    [*where, "name"], f"duplicate target name '{config.name}' (also targets[{names[config.name]}])"
                )
            )
        names[config.name] = i
        targets.append(Target(config=config, collector=cls))
    if issues:
        raise SourceError(capped(issues))
    return targets


def _prefixed(doc: Positioned, prefix: list[str | int], exc: ValidationError) -> list[SourceIssue]:
    shifted = Positioned(
        doc.file, doc.data, {k[len(prefix) :]: v for k, v in doc.positions.items() if list(k[: len(prefix)]) == prefix}
    )
    return [
        SourceIssue(i.file, i.line, i.column, _join(prefix, i.path), i.message) for i in validation_issues(shifted, exc)
    ]


def _join(prefix: list[str | int], path: str) -> str:
    head = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if n else p) for n, p in enumerate(prefix))
    return f"{head}.{path}" if path else head

"""The capability model as pydantic models: the single description of a framework file's shape.

YAML files, JSON exports, the JSON Schema for editors and the UI's forms all derive from these classes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
VERSION_PATTERN = r"^\d+(\.\d+)*$"


class _Strict(BaseModel):
    """Base for every framework node: unknown keys are errors, so a typo in a YAML key never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class LocalizedText(_Strict):
    """A text in Chinese (the standard's own language) and English; both are required and non-empty."""

    zh: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Dimension(StrEnum):
    """The four evaluation dimensions CAICT assessments are described along."""

    completeness = "completeness"  # 体系完备性
    automation = "automation"  # 自动化程度
    pipeline_execution = "pipeline_execution"  # 流水线执行程度
    asset_management = "asset_management"  # AI资产管理能力


class EvidenceKind(StrEnum):
    document = "document"
    system_record = "system_record"
    demonstration = "demonstration"
    interview = "interview"


class EvidenceSystem(StrEnum):
    """Kinds of system that can hold the proof of a requirement; collectors attach probes to these."""

    git = "git"
    ci = "ci"
    mlflow = "mlflow"
    dvc = "dvc"
    prometheus = "prometheus"
    grafana = "grafana"
    kubernetes = "kubernetes"
    feast = "feast"
    orchestrator = "orchestrator"
    issue_tracker = "issue_tracker"
    wiki = "wiki"
    labelling_tool = "labelling_tool"
    data_catalog = "data_catalog"
    artifact_repository = "artifact_repository"


class Operator(StrEnum):
    eq = "=="
    ne = "!="
    ge = ">="
    le = "<="
    gt = ">"
    lt = "<"
    exists = "exists"
    contains = "contains"


class ProbeExpectation(_Strict):
    """An automated check: the requirement holds when the probe's value satisfies `op value`."""

    probe: Annotated[str, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
    op: Operator
    value: bool | int | float | str | None = None
    across: Literal["all", "any"] = Field(
        default="all",
        description="all: every target that reported the probe must satisfy it (e.g. every model repository); "
        "any: one target is enough (e.g. infrastructure code kept in a separate repository)",
    )

    @model_validator(mode="after")
    def _value_matches_operator(self) -> ProbeExpectation:
        if self.op is Operator.exists:
            if self.value is not None:
                raise ValueError("'exists' takes no value")
        elif self.value is None:
            raise ValueError(f"operator '{self.op.value}' needs a value")
        return self


class AnyOf(_Strict):
    """Alternatives, e.g. the same fact from GitHub or from GitLab: holds when any collected alternative holds."""

    any_of: Annotated[list[ProbeExpectation], Field(min_length=2)]


Expectation = ProbeExpectation | AnyOf


class Requirement(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    level: int
    dimension: Dimension
    text: LocalizedText
    guidance: LocalizedText
    evidence: Annotated[list[EvidenceKind], Field(min_length=1)] = [EvidenceKind.document]
    systems: list[EvidenceSystem] = []
    expectations: list[Expectation] = []
    expectation_mode: Literal["sufficient", "necessary"] = Field(
        default="sufficient",
        description="sufficient: evidence decides met or not met; necessary: failing evidence means not met, "
        "passing evidence supports the manual answer, which still decides",
    )

    def probes(self) -> list[str]:
        return [p.probe for e in self.expectations for p in (e.any_of if isinstance(e, AnyOf) else [e])]

    @field_validator("level")
    @classmethod
    def _level_range(cls, v: int) -> int:
        if v not in LEVELS:
            raise ValueError("must be 1..5")
        return v


class CapabilityItem(_Strict):
    """能力子项: the unit that receives a level."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: LocalizedText
    purpose: LocalizedText | None = None
    requirements: Annotated[list[Requirement], Field(min_length=1)]

    @field_validator("requirements")
    @classmethod
    def _every_level_present(cls, reqs: list[Requirement]) -> list[Requirement]:
        missing = sorted(set(LEVELS) - {r.level for r in reqs})
        if missing:
            raise ValueError(f"no requirement at level {', '.join(map(str, missing))}: every level 1..5 needs one")
        return reqs


class Subdomain(_Strict):
    """能力子域."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: LocalizedText
    items: Annotated[list[CapabilityItem], Field(min_length=1)]


class Domain(_Strict):
    """能力域."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: LocalizedText
    subdomains: Annotated[list[Subdomain], Field(min_length=1)]


class LevelDefinition(_Strict):
    level: int
    name: LocalizedText
    description: LocalizedText


class DimensionDefinition(_Strict):
    id: Dimension
    name: LocalizedText
    description: LocalizedText


class AggregationRule(_Strict):
    """How levels are computed; stated in the file so reports quote the rule the scores were made with."""

    item: Literal["all_requirements_up_to_level"] = "all_requirements_up_to_level"
    rollup: Literal["minimum"] = "minimum"
    score: Literal["mean_of_item_levels"] = "mean_of_item_levels"
    description: LocalizedText


class StandardReference(_Strict):
    """The published document this framework file models."""

    series: str
    part: int
    title: LocalizedText
    publisher: LocalizedText
    published: str = Field(description="Publication date as YYYY-MM or YYYY-MM-DD")


class Framework(_Strict):
    """One part of the standard at one content version (one YAML file)."""

    schema_version: Literal[1] = 1
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    title: LocalizedText
    status: Literal["published", "draft"]
    released: dt.date = Field(description="Date this content version of the framework file was released")
    standard: StandardReference
    source: str
    copyright: str = ""
    description: LocalizedText | None = None
    levels: list[LevelDefinition]
    dimensions: list[DimensionDefinition]
    aggregation: AggregationRule
    domains: Annotated[list[Domain], Field(min_length=1)]

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, levels: list[LevelDefinition]) -> list[LevelDefinition]:
        if [lv.level for lv in levels] != list(LEVELS):
            raise ValueError("must define levels 1, 2, 3, 4, 5 in order")
        return levels

    @model_validator(mode="after")
    def _ids_unique(self) -> Framework:
        counts = Counter(node_id for node_id, _ in self.walk_ids())
        dupes = sorted(i for i, n in counts.items() if n > 1)
        if dupes:
            raise ValueError(f"duplicate id(s): {', '.join(dupes)}")
        return self

    # --- navigation -------------------------------------------------------------------------------

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def walk_ids(self) -> Iterator[tuple[str, str]]:
        for d in self.domains:
            yield d.id, "domain"
            for s in d.subdomains:
                yield s.id, "subdomain"
                for i in s.items:
                    yield i.id, "item"
                    for r in i.requirements:
                        yield r.id, "requirement"

    def items(self) -> Iterator[tuple[Domain, Subdomain, CapabilityItem]]:
        for d in self.domains:
            for s in d.subdomains:
                for i in s.items:
                    yield d, s, i

    def requirements(self) -> Iterator[tuple[CapabilityItem, Requirement]]:
        for _, _, item in self.items():
            for r in item.requirements:
                yield item, r

    def requirement_index(self) -> dict[str, tuple[CapabilityItem, Requirement]]:
        return {r.id: (item, r) for item, r in self.requirements()}

    def level_name(self, level: int, lang: Lang) -> str:
        for lv in self.levels:
            if lv.level == level:
                return lv.name.get(lang)
        return {"zh": "未达一级", "en": "Level 1 not reached"}[lang] if level == 0 else str(level)

    def counts(self) -> dict[str, int]:
        return {
            "domains": len(self.domains),
            "subdomains": sum(len(d.subdomains) for d in self.domains),
            "items": sum(1 for _ in self.items()),
            "requirements": sum(1 for _ in self.requirements()),
        }


def split_ref(ref: str) -> tuple[str, str | None]:
    """'caict-mlops-p1@2022.10.1' -> ('caict-mlops-p1', '2022.10.1'); no '@' -> (id, None)."""
    framework_id, _, version = ref.partition("@")
    return framework_id, version or None


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def json_schema() -> dict[str, Any]:
    return Framework.model_json_schema()

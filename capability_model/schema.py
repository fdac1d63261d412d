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
    modelarts = "modelarts"


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


class Verification(StrEnum):
    """How a requirement may be verified; the framework's methodology block states the rule for choosing."""

    automated = "automated"  # collected evidence decides it alone, met or not met
    assisted = "assisted"  # evidence can fail or support it; a person confirms
    attested = "attested"  # only a person or a document can decide it


class Effort(StrEnum):
    """The work to close a requirement from scratch, in person-days of the team that does it (a planning estimate)."""

    S = "S"  # up to 5 person-days: write a document, configure a tool, run a review
    M = "M"  # 5 to 20 person-days: introduce a process or a tool in a project
    L = "L"  # more than 20 person-days: a platform change, or a change across the organisation


class Requirement(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    level: int
    dimension: Dimension
    text: LocalizedText
    guidance: LocalizedText
    evidence: Annotated[list[EvidenceKind], Field(min_length=1)] = [EvidenceKind.document]
    systems: list[EvidenceSystem] = []
    expectations: list[Expectation] = []
    verification: Verification | None = Field(
        default=None,
        description="automated: evidence decides met or not met; assisted: evidence can fail or support it and a "
        "person confirms; attested: only a person or a document decides (no expectations). Unset in files older "
        "than content version 2022.10.4, where it follows from expectation_mode",
    )
    effort: Effort | None = Field(
        default=None,
        description="Planning estimate of the work to close it: S up to 5 person-days, M 5 to 20, L more than 20",
    )
    expectation_mode: Literal["sufficient", "necessary"] | None = Field(
        default=None,
        description="The older name of `verification` (content versions up to 2022.10.3): sufficient = automated, "
        "necessary = assisted",
    )

    def probes(self) -> list[str]:
        return [p.probe for e in self.expectations for p in (e.any_of if isinstance(e, AnyOf) else [e])]

    @property
    def verification_class(self) -> Verification:
        """The class in force: the explicit one, else the one the older `expectation_mode` implies."""
        if self.verification is not None:
            return self.verification
        if not self.expectations:
            return Verification.attested
        return Verification.assisted if self.expectation_mode == "necessary" else Verification.automated

    @model_validator(mode="after")
    def _verification_matches_expectations(self) -> Requirement:
        if self.verification is None:
            return self
        if self.expectation_mode is not None:
            raise ValueError("give 'verification' only; 'expectation_mode' is its older name")
        if self.verification is Verification.attested and self.expectations:
            raise ValueError("an 'attested' requirement is decided by a person: it takes no expectations")
        if self.verification is not Verification.attested and not self.expectations:
            raise ValueError(f"a '{self.verification.value}' requirement needs expectations (probe checks)")
        return self

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
    builds_on: list[str] = Field(
        default_factory=list,
        description="Ids of capability items in other parts that this item extends (going beyond, never repeating)",
    )
    depends_on: list[str] = Field(
        default_factory=list,
        description="Ids of capability items (of this part or another) whose practice must be in place first, e.g. "
        "data versioning before reproducible training; the roadmap orders work by them",
    )
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


class VerificationClassDefinition(_Strict):
    id: Verification
    name: LocalizedText
    description: LocalizedText


class Methodology(_Strict):
    """How requirements are verified, stated in the file so reports quote the rule the classes were chosen by."""

    verification_classes: Annotated[list[VerificationClassDefinition], Field(min_length=3, max_length=3)]
    verification_rule: LocalizedText

    @field_validator("verification_classes")
    @classmethod
    def _each_class_once(cls, defs: list[VerificationClassDefinition]) -> list[VerificationClassDefinition]:
        if sorted(d.id.value for d in defs) != sorted(v.value for v in Verification):
            raise ValueError("must define automated, assisted and attested, once each")
        return defs


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
    status: Literal["published", "draft", "provisional"] = Field(
        description="published: the standard's text is out; draft: modelled on a draft for comment; provisional: the "
        "structure is this project's own design, pending the published standard"
    )
    released: dt.date = Field(description="Date this content version of the framework file was released")
    standard: StandardReference
    source: str
    copyright: str = ""
    description: LocalizedText | None = None
    disclosure: LocalizedText | None = Field(
        default=None,
        description="What a reader must know about this file's status and wording, shown wherever the framework is",
    )
    levels: list[LevelDefinition]
    dimensions: list[DimensionDefinition]
    aggregation: AggregationRule
    methodology: Methodology | None = None
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

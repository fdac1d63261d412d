"""Other maturity models (Google's MLOps levels, Microsoft's MLOps maturity model, the ML Test Score) and the mapping
files that relate their criteria to CAICT requirements.

They do not fit the CAICT framework schema (levels 1-5, items with requirements at every level), so they get a small
schema of their own. A mapping file follows the shape of OSCAL mappings and CISO Assistant requirement mapping sets:
each entry relates one source criterion to CAICT requirements (or items at a level) with a relationship, a strength
and a rationale, so that a CAICT result can be read against the other model and what it cannot decide is explicit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from capability_model.schema import ID_PATTERN, LEVELS, VERSION_PATTERN, Framework, LocalizedText
from capability_model.sourcefile import Positioned, SourceError, SourceIssue, capped, load_positioned, validate_as

MAPPINGS_DIR = Path(__file__).parent / "mappings"
REFERENCE_MODELS = ("google-mlops", "microsoft-mlops", "ml-test-score")
MANUAL_POINTS = 0.5  # ML Test Score: a test run by hand with its results written down and shared
AUTOMATED_POINTS = 1.0  # ML Test Score: a test that runs automatically and repeatedly

# A target is a requirement id (`P1.MD.MT.01.R04`) or an item at a level (`P1.MD.MT.01@3`: every requirement of the
# item up to level 3), which keeps whole-practice relations short.
ITEM_AT_LEVEL = re.compile(r"^(?P<item>[A-Za-z0-9][A-Za-z0-9._-]*)@(?P<level>\d+)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Criterion(_Strict):
    """One characteristic that defines a level, or one test of a rubric."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    aspect: Annotated[str, Field(pattern=r"^[a-z_]+$")] | None = Field(
        default=None, description="The model's own grouping, e.g. people or model_release in Microsoft's tables"
    )
    name: LocalizedText
    description: LocalizedText


class ReferenceLevel(_Strict):
    """A level is reached when its criteria and those of every lower level are met; level 0 is the floor."""

    level: Annotated[int, Field(ge=0, le=9)]
    name: LocalizedText
    description: LocalizedText
    criteria: list[Criterion] = []


class ReferenceSection(_Strict):
    """A group of tests whose points are summed (an ML Test Score section)."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: LocalizedText
    criteria: Annotated[list[Criterion], Field(min_length=1)]


class ScoreBand(_Strict):
    """How a final score is read: above `above` and at most `up_to` (no upper bound when None)."""

    above: float | None = None
    up_to: float | None = None
    meaning: LocalizedText


class ReferenceModel(_Strict):
    """One other maturity model at one version of its publication, in this project's own wording."""

    schema_version: Literal[1] = 1
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    title: LocalizedText
    provider: str
    source: str = Field(description="Where the model is published")
    published: str | None = Field(default=None, description="When it was first published, YYYY or YYYY-MM")
    consulted: str = Field(description="When this project read the publication it summarises, YYYY-MM")
    disclosure: LocalizedText = Field(description="What is the publisher's (names, structure) and what is ours")
    description: LocalizedText
    scoring: Literal["cumulative_levels", "test_score"] = Field(
        description="cumulative_levels: the level is the highest one whose criteria, and those of every lower level, "
        "are met; test_score: each test earns 0, 0.5 (manual) or 1 (automated), sections are summed and the final "
        "score is the lowest section sum"
    )
    scoring_rule: LocalizedText
    levels: list[ReferenceLevel] = []
    sections: list[ReferenceSection] = []
    bands: list[ScoreBand] = []

    @model_validator(mode="after")
    def _shape_fits_scoring(self) -> ReferenceModel:
        if self.scoring == "cumulative_levels":
            if self.sections or not self.levels:
                raise ValueError("cumulative_levels needs levels (0, 1, 2, ...) and no sections")
            if [lv.level for lv in self.levels] != list(range(len(self.levels))):
                raise ValueError("levels must be numbered 0, 1, 2, ... in order")
            if self.levels[0].criteria:
                raise ValueError("level 0 is the floor every organisation is at: it takes no criteria")
            if any(not lv.criteria for lv in self.levels[1:]):
                raise ValueError("every level above 0 needs at least one criterion")
        elif self.levels or not self.sections:
            raise ValueError("test_score needs sections of tests and no levels")
        dupes = sorted(i for i, n in Counter(c.id for _, c in self.criteria()).items() if n > 1)
        if dupes:
            raise ValueError(f"duplicate criterion id(s): {', '.join(dupes)}")
        return self

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def criteria(self) -> Iterator[tuple[str, Criterion]]:
        """Every criterion with its group: the level number as text, or the section id."""
        for lv in self.levels:
            for c in lv.criteria:
                yield str(lv.level), c
        for s in self.sections:
            for c in s.criteria:
                yield s.id, c

    def criterion_ids(self) -> set[str]:
        return {c.id for _, c in self.criteria()}


class Relationship(StrEnum):
    """How the source criterion relates to the CAICT targets taken together (OSCAL's set-theory relationships).

    equal: the same practice; subset: the targets demand all the criterion does and more (targets met decides the
    criterion met); superset: the criterion demands more than the targets (targets not met decides it not met);
    intersects: they overlap in part, so neither outcome decides the other.
    """

    equal = "equal"
    subset = "subset"
    superset = "superset"
    intersects = "intersects"


class MappingEntry(_Strict):
    source: Annotated[str, Field(pattern=ID_PATTERN)]
    relationship: Relationship
    targets: Annotated[list[str], Field(min_length=1)]
    strength: Annotated[int, Field(ge=1, le=10)] = Field(
        description="How closely the targets cover the criterion, 1 (barely) to 10 (fully); CISO Assistant calls it "
        "strength_of_relationship"
    )
    rationale: LocalizedText


class MappingSet(_Strict):
    """Every relation from one reference model's criteria to the CAICT parts it is mapped onto."""

    schema_version: Literal[1] = 1
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    title: LocalizedText
    source: Annotated[str, Field(description="The reference model, id@version")]
    targets: Annotated[list[str], Field(min_length=1, description="The CAICT parts mapped onto, id@version each")]
    method: LocalizedText
    notes: list[LocalizedText] = []
    mappings: Annotated[list[MappingEntry], Field(min_length=1)]


@dataclass(frozen=True)
class LoadedReferenceModel:
    model: ReferenceModel
    path: Path
    sha256: str


@dataclass(frozen=True)
class LoadedMapping:
    mapping: MappingSet
    path: Path
    sha256: str


def _criterion_paths(data: Any) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Every criterion id in the raw data with its path, for located duplicate-id errors."""
    if not isinstance(data, dict):
        return
    for group in ("levels", "sections"):
        nodes = data.get(group)
        for g, node in enumerate(nodes if isinstance(nodes, list) else []):
            criteria = node.get("criteria") if isinstance(node, dict) else None
            for c, crit in enumerate(criteria if isinstance(criteria, list) else []):
                if isinstance(crit, dict) and isinstance(crit.get("id"), str):
                    yield crit["id"], (group, g, "criteria", c, "id")


def load_reference_model(path: Path | str) -> LoadedReferenceModel:
    """Parse and validate one reference model file; SourceError names file, line and field of every problem."""
    path = Path(path)
    doc = load_positioned(path)
    first: dict[str, tuple[str | int, ...]] = {}
    dupes: list[SourceIssue] = []
    for cid, at in _criterion_paths(doc.data):
        if cid in first:
            dupes.append(
                doc.issue(at, f"duplicate criterion id '{cid}' (first used at line {doc.locate(first[cid])[0]})")
            )
        first.setdefault(cid, at)
    try:
        model = validate_as(doc, ReferenceModel)
    except SourceError as exc:
        rest = [i for i in exc.issues if not (dupes and "duplicate criterion id" in i.message and i.path == "")]
        raise SourceError(capped(dupes + rest)) from None
    if dupes:
        raise SourceError(capped(dupes))
    return LoadedReferenceModel(model, path, doc.sha256)


def resolve_target(target: str, frameworks: list[Framework]) -> list[str] | str:
    """The requirement ids a target stands for, or why it stands for none (an error message)."""
    m = ITEM_AT_LEVEL.match(target)
    if m is None:
        for fw in frameworks:
            if target in fw.requirement_index():
                return [target]
        return f"no requirement '{target}' in {', '.join(fw.ref for fw in frameworks)}"
    level = int(m.group("level"))
    if level not in LEVELS:
        return f"level {level} of '{target}' must be 1..5"
    for fw in frameworks:
        for _, _, item in fw.items():
            if item.id == m.group("item"):
                return [r.id for r in item.requirements if r.level <= level]
    return f"no capability item '{m.group('item')}' in {', '.join(fw.ref for fw in frameworks)}"


def mapping_issues(doc: Positioned, model: ReferenceModel, frameworks: list[Framework]) -> list[SourceIssue]:
    """Located problems a schema cannot see: unknown source criteria, targets or parts, duplicate relations."""
    data = doc.data
    issues: list[SourceIssue] = []
    if data.get("source") != model.ref:
        issues.append(doc.issue(["source"], f"maps '{data.get('source')}', but the reference model is {model.ref}"))
    known_refs = {fw.ref for fw in frameworks}
    targets = data.get("targets")
    for n, ref in enumerate(targets if isinstance(targets, list) else []):
        if ref not in known_refs:
            issues.append(
                doc.issue(["targets", n], f"unknown framework '{ref}' (known: {', '.join(sorted(known_refs))})")
            )
    named = [fw for fw in frameworks if isinstance(targets, list) and fw.ref in targets]
    criteria = model.criterion_ids()
    seen: dict[tuple[str, str, tuple[str, ...]], int] = {}
    entries = data.get("mappings")
    for n, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        source = entry.get("source")
        if isinstance(source, str) and source not in criteria:
            issues.append(doc.issue(["mappings", n, "source"], f"no criterion '{source}' in {model.ref}"))
        found = entry.get("targets")
        for t, target in enumerate(found if isinstance(found, list) else []):
            resolved = resolve_target(target, named) if isinstance(target, str) else None
            if isinstance(resolved, str):
                issues.append(doc.issue(["mappings", n, "targets", t], resolved))
        key = (str(source), str(entry.get("relationship")), tuple(sorted(map(str, found or []))))
        if key in seen:
            line = doc.locate(["mappings", seen[key]])[0]
            issues.append(doc.issue(["mappings", n], f"repeats the relation at line {line}"))
        seen.setdefault(key, n)
    return issues


def load_mapping(
    path: Path | str, model: ReferenceModel, frameworks: list[Framework], doc: Positioned | None = None
) -> LoadedMapping:
    """Parse and validate one mapping file against its reference model and the CAICT parts it names (`doc`: the
    file already parsed)."""
    path = Path(path)
    doc = doc or load_positioned(path)
    mapping = validate_as(doc, MappingSet)
    issues = mapping_issues(doc, model, frameworks)
    if issues:
        raise SourceError(capped(issues))
    return LoadedMapping(mapping, path, doc.sha256)


def bundled_paths(model_id: str, root: Path = MAPPINGS_DIR) -> tuple[Path, Path]:
    """The reference model file and its mapping onto CAICT, by the model's id."""
    return root / f"{model_id}.yaml", root / f"mapping-{model_id}-caict.yaml"


def load_bundled(model_id: str, root: Path = MAPPINGS_DIR) -> tuple[LoadedReferenceModel, LoadedMapping]:
    """A bundled reference model and its CAICT mapping, checked against the bundled CAICT parts it names."""
    from capability_model.catalog import UnknownFrameworkError, resolve

    model_path, mapping_path = bundled_paths(model_id, root)
    if not model_path.is_file():
        raise FileNotFoundError(f"no reference model '{model_id}' (known: {', '.join(REFERENCE_MODELS)})")
    loaded = load_reference_model(model_path)
    doc = load_positioned(mapping_path)
    refs = doc.data.get("targets") if isinstance(doc.data, dict) else None
    frameworks = []
    for ref in refs if isinstance(refs, list) else []:
        try:
            frameworks.append(resolve(str(ref)).framework)
        except UnknownFrameworkError:
            continue  # reported by mapping_issues with its line
    return loaded, load_mapping(mapping_path, loaded.model, frameworks, doc)

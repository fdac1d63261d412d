"""How much of a framework collected evidence can verify: each requirement's verification class, counted by item,
domain, level or collector.

The class is the requirement's `verification` (`automated`: collected evidence decides it alone; `assisted`: evidence
can fail or support it and a person confirms; `attested`: only a person or a document can decide it). Files older than
content version 2022.10.4 imply it from their `expectation_mode`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from capability_model.schema import Framework, Lang, LocalizedText, Requirement

Verification = Literal["automated", "assisted", "attested"]
VERIFICATIONS: tuple[Verification, ...] = ("automated", "assisted", "attested")


class CoverageBy(StrEnum):
    item = "item"
    domain = "domain"
    level = "level"
    collector = "collector"


def verification_of(requirement: Requirement) -> Verification:
    return requirement.verification_class.value


def collector_of(probe: str) -> str:
    """A probe id names its collector first (`git.ci_runs_tests` is the git collector's)."""
    return probe.split(".", 1)[0]


class CoverageRow(BaseModel):
    """One group's requirements by verification class, and the probes and collectors their checks need."""

    model_config = ConfigDict(frozen=True)

    key: str
    name: LocalizedText | None = None
    requirements: int
    automated: int
    assisted: int
    attested: int
    probes: list[str]
    collectors: list[str]

    @property
    def checked(self) -> int:
        return self.automated + self.assisted


class Coverage(BaseModel):
    model_config = ConfigDict(frozen=True)

    framework: str
    by: CoverageBy
    rows: list[CoverageRow]
    total: CoverageRow


def _row(key: str, name: LocalizedText | None, requirements: Iterable[Requirement]) -> CoverageRow:
    reqs = list(requirements)
    classes = [verification_of(r) for r in reqs]
    probes = sorted({p for r in reqs for p in r.probes()})
    return CoverageRow(
        key=key,
        name=name,
        requirements=len(reqs),
        automated=classes.count("automated"),
        assisted=classes.count("assisted"),
        attested=classes.count("attested"),
        probes=probes,
        collectors=sorted({collector_of(p) for p in probes}),
    )


def coverage(framework: Framework, by: CoverageBy = CoverageBy.domain) -> Coverage:
    """Count the framework's requirements by verification class, grouped as asked.

    By collector, a requirement counts under every collector one of its checks names, so the rows may add up to
    more than the total; a requirement without checks counts under none.
    """
    groups: list[tuple[str, LocalizedText | None, list[Requirement]]]
    if by is CoverageBy.item:
        groups = [(item.id, item.name, list(item.requirements)) for _, _, item in framework.items()]
    elif by is CoverageBy.domain:
        groups = [
            (d.id, d.name, [r for s in d.subdomains for item in s.items for r in item.requirements])
            for d in framework.domains
        ]
    elif by is CoverageBy.level:
        by_level: dict[int, list[Requirement]] = {}
        for _, r in framework.requirements():
            by_level.setdefault(r.level, []).append(r)
        names = {lv.level: lv.name for lv in framework.levels}
        groups = [(str(level), names.get(level), by_level[level]) for level in sorted(by_level)]
    else:
        by_collector: dict[str, list[Requirement]] = {}
        for _, r in framework.requirements():
            for collector in sorted({collector_of(p) for p in r.probes()}):
                by_collector.setdefault(collector, []).append(r)
        groups = [(c, None, by_collector[c]) for c in sorted(by_collector)]
    every = [r for _, r in framework.requirements()]
    return Coverage(
        framework=f"{framework.id}@{framework.version}",
        by=by,
        rows=[_row(key, name, reqs) for key, name, reqs in groups],
        total=_row("total", None, every),
    )


def row_label(row: CoverageRow, lang: Lang) -> str:
    return f"{row.key} {row.name.get(lang)}" if row.name else row.key


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


COLUMNS: dict[str, dict[Lang, str]] = {
    "group": {"zh": "分组", "en": "Group"},
    "requirements": {"zh": "要求数", "en": "Requirements"},
    "automated": {"zh": "自动判定", "en": "Automated"},
    "assisted": {"zh": "证据辅助", "en": "Assisted"},
    "attested": {"zh": "人工证明", "en": "Attested"},
    "checked": {"zh": "有检查", "en": "Checked"},
    "collectors": {"zh": "采集器", "en": "Collectors"},
    "total": {"zh": "合计", "en": "Total"},
}


def table_rows(result: Coverage, lang: Lang, cell: Callable[[str], str] = str) -> list[list[str]]:
    """The rows every text rendering shows (terminal table, Markdown): one per group, then the total."""
    return [
        [
            cell(COLUMNS["total"][lang] if row is result.total else row_label(row, lang)),
            str(row.requirements),
            str(row.automated),
            str(row.assisted),
            str(row.attested),
            f"{row.checked} ({percent(row.checked, row.requirements)})",
            cell(", ".join(row.collectors)),
        ]
        for row in [*result.rows, result.total]
    ]

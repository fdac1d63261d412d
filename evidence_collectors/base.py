"""The collector interface: a named, versioned probe catalogue that gathers evidence records for one target.

A collector reads a system and reports values; it never judges them. Scoring happens in `assessors/`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from evidence_collectors import yamlio
from evidence_collectors.config import TargetConfig
from evidence_collectors.plaintext import MAX_REASON, MAX_SUMMARY, bounded, plain
from evidence_collectors.raw import RawStore
from evidence_collectors.records import (
    CollectorInfo,
    EvidenceRecord,
    EvidenceSource,
    EvidenceStatus,
    ProbeValue,
    utc_now,
)
from evidence_collectors.secrets import Redactor

ValueType = Literal["bool", "int", "float", "ratio", "str", "list"]


class Remediation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    effort: Literal["Low", "Medium", "High"]
    text: str
    text_zh: str


class ProbeSpec(BaseModel):
    """One measurable fact a collector offers; `id` is what framework files name in their expectations.

    Kept as data in the collector's `probes.yaml`: what it measures, why it matters, how it is computed, how to fix a
    poor value and the effort that takes (the roadmap uses the last two).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
    value_type: ValueType
    unit: str = ""
    short: str
    short_zh: str
    motivation: str
    implementation: str
    remediation: Remediation


def load_probe_specs(probes_yaml: Path) -> tuple[ProbeSpec, ...]:
    """Read a collector's probe catalogue from the `probes.yaml` beside its code."""
    # libyaml's safe loader when present: every command loads every catalogue, and the pure-Python one costs ~0.3 s
    data = yaml.load(probes_yaml.read_text(encoding="utf-8"), Loader=yamlio.Loader)
    return tuple(ProbeSpec.model_validate(p) for p in data["probes"])


@dataclass
class CollectContext:
    raw: RawStore
    redactor: Redactor
    progress: Callable[[str], None] = field(default=lambda message: None)


class Collector(ABC):
    name: ClassVar[str]
    version: ClassVar[str]
    system: ClassVar[str]
    config_model: ClassVar[type[TargetConfig]]
    probes: ClassVar[tuple[ProbeSpec, ...]]

    @abstractmethod
    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        """Gather every probe of the catalogue for one target. Unreachable parts become unavailable records."""

    def source_url(self, config: TargetConfig) -> str:
        """Where this target's data is read from, for the records (credentials already removed)."""
        return str(getattr(config, "url", "") or getattr(config, "path", ""))

    @classmethod
    def probe_ids(cls) -> list[str]:
        return [p.id for p in cls.probes]

    # --- record helpers -------------------------------------------------------------------------

    def record(
        self,
        config: TargetConfig,
        ctx: CollectContext,
        probe: str,
        value: ProbeValue,
        summary: str,
        raw: Iterable[str] = (),
        url: str | None = None,
    ) -> EvidenceRecord:
        assert probe in self.probe_ids(), f"{probe} is not in the {self.name} catalogue"
        value, cut = bounded(_masked(value, ctx.redactor))
        return EvidenceRecord(
            probe=probe,
            target=config.name,
            value=value,
            status=EvidenceStatus.ok,
            source=EvidenceSource(system=self.system, url=ctx.redactor(url or self.source_url(config))),
            collected_at=utc_now(),
            collector=CollectorInfo(name=self.name, version=self.version),
            raw_sha256=sorted(set(raw)),
            summary=plain(ctx.redactor(summary), MAX_SUMMARY - len(cut)) + cut,
        )

    def failed(
        self,
        config: TargetConfig,
        ctx: CollectContext,
        status: EvidenceStatus,
        reason: str,
        probes: Iterable[str] | None = None,
        url: str | None = None,
    ) -> list[EvidenceRecord]:
        """Records for probes that could not be computed, with the reason (never a value)."""
        reason = plain(ctx.redactor(reason), MAX_REASON)
        return [
            EvidenceRecord(
                probe=probe,
                target=config.name,
                value=None,
                status=status,
                reason=reason,
                source=EvidenceSource(system=self.system, url=ctx.redactor(url or self.source_url(config))),
                collected_at=utc_now(),
                collector=CollectorInfo(name=self.name, version=self.version),
                summary=f"{status.value}: {reason}",
            )
            for probe in (probes if probes is not None else self.probe_ids())
        ]


def _masked(value: ProbeValue, redactor: Redactor) -> ProbeValue:
    """A value read from a system, every known secret masked: a server may hand the credential back as a version
    string or a name in a list."""
    if isinstance(value, str):
        return redactor(value)
    if isinstance(value, list):
        return [redactor(item) for item in value]
    return value

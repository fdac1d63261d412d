"""OpenSSF Scorecard evidence: the scores of one Scorecard run, read from its JSON v2 result file.

Scorecard already measured the repository; this collector only carries its findings into the bundle, each record
dated with the Scorecard run and citing the result file (kept as a raw response). A check that Scorecard could not
decide, or did not run, is `unavailable`; a file that is not a Scorecard result fails every probe with `error`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from evidence_collectors.base import CollectContext, Collector, load_probe_specs
from evidence_collectors.config import TargetConfig
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.scorecard.config import ScorecardConfig
from evidence_collectors.scorecard.result import ScorecardError, ScorecardResult, parse_result, read_bytes

PROBES = load_probe_specs(Path(__file__).with_name("probes.yaml"))
CHECKS = {  # probe id -> the Scorecard check it carries
    "scorecard.code_review_score": "Code-Review",
    "scorecard.branch_protection_score": "Branch-Protection",
    "scorecard.signed_releases_score": "Signed-Releases",
    "scorecard.pinned_dependencies_score": "Pinned-Dependencies",
    "scorecard.ci_tests_score": "CI-Tests",
    "scorecard.sast_score": "SAST",
    "scorecard.vulnerabilities_score": "Vulnerabilities",
    "scorecard.dependency_update_tool_score": "Dependency-Update-Tool",
    "scorecard.token_permissions_score": "Token-Permissions",
    "scorecard.dangerous_workflow_score": "Dangerous-Workflow",
    "scorecard.binary_artifacts_score": "Binary-Artifacts",
    "scorecard.security_policy_score": "Security-Policy",
    "scorecard.maintained_score": "Maintained",
}


class ScorecardCollector(Collector):
    name: ClassVar[str] = "scorecard"
    version: ClassVar[str] = "1.0.0"
    system: ClassVar[str] = "scorecard"
    config_model: ClassVar[type[TargetConfig]] = ScorecardConfig
    probes = PROBES

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        assert isinstance(config, ScorecardConfig)
        try:
            data = read_bytes(config.path)
        except OSError as exc:
            return self.failed(config, ctx, EvidenceStatus.error, f"cannot read {config.path}: {exc.strerror or exc}")
        except ScorecardError as exc:
            return self.failed(config, ctx, EvidenceStatus.error, str(exc))
        raw = ctx.raw.add(data, url=self.source_url(config), content_type="application/json")
        try:
            result = parse_result(data, str(config.path))
        except ScorecardError as exc:
            return self.failed(config, ctx, EvidenceStatus.error, str(exc))
        return [_dated(r, result.analysed_at) for r in self._records(config, ctx, result, raw)]

    def _records(
        self, config: ScorecardConfig, ctx: CollectContext, result: ScorecardResult, raw: str
    ) -> list[EvidenceRecord]:
        run = f"Scorecard {result.scorecard.version or '?'} on {_analysed(result)}, {result.date}"
        records = [
            self.record(config, ctx, "scorecard.repository", _analysed(result), f"analysed by {run}", [raw]),
        ]
        if result.score == -1:
            records += self.failed(
                config, ctx, EvidenceStatus.unavailable, f"no aggregate score ({run})", ["scorecard.aggregate_score"]
            )
        else:
            summary = f"aggregate {result.score:g}/10 over {len(result.checks)} checks ({run})"
            records.append(self.record(config, ctx, "scorecard.aggregate_score", result.score, summary, [raw]))
        for probe, name in CHECKS.items():
            check = result.check(name)
            if check is None:
                why = f"the result has no {name} check (Scorecard was run without it; {run})"
                records += self.failed(config, ctx, EvidenceStatus.unavailable, why, [probe])
            elif check.inconclusive:
                why = f"Scorecard could not decide {name}: {check.reason or 'no reason given'} ({run})"
                records += self.failed(config, ctx, EvidenceStatus.unavailable, why, [probe])
            else:
                summary = f"{name} {check.score}/10: {check.reason} ({run})"
                records.append(self.record(config, ctx, probe, check.score, summary, [raw]))
        return records


def _analysed(result: ScorecardResult) -> str:
    return f"{result.repo.name}@{result.repo.commit}" if result.repo.commit else result.repo.name


def _dated(record: EvidenceRecord, when: dt.datetime) -> EvidenceRecord:
    """The record as of the Scorecard run (its id follows the time, so it is derived again)."""
    data = record.model_dump()
    data.update(collected_at=when, id="")
    return EvidenceRecord.model_validate(data)

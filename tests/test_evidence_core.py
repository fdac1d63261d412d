"""The evidence layer's shared parts: targets files, the runner, bundles, and evidence deciding requirements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

import pytest

from assessors.assessment import Answer, Status
from assessors.evidence import decide, expectation_holds, merge
from capability_model.schema import Framework, Operator, ProbeExpectation, Verification
from capability_model.sourcefile import SourceError
from evidence_collectors.base import CollectContext, Collector, ProbeSpec, Remediation
from evidence_collectors.bundle import read_records, verify_bundle, write_bundle
from evidence_collectors.config import HttpTargetConfig, TargetConfig
from evidence_collectors.http import Unavailable
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import collect
from evidence_collectors.secrets import Redactor, redact_url
from evidence_collectors.targets import load_targets

SPEC = dict(
    short="s",
    short_zh="短",
    motivation="m",
    implementation="i",
    remediation=Remediation(effort="Low", text="t", text_zh="修"),
)


class CountingConfig(HttpTargetConfig):
    items: int = 3


class CountingCollector(Collector):
    """A plug-in collector used to exercise the runner and bundles without any network."""

    name = "counting"
    version = "0.1"
    system = "ci"
    config_model: ClassVar[type[TargetConfig]] = CountingConfig
    probes = (
        ProbeSpec(id="counting.items", value_type="int", **SPEC),
        ProbeSpec(id="counting.present", value_type="bool", **SPEC),
    )

    def collect(self, config: TargetConfig, ctx: CollectContext) -> list[EvidenceRecord]:
        assert isinstance(config, CountingConfig)
        if config.items < 0:
            raise Unavailable(f"{config.url} refused the connection")
        sha = ctx.raw.add(f'{{"items": {config.items}}}'.encode(), url=config.url)
        return [
            self.record(config, ctx, "counting.items", config.items, f"{config.items} items", [sha]),
            self.record(config, ctx, "counting.present", config.items > 0, "present", [sha]),
        ]


COLLECTORS: dict[str, type[Collector]] = {"counting": CountingCollector}


def _targets(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_inline_token_is_refused_with_its_location(tmp_path: Path) -> None:
    path = _targets(
        tmp_path,
        "targets:\n  - collector: counting\n    name: a\n    url: http://127.0.0.1:9\n    token: s3cr3t-value\n",
    )
    with pytest.raises(SourceError) as exc:
        load_targets(path, COLLECTORS)
    [issue] = exc.value.issues
    assert (issue.line, issue.path) == (5, "targets[0].token")
    assert "token_env" in issue.message
    assert "s3cr3t-value" not in str(exc.value)


def test_targets_file_errors_are_located(tmp_path: Path) -> None:
    path = _targets(
        tmp_path,
        "targets:\n  - collector: nosuch\n    name: a\n  - collector: counting\n    name: b\n"
        "    url: http://h\n  - collector: counting\n    name: b\n    url: http://h\n"
        "  - collector: counting\n    name: c\n    url: ftp://x\n",
    )
    with pytest.raises(SourceError) as exc:
        load_targets(path, COLLECTORS)
    found = [(i.line, i.path) for i in exc.value.issues]
    assert found == [(2, "targets[0].collector"), (8, "targets[2].name"), (12, "targets[3].url")]


def test_runner_isolates_a_failing_target_and_bundle_verifies(tmp_path: Path) -> None:
    path = _targets(
        tmp_path,
        "targets:\n  - {collector: counting, name: up, url: 'http://127.0.0.1:1', items: 4}\n"
        "  - {collector: counting, name: down, url: 'http://127.0.0.1:2', items: -1}\n",
    )
    result = collect(load_targets(path, COLLECTORS))
    by = {(r.target, r.probe): r for r in result.records}
    assert by[("up", "counting.items")].value == 4
    assert by[("down", "counting.items")].status is EvidenceStatus.unavailable
    assert "refused" in by[("down", "counting.present")].reason

    bundle = tmp_path / "bundle"
    fingerprint = write_bundle(bundle, result)
    report = verify_bundle(bundle)
    assert report.ok and report.manifest_sha256 == fingerprint
    assert [r.id for r in read_records(bundle)] == [r.id for r in result.records]

    raw = next((bundle / "raw").glob("[0-9a-f]*"))
    raw.write_bytes(b"tampered")
    (bundle / "extra.txt").write_text("x")
    (bundle / "bundle.json").unlink()
    report = verify_bundle(bundle)
    assert (report.altered, report.added, report.missing) == ([f"raw/{raw.name}"], ["extra.txt"], ["bundle.json"])
    with pytest.raises(FileExistsError):
        write_bundle(bundle, result)


def test_redaction() -> None:
    assert (
        redact_url("https://user:pw@h.example:8443/api?private_token=abc&page=2")
        == "https://***@h.example:8443/api?private_token=***&page=2"
    )
    red = Redactor()
    red.add("tok-123456")
    assert red("Bearer tok-123456 failed") == "Bearer *** failed"
    assert red.bytes(b'{"t": "tok-123456"}') == b'{"t": "***"}'


def _record(probe: str, value: object, status: EvidenceStatus = EvidenceStatus.ok, target: str = "t") -> EvidenceRecord:
    return EvidenceRecord(
        probe=probe,
        target=target,
        value=value,
        status=status,  # type: ignore[arg-type]
        source=EvidenceSource(system="ci", url="http://h"),
        collected_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
        collector=CollectorInfo(name="counting", version="0.1"),
    )


@pytest.mark.parametrize(
    ("op", "expected", "value", "holds"),
    [
        (">=", 0.9, 0.95, True),
        (">=", 0.9, 0.5, False),
        ("==", True, True, True),
        ("!=", 0, 0, False),
        ("contains", "train", ["test", "train"], True),
        ("contains", "deploy", ["test"], False),
        ("exists", None, "x", True),
        ("exists", None, None, False),
        ("<", 3, "text", False),
    ],
)
def test_expectation_operators(op: str, expected: object, value: object, holds: bool) -> None:
    assert expectation_holds(ProbeExpectation(probe="a.b", op=Operator(op), value=expected), value) is holds


def _with_expectations(framework: Framework) -> tuple[Framework, str, str]:
    item = framework.domains[0].subdomains[0].items[0]
    first, second = item.requirements[0], item.requirements[1]
    r1 = first.model_copy(update={"expectations": [ProbeExpectation(probe="counting.items", op=Operator.ge, value=3)]})
    r2 = second.model_copy(
        update={"expectations": [ProbeExpectation(probe="counting.present", op=Operator.eq, value=True)]}
    )
    new_item = item.model_copy(update={"requirements": [r1, r2, *item.requirements[2:]]})
    sub = framework.domains[0].subdomains[0]
    new_sub = sub.model_copy(update={"items": [new_item, *sub.items[1:]]})
    dom = framework.domains[0].model_copy(update={"subdomains": [new_sub, *framework.domains[0].subdomains[1:]]})
    return framework.model_copy(update={"domains": [dom, *framework.domains[1:]]}), r1.id, r2.id


def test_evidence_decides_and_conflicts_are_listed(part1) -> None:  # type: ignore[no-untyped-def]
    fw, r1, r2 = _with_expectations(part1.framework)
    records = [
        _record("counting.items", 5, target="a"),
        _record("counting.items", 1, target="b"),
        _record("counting.present", None, EvidenceStatus.unavailable),
    ]
    decisions = decide(fw, records)
    assert decisions[r1].status == "not_met"  # holds on a, fails on b: every target must hold
    assert decisions[r2].status is None  # unavailable decides nothing
    answers = {r1: Answer(status=Status.met), r2: Answer(status=Status.partial)}
    merged = merge(fw, answers, decisions)
    assert merged.outcomes[r1].status == "not_met" and merged.outcomes[r1].source == "evidence"
    assert merged.outcomes[r2].status == "partial" and merged.outcomes[r2].source == "manual"
    assert [(c.requirement, c.manual, c.evidence) for c in merged.conflicts] == [(r1, "met", "not_met")]

    unanswered = merge(fw, {}, decisions)
    assert unanswered.outcomes[r2].status == "unknown"  # never "not met" because a server was down


def test_audit_mode_counts_only_cited_claims(part1) -> None:  # type: ignore[no-untyped-def]
    fw = part1.framework
    reqs = [r for _, r in fw.requirements()][:2]
    answers = {reqs[0].id: Answer(status=Status.met), reqs[1].id: Answer(status=Status.met, evidence=["wiki/x"])}
    merged = merge(fw, answers, {}, audit=True)
    assert merged.outcomes[reqs[0].id].status == "unknown"
    assert merged.outcomes[reqs[1].id].status == "met"
    assert merge(fw, answers, {}).outcomes[reqs[0].id].status == "met"


def _one_requirement(part1, expectations: list, mode: str = "sufficient"):  # type: ignore[no-untyped-def]
    fw = part1.framework
    item = fw.domains[0].subdomains[0].items[0]
    verification = Verification.automated if mode == "sufficient" else Verification.assisted
    update = {"expectations": expectations, "verification": verification, "expectation_mode": None}
    req = item.requirements[0].model_copy(update=update)
    new_item = item.model_copy(update={"requirements": [req, *item.requirements[1:]]})
    sub = fw.domains[0].subdomains[0].model_copy(update={"items": [new_item, *fw.domains[0].subdomains[0].items[1:]]})
    dom = fw.domains[0].model_copy(update={"subdomains": [sub, *fw.domains[0].subdomains[1:]]})
    return fw.model_copy(update={"domains": [dom, *fw.domains[1:]]}), req.id


def test_any_of_accepts_whichever_system_was_probed(part1) -> None:  # type: ignore[no-untyped-def]
    from capability_model.schema import AnyOf

    group = AnyOf(
        any_of=[
            ProbeExpectation(probe="github.protected", op=Operator.eq, value=True),
            ProbeExpectation(probe="gitlab.protected", op=Operator.eq, value=True),
        ]
    )
    fw, rid = _one_requirement(part1, [group])
    assert decide(fw, [_record("gitlab.protected", True)])[rid].status == "met"
    assert decide(fw, [_record("gitlab.protected", False)])[rid].status == "not_met"
    assert decide(fw, [])[rid].status is None
    down = _record("github.protected", None, EvidenceStatus.unavailable)
    assert decide(fw, [down, _record("gitlab.protected", True)])[rid].status == "met"


def test_necessary_evidence_can_fail_but_not_pass_a_requirement(part1) -> None:  # type: ignore[no-untyped-def]
    fw, rid = _one_requirement(part1, [ProbeExpectation(probe="git.tests", op=Operator.ge, value=1)], "necessary")
    passing = decide(fw, [_record("git.tests", 5)])
    assert passing[rid].status is None
    merged = merge(fw, {rid: Answer(status=Status.partial)}, passing)
    assert merged.outcomes[rid].status == "partial" and merged.outcomes[rid].evidence == passing[rid].records
    failing = decide(fw, [_record("git.tests", 0)])
    assert merge(fw, {rid: Answer(status=Status.met)}, failing).outcomes[rid].status == "not_met"


def test_across_any_needs_one_target(part1) -> None:  # type: ignore[no-untyped-def]
    exp = ProbeExpectation(probe="git.iac_tools", op=Operator.exists, across="any")
    fw, rid = _one_requirement(part1, [exp])
    infra, model_repo = (
        _record("git.iac_tools", ["terraform"], target="infra"),
        _record("git.iac_tools", [], target="m"),
    )
    assert decide(fw, [infra, model_repo])[rid].status == "met"
    assert decide(fw, [model_repo])[rid].status == "not_met"
    strict, rid2 = _one_requirement(part1, [exp.model_copy(update={"across": "all"})])
    assert decide(strict, [infra, model_repo])[rid2].status == "not_met"

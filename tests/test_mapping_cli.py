"""`mlops-maturity map` on the example organisation's questionnaires."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from evidence_collectors.bundle import write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from tests.conftest import EXAMPLES, RunCli

PART1 = EXAMPLES / "retail-bank" / "part1-development.yaml"
PART2 = EXAMPLES / "retail-bank" / "part2-delivery.yaml"


def test_map_prints_a_google_level_and_what_it_cannot_decide(run_cli: RunCli) -> None:
    done = run_cli("map", PART1, PART2, "--to", "google-mlops", "--lang", "en")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("Google's MLOps levels (0-2): Level ")
    assert any(name in first for name in ("Manual process", "ML pipeline automation", "CI/CD pipeline automation"))
    assert "What the mapping cannot decide:" in done.stdout
    assert "caict-mlops-p1@2022.10.4, caict-mlops-p2@2022.10.4" in done.stdout


def test_map_json_gives_a_microsoft_level_within_its_bounds(run_cli: RunCli) -> None:
    done = run_cli("map", PART1, PART2, "--to", "microsoft-mlops", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert 0 <= result["level"] <= result["level_upper"] <= 4
    assert result["assessed"] == ["caict-mlops-p1@2022.10.4", "caict-mlops-p2@2022.10.4"]
    undecided = [c for c in result["criteria"] if c["state"] == "undecided"]
    assert undecided and all(c["reason"] for c in undecided)
    # Zero downtime is related to CAICT only by a partial overlap, which decides nothing whatever the answers.
    downtime = next(c for c in result["criteria"] if c["id"] == "M4.ZERO_DOWNTIME")
    assert downtime["reason"] == "intersects_only"


def test_map_markdown_gives_the_ml_test_score_in_chinese(run_cli: RunCli) -> None:
    done = run_cli("map", PART1, PART2, "--to", "ml-test-score", "--format", "markdown", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# ML Test Score 评分表（28 项测试）: 得分 ")
    assert "## 映射无法判定" in done.stdout
    assert done.stdout.count("| DATA.") == 7 and done.stdout.count("| MONITOR.") == 7


def test_map_refuses_two_assessments_of_one_part(run_cli: RunCli) -> None:
    done = run_cli("map", PART1, PART1, "--to", "google-mlops")
    assert done.returncode == 2
    assert "both assess caict-mlops-p1" in done.stderr


def _questionnaire(path: Path, answers: str) -> Path:
    path.write_text(
        "schema_version: 1\norganisation: Example\nscope: reco\nassessor: Chen Jing\nstarted: 2026-12-01\n"
        f"framework: caict-mlops-p1@2022.10.4\nanswers:\n{answers}",
        encoding="utf-8",
    )
    return path


def _bundle(root: Path) -> Path:
    """A sealed bundle whose git records satisfy both checks of P1.DE.DX.02.R04 (quality rules as code, in CI)."""

    def record(probe: str, value: object) -> EvidenceRecord:
        return EvidenceRecord(
            probe=probe,
            target="reco-service",
            value=value,
            status=EvidenceStatus.ok,
            source=EvidenceSource(system="git", url="file:///repos/reco-service"),
            collected_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            collector=CollectorInfo(name="git", version="1"),
        )

    records = [record("git.data_validation_rule_files", 2), record("git.ci_runs_data_validation", True)]
    write_bundle(root, Collection(records=records, raw=RawStore(), redactor=Redactor()))
    return root


def test_evidence_earns_the_automated_point_a_person_the_manual_one(run_cli: RunCli, tmp_path: Path) -> None:
    # DATA.1 is `equal` to P1.DE.DX.02.R04 (mapping-ml-test-score-caict.yaml).
    by_person = _questionnaire(tmp_path / "person.yaml", "  P1.DE.DX.02.R04: {status: met}\n")
    done = run_cli("map", by_person, "--to", "ml-test-score", "--format", "json")
    assert done.returncode == 0, done.stderr
    data1 = next(c for c in json.loads(done.stdout)["criteria"] if c["id"] == "DATA.1")
    assert (data1["state"], data1["points"]) == ("met", 0.5)

    unanswered = _questionnaire(tmp_path / "blank.yaml", "  P1.DE.DX.02.R04: {}\n")
    done = run_cli(
        "map", unanswered, "--to", "ml-test-score", "--format", "json", "--evidence", _bundle(tmp_path / "b")
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    data1 = next(c for c in result["criteria"] if c["id"] == "DATA.1")
    assert (data1["state"], data1["points"], data1["automated"]) == ("met", 1.0, True)
    assert result["sections"][0] == {"id": "DATA", "points": 1.0, "upper": 7.0}  # 6 other data tests undecided

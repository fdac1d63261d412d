"""Write the example bank's questionnaires for an evidence-first assessment, from its interview answers.

    python -m scripts.demo_stack.example_answers --evidence examples/out/evidence

examples/retail-bank/interview/ holds every answer the bank's people gave in the interview week, each with a note.
The questionnaires the demo assesses (examples/retail-bank/part1-development.yaml, part2-delivery.yaml,
part3-operation.yaml) keep only the answers the demo's systems cannot decide: for every requirement the collected
evidence (git, MLflow, Prometheus with its alert history, the drift reports and the recorded Jira, cluster and
orchestrator) decides, or supports with the verdict the person gave, the person's
answer is left out so that `assess --draft` proposes it. Where an assisted requirement's checks hold but the person
said otherwise, the person's answer stays: the checks measure only part of what the requirement states and the
person knows the rest (`kept_against_support` in the output). CONTRADICTIONS are answers kept on purpose that the
evidence contradicts, which the demo report flags as conflicts.
REWRITES bring the kept notes in line with what the demo's systems show (e.g. the model version in production).

Rerun it after a framework file or the demo's data changed: it starts from the interview files every time. It fails
when a deliberate contradiction is no longer contradicted by the evidence.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pydantic import BaseModel

from assessors.assessment import Answer, Status
from assessors.evidence import EvidenceDecision, decide
from assessors.storage import save_assessment
from assessors.workflow import open_assessment, open_bundle

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "retail-bank"
PARTS = ("part1-development.yaml", "part2-delivery.yaml", "part3-operation.yaml")


class Contradiction(BaseModel):
    """A person's answer kept against the evidence: what they claim, and what the systems show instead."""

    status: Status
    note: str
    evidence: list[str]
    answered_by: str
    shows: str  # what the collected evidence shows (for the README and the tests' messages)


CONTRADICTIONS: dict[str, Contradiction] = {
    "P1.MD.MT.02.R03": Contradiction(
        status=Status.met,
        note="Every run on the shared MLflow server records its parameters, metrics, git commit and dataset "
        "automatically (autolog and explicit tags in the training template); there are no untracked runs.",
        evidence=["GitLab: reco/reco-service src/reco/train.py (mlflow autolog)"],
        answered_by="Zhao Min",
        shows="a few notebook runs (the insurance PoC, card marketing) have no git commit",
    ),
    "P2.MT.TE.02.R05": Contradiction(
        status=Status.met,
        note="The reco-service regression suite has 612 automated test cases, including the k6 load tests in "
        "tests/performance run before every release (1,800 rps peak, p99 under 80 ms).",
        evidence=["GitLab: reco/reco-service tests/ (612 cases)", "Confluence: RECO/Performance test plan"],
        answered_by="Wu Fang",
        shows="the repository has a handful of unit, data, integration and smoke tests and no performance tests",
    ),
    "P2.DR.MO.02.R08": Contradiction(
        status=Status.met,
        note="reco-service deploys through the shared Helm baseline chart 'kserve-cpu-online' kept in its charts/ "
        "folder and overrides only replicas, resources and thresholds per environment.",
        evidence=["GitLab: reco/reco-service charts/kserve-cpu-online"],
        answered_by="Xu Tao",
        shows="no Helm chart or kustomize base exists in the repository: plain manifests and per-environment files",
    ),
    "P2.CI.CI.02.R05": Contradiction(
        status=Status.met,
        note="Every registered model version on the shared MLflow server carries an input/output signature; the "
        "signature-check job compares it with the transformer's OpenAPI schema (MR !587 failed on a renamed feature).",
        evidence=["GitLab: reco-serving MR !587", "MLflow: registered models (all teams)"],
        answered_by="Sun Hao",
        shows="one of the five registered models' latest version has no signature (card-marketing-response)",
    ),
}

# (old, new) replaced in the notes and evidence references of the answers kept: the interview spoke of the model
# version then in production; the demo's MLflow holds the bank's history up to v41 (champion) and v42 (challenger)
REWRITES: tuple[tuple[str, str], ...] = (
    ("reco-ranking v93-v94", "reco-ranking v40-v41"),
    ("reco-ranking v94", "reco-ranking v41"),
    ("ranker version 94", "ranker version 41"),
    ("version 94 links", "version 41 links"),
    ("the version 94 report", "the version 41 report"),
    ("version 92 was stopped", "version 39 was stopped"),
    ("versions 85 to 90", "versions 33 to 38"),
    ("the same structure: Helm chart,", "the same structure: Kubernetes manifests,"),
    ("612-case pytest suite", "pytest suite"),
    ("grew from 380 to 612 cases in a year", "grew by half in a year"),
)


class Written(BaseModel):
    part: str
    requirements: int
    left_to_evidence: int
    kept: int
    contradictions: dict[str, str]  # requirement -> the evidence's verdict
    kept_against_support: dict[str, str]  # requirement -> the person's status, kept where assisted checks hold


def _rewrite(text: str) -> str:
    for old, new in REWRITES:
        text = text.replace(old, new)
    return text


def _kept(answer: Answer) -> Answer:
    return answer.model_copy(update={"note": _rewrite(answer.note), "evidence": [_rewrite(e) for e in answer.evidence]})


def _contradiction(req_id: str, original: Answer) -> Answer:
    c = CONTRADICTIONS[req_id]
    return Answer(
        status=c.status,
        note=c.note,
        evidence=c.evidence,
        answered_by=c.answered_by,
        answered_at=original.answered_at or dt.datetime(2026, 11, 5, 10, 0, tzinfo=dt.UTC),
    )


def decision_decides(decision: EvidenceDecision | None) -> bool:
    """The evidence decides (an automated requirement, or failing checks): a person's different answer would be a
    conflict the evidence wins, so the example follows its systems there."""
    return decision is not None and decision.status is not None


def write_part(name: str, evidence: Path) -> Written:
    """One questionnaire from its interview file and the bundle's verdicts."""
    opened = open_assessment(EXAMPLE / "interview" / name)
    framework = opened.framework.framework
    decisions: dict[str, EvidenceDecision] = decide(framework, open_bundle(evidence).records)
    answers: dict[str, Answer] = {}
    left, contradicted, disagreed = 0, dict[str, str](), dict[str, str]()
    for _, req in framework.requirements():
        original = opened.assessment.answers.get(req.id) or Answer()
        decision = decisions.get(req.id)
        verdict = decision.verdict if decision else None
        if req.id in CONTRADICTIONS:
            answers[req.id] = _contradiction(req.id, original)
            contradicted[req.id] = str(decision.status if decision else None)
        elif verdict is not None and (decision_decides(decision) or original.status in (None, Status(verdict))):
            answers[req.id] = Answer()
            left += 1
        else:
            answers[req.id] = _kept(original)
            if verdict is not None and original.status is not None:
                disagreed[req.id] = original.status.value
    assessment = opened.assessment.model_copy(update={"answers": answers})
    save_assessment(assessment, EXAMPLE / name, framework, "en")
    return Written(
        part=name,
        requirements=len(answers),
        left_to_evidence=left,
        kept=len(answers) - left,
        contradictions=contradicted,
        kept_against_support=disagreed,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.demo_stack.example_answers", description=__doc__)
    parser.add_argument("--evidence", type=Path, required=True, help="a bundle collected by `make demo`")
    args = parser.parse_args(argv)
    problems: list[str] = []
    seen: set[str] = set()
    for name in PARTS:
        written = write_part(name, args.evidence)
        print(written.model_dump_json())
        seen |= set(written.contradictions)
        problems += [
            f"{req}: the evidence no longer says not met (decides: {status})"
            for req, status in written.contradictions.items()
            if status != "not_met"
        ]
    problems += [f"{req}: in neither part" for req in sorted(set(CONTRADICTIONS) - seen)]
    for problem in problems:
        print(f"contradiction lost: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""`portfolio DIR...`: one row per organisation and scope, with the levels of each part's latest assessment.

Levels follow from how the assessments are answered (see tests/test_history.py): domain D met up to level k gives D
level k and the part the lowest k.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from assessors.history import Portfolio
from capability_model.catalog import resolve
from reports.compare_render import names_of, portfolio_html, portfolio_markdown, portfolio_view
from tests.conftest import RunCli
from tests.test_history import write_assessment

P2_DOMAINS = ["P2.CI", "P2.DR", "P2.MT", "P2.CM", "P2.MF"]


def test_one_row_per_scope_from_the_latest_assessments(tmp_path: Path, run_cli: RunCli) -> None:
    reco, fraud = tmp_path / "reco", tmp_path / "fraud"
    reco.mkdir()
    fraud.mkdir()
    write_assessment(
        reco / "2026-03.yaml", {"P1.RM": 1, "P1.DE": 1, "P1.MD": 1}, scope="Recommendation",
        started=dt.date(2026, 3, 2), completed=dt.date(2026, 3, 6),
    )  # fmt: skip
    write_assessment(
        reco / "2026-09.yaml", {"P1.RM": 2, "P1.DE": 3, "P1.MD": 2}, scope="Recommendation",
        started=dt.date(2026, 9, 7), completed=dt.date(2026, 9, 11),
    )  # fmt: skip
    write_assessment(
        fraud / "p1.yaml", {"P1.RM": 3, "P1.DE": 3, "P1.MD": 3}, scope="Fraud <models>",
        started=dt.date(2026, 6, 1), completed=dt.date(2026, 6, 5),
    )  # fmt: skip
    write_assessment(
        fraud / "p2.yaml", dict.fromkeys(P2_DOMAINS, 2), framework="caict-mlops-p2", scope="Fraud <models>",
        started=dt.date(2026, 6, 8), completed=dt.date(2026, 6, 12),
    )  # fmt: skip

    out = run_cli("portfolio", reco, fraud, "--format", "json")
    assert out.returncode == 0, out.stderr
    p = json.loads(out.stdout)
    assert p["frameworks"] == ["caict-mlops-p1", "caict-mlops-p2"]
    assert p["domains"] == ["P1.RM", "P1.DE", "P1.MD", *P2_DOMAINS]
    rows = {r["scope"]: r for r in p["rows"]}
    assert [r["scope"] for r in p["rows"]] == ["Fraud <models>", "Recommendation"]
    reco_row = rows["Recommendation"]
    assert reco_row["assessments"] == 2
    assert reco_row["domains"] == {"P1.RM": 2, "P1.DE": 3, "P1.MD": 2}  # the September one, not March
    assert list(reco_row["parts"]) == ["caict-mlops-p1"]
    assert (reco_row["parts"]["caict-mlops-p1"]["date"], reco_row["parts"]["caict-mlops-p1"]["level"]) == (
        "2026-09-11",
        2,
    )
    fraud_row = rows["Fraud <models>"]
    assert fraud_row["domains"] == {"P1.RM": 3, "P1.DE": 3, "P1.MD": 3, **dict.fromkeys(P2_DOMAINS, 2)}
    assert {k: v["level"] for k, v in fraud_row["parts"].items()} == {"caict-mlops-p1": 3, "caict-mlops-p2": 2}

    # the other formats render the same portfolio (rendered here in-process: each CLI run reads every file again)
    view = portfolio_view(
        Portfolio.model_validate(p),
        names_of([resolve("caict-mlops-p1").framework, resolve("caict-mlops-p2").framework]),
        "en",
    )
    html = portfolio_html(view, "en")
    assert "<td>Fraud &lt;models&gt;</td>" in html and "<models>" not in html
    assert "<td>2 (2026-09-11)</td>" in html
    md = portfolio_markdown(view)
    assert "| Acme | Recommendation | 2 (2026-09-11) |  | 2 | 3 | 2 |  |  |  |  |  | 2 |" in md
    assert "| Acme | Fraud &lt;models&gt; | 3 (2026-06-05) | 2 (2026-06-12) | 3 | 3 | 3 | 2 | 2 | 2 | 2 | 2 | 2 |" in md

    table = run_cli("portfolio", reco, fraud, "-o", tmp_path / "portfolio.txt", "--lang", "en")
    assert table.returncode == 0, table.stderr
    assert "Recommendation" in (tmp_path / "portfolio.txt").read_text(encoding="utf-8")
    refused = run_cli("portfolio", reco, "-o", reco / "2026-03.yaml")
    assert refused.returncode == 2 and "is the assessment file" in refused.stderr

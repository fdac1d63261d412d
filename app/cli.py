"""The `mlops-maturity` command line. Commands are thin: they parse options, call the library, format results.

Heavy or slow imports happen inside commands so that `--help` stays fast.
"""

from __future__ import annotations

import typer

from app import assess_cmd, evidence_cmd, report_cmd, workshop_cmd
from app.model_cmd import model_app

app = typer.Typer(
    name="mlops-maturity",
    help="Assess MLOps maturity against the CAICT Model/MLOps Capability Maturity Model (AIIA/P series): "
    "levels 1-5 per capability item, domain and part, with the gaps and a roadmap to a target level.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(model_app, name="model")
app.add_typer(evidence_cmd.evidence_app, name="evidence")
app.command("init")(assess_cmd.init)
app.command("assess")(assess_cmd.assess)
app.command("migrate")(assess_cmd.migrate)
app.command("collect")(evidence_cmd.collect)
app.command("report")(report_cmd.report)
app.command("workshop")(workshop_cmd.workshop)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

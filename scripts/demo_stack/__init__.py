"""A real, throw-away MLflow + Prometheus stack for `make demo`, filled with the example bank's models.

    python -m scripts.demo_stack run --out examples/out -- mlops-maturity collect examples/out/targets.yaml -o ...
    python -m scripts.demo_stack stop --out examples/out     # stops what a killed run may have left behind

Modules: `catalogue` (the bank's models, shared by every part), `populate` (fills MLflow through its Python client, with
`history_reco` and `history_bank` saying what, `mlflow_writer` how, `filled` what was written), `exporter` (the model
services' metrics, the `delivery` counters and an alert receiver), `prometheus_files` (scrape config and rule files),
`delivery_history` and `alert_history` (a year of delivery metrics and a month of model alerts backfilled into
Prometheus), `drift_reports` (the reco team's weekly Evidently drift reports), `processes` (process groups, state file,
stopping), `readiness` (when the stack may be probed), `targets` (the resolved targets file), `stack` (start, run a
command, stop; it also serves the recorded Jira that `jira_recording` writes). For the evidence-first example:
`example_answers` (the questionnaires from the interview answers and a bundle) and `provenance` (the demo's closing
summary).
"""

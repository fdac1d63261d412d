"""The delivery pipeline's metrics (what Argo CD notifications and the release DAG push for the reco services): how
often they deploy and how often a deployment fails. Lead time and time to restore are computed outside Prometheus
(by the DAG reco_metrics_collect from GitLab and Jira), so they are not here, as the questionnaires say."""

from __future__ import annotations

DAY_S = 86_400.0

# app: (production deployments in the last 90 days, of which failed, days since the last one, version deployed)
DEPLOYMENTS: dict[str, tuple[int, int, float, str]] = {
    "reco-ranking": (13, 2, 6.5, "41"),
    "reco-retrieval": (2, 0, 19.0, "3"),
    "card-fraud": (3, 1, 27.0, "5"),
}


def exposition(now_s: float) -> str:
    """The /metrics page of the delivery exporter at wall-clock time `now_s`."""
    lines = [
        "# HELP deployments_total Production deployments, counted by the Argo CD notification hook.",
        "# TYPE deployments_total counter",
        *(f'deployments_total{{app="{app}",environment="prod"}} {n}' for app, (n, _, _, _) in DEPLOYMENTS.items()),
        "# HELP failed_deployments_total Production deployments rolled back or failed.",
        "# TYPE failed_deployments_total counter",
        *(f'failed_deployments_total{{app="{app}",environment="prod"}} {d[1]}' for app, d in DEPLOYMENTS.items()),
        "# HELP deploy_timestamp_seconds When the version now in production was deployed.",
        "# TYPE deploy_timestamp_seconds gauge",
        *(
            f'deploy_timestamp_seconds{{app="{app}",environment="prod",version="{version}"}} {now_s - days * DAY_S:.0f}'
            for app, (_, _, days, version) in DEPLOYMENTS.items()
        ),
    ]
    return "\n".join(lines) + "\n"

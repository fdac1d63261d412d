"""The delivery pipeline's metrics (what Argo CD notifications and the release DAG push for the reco services): how
often they deploy, how often a deployment fails, and the lead time and time to restore that the DAG
reco_metrics_collect computes from GitLab merge requests and Jira incidents."""

from __future__ import annotations

DAY_S = 86_400.0

# app: (production deployments in the last 90 days, of which failed, days since the last one, version deployed)
DEPLOYMENTS: dict[str, tuple[int, int, float, str]] = {
    "reco-ranking": (13, 2, 6.5, "41"),
    "reco-retrieval": (2, 0, 19.0, "3"),
    "card-fraud": (3, 1, 27.0, "5"),
}
# app: (median hours from merge to production over the last 90 days, median hours to restore after a failed deployment)
LEAD_AND_RESTORE_H: dict[str, tuple[float, float]] = {
    "reco-ranking": (52.0, 3.5),
    "reco-retrieval": (130.0, 0.0),
    "card-fraud": (75.0, 6.0),
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
        "# HELP lead_time_for_changes_hours Median hours from merge to production, last 90 days.",
        "# TYPE lead_time_for_changes_hours gauge",
        *(f'lead_time_for_changes_hours{{app="{app}"}} {h}' for app, (h, _) in LEAD_AND_RESTORE_H.items()),
        "# HELP time_to_restore_hours Median hours to restore service after a failed deployment, last 90 days.",
        "# TYPE time_to_restore_hours gauge",
        *(f'time_to_restore_hours{{app="{app}"}} {h}' for app, (_, h) in LEAD_AND_RESTORE_H.items()),
    ]
    return "\n".join(lines) + "\n"

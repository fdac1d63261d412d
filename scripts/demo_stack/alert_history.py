"""A month of the bank's model alerts, written as `ALERTS` series into the demo Prometheus's TSDB before it starts.

Prometheus records every alert it evaluates as `ALERTS{alertname, alertstate, <labels>} 1` at each rule evaluation
while the alert is pending or firing; a demo Prometheus that lives for minutes has only the drift alert firing now.
The bank's last 30 days (its monthly alert review) are backfilled the way `delivery_history` backfills delivery
metrics (promtool converts OpenMetrics text into TSDB blocks): the daily PSI job raising a drift alert on one feature
about once a week until the next run or a re-run after the upstream feed was fixed, latency alerts of 20 to 40 minutes
at the evening peaks and on the payday campaigns, one CTR dip that followed a drift, a card-fraud error burst when a
dependency timed out, and the missing-input alert of reco-ranking flapping one afternoon while an upstream feed
stuttered. Every episode has resolved; the labels are those the rules in `prometheus_files` give their alerts.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from scripts.demo_stack.delivery import DAY_S
from scripts.demo_stack.tsdb import create_blocks

SAMPLE_S = 60.0  # one sample a minute while an alert fires (the bank evaluates its rules every 30 s to a minute)
WINDOW_DAYS = 30  # the bank reviews its model alerts monthly
HOUR_S = 3600.0


class Episode(BaseModel):
    """One alert firing from `days_ago` days (and `at_h` hours after midnight) before now, for `minutes`."""

    model_config = ConfigDict(frozen=True)

    alert: str
    labels: dict[str, str]
    days_ago: int
    at_h: float
    minutes: float


def _drift(model: str, feature: str, days_ago: int, at_h: float, minutes: float) -> Episode:
    """The drift rule keeps only the model and the feature (max by model_name, feature)."""
    labels = {"feature": feature, "model_name": model, "severity": "warning", "team": "reco"}
    return Episode(alert="ModelFeatureDriftPSIHigh", labels=labels, days_ago=days_ago, at_h=at_h, minutes=minutes)


def _model(
    alert: str, model: str, version: str, severity: str, team: str, days_ago: int, at_h: float, minutes: float
) -> Episode:
    labels = {"model_name": model, "model_version": version, "severity": severity, "team": team}
    return Episode(alert=alert, labels=labels, days_ago=days_ago, at_h=at_h, minutes=minutes)


def _latency(model: str, version: str, days_ago: int, at_h: float, minutes: float) -> Episode:
    return _model("ModelLatencyP99High", model, version, "warning", "reco", days_ago, at_h, minutes)


# reco-ranking version 41 went live 6.5 days ago (version 40 before it), reco-retrieval version 3 19 days ago and
# card-fraud version 5 27 days ago (see `delivery`): the version labels follow
EPISODES: tuple[Episode, ...] = (
    # the daily PSI job (02:00): a drift alert about once a week, on a different feature each time
    _drift("reco-ranking", "txn_amount_30d_v2", 27, 2.1, 22 * 60),  # cleared by the next day's run
    _drift("reco-ranking", "app_sessions_7d", 20, 2.1, 3.5 * 60),  # app release; re-run after the fix
    _drift("reco-ranking", "days_since_last_login", 13, 2.1, 5 * 60),  # login feed late; re-run
    _drift("reco-retrieval", "app_sessions_7d", 6, 2.1, 2.5 * 60),  # the same feed, retrieval's copy
    # the CTR of reco-ranking dipped the evening after the app_sessions_7d drift
    _model("ModelOnlineCTRLow", "reco-ranking", "40", "warning", "reco", 20, 19.0, 3 * 60),
    # p99 latency above 80 ms at the evening peak and on the payday campaigns
    _latency("reco-ranking", "40", 25, 20.4, 24),
    _latency("reco-ranking", "40", 18, 12.1, 38),  # payday campaign
    _latency("reco-retrieval", "3", 11, 20.6, 21),
    _latency("reco-retrieval", "3", 9, 20.3, 33),
    _latency("reco-ranking", "41", 4, 12.2, 27),  # payday campaign
    # card-fraud: the merchant-risk service it calls timed out for a quarter of an hour
    _model("ModelErrorRateHigh", "card-fraud", "5", "critical", "sre", 16, 9.7, 16),
    # reco-ranking's missing-input alert flapped one afternoon while the CRM feed stuttered; the rule is not tuned yet
    _model("ModelFeatureNullRateHigh", "reco-ranking", "40", "warning", "reco", 8, 14.0, 18),
    _model("ModelFeatureNullRateHigh", "reco-ranking", "40", "warning", "reco", 8, 14.9, 22),
    _model("ModelFeatureNullRateHigh", "reco-ranking", "40", "warning", "reco", 8, 16.0, 17),
    _model("ModelFeatureNullRateHigh", "reco-ranking", "40", "warning", "reco", 8, 17.2, 25),
)


def _start(episode: Episode, now_s: float) -> float:
    midnight = now_s - now_s % DAY_S
    return midnight - episode.days_ago * DAY_S + episode.at_h * HOUR_S


def openmetrics(now_s: float, episodes: tuple[Episode, ...] = EPISODES) -> str:
    """The `ALERTS` samples of every episode (firing), one a minute, in time order per series (OpenMetrics text)."""
    series: dict[str, list[float]] = {}
    for episode in episodes:
        start = _start(episode, now_s)
        if start + episode.minutes * 60 >= now_s - HOUR_S:
            raise ValueError(f"{episode.alert} would still be firing: the history must end before the stack starts")
        labels = {"alertname": episode.alert, "alertstate": "firing", **episode.labels}
        key = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        steps = int(episode.minutes * 60 // SAMPLE_S) + 1
        series.setdefault(key, []).extend(start + k * SAMPLE_S for k in range(steps))
    lines = ["# HELP ALERTS Alerts evaluated by Prometheus's rules.", "# TYPE ALERTS gauge"]
    for key, stamps in sorted(series.items()):
        lines += [f"ALERTS{{{key}}} 1 {t:.0f}" for t in sorted(stamps)]
    return "\n".join(lines) + "\n# EOF\n"


def backfill(data_dir: Path, work_dir: Path, now_s: float) -> None:
    """Write the alert history as TSDB blocks into `data_dir` (before Prometheus opens it)."""
    create_blocks(openmetrics(now_s), "alert-history.om.txt", data_dir, work_dir)

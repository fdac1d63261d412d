"""The reco team's weekly Evidently drift reports, as the Airflow DAG reco_drift_psi leaves them in its report folder.

Every Monday at 06:00 the job compares the last week of production inputs and predictions of reco-ranking and
reco-retrieval with the training data of the live version (read from its MLflow run) and saves the Evidently snapshot
(`Snapshot.dumps()`, Evidently 0.7: drifted-columns count, drift of the prediction column, accuracy and ROC AUC once
outcomes are joined). The demo writes re-dated copies of a snapshot the real library produced
(tests/collectors/fixtures/evidently/snapshot_v2_churn.json, made by its generate.py): the run time and the model
named in the metadata change, the measured metrics stay as Evidently wrote them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "tests" / "collectors" / "fixtures" / "evidently" / "snapshot_v2_churn.json"
WEEKS = 5  # the last five Mondays: about a month, the bank's review period


class Monitored(BaseModel):
    """A model the drift job checks, and its live version in each week (newest first)."""

    model_config = ConfigDict(frozen=True)

    name: str
    version_by_days_ago: tuple[tuple[float, str], ...]  # (deployed this many days ago, version), newest first

    def version_at(self, days_ago: float) -> str:
        return next((v for since, v in self.version_by_days_ago if days_ago <= since), self.version_by_days_ago[-1][1])


# reco-ranking v41 went live 6.5 days ago (v40 before), reco-retrieval v3 19 days ago (v2 before): see `delivery`
MONITORED: tuple[Monitored, ...] = (
    Monitored(name="reco-ranking", version_by_days_ago=((6.5, "41"), (400.0, "40"))),
    Monitored(name="reco-retrieval", version_by_days_ago=((19.0, "3"), (400.0, "2"))),
)


def mondays(now: dt.datetime, weeks: int = WEEKS) -> list[dt.datetime]:
    """The last `weeks` Mondays at 06:00 UTC before `now`, newest first."""
    day = now.date()
    last = dt.datetime.combine(day - dt.timedelta(days=day.weekday()), dt.time(6, 0), dt.UTC)
    if last >= now:
        last -= dt.timedelta(weeks=1)
    return [last - dt.timedelta(weeks=k) for k in range(weeks)]


def write(folder: Path, now_s: float) -> list[Path]:
    """One snapshot per model and Monday, in `folder`/<model>/<date>.json, file times set to the run time."""
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    now = dt.datetime.fromtimestamp(now_s, dt.UTC)
    written = []
    for model in MONITORED:
        (folder / model.name).mkdir(parents=True, exist_ok=True)
        for run in mondays(now):
            days_ago = (now - run).total_seconds() / 86_400
            snapshot = {
                **template,
                "timestamp": run.replace(tzinfo=None).isoformat(),
                "metadata": {"model": model.name, "model_version": model.version_at(days_ago)},
                "tags": ["weekly", "reco_drift_psi"],
            }
            path = folder / model.name / f"{run.date().isoformat()}.json"
            path.write_text(json.dumps(snapshot), encoding="utf-8")
            os.utime(path, (run.timestamp(), run.timestamp()))
            written.append(path)
    return written

"""The bank's systems that cannot run here, served from recorded answers for as long as the demo stack is up.

Each is a folder under examples/retail-bank/recorded/ written by its `*_recording` script: a routes.yaml manifest for
the recorded HTTP server of the tests, the response bodies in the service's documented format, and expected.json, the
figures the collector should read back. Each is served on its own 127.0.0.1 port under a path prefix, as a real site
might sit behind a reverse proxy, and becomes one target of the demo's targets file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

ROOT = Path(__file__).resolve().parents[2]
RECORDED = ROOT / "examples" / "retail-bank" / "recorded"


class RecordedService(BaseModel):
    """One recorded system and the target that reads it."""

    model_config = ConfigDict(frozen=True)

    collector: str
    name: str  # the target's name in the targets file
    folder: str  # under examples/retail-bank/recorded/
    prefix: str  # the path the recorded server answers under
    label: str  # how the demo names it when the stack is up
    fields: dict[str, Any] = {}  # the target's other settings

    @property
    def routes(self) -> Path:
        return RECORDED / self.folder / "routes.yaml"

    @property
    def expected(self) -> Path:
        return RECORDED / self.folder / "expected.json"

    def target(self, base_url: str) -> dict[str, Any]:
        return {"collector": self.collector, "name": self.name, "url": f"{base_url}{self.prefix}", **self.fields}


RECORDED_SERVICES: tuple[RecordedService, ...] = (
    RecordedService(
        collector="jira",
        name="tracker",
        folder="jira",
        prefix="/jira",
        label="recorded Jira (project RECO)",
        fields={"projects": ["RECO"]},
    ),
    RecordedService(
        collector="kubernetes",
        name="cluster",
        folder="kubernetes",
        prefix="/k8s",
        label="recorded Kubernetes cluster (namespaces reco-dev/test/staging/prod)",
        fields={"namespaces": ["reco-dev", "reco-test", "reco-staging", "reco-prod"]},
    ),
    RecordedService(
        collector="airflow",
        name="orchestrator",
        folder="airflow",
        prefix="/airflow",
        label="recorded Airflow 3 (DAGs tagged reco)",
        fields={"tags": ["reco"], "window_days": 14, "max_task_instance_reads": 40},
    ),
)

"""Reading Airflow's REST API (/api/v1 on Airflow 2, /api/v2 on Airflow 3): the version, the DAG list, each DAG's
tasks and runs, and the task instances of a run. GET only.

Listings answer `{"<items>": [...], "total_entries": N}` and take `limit` and `offset`; they are read page by page until
`total_entries` items have been read, a page comes back empty, the server repeats a page, or the cap is reached. With
`api_version: auto` the v2 version endpoint is asked first; an answer of HTTP 404 there means Airflow 2, read on v1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from evidence_collectors.airflow.config import AirflowConfig
from evidence_collectors.airflow.models import Dag, DagRun, Task, TaskInstance, Version
from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.rest import Pages, SessionApi, parse

M = TypeVar("M", bound=BaseModel)


def _segment(text: str) -> str:
    return quote(text, safe="")


class AirflowApi(SessionApi):
    def __init__(self, config: AirflowConfig, ctx: CollectContext) -> None:
        self.config = config
        self.session = HttpSession(config, ctx.raw, ctx.redactor)
        self.api = f"/api/{config.api_version}" if config.api_version != "auto" else "/api/v1"

    def version(self) -> tuple[Version, str]:
        """The server's version; with `auto`, also which API answers (v2 first)."""
        if self.config.api_version == "auto":
            try:
                found = self._get("/api/v2/version", Version)
                self.api = "/api/v2"
                return found
            except CollectError as exc:
                if exc.status != 404:
                    raise
            self.api = "/api/v1"
        return self._get(f"{self.api}/version", Version)

    def where(self, path: str) -> str:
        """Where a set of listings is read, for the records, with a readable placeholder (`/dags/{dag_id}/tasks`)."""
        return f"{self.config.url}{self.api}{path}"

    def _get(self, full: str, model: type[M]) -> tuple[M, str]:
        data, _, sha = self.session.get_json(full)
        return parse(model, data, self.url(full)), sha

    def listing(self, path: str, model: type[M], key: str, cap: int, params: dict[str, Any] | None = None) -> Pages[M]:
        """Every item of a limit/offset listing, up to `cap`."""
        full = f"{self.api}{path}"
        result: Pages[M] = Pages(items=[], url=self.url(full))
        served: set[str] = set()
        while True:
            query = {**(params or {}), "limit": self.config.page_size, "offset": len(result.items)}
            data, _, sha = self.session.get_json(full, query)
            where = self.url(full)
            found = data.get(key) if isinstance(data, dict) else None
            if not isinstance(found, list):
                raise CollectError(f"unexpected response from {where}: expected a list under '{key}'")
            if sha in served:
                result.stopped = f"stopped after {result.pages} pages: the server sent a page again"
                return result
            served.add(sha)
            room = cap - len(result.items)
            result.items += [parse(model, item, where) for item in found[:room]]
            result.raw.append(sha)
            result.pages += 1
            total = data.get("total_entries")
            more = len(result.items) < total if isinstance(total, int) else bool(found)
            if len(found) > room or (len(result.items) >= cap and more):
                result.stopped = f"stopped at {cap} items"
                return result
            if not found or not more:
                return result

    def dags(self) -> Pages[Dag]:
        return self.listing("/dags", Dag, "dags", self.config.max_dags)

    def tasks(self, dag_id: str) -> tuple[list[Task], str]:
        full = f"{self.api}/dags/{_segment(dag_id)}/tasks"
        data, _, sha = self.session.get_json(full)
        found = data.get("tasks") if isinstance(data, dict) else None
        if not isinstance(found, list):
            raise CollectError(f"unexpected response from {self.url(full)}: expected a list under 'tasks'")
        return [parse(Task, item, self.url(full)) for item in found], sha

    def runs(self, dag_id: str, since: dt.datetime) -> Pages[DagRun]:
        """The DAG's runs started since `since` (`start_date_gte`, accepted by v1 and v2 alike)."""
        params = {"start_date_gte": since.strftime("%Y-%m-%dT%H:%M:%SZ")}
        path = f"/dags/{_segment(dag_id)}/dagRuns"
        return self.listing(path, DagRun, "dag_runs", self.config.max_runs_per_dag, params)

    def task_instances(self, dag_id: str, run_id: str) -> Pages[TaskInstance]:
        path = f"/dags/{_segment(dag_id)}/dagRuns/{_segment(run_id)}/taskInstances"
        return self.listing(path, TaskInstance, "task_instances", 10_000)

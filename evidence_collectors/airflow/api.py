"""Reading Airflow's REST API (/api/v1 on Airflow 2, /api/v2 on Airflow 3): the version, the DAG list, each DAG's
tasks and runs, and the task instances of a run. GET only.

Listings answer `{"<items>": [...], "total_entries": N}` and take `limit` and `offset`; they are read page by page until
`total_entries` items have been read (or, when that total is no count or is disproved by the items, until a page comes
back short), a page comes back empty, the server sends a page or its items again (an `offset` ignored), or the cap is
reached; an item sent twice is counted once. With `api_version: auto` the v2 version endpoint is asked first; only a
JSON object answered there itself means Airflow 3, anything else but a refusal or a server failure means Airflow 2,
read on v1.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from evidence_collectors.airflow.config import AirflowConfig
from evidence_collectors.airflow.models import Dag, DagRun, DagVersion, Task, TaskInstance, Version
from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.rest import Pages, SessionApi, parse

M = TypeVar("M", bound=BaseModel)


def _segment(text: str) -> str:
    """An id as one path segment: slashes, `?`, `#` and `%` encoded, and a `.` or `..` id encoded too, since a dot
    segment would otherwise be removed from the path (`/dags/../tasks` is `/tasks`)."""
    quoted = quote(text, safe="")
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


class AirflowApi(SessionApi):
    def __init__(self, config: AirflowConfig, ctx: CollectContext) -> None:
        self.config = config
        self.session = HttpSession(config, ctx.raw, ctx.redactor)
        self.api = f"/api/{config.api_version}" if config.api_version != "auto" else "/api/v1"

    def version(self) -> tuple[Version, str]:
        """The server's version; with `auto`, also which API answers (v2 first).

        v2 is taken only from a JSON object answered at /api/v2/version itself: an answer reached by a redirect
        elsewhere (a proxy sending v2 paths to v1, a login page), a page that is not JSON, or another shape means the
        server does not serve v2, and v1 is read. A refused credential or a server failure is not taken for either."""
        if self.config.api_version == "auto":
            full = "/api/v2/version"
            try:
                data, response, sha = self.session.get_json(full)
                if str(response.request.url) == str(self.session.client.build_request("GET", full).url):
                    found = parse(Version, data, self.url(full))
                    self.api = "/api/v2"
                    return found, sha
            except CollectError as exc:
                if exc.status in (401, 403):
                    raise
            self.api = "/api/v1"
        return self._get(f"{self.api}/version", Version)

    def where(self, path: str) -> str:
        """Where a set of listings is read, for the records, with a readable placeholder (`/dags/{dag_id}/tasks`)."""
        return f"{self.config.url}{self.api}{path}"

    def _get(self, full: str, model: type[M]) -> tuple[M, str]:
        data, _, sha = self.session.get_json(full)
        return parse(model, data, self.url(full)), sha

    def listing(
        self,
        path: str,
        model: type[M],
        key: str,
        cap: int,
        params: dict[str, Any] | None = None,
        ident: tuple[str, ...] = (),
    ) -> Pages[M]:
        """Every item of a limit/offset listing, up to `cap`. `ident` names the fields that identify an item: a page
        whose items were all read before (a server ignoring `offset`) ends the listing, and an item read again is not
        counted twice. `total_entries` is believed only when it is a count the items read so far do not disprove;
        otherwise a full page means more may follow."""
        full = f"{self.api}{path}"
        result: Pages[M] = Pages(items=[], url=self.url(full))
        served: set[str] = set()
        known: set[str] = set()
        limit = self.config.page_size
        received = 0  # items the server sent, for the offset
        while True:
            query = {**(params or {}), "limit": limit, "offset": received}
            data, _, sha = self.session.get_json(full, query)
            where = self.url(full)
            found = data.get(key) if isinstance(data, dict) else None
            if not isinstance(found, list):
                raise CollectError(f"unexpected response from {where}: expected a list under '{key}'")
            keys = [_identity(item, ident) for item in found]
            if sha in served or (found and all(k in known for k in keys)):
                result.stopped = f"stopped after {result.pages} pages: the server sent a page again"
                return result
            served.add(sha)
            fresh: dict[str, Any] = {}
            for k, item in zip(keys, found, strict=True):
                if k not in known:
                    fresh.setdefault(k, item)  # an item sent twice in one page counts once
            room = cap - len(result.items)
            taken = list(fresh.items())[:room]
            result.items += [parse(model, item, where) for _, item in taken]
            known.update(k for k, _ in taken)
            result.raw.append(sha)
            result.pages += 1
            received += len(found)
            total = data.get("total_entries")
            counted = isinstance(total, int) and not isinstance(total, bool) and total >= received
            more = received < total if counted else len(found) >= limit
            if len(fresh) > room or (len(result.items) >= cap and more):
                result.stopped = f"stopped at {cap} items"
                return result
            if not found or not more:
                return result

    def dags(self) -> Pages[Dag]:
        return self.listing("/dags", Dag, "dags", self.config.max_dags, ident=("dag_id",))

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
        return self.listing(path, DagRun, "dag_runs", self.config.max_runs_per_dag, params, ("dag_run_id",))

    def dag_versions(self, dag_id: str) -> Pages[DagVersion]:
        """The DAG's versions (API v2 only: Airflow 3 keeps every parsed version of a DAG)."""
        path = f"/dags/{_segment(dag_id)}/dagVersions"
        cap = self.config.max_runs_per_dag
        return self.listing(path, DagVersion, "dag_versions", cap, ident=("version_number", "bundle_version"))

    def task_instances(self, dag_id: str, run_id: str) -> Pages[TaskInstance]:
        path = f"/dags/{_segment(dag_id)}/dagRuns/{_segment(run_id)}/taskInstances"
        return self.listing(path, TaskInstance, "task_instances", 10_000, ident=("task_id", "map_index"))


def _identity(item: Any, fields: tuple[str, ...]) -> str:
    """What identifies a listed item: its `fields` (the whole item when none are named or it is not an object)."""
    if fields and isinstance(item, dict):
        return json.dumps([item.get(f) for f in fields], sort_keys=True, default=str)
    return json.dumps(item, sort_keys=True, default=str)

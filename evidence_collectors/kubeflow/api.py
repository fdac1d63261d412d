"""Reading the Kubeflow Pipelines REST API v2beta1 (/apis/v2beta1): pipelines, their versions, runs, recurring runs
and experiments. GET only.

Listings take `page_size` and `page_token` and answer `next_page_token` (empty on the last page); they are read until
that token is empty, the server names a token it already gave (a listing going round in a circle), `stop` says the
rest is not needed (runs are asked newest first, so reading ends once a page reaches past the window), or `max_items`
is reached. With a `namespace`, every listing is asked for that namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.kubeflow.config import KubeflowConfig
from evidence_collectors.kubeflow.models import Experiment, KfpPipeline, KfpRun, PipelineVersion, RecurringRun
from evidence_collectors.rest import Pages, SessionApi, parse

API = "/apis/v2beta1"
M = TypeVar("M", bound=BaseModel)


class KubeflowApi(SessionApi):
    def __init__(self, config: KubeflowConfig, ctx: CollectContext) -> None:
        self.config = config
        self.session = HttpSession(config, ctx.raw, ctx.redactor)

    def where(self, path: str) -> str:
        return f"{self.config.url}{API}{path}"

    def listing(
        self,
        path: str,
        model: type[M],
        key: str,
        params: dict[str, Any] | None = None,
        stop: Callable[[list[M]], bool] | None = None,
        scoped: bool = True,
    ) -> Pages[M]:
        """Every item of a page_token listing, up to max_items; `scoped` listings are asked for the namespace."""
        full = f"{API}{path}"
        result: Pages[M] = Pages(items=[], url=self.url(full))
        cap = self.config.max_items
        base: dict[str, Any] = {"page_size": self.config.page_size, **(params or {})}
        if scoped and self.config.namespace:
            base["namespace"] = self.config.namespace
        token = ""
        given: set[str] = set()
        while True:
            query = {**base, "page_token": token} if token else base
            data, _, sha = self.session.get_json(full, query)
            where = self.url(full)
            if not isinstance(data, dict):
                raise CollectError(f"unexpected response from {where}: expected an object")
            found = data.get(key, [])  # an empty listing leaves the list out altogether
            if not isinstance(found, list):
                raise CollectError(f"unexpected response from {where}: expected a list under '{key}'")
            room = cap - len(result.items)
            page = [parse(model, item, where) for item in found[:room]]
            result.items += page
            result.raw.append(sha)
            result.pages += 1
            token = data.get("next_page_token") or ""
            if not isinstance(token, str):
                raise CollectError(f"unexpected response from {where}: next_page_token is not text")
            if len(found) > room or (len(result.items) >= cap and token):
                result.stopped = f"stopped at max_items ({cap})"
                return result
            if not token or (stop is not None and stop(page)):
                return result
            if token in given:
                result.stopped = f"stopped after {result.pages} pages: the server gave a page token again"
                return result
            given.add(token)

    def pipelines(self) -> Pages[KfpPipeline]:
        return self.listing("/pipelines", KfpPipeline, "pipelines")

    def versions(self, pipeline_id: str) -> Pages[PipelineVersion]:
        return self.listing(
            f"/pipelines/{quote(pipeline_id, safe='')}/versions",
            PipelineVersion,
            "pipeline_versions",
            {"sort_by": "created_at desc"},
            scoped=False,  # a pipeline's versions are found by its id, in whatever namespace
        )

    def runs(self, stop: Callable[[list[KfpRun]], bool]) -> Pages[KfpRun]:
        return self.listing("/runs", KfpRun, "runs", {"sort_by": "created_at desc"}, stop)

    def recurring_runs(self) -> Pages[RecurringRun]:
        return self.listing("/recurringruns", RecurringRun, "recurringRuns")

    def experiments(self) -> Pages[Experiment]:
        return self.listing("/experiments", Experiment, "experiments")

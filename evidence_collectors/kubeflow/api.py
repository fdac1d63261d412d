"""Reading the Kubeflow Pipelines REST API v2beta1 (/apis/v2beta1): pipelines, their versions, runs, recurring runs
and experiments. GET only.

Listings take `page_size` and `page_token` and answer `next_page_token` (empty on the last page); they are read until
that token is empty, the server names a token it already gave (a listing going round in a circle) or one too long to
send back, a page holds only items already read, `stop` says the rest is not needed (runs are asked newest first, so
reading ends once a page reaches past the window), or `max_items` is reached; an item sent twice is counted once. With
a `namespace`, every listing is asked for that namespace. Ids taken from answers are sent as one path segment each.
"""

from __future__ import annotations

import json
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
MAX_TOKEN = 16_384  # KFP's page tokens are base64 of a small JSON object; a longer one is not sent back in a URL
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
        ident: str,
        params: dict[str, Any] | None = None,
        stop: Callable[[list[M]], bool] | None = None,
        scoped: bool = True,
    ) -> Pages[M]:
        """Every item of a page_token listing, up to max_items; `scoped` listings are asked for the namespace. `ident`
        names the field identifying an item: an item sent again (a server that hands out new tokens for the same
        page) is counted once, and a page holding only items read before ends the listing."""
        full = f"{API}{path}"
        result: Pages[M] = Pages(items=[], url=self.url(full))
        cap = self.config.max_items
        base: dict[str, Any] = {"page_size": self.config.page_size, **(params or {})}
        if scoped and self.config.namespace:
            base["namespace"] = self.config.namespace
        token = ""
        given: set[str] = set()
        known: set[str] = set()
        while True:
            query = {**base, "page_token": token} if token else base
            data, _, sha = self.session.get_json(full, query)
            where = self.url(full)
            if not isinstance(data, dict):
                raise CollectError(f"unexpected response from {where}: expected an object")
            found = data.get(key)  # an empty listing leaves the list out altogether
            found = [] if found is None else found
            if not isinstance(found, list):
                raise CollectError(f"unexpected response from {where}: expected a list under '{key}'")
            keys = [_identity(item, ident) for item in found]
            if found and all(k in known for k in keys):
                result.stopped = f"stopped after {result.pages} pages: the server sent the items of a page again"
                return result
            fresh: dict[str, Any] = {}
            for k, item in zip(keys, found, strict=True):
                if k not in known:
                    fresh.setdefault(k, item)
            room = cap - len(result.items)
            taken = list(fresh.items())[:room]
            page = [parse(model, item, where) for _, item in taken]
            known.update(k for k, _ in taken)
            result.items += page
            result.raw.append(sha)
            result.pages += 1
            token = data.get("next_page_token") or ""
            if not isinstance(token, str):
                raise CollectError(f"unexpected response from {where}: next_page_token is not text")
            if len(fresh) > room or (len(result.items) >= cap and token):
                result.stopped = f"stopped at max_items ({cap})"
                return result
            if not token or (stop is not None and stop(page)):
                return result
            if token in given:
                result.stopped = f"stopped after {result.pages} pages: the server gave a page token again"
                return result
            if len(token) > MAX_TOKEN:
                result.stopped = (
                    f"stopped after {result.pages} pages: the server gave a page token of {len(token)} characters "
                    f"(more than {MAX_TOKEN}), not sent back"
                )
                return result
            given.add(token)

    def pipelines(self) -> Pages[KfpPipeline]:
        return self.listing("/pipelines", KfpPipeline, "pipelines", "pipeline_id")

    def versions(self, pipeline_id: str) -> Pages[PipelineVersion]:
        return self.listing(
            f"/pipelines/{segment(pipeline_id)}/versions",
            PipelineVersion,
            "pipeline_versions",
            "pipeline_version_id",
            {"sort_by": "created_at desc"},
            scoped=False,  # a pipeline's versions are found by its id, in whatever namespace
        )

    def runs(self, stop: Callable[[list[KfpRun]], bool]) -> Pages[KfpRun]:
        return self.listing("/runs", KfpRun, "runs", "run_id", {"sort_by": "created_at desc"}, stop)

    def recurring_runs(self) -> Pages[RecurringRun]:
        return self.listing("/recurringruns", RecurringRun, "recurringRuns", "recurring_run_id")

    def experiments(self) -> Pages[Experiment]:
        return self.listing("/experiments", Experiment, "experiments", "experiment_id")


def segment(text: str) -> str:
    """An id as one path segment: `/`, `?`, `#` and `%` encoded, and a `.` or `..` id too (a dot segment would be
    removed from the path, reading another resource)."""
    quoted = quote(text, safe="")
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


def _identity(item: Any, field: str) -> str:
    """What identifies a listed item: its id field (the whole item when it is not an object)."""
    if isinstance(item, dict):
        return json.dumps(item.get(field), default=str)
    return json.dumps(item, sort_keys=True, default=str)

"""Read-only calls to the Prometheus HTTP API (/api/v1/...), each returning parsed data and raw-response hashes."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.prometheus.models import (
    ActiveAlert,
    AlertList,
    AlertmanagerDiscovery,
    BuildInfo,
    Envelope,
    QueryData,
    RangeData,
    RangeSeries,
    RuleDiscovery,
    RuleGroup,
    Sample,
    ScrapeTarget,
    TargetDiscovery,
)
from evidence_collectors.rest import checked

M = TypeVar("M", bound=BaseModel)

# Names per instant query: keeps the GET URL well below common proxy limits.
NAMES_PER_QUERY = 100
MAX_PAGES_REASON = "the max-pages guard was hit"


@dataclass(frozen=True)
class RulePages:
    groups: list[RuleGroup]
    pages: int
    capped: bool  # paging stopped before the last page
    why: str = ""  # what stopped it


class PrometheusApi:
    def __init__(self, session: HttpSession) -> None:
        self.session = session

    def _data(self, path: str, params: dict[str, Any] | None = None) -> tuple[Any, str]:
        body, _, sha = self.session.get_json(path, params)
        where = self.session.url(path)
        try:
            envelope = Envelope.model_validate(body)
        except ValidationError:
            raise CollectError(f"{where}: not a Prometheus API answer") from None
        if envelope.status != "success":
            raise CollectError(f"{where}: {envelope.error_type or 'error'}: {envelope.error}")
        return envelope.data, sha

    def _parse(self, model: type[M], data: Any, path: str) -> M:
        return checked(model.model_validate, data, self.session.url(path))

    def build_info(self) -> tuple[BuildInfo, list[str]]:
        path = "/api/v1/status/buildinfo"
        data, sha = self._data(path)
        return self._parse(BuildInfo, data, path), [sha]

    def targets(self) -> tuple[list[ScrapeTarget], list[str]]:
        path = "/api/v1/targets"
        data, sha = self._data(path, {"state": "active"})
        return self._parse(TargetDiscovery, data, path).active_targets, [sha]

    def flags(self) -> tuple[dict[str, str], list[str]]:
        path = "/api/v1/status/flags"
        data, sha = self._data(path)
        if not isinstance(data, dict):
            raise CollectError(f"{self.session.url(path)}: flags are not an object")
        return {str(k): str(v) for k, v in data.items()}, [sha]

    def alertmanagers(self) -> tuple[AlertmanagerDiscovery, list[str]]:
        path = "/api/v1/alertmanagers"
        data, sha = self._data(path)
        return self._parse(AlertmanagerDiscovery, data, path), [sha]

    def rules(self, page_size: int, max_pages: int) -> tuple[RulePages, list[str]]:
        """Every rule group, following `groupNextToken` pages (Prometheus >= 3.1; older servers answer in one page and
        ignore `group_limit`)."""
        path = "/api/v1/rules"
        groups: list[RuleGroup] = []
        shas: list[str] = []
        token = ""
        seen: set[str] = set()
        for page in range(1, max_pages + 1):
            params: dict[str, Any] = {"group_limit": page_size}
            if token:
                params["group_next_token"] = token
            data, sha = self._data(path, params)
            shas.append(sha)
            discovery = self._parse(RuleDiscovery, data, path)
            groups += discovery.groups
            token = discovery.group_next_token
            if not token:
                return RulePages(groups, page, capped=False), shas
            if token in seen:
                return RulePages(groups, page, capped=True, why="the server repeated a page token"), shas
            seen.add(token)
        return RulePages(groups, max_pages, capped=True, why=MAX_PAGES_REASON), shas

    def alerts(self) -> tuple[list[ActiveAlert], list[str]]:
        path = "/api/v1/alerts"
        data, sha = self._data(path)
        return self._parse(AlertList, data, path).alerts, [sha]

    def metric_names(self, window_h: float) -> tuple[list[str], list[str]]:
        """Names of metrics with samples in the last `window_h` hours."""
        path = "/api/v1/label/__name__/values"
        now = time.time()
        data, sha = self._data(path, {"start": f"{now - window_h * 3600:.3f}", "end": f"{now:.3f}"})
        if not isinstance(data, list) or not all(isinstance(n, str) for n in data):
            raise CollectError(f"{self.session.url(path)}: unexpected answer (expected a list of names)")
        return sorted(data), [sha]

    def series_counts(self, names: Sequence[str], by: Sequence[str]) -> tuple[list[Sample], list[str]]:
        """Current series of the named metrics, counted by the given labels (one instant query per batch of names)."""
        path = "/api/v1/query"
        samples: list[Sample] = []
        shas: list[str] = []
        grouping = ", ".join(["__name__", *by])
        for start in range(0, len(names), NAMES_PER_QUERY):
            batch = names[start : start + NAMES_PER_QUERY]
            expr = f'count by ({grouping}) ({{__name__=~"{"|".join(batch)}"}})'
            data, sha = self._data(path, {"query": expr})
            shas.append(sha)
            result = self._parse(QueryData, data, path)
            if result.result_type != "vector":
                raise CollectError(f"{self.session.url(path)}: expected a vector, got {result.result_type}")
            samples += result.result
        return samples, shas

    def present_at(self, names: Sequence[str], at: float, lookback_h: float) -> tuple[bool, list[str]]:
        """Whether any of the named metrics had a sample in the `lookback_h` hours before the unix time `at`."""
        path = "/api/v1/query"
        shas: list[str] = []
        for start in range(0, len(names), NAMES_PER_QUERY):
            batch = names[start : start + NAMES_PER_QUERY]
            expr = f'count(last_over_time({{__name__=~"{"|".join(batch)}"}}[{int(lookback_h * 3600)}s]))'
            data, sha = self._data(path, {"query": expr, "time": f"{at:.3f}"})
            shas.append(sha)
            result = self._parse(QueryData, data, path)
            if result.result_type != "vector":
                raise CollectError(f"{self.session.url(path)}: expected a vector, got {result.result_type}")
            if result.result:
                return True, shas
        return False, shas

    def query_range(self, expr: str, start: float, end: float, step_s: float) -> tuple[list[RangeSeries], list[str]]:
        """A range query (GET /api/v1/query_range): every series the expression gives between `start` and `end`."""
        path = "/api/v1/query_range"
        params = {"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step_s:.3f}"}
        data, sha = self._data(path, params)
        result = self._parse(RangeData, data, path)
        if result.result_type != "matrix":
            raise CollectError(f"{self.session.url(path)}: expected a matrix, got {result.result_type}")
        return result.result, [sha]

    def instant(self, expr: str) -> tuple[list[Sample], list[str]]:
        """An instant query at the server's current time; the samples of its vector."""
        path = "/api/v1/query"
        data, sha = self._data(path, {"query": expr})
        result = self._parse(QueryData, data, path)
        if result.result_type != "vector":
            raise CollectError(f"{self.session.url(path)}: expected a vector, got {result.result_type}")
        return result.result, [sha]

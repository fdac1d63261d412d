"""Read-only calls to the Grafana HTTP API, each returning parsed data and the hashes of the raw responses."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from pydantic import TypeAdapter

from evidence_collectors.grafana.models import (
    AlertRule,
    Annotation,
    DashboardDoc,
    DataSource,
    Health,
    Report,
    SearchHit,
)
from evidence_collectors.http import CollectError, HttpSession, Unavailable
from evidence_collectors.rest import checked


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    pages: int
    capped: bool  # paging stopped while pages were still full
    why: str = ""  # what stopped it


@dataclass
class DashboardRead:
    docs: list[DashboardDoc] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # listed by search, 404 when read (deleted in between)
    skipped: int = 0  # beyond the max-dashboards guard


class GrafanaApi:
    def __init__(self, session: HttpSession) -> None:
        self.session = session

    def _get(self, path: str, params: dict[str, Any] | None = None) -> tuple[Any, str]:
        body, _, sha = self.session.get_json(path, params)
        return body, sha

    def _parse(self, adapter: TypeAdapter[Any], data: Any, path: str) -> Any:
        return checked(adapter.validate_python, data, self.session.url(path))

    def health(self) -> tuple[Health, list[str]]:
        path = "/api/health"
        body, sha = self._get(path)
        return self._parse(TypeAdapter(Health), body, path), [sha]

    def search_dashboards(self, page_size: int, max_pages: int) -> tuple[SearchResult, list[str]]:
        """Every dashboard, page by page (`limit` is the page size, `page` counts from 1) until a short page."""
        path = "/api/search"
        adapter = TypeAdapter(list[SearchHit])
        hits: list[SearchHit] = []
        shas: list[str] = []
        for page in range(1, max_pages + 1):
            body, sha = self._get(path, {"type": "dash-db", "limit": page_size, "page": page})
            shas.append(sha)
            batch: list[SearchHit] = self._parse(adapter, body, path)
            known = {h.uid for h in hits}
            hits += batch
            if len(batch) < page_size:
                return SearchResult(_unique(hits), page, capped=False), shas
            if all(h.uid in known for h in batch):  # a server that ignores `page` repeats itself forever
                return SearchResult(_unique(hits), page, capped=True, why="the server repeated a page"), shas
        return SearchResult(_unique(hits), max_pages, capped=True, why="the max-pages guard was hit"), shas

    def dashboards(self, hits: list[SearchHit], limit: int) -> tuple[DashboardRead, list[str]]:
        """Each listed dashboard's JSON model. One that is gone (404) is noted; any other failure stops the reading,
        because probes over "every dashboard" cannot be computed from some of them."""
        read = DashboardRead(skipped=max(0, len(hits) - limit))
        shas: list[str] = []
        adapter = TypeAdapter(DashboardDoc)
        for hit in hits[:limit]:
            path = f"/api/dashboards/uid/{quote(hit.uid, safe='')}"
            try:
                body, sha = self._get(path)
            except CollectError as exc:
                if exc.status == 404:  # listed by search, deleted before it was read
                    read.gone.append(hit.title or hit.uid)
                    continue
                raise
            shas.append(sha)
            read.docs.append(self._parse(adapter, body, path))
        return read, shas

    def alert_rules(self) -> tuple[list[AlertRule], list[str]]:
        path = "/api/v1/provisioning/alert-rules"
        body, sha = self._get(path)
        return self._parse(TypeAdapter(list[AlertRule]), body, path), [sha]

    def data_sources(self) -> tuple[list[DataSource], list[str]]:
        path = "/api/datasources"
        body, sha = self._get(path)
        return self._parse(TypeAdapter(list[DataSource]), body, path), [sha]

    def reports(self) -> tuple[list[Report], list[str]]:
        """Reports of the Reporting feature; a Grafana without it (open source) answers 404, which says nothing about
        whether reports are generated elsewhere, so the probe is unavailable then."""
        path = "/api/reports"
        try:
            body, sha = self._get(path)
        except CollectError as exc:
            if exc.status == 404:
                raise Unavailable("no Reporting API here (a Grafana Enterprise feature): HTTP 404") from None
            raise
        return self._parse(TypeAdapter(list[Report]), body, path), [sha]

    def annotations(self, tags: list[str], days: int, limit: int) -> tuple[list[Annotation], list[str]]:
        """Annotations carrying any of `tags` in the last `days` days (Grafana has no paging here: `limit` caps)."""
        path = "/api/annotations"
        now_ms = int(time.time() * 1000)
        params: dict[str, Any] = {
            "type": "annotation",
            "tags": tags,
            "matchAny": "true",
            "limit": limit,
            "from": now_ms - days * 86_400_000,
            "to": now_ms,
        }
        body, sha = self._get(path, params)
        return self._parse(TypeAdapter(list[Annotation]), body, path), [sha]


def _unique(hits: list[SearchHit]) -> list[SearchHit]:
    """A dashboard created or deleted while paging shifts pages; count each uid once."""
    return list({h.uid: h for h in hits}.values())

"""A real HTTP server on 127.0.0.1 that answers like Grafana from recorded responses (fixtures/grafana/), with paging,
authentication and injectable faults (status codes, invalid JSON, hangs, one-off rate limiting)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.local_http import Fault, LocalFake, QuietHandler, status

FIXTURES = Path(__file__).with_name("fixtures") / "grafana"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def message(code: int, text: str) -> Fault:
    """Grafana's error body: {"message": ..., "traceID": ...}."""
    return status(code, json.dumps({"message": text, "traceID": ""}))


@dataclass
class FakeGrafana(LocalFake):
    token: str | None = None  # when set, every API call but /api/health needs "Authorization: Bearer <token>"
    faults: dict[str, Fault] = field(default_factory=dict)
    rate_limit_once: set[str] = field(default_factory=set)  # "path?page=N" answered once with 429 Retry-After: 1
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    seen_auth: list[str] = field(default_factory=list)

    def handler(self) -> type[QuietHandler]:
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                fake.requests.append((parts.path, query))
                auth = self.headers.get("Authorization", "")
                fake.seen_auth.append(auth)
                if parts.path != "/api/health" and fake.token is not None and auth != f"Bearer {fake.token}":
                    self.send(401, b'{"message":"invalid API key","traceID":""}')
                    return
                if parts.path in fake.faults:
                    fake.faults[parts.path](self, query)
                    return
                once = f"{parts.path}?page={query.get('page', ['1'])[0]}"
                if once in fake.rate_limit_once:
                    fake.rate_limit_once.discard(once)
                    self.send(429, b'{"message":"too many requests"}', headers={"Retry-After": "1"})
                    return
                route(self, parts.path, query)

            def do_POST(self) -> None:  # the collector must never change Grafana
                fake.requests.append((f"POST {urlsplit(self.path).path}", {}))
                self.send(405, b'{"message":"read-only fake"}')

        return Handler

    def pages_requested(self) -> list[tuple[int, int]]:
        return [(int(q["limit"][0]), int(q["page"][0])) for p, q in self.requests if p == "/api/search"]


def route(handler: QuietHandler, path: str, query: dict[str, list[str]]) -> None:
    """Grafana's documented behaviour for the endpoints the collector reads."""
    if path == "/api/health":
        handler.send(200, (FIXTURES / "health.json").read_bytes())
    elif path == "/api/search":
        hits = [h for h in load("search.json") if h["type"] in query.get("type", ["dash-db", "dash-folder"])]
        limit = int(query.get("limit", ["1000"])[0])
        page = int(query.get("page", ["1"])[0])
        handler.send(200, json.dumps(hits[(page - 1) * limit : page * limit]).encode())
    elif path.startswith("/api/dashboards/uid/"):
        file = FIXTURES / "dashboards" / f"{path.rsplit('/', 1)[1]}.json"
        if file.is_file():
            handler.send(200, file.read_bytes())
        else:
            handler.send(404, b'{"message":"Dashboard not found","traceID":""}')
    elif path == "/api/v1/provisioning/alert-rules":
        handler.send(200, (FIXTURES / "alert-rules.json").read_bytes())
    elif path == "/api/datasources":
        handler.send(200, (FIXTURES / "datasources.json").read_bytes())
    elif path == "/api/reports":  # the recorded instance runs Grafana Enterprise's Reporting
        handler.send(200, (FIXTURES / "reports.json").read_bytes())
    elif path == "/api/annotations":
        if "from" not in query or "to" not in query:
            handler.send(400, b'{"message":"from and to are expected"}')
            return
        tags = set(query.get("tags", []))
        match_any = query.get("matchAny", ["false"])[0] == "true"
        found = [
            a
            for a in load("annotations.json")
            if not tags or (tags & set(a["tags"]) if match_any else tags <= set(a["tags"]))
        ]
        handler.send(200, json.dumps(found[: int(query.get("limit", ["100"])[0])]).encode())
    else:
        handler.send(404, b'{"message":"Not found"}')

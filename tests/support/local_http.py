"""Small real HTTP servers on 127.0.0.1 for the collector tests: a threaded server, a quiet handler with a `send`
helper, faults a fake or proxy can answer with, and a base for fakes that serve while inside a `with` block."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class LocalServer:
    """A threaded HTTP server on a free 127.0.0.1 port, serving until `close`; `release` is set on close so that
    handlers made to hang return."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], name: str = "local-http") -> None:
        self.release = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
        )
        self.thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that logs nothing and answers with `send`."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass


class LocalFake:
    """Serves `handler()` on a LocalServer while inside `with`."""

    server: LocalServer | None = None

    def handler(self) -> type[QuietHandler]:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.server = LocalServer(self.handler())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url


# --- faults: what a fake or proxy answers on a chosen path ----------------------------------------------------------

Fault = Callable[[QuietHandler, dict[str, list[str]]], None]


def hang(handler: QuietHandler, query: dict[str, list[str]]) -> None:
    """Answer nothing until the server is closed (or 30 s pass): longer than any test timeout."""
    handler.server.owner.release.wait(30)  # type: ignore[attr-defined]


def status(
    code: int,
    body: bytes | str = b"",
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Fault:
    data = body.encode() if isinstance(body, str) else body

    def fault(handler: QuietHandler, query: dict[str, list[str]]) -> None:
        handler.send(code, data, content_type, headers)

    return fault


def json_answer(data: Any) -> Fault:
    """200 with `data` as the JSON body."""
    return status(200, json.dumps(data))

"""Hostile HTTP servers on 127.0.0.1: they echo credentials, redirect elsewhere or in circles, drip bytes, announce or
stream endless bodies, send compression bombs and ask to be left alone for a day. Each path answers with a `Route`;
every request is recorded (method, path with query, headers) so a test can check what a server was sent.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from evidence_collectors.base import Collector
from evidence_collectors.records import EvidenceRecord
from evidence_collectors.runner import collect
from evidence_collectors.targets import Target
from tests.support.local_http import LocalFake, QuietHandler
from tests.support.servers import require_binary

Route = Callable[["HostileHandler"], None]


@dataclass(frozen=True)
class Seen:
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]


class HostileHandler(QuietHandler):
    """Answers with the route of the longest registered path prefix."""

    fake: HostileServer

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self._answer("POST")

    def _answer(self, method: str) -> None:
        self.fake.seen.append(Seen(method, self.path, {k: v for k, v in self.headers.items()}))
        path = urlsplit(self.path).path
        prefixes = sorted((p for p in self.fake.routes if path.startswith(p)), key=len, reverse=True)
        if not prefixes:
            self.send(404, b'{"message": "not found"}')
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            self.fake.routes[prefixes[0]](self)

    @property
    def released(self) -> bool:
        return self.fake.server is not None and self.fake.server.release.is_set()


@dataclass
class HostileServer(LocalFake):
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def handler(self) -> type[QuietHandler]:
        fake = self

        class Handler(HostileHandler):
            pass

        Handler.fake = fake
        return Handler

    def hits(self, prefix: str) -> int:
        return sum(1 for s in self.seen if s.target.startswith(prefix))


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    key_args = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
    names = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [require_binary("openssl"), "req", "-x509", *key_args, *names, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@dataclass
class TlsHostileServer(HostileServer):
    """A HostileServer speaking HTTPS with a self-signed certificate (targets reach it with `verify_tls: false`)."""

    cert_dir: Path = Path(".")

    def __enter__(self) -> TlsHostileServer:
        cert, key = self_signed(self.cert_dir)
        super().__enter__()
        assert self.server is not None
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.httpd.socket = context.wrap_socket(self.server.httpd.socket, server_side=True)
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"https://{self.server.address}"


# --- routes -----------------------------------------------------------------------------------------------------------


def answer(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    body = json.dumps(data).encode()
    return lambda h: h.send(status, body, headers=headers)


def echo() -> Route:
    """Echo every request header back in the body (a JSON object), credentials included."""
    return lambda h: h.send(200, json.dumps({"echo": dict(h.headers.items()), "path": h.path}).encode())


def echo_redirect(to: str) -> Route:
    """Redirect to `to` carrying the request's credential headers in the query, raw and base64 encoded."""

    def route(h: HostileHandler) -> None:
        carried = " ".join(v for k, v in h.headers.items() if k.lower() in ("authorization", "private-token"))
        b64 = base64.b64encode(carried.encode()).decode()
        sep = "&" if "?" in to else "?"
        carry = f"seen={quote_plus(carried)}&b64={quote(b64, safe='')}&private_token={quote(carried)}"
        location = f"{to}{sep}hop=1&{carry}"
        h.send(302, b"", headers={"Location": location})

    return route


def raw(data: bytes) -> Route:
    """Send `data` as it is, status line and headers included, then close: whatever bytes a server may send."""

    def route(h: HostileHandler) -> None:
        h.wfile.write(data)
        h.wfile.flush()
        h.close_connection = True

    return route


def chunked(pieces: list[bytes], pause_s: float = 0.05) -> Route:
    """A chunked 200 answer, one chunk per piece, flushed and paused between chunks so that each arrives on its own."""

    def route(h: HostileHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        for piece in pieces:
            h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            h.wfile.flush()
            time.sleep(pause_s)
        h.wfile.write(b"0\r\n\r\n")
        h.close_connection = True

    return route


def redirect(to: str | Callable[[HostileHandler], str], status: int = 302) -> Route:
    return lambda h: h.send(status, b"", headers={"Location": to(h) if callable(to) else to})


def rate_limited(retry_after: str, status: int = 429) -> Route:
    return lambda h: h.send(status, b'{"message": "slow down"}', headers={"Retry-After": retry_after})


def drip(body: bytes, every_s: float, in_headers: bool) -> Route:
    """Send the answer one byte at a time, `every_s` apart: from the status line on, or once the headers are out."""

    def route(h: HostileHandler) -> None:
        head = f"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        slow = head + body if in_headers else body
        if not in_headers:
            h.wfile.write(head)
            h.wfile.flush()
        for byte in slow:
            if h.released:
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(every_s)

    return route


def announced(length: int) -> Route:
    """Announce a body of `length` bytes and start sending it."""

    def route(h: HostileHandler) -> None:
        h.wfile.write(f"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n".encode())
        chunk = b" " * 65536
        for _ in range(length // len(chunk)):
            if h.released:
                return
            h.wfile.write(chunk)

    return route


def gzip_bomb(decoded_bytes: int) -> Route:
    """A gzip body that inflates to `decoded_bytes` of spaces, compressed as it is sent (about 1 KB a MB)."""

    def route(h: HostileHandler) -> None:
        h.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\r\n")
        for piece in gzip_stream(decoded_bytes):
            if h.released:
                return
            h.wfile.write(piece)

    return route


def gzip_stream(decoded_bytes: int) -> Iterator[bytes]:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1 << 20)
    for _ in range(decoded_bytes // len(block)):
        piece = squeeze.compress(block)
        if piece:
            yield piece
    yield squeeze.flush()


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte (nor completes a TLS handshake) until closed."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.accepted: list[socket.socket] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="silent-server", daemon=True)

    @property
    def port(self) -> int:
        return int(self.listener.getsockname()[1])

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed.set()
        self.listener.close()
        self._thread.join(timeout=5)
        for conn in self.accepted:
            conn.close()

    def _accept(self) -> None:
        self.listener.settimeout(0.05)
        while not self._closed.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)


class Counter:
    """A thread-safe counter for routes that answer differently each time."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            self.value += 1
            return self.value


# --- checking outputs for a credential ------------------------------------------------------------------------------


def credential_forms(*secrets: str) -> dict[str, str]:
    """Every form under which a credential could leak, by a label naming the encoding (independent of the product's
    own list of encodings, so that the check does not share its blind spots)."""
    forms: dict[str, str] = {}
    for secret in secrets:
        raw = secret.encode()
        candidates = {
            "raw": secret,
            "b64": base64.b64encode(raw).decode(),
            "b64-unpadded": base64.b64encode(raw).decode().rstrip("="),
            "b64url": base64.urlsafe_b64encode(raw).decode(),
            "b64url-unpadded": base64.urlsafe_b64encode(raw).decode().rstrip("="),
            "quote": quote(secret, safe=""),
            "quote_plus": quote_plus(secret),
            "json": json.dumps(secret)[1:-1],
            "json-go": json.dumps(secret)[1:-1].replace("&", "\\u0026"),  # Go escapes &, < and > by default
            "html": html.escape(secret),
            "quote-tilde": quote(secret, safe="").replace("~", "%7E"),  # encoders of RFC 2396 (Java's) escape `~`
        }
        for label in ("b64", "b64url"):
            candidates[f"{label}-quote"] = quote(candidates[label], safe="")
            candidates[f"{label}-quote_plus"] = quote_plus(candidates[label])
        for label, form in candidates.items():
            forms[f"{secret[:6]}…/{label}"] = form
    return forms


def leaks(text: bytes | str, forms: dict[str, str]) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode()
    return [label for label, form in forms.items() if form.encode() in data]


# --- one target collected as `collect` does, for the hostile-server tests -------------------------------------------


def collect_target(collector: type[Collector], url: str, **fields: Any) -> dict[str, EvidenceRecord]:
    """One target collected by the runner, as `collect` does: a failure of the whole target becomes its records."""
    config = collector.config_model.model_validate(
        {"collector": collector.name, "name": "hostile", "url": url, "timeout_s": 2, "retries": 0} | fields
    )
    records = collect([Target(config=config, collector=collector)]).records
    assert [r.probe for r in records] == collector.probe_ids()
    return {r.probe: r for r in records}

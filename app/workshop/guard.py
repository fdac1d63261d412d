"""What Streamlit serves over plain HTTP, beside the app's page, held to the same gate.

Streamlit accepts uploaded files for any open browser session at `/_stcore/upload_file/<session>/<file>` and keeps
them in memory until the session ends, whether or not the page shows an upload field: a session that never entered
the access code could fill the server's memory. This middleware takes uploads only for sessions the gate admitted
(app/workshop/gate.py records them here), and answers 404 for the server's usage counters (`/_stcore/metrics`,
which tell anyone how many people are connected). It also answers the two requests of app/workshop/remember.py: a
ticket exchanged for the cookie that keeps a browser in, and the request that clears it. Everything else goes to
Streamlit unchanged.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from app.workshop import remember

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATH = "/_stcore/upload_file/"
HIDDEN_PATHS = ("/_stcore/metrics",)

_admitted: set[str] = set()
_lock = threading.Lock()


def admit(session_id: str) -> None:
    with _lock:
        _admitted.add(session_id)


def forget(session_id: str) -> None:
    with _lock:
        _admitted.discard(session_id)


def is_admitted(session_id: str) -> bool:
    with _lock:
        return session_id in _admitted


def upload_session(path: str) -> str | None:
    """The session an upload request names (None: not an upload request)."""
    at = path.find(UPLOAD_PATH)
    if at < 0:
        return None
    return path[at + len(UPLOAD_PATH) :].split("/", 1)[0]


class Guard:
    """ASGI middleware in front of the Streamlit app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = str(scope.get("path", ""))
            session = upload_session(path)
            if session is not None and scope.get("method") != "OPTIONS" and not is_admitted(session):
                await _refuse(send, 403, b"upload refused: this session has not entered the workshop")
                return
            if path.rstrip("/").endswith(HIDDEN_PATHS):
                await _refuse(send, 404, b"not found")
                return
            if path.startswith(remember.PATH):
                name = remember.redeem(path[len(remember.PATH) :])
                if name is None:
                    await _refuse(send, 404, b"not found")
                else:
                    await _refuse(send, 200, _PIXEL, [remember.set_cookie_header(remember.token(name))], b"image/gif")
                return
            if path == remember.FORGET_PATH:
                await _refuse(send, 200, _PIXEL, [remember.set_cookie_header("", max_age=0)], b"image/gif")
                return
        await self.app(scope, receive, send)


_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")  # a 1x1 transparent GIF


async def _refuse(
    send: Send, status: int, body: bytes, cookies: list[bytes] | None = None, kind: bytes = b"text/plain; charset=utf-8"
) -> None:
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]
    headers += [(b"set-cookie", cookie) for cookie in cookies or []]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

"""A browser session without a browser: Streamlit's WebSocket protocol spoken directly, as a curious colleague's
script would, to send what the page's widgets never would (any widget value, Streamlit's own requests such as
clearing every cache) and to upload files over Streamlit's HTTP endpoint."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class RawSession:
    """One session on a running server; `source` is the local address to connect from (another 127.x.y.z looks
    like another machine to the server); `headers` go with the connection (a cookie, a forwarded-for address)."""

    def __init__(
        self, base: str, source: str = "127.0.0.1", query: str = "lang=en", headers: dict[str, str] | None = None
    ) -> None:
        self.base, self.source, self.query, self.headers = base, source, query, headers
        self.session_id = ""
        self.widgets: dict[str, str] = {}  # label -> widget id
        self.shown: list[str] = []  # the text of every element of the last run
        self._ws: Any = None

    async def __aenter__(self) -> RawSession:
        self._ws = await websockets.connect(
            self.base.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=[websockets.Subprotocol("streamlit")],
            local_addr=(self.source, 0),
            additional_headers=self.headers,
            max_size=None,
        )
        await self.run()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._ws.close()

    async def _send(self, message: BackMsg) -> None:
        await self._ws.send(message.SerializeToString())

    async def run(self, values: dict[str, str] | None = None, press: tuple[str, ...] = ()) -> None:
        """Rerun the script with these text values and button presses (by label), as the page would."""
        message = BackMsg()
        message.rerun_script.query_string = self.query
        for label, value in (values or {}).items():
            state = message.rerun_script.widget_states.widgets.add()
            state.id, state.string_value = self.widgets[label], value
        for label in press:
            state = message.rerun_script.widget_states.widgets.add()
            state.id, state.trigger_value = self.widgets[label], True
        await self._send(message)
        self.shown = []
        while True:
            incoming = ForwardMsg()
            incoming.ParseFromString(await asyncio.wait_for(self._ws.recv(), 30))
            kind = incoming.WhichOneof("type")
            if kind == "new_session":
                self.session_id = incoming.new_session.initialize.session_id
            elif kind == "delta" and incoming.delta.WhichOneof("type") == "new_element":
                element = incoming.delta.new_element
                body = getattr(element, str(element.WhichOneof("type")))
                if getattr(body, "id", ""):
                    self.widgets[str(getattr(body, "label", ""))] = body.id
                self.shown.append(str(body))
            elif kind == "script_finished":
                return

    async def clear_caches(self) -> None:
        """Streamlit's 'clear cache' request: every cache of the server and this session's state."""
        message = BackMsg()
        message.clear_cache = True
        await self._send(message)

    def upload(self, name: str, data: bytes) -> int:
        """PUT a file for this session as the upload field would; the HTTP status."""
        with httpx.Client(base_url=self.base) as http:
            http.get("/_stcore/health")
            token = http.cookies.get("_streamlit_xsrf") or ""
            answer = http.put(
                f"/_stcore/upload_file/{self.session_id}/probe", files={"file": (name, data)},
                headers={"X-Xsrftoken": token},
            )  # fmt: skip
            return answer.status_code

"""A curious colleague on the same network, against a real server started by `mlops-maturity workshop` on
127.0.0.1 with an access code, from a folder whose `.streamlit/config.toml` and environment try to open the server
up: Streamlit's own endpoints give nothing away, uploads need an admitted session, guessing is slowed per address
without locking the team out, and the code is in no process list, environment or log.

Another machine is played by connecting from another loopback address (127.0.0.2, 127.0.0.3): the server sees it as a
different client, as it would a colleague's laptop."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.workshop.throttle import FIRST_DELAY_ENV
from assessors.sqlite_store import SqliteStore
from capability_model.loader import LoadedFramework
from tests.conftest import cli_path
from tests.support.servers import free_port, require_binary, wait_for_http
from tests.workshop.archives import pack
from tests.workshop.conftest import blank
from tests.workshop.rawclient import RawSession
from tests.workshop.test_browser import CHROMIUM, CHROMIUM_ARGS, _gate
from tests.workshop.test_evidence import _bundle

if TYPE_CHECKING:
    pass

CODE = "violet-anchor-93-meadow"
FIRST_WAIT_S = 10  # the server's wait after a first wrong code: long enough to see under load
ORGANISATION = "Secret Bank of Attack Tests"
COLLEAGUE, GUESSER, LIAR = "127.0.0.2", "127.0.0.3", "127.0.0.4"  # each test its own address: failures stay


@dataclass(frozen=True)
class Server:
    base: str
    pid: int
    db: Path
    workshop_id: int
    log: Path
    folder: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, part1: LoadedFramework) -> Iterator[Server]:
    require_binary("chromium")
    folder = tmp_path_factory.mktemp("attacks")
    db = folder / "w.sqlite"
    workshop_id = SqliteStore(db).create([blank(part1, organisation=ORGANISATION)], "seed")
    hostile = folder / ".streamlit"  # settings where the command runs must not weaken the server
    hostile.mkdir()
    (hostile / "config.toml").write_text(
        "[server]\nenableAgentApi = true\nenableXsrfProtection = false\nenableStaticServing = true\n"
        "maxUploadSize = 2000\n",
        encoding="utf-8",
    )
    env = {
        **os.environ, "WORKSHOP_CODE": CODE, "STREAMLIT_SERVER_ENABLE_AGENT_API": "true",
        FIRST_DELAY_ENV: str(FIRST_WAIT_S),
    }  # fmt: skip
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [cli_path(), "workshop", "--db", str(db), "--port", str(port), "--access-code-env", "WORKSHOP_CODE"],
            stdout=out, stderr=subprocess.STDOUT, cwd=folder, env=env,
        )  # fmt: skip
        try:
            try:
                wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", timeout_s=60)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}\n{log.read_text(errors='replace')}") from exc
            yield Server(f"http://127.0.0.1:{port}", process.pid, db, workshop_id, log, folder)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _gate_only(session: RawSession) -> None:
    unlabelled = session.widgets.pop("", "")  # the component loading the dashboard's code (app/workshop/prefetch.py)
    assert unlabelled.endswith("-prefetch"), unlabelled
    assert set(session.widgets) == {"Language", "Your name", "Access code", "Enter"}
    assert not any(ORGANISATION in shown or "P1.RM" in shown for shown in session.shown)


def test_without_the_code_nothing_is_given_away(server: Server) -> None:
    secrets = (ORGANISATION, str(server.db), server.db.name)
    with httpx.Client(base_url=server.base, timeout=10) as http:
        for path in (f"/?w={server.workshop_id}&page=export", "/_stcore/host-config", "/_stcore/health"):
            answer = http.get(path)
            assert answer.status_code == 200 and not any(s in answer.text for s in secrets), path
        assert http.get("/_stcore/metrics").status_code == 404  # who and how many are connected: not told
        assert http.post("/_stcore/agent/interact", json={}).status_code == 403  # off, whatever config.toml says
        static = http.get(f"/app/static/{server.db.name}")  # no static files served: the app's page instead
        assert static.headers["content-type"].startswith("text/html") and b"SQLite format" not in static.content
        assert http.get("/media/0123456789abcdef.csv").status_code == 404
        guessed = http.get("/_workshop/remember/not-a-ticket-the-server-gave")  # no cookie without a real ticket
        assert guessed.status_code == 404 and "set-cookie" not in guessed.headers

    async def probe() -> None:
        async with RawSession(server.base, COLLEAGUE, f"w={server.workshop_id}&page=export&lang=en") as session:
            _gate_only(session)
            # an upload for a session that never entered the code is refused before Streamlit keeps it in memory
            assert session.upload("bundle.zip", b"\0" * 1_000_000) == 403
            await session.run({"Your name": "Mallory", "Access code": "not-the-code"}, ("Enter",))
            _gate_only(session)
            assert session.upload("bundle.zip", b"\0" * 1000) == 403

    asyncio.run(probe())


def test_a_page_elsewhere_cannot_reach_the_server_through_a_browser(server: Server) -> None:
    """DNS rebinding: a web page whose name now points at 127.0.0.1 asks for its own name; refused."""

    async def handshake(host: str) -> str:
        reader, writer = await asyncio.open_connection("127.0.0.1", int(server.base.rsplit(":", 1)[1]))
        writer.write(
            f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: streamlit\r\n\r\n".encode()
        )
        await writer.drain()
        status = (await asyncio.wait_for(reader.readline(), 10)).decode()
        writer.close()
        return status

    port = server.base.rsplit(":", 1)[1]
    assert " 101 " in asyncio.run(handshake(f"127.0.0.1:{port}"))  # the server's own name: served
    assert " 101 " not in asyncio.run(handshake(f"rebind.example:{port}"))


def test_the_code_is_in_no_process_list_environment_or_log(server: Server) -> None:
    proc = Path("/proc") / str(server.pid)
    command_line = (proc / "cmdline").read_bytes().decode(errors="replace")
    assert "server.py" in command_line and CODE not in command_line and "pbkdf2" not in command_line
    environment = (proc / "environ").read_bytes().decode(errors="replace")
    assert CODE not in environment and "WORKSHOP_CODE=" not in environment
    assert CODE not in server.log.read_text(errors="replace")


def test_a_colleagues_guessing_does_not_lock_out_the_team(server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    async def guess() -> None:
        # each check follows at once the wrong code it waits for (the wait is FIRST_WAIT_S: long enough under load)
        async with RawSession(server.base, GUESSER) as session:
            await session.run({"Your name": "Mallory", "Access code": "guess-number-one"}, ("Enter",))
            assert any("not right" in shown for shown in session.shown)
            await session.clear_caches()  # every cache of the server and this session's state
        async with RawSession(server.base, GUESSER) as fresh:  # and a new session on top
            await fresh.run({"Your name": "Mallory", "Access code": CODE}, ("Enter",))
            assert any("Too many attempts" in shown for shown in fresh.shown)  # even the right code waits
            _gate_only(fresh)
        async with RawSession(server.base, LIAR, headers={"X-Forwarded-For": "10.1.1.1"}) as liar:
            await liar.run({"Your name": "Mallory", "Access code": "guess-number-two"}, ("Enter",))
            assert any("not right" in shown for shown in liar.shown)
        async with RawSession(server.base, LIAR, headers={"X-Forwarded-For": "10.2.2.2"}) as liar:  # not believed
            await liar.run({"Your name": "Mallory", "Access code": "guess-number-three"}, ("Enter",))
            assert any("Too many attempts" in shown for shown in liar.shown)

    asyncio.run(guess())
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(pack(_bundle(tmp_path / "bundle", ["dvc"]), "zip"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(f"{server.base}/?w={server.workshop_id}&page=evidence&lang=en")
            _gate(page, "Li Wei", CODE)  # at once, from this machine: the colleague's wait is not the team's
            expect(page.get_by_text("No evidence bundle is loaded.")).to_be_visible()
            page.locator("input[type=file]").set_input_files(str(archive))
            expect(page.get_by_text("bundle.zip")).to_be_visible()
            page.get_by_role("button", name="Load the bundle", exact=True).click()
            expect(page.get_by_text("The bundle is verified and loaded.")).to_be_visible()  # uploads still work
        finally:
            browser.close()
    assert SqliteStore(server.db).load(server.workshop_id).evidence_bundle

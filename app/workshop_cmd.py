"""`workshop`: start the Streamlit workshop UI on an embedded SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

APP_SCRIPT = Path(__file__).parent / "workshop" / "main.py"
DB_ENV = "MLOPS_MATURITY_WORKSHOP_DB"  # read by app/workshop/state.py; not imported here so `--help` stays fast


def streamlit_command(port: int, host: str) -> list[str]:
    """`streamlit run` on the app, headless and without telemetry (workshops run on closed networks)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.port", str(port),
        "--server.address", host,
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip


def workshop(
    db: Annotated[
        Path, typer.Option("--db", help="SQLite database file (created when missing); shown in the UI.")
    ] = Path("workshop.sqlite"),
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8501,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")] = (
        "127.0.0.1"
    ),
) -> None:
    """Start the workshop UI: create or open an assessment and answer it together; every change is saved at once."""
    env = {**os.environ, DB_ENV: str(db.expanduser().resolve())}
    typer.echo(f"workshop on http://{host}:{port}  (database {env[DB_ENV]})", err=True)
    command = streamlit_command(port, host)
    if os.name == "posix":
        os.execve(sys.executable, command, env)  # the server replaces this process: signals reach it directly
    raise typer.Exit(subprocess.call(command, env=env))

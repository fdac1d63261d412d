"""Helpers for tests that start real servers on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout_s: float = 60.0) -> None:
    """Poll until the URL answers with any HTTP status below 500; fail the test when it never does."""
    deadline = time.monotonic() + timeout_s
    last = ""
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {timeout_s:g} s ({last})")


def require_binary(name: str) -> str:
    """Path of a server binary. Missing: skip on a developer's machine, fail under CI (CI must run real systems)."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (scripts/install-system-deps.sh installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)

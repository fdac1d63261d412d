"""The Debian Chromium that browser tests and benchmarks drive through Playwright, and how it is started here."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking switches Chromium tries to reach its services, which fails on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

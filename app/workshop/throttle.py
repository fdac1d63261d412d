"""Failed access-code attempts slow down the next ones, per client address and for the whole server.

Attempts are counted per client address (the TCP peer of the browser's connection, which a client on the network
cannot choose), not per browser session: opening new sessions, or clearing the session's state or the server's
caches (which any client can ask Streamlit for), starts nothing afresh. Each address's wait doubles with each of its
failures; one attempt at a time per address.

For the whole server, a cap on failures per minute stops someone who has several addresses. The cap holds back only
addresses that failed in the last minute: someone who has not typed a wrong code is never kept waiting by someone
else's guesses, so a colleague typing wrong codes cannot lock the team out (a member who mistypes while the cap is
reached waits at most a minute). Only above a ceiling ten times the cap, reachable only with very many addresses,
does everyone wait (until the failures of the last minute fall below it): the price of bounding how fast anyone
can guess.

The state lives in this module, not in Streamlit's session state or caches, so it lasts as long as the server.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

FORGET_AFTER_S = 15 * 60  # an address that has not failed for this long starts afresh


@dataclass
class _Client:
    failures: int = 0
    not_before: float = 0.0  # clock time before which no attempt of this address is taken
    last_failure: float = float("-inf")


class Throttle:
    def __init__(
        self,
        first_delay_s: float = 1.0,
        max_delay_s: float = 60.0,
        server_failures_per_minute: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.first_delay_s, self.max_delay_s = first_delay_s, max_delay_s
        self.cap = server_failures_per_minute
        self.ceiling = 10 * server_failures_per_minute
        self.clock = clock
        self._recent: deque[float] = deque()
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    def _forget(self, now: float) -> None:
        while self._recent and self._recent[0] <= now - 60:
            self._recent.popleft()
        stale = [k for k, c in self._clients.items() if c.last_failure <= now - FORGET_AFTER_S and c.not_before <= now]
        for key in stale:
            del self._clients[key]

    def _wait(self, client: str, now: float) -> float:
        recent = self._recent
        ceiling = recent[-self.ceiling] + 60 - now if len(recent) >= self.ceiling else 0.0  # everyone
        mine = self._clients.get(client)
        if mine is None:
            return max(0.0, ceiling)
        suspect = mine.last_failure > now - 60
        cap = recent[-self.cap] + 60 - now if suspect and len(recent) >= self.cap else 0.0  # until below the cap
        return max(0.0, mine.not_before - now, cap, ceiling)

    def wait_s(self, client: str) -> float:
        """Seconds before `client` may try again (0: now)."""
        now = self.clock()
        with self._lock:
            self._forget(now)
            return self._wait(client, now)

    def start(self, client: str) -> float:
        """Begin an attempt of `client`: 0 when it may go ahead (until `failed` or `succeeded`, its other attempts
        wait), else the seconds to wait."""
        now = self.clock()
        with self._lock:
            self._forget(now)
            wait = self._wait(client, now)
            if wait <= 0:
                mine = self._clients.setdefault(client, _Client())
                mine.not_before = now + self.first_delay_s
            return wait

    def failed(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            mine = self._clients.setdefault(client, _Client())
            mine.failures += 1
            mine.last_failure = now
            mine.not_before = now + min(self.max_delay_s, self.first_delay_s * 2 ** (mine.failures - 1))
            self._recent.append(now)

    def succeeded(self, client: str) -> None:
        """A right code: the address's own wait ends (its failures still count towards the server's cap)."""
        with self._lock:
            mine = self._clients.get(client)
            if mine is not None:
                mine.failures, mine.not_before = 0, 0.0

    def failures(self, client: str) -> int:
        with self._lock:
            mine = self._clients.get(client)
            return mine.failures if mine is not None else 0


FIRST_DELAY_ENV = "MLOPS_MATURITY_WORKSHOP_FIRST_WAIT_S"  # the wait after an address's first wrong code


def _first_delay(environ: Mapping[str, str]) -> float:
    """The configured first wait (seconds, 0.1 to 60); one second when unset or not a number in that range."""
    try:
        value = float(environ.get(FIRST_DELAY_ENV, "1"))
    except ValueError:
        return 1.0
    return value if 0.1 <= value <= 60 else 1.0


SERVER = Throttle(first_delay_s=_first_delay(os.environ))  # the running server's: one per process, kept across
# cache clearing

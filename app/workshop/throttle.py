"""Failed access-code attempts slow down the next ones.

Per browser session the wait doubles with each failure; for the whole server a cap on failures per minute keeps
someone from getting round the per-session wait by opening new sessions.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from pydantic import BaseModel


class Attempts(BaseModel):
    """One session's failed attempts (kept in its session state, which the browser cannot change)."""

    failures: int = 0
    not_before: float = 0.0  # clock time before which no attempt is taken


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
        self.clock = clock
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()

    def wait_s(self, mine: Attempts) -> float:
        """Seconds before this session may try again (0: now)."""
        now = self.clock()
        with self._lock:
            while self._recent and self._recent[0] <= now - 60:
                self._recent.popleft()
            server = self._recent[0] + 60 - now if len(self._recent) >= self.cap else 0.0
        return max(0.0, mine.not_before - now, server)

    def failed(self, mine: Attempts) -> None:
        now = self.clock()
        mine.failures += 1
        mine.not_before = now + min(self.max_delay_s, self.first_delay_s * 2 ** (mine.failures - 1))
        with self._lock:
            self._recent.append(now)

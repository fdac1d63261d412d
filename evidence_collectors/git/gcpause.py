"""The cyclic garbage collector paused while a tree is analysed.

Parsing a large repository's YAML and code builds hundreds of thousands of small containers that live until the
analysis ends and hold no reference cycles (reference counting frees them). Each of those allocations counts towards
the collector's next pass, and every pass walks all of them again: on a 4,400-file repository that was a third of the
parsing time. Targets run in threads, so the pause is shared: the first analysis to start pauses it (only if it was
running), the last to end resumes it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_active = 0
_resume = False


@contextmanager
def paused_cycle_collection() -> Iterator[None]:
    global _active, _resume
    with _lock:
        if _active == 0:
            _resume = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _resume:
                gc.enable()

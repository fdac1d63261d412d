"""Peak memory of a child process, read where it is true.

A child's `ru_maxrss` (from `wait4` or `getrusage`) starts at its parent's resident size at fork, and the kernel keeps
it across exec: after a long test session it reports pytest's memory, not the command's. `VmHWM` in /proc belongs to
the child's own address space, made anew at exec, so it is sampled while the child runs.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from typing import IO

_HWM = re.compile(r"^VmHWM:\s+(\d+) kB", re.MULTILINE)


def high_water_mb(pid: int) -> float:
    """The process's peak resident memory so far, MB; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = _HWM.search(status)
    return int(found.group(1)) / 1024 if found else 0.0


def wait_with_peak(process: subprocess.Popen[bytes], timeout_s: float, every_s: float = 0.02) -> tuple[int, float]:
    """Wait for the child, sampling its peak memory; its exit code and peak resident MB. Kills it past `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    peak = 0.0
    while time.monotonic() < deadline:
        peak = max(peak, high_water_mb(process.pid))
        if process.poll() is not None:
            return process.returncode, peak
        time.sleep(every_s)
    process.kill()
    process.wait()
    raise AssertionError(f"{process.args!r} did not end within {timeout_s:g} s")


def run_with_peak(
    args: list[str], *, timeout_s: float, stdout: IO[bytes] | int | None = subprocess.DEVNULL, **popen: object
) -> tuple[int, str, float]:
    """Run a command to its end; its exit code, stderr and peak resident MB (stderr kept in a file, never a pipe that
    could fill while the child is sampled)."""
    import tempfile

    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(args, stdout=stdout, stderr=err, **popen)  # type: ignore[call-overload]
        code, peak = wait_with_peak(process, timeout_s)
        err.seek(0)
        return code, err.read().decode("utf-8", "replace"), peak

"""Processes the demo starts: each in its own process group, written to a state file as soon as it starts, stopped
with SIGTERM then SIGKILL for the whole group.

Why process groups: `mlflow server` starts uvicorn workers; signalling only the CLI could leave them behind. Why a
state file: if the orchestrator itself is killed (SIGKILL, closed terminal), the next run or `stop` still finds what
it started; the recorded start time (from /proc) makes sure a recycled pid is never signalled. Children also get
SIGTERM from the kernel when the orchestrator dies (PR_SET_PDEATHSIG), so nothing outlives it for long.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from pydantic import BaseModel

PR_SET_PDEATHSIG = 1
# Held back while a process is started and recorded, so that Ctrl+C cannot leave an unrecorded child behind.
GUARDED = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class Started(BaseModel):
    """One process group we started: its leader's pid (= pgid) and start time, its command and log."""

    name: str
    pid: int
    start_ticks: int
    command: list[str]
    log: str


class StackState(BaseModel):
    started: list[Started] = []


def _child_setup() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Undo the parent's signal blocking (a mask survives exec) and ask for SIGTERM when the parent dies."""
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state is [0], pgid [2], start time [19]); None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()


def start_ticks(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[19]) if fields else -1


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


class Supervisor:
    """Starts process groups and stops them all; the state file always lists what is running."""

    def __init__(self, state_file: Path) -> None:
        self.state_file = state_file
        self.state = StackState()
        self.popens: dict[int, subprocess.Popen[bytes]] = {}

    def _save(self) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(self.state.model_dump_json(indent=2), encoding="utf-8")
        os.replace(tmp, self.state_file)

    def spawn(self, name: str, command: Sequence[str], log: Path, env: dict[str, str] | None = None) -> int:
        log.parent.mkdir(parents=True, exist_ok=True)
        held = signal.pthread_sigmask(signal.SIG_BLOCK, GUARDED)
        try:
            return self._spawn(name, command, log, env)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _spawn(self, name: str, command: Sequence[str], log: Path, env: dict[str, str] | None) -> int:
        with log.open("ab") as out:
            process = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=_child_setup,
            )
        self.popens[process.pid] = process
        self.state.started.append(
            Started(
                name=name, pid=process.pid, start_ticks=start_ticks(process.pid), command=list(command), log=str(log)
            )
        )
        self._save()
        return process.pid

    def exit_code(self, pid: int) -> int | None:
        """The exit code of a process we started, None while it runs."""
        return self.popens[pid].poll()

    def wait(self, pid: int) -> int:
        return self.popens[pid].wait()

    def stop_all(self, grace_s: float = 10.0) -> list[str]:
        """Stop every group, newest first; returns the names of groups that needed SIGKILL."""
        killed = stop_groups(self.state.started, grace_s, self.popens)
        self.state.started = []
        self._save()
        return killed


def _ours(entry: Started) -> bool:
    """Whether the group is still ours: its leader is the process we started (not a recycled pid), or the leader is
    gone and members are left (Linux does not reuse a pid while a group still carries it as its id)."""
    ticks = start_ticks(entry.pid)
    return ticks == entry.start_ticks or (ticks == -1 and bool(group_members(entry.pid)))


def stop_groups(
    entries: list[Started], grace_s: float, popens: dict[int, subprocess.Popen[bytes]] | None = None
) -> list[str]:
    popens = popens or {}
    live = [e for e in reversed(entries) if _ours(e)]
    for entry in live:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(entry.pid, signal.SIGTERM)
    killed = []
    deadline = time.monotonic() + grace_s
    for entry in live:
        while group_members(entry.pid) and time.monotonic() < deadline:
            _reap(entry.pid, popens)
            time.sleep(0.05)
        if group_members(entry.pid):
            killed.append(entry.name)
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(entry.pid, signal.SIGKILL)
    for entry in live:
        end = time.monotonic() + 5.0
        while group_members(entry.pid) and time.monotonic() < end:
            _reap(entry.pid, popens)
            time.sleep(0.05)
        _reap(entry.pid, popens)
    return killed


def _reap(pid: int, popens: dict[int, subprocess.Popen[bytes]]) -> None:
    if pid in popens:
        popens[pid].poll()


def stop_recorded(state_file: Path, grace_s: float = 10.0) -> list[str]:
    """Stop what a previous run recorded (it may have been killed before it could stop its processes)."""
    if not state_file.exists():
        return []
    try:
        state = StackState.model_validate(json.loads(state_file.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []
    names = [e.name for e in state.started if _ours(e)]
    stop_groups([e for e in state.started if _ours(e)], grace_s)
    state_file.unlink(missing_ok=True)
    return names

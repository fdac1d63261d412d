"""Read-only access to a repository through the git binary.

Only plumbing that reads objects and refs is run (rev-parse, ls-tree, cat-file, log, for-each-ref): nothing checks out,
refreshes the index, takes locks or fetches. Every command's output is kept in the raw store by its hash.
"""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
import threading
from pathlib import Path

from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.raw import RawStore
from evidence_collectors.secrets import Redactor

# Ignore the caller's GIT_* variables (a hook's GIT_DIR would point git elsewhere) and never prompt or take locks.
_SAFE_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "GIT_NO_REPLACE_OBJECTS": "1", "LC_ALL": "C"}
_SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.quotePath=false", "--no-pager")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, **_SAFE_ENV}


def _run(command: list[str], stdin: bytes | None, timeout_s: float) -> tuple[int, bytes, bytes]:
    """(exit status, stdout, stderr) of a command, killed after `timeout_s` (subprocess.TimeoutExpired).

    Input and errors go through temporary files, so the output is the only pipe and is read in one call: the output
    of `cat-file --batch` is tens of megabytes on a large repository, and `subprocess.run` polls it in small chunks
    while feeding the input, which cost more CPU than git itself."""
    with tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as errors:
        if stdin:
            given.write(stdin)
            given.seek(0)
        proc = subprocess.Popen(command, stdin=given, stdout=subprocess.PIPE, stderr=errors, env=_env())
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            proc.kill()

        timer = threading.Timer(timeout_s, kill)
        timer.start()
        try:
            assert proc.stdout is not None
            with proc.stdout:
                out = proc.stdout.read()
            code = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:  # interrupted while reading: leave no process behind
                proc.kill()
                proc.wait()
        if expired.is_set():
            raise subprocess.TimeoutExpired(command, timeout_s)
        errors.seek(0)
        return code, out, errors.read()


class GitRepo:
    """One repository; `run` raises Unavailable (cannot run or too slow) or CollectError (git refused)."""

    def __init__(self, path: Path, timeout_s: float, raw: RawStore, redactor: Redactor) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self.raw = raw
        self.redactor = redactor

    def where(self, args: tuple[str, ...]) -> str:
        return self.redactor(f"git -C {self.path} {' '.join(args)}")

    def run(self, *args: str, stdin: bytes | None = None, keep: bool = True) -> tuple[bytes, str]:
        """Output of `git -C PATH ARGS` and the SHA-256 under which it was stored ("" when not kept)."""
        self.check_path()
        try:
            code, stdout, stderr = _run(["git", "-C", str(self.path), *_SAFE_CONFIG, *args], stdin, self.timeout_s)
        except FileNotFoundError:
            raise Unavailable("the git executable is not installed") from None
        except subprocess.TimeoutExpired:
            raise Unavailable(f"{self.where(args)} did not finish within {self.timeout_s:g} s") from None
        if code != 0:
            message = stderr.decode("utf-8", "replace").strip().splitlines()
            first = next(
                (line for line in message if line.startswith(("fatal:", "error:"))),
                message[0] if message else f"exit status {code}",
            )
            raise CollectError(self.redactor(f"{self.where(args)} failed: {first}"))
        sha = self.raw.add(self.redactor.bytes(stdout), url=self.where(args), content_type="text/plain") if keep else ""
        return stdout, sha

    def check_path(self) -> None:
        """A missing path is unavailable (not cloned yet, wrong mount); a path that cannot be followed is an error."""
        try:
            self.path.stat()
        except FileNotFoundError:
            raise Unavailable(f"repository path {self.path} does not exist") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise CollectError(f"repository path {self.path} is a symlink loop") from None
            raise CollectError(f"repository path {self.path} cannot be read: {exc.strerror}") from None

    def resolve(self, ref: str) -> tuple[str, str]:
        """The commit id a ref names, and the raw hash of the answer."""
        out, sha = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        return out.decode().strip(), sha

    def is_shallow(self) -> bool:
        out, _ = self.run("rev-parse", "--is-shallow-repository", keep=False)
        return out.strip() == b"true"

    def read_blobs(self, oids: list[str]) -> dict[str, bytes]:
        """Blob contents by object id from one `cat-file --batch`; ids go through stdin, so no argument-length limit."""
        if not oids:
            return {}
        out, _ = self.run("cat-file", "--batch", stdin="".join(f"{o}\n" for o in oids).encode(), keep=False)
        blobs: dict[str, bytes] = {}
        pos = 0
        while pos < len(out):
            end = out.index(b"\n", pos)
            header = out[pos:end].decode().split()
            pos = end + 1
            if len(header) < 3 or header[1] == "missing":
                continue
            size = int(header[2])
            blobs[header[0]] = out[pos : pos + size]
            pos += size + 1
        return blobs

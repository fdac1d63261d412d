"""Per-request deadlines: a network backend under httpx whose every connect, TLS handshake, read and write waits at
most until the deadline of the request under way, so a server dripping bytes cannot stretch a request past it."""

from __future__ import annotations

import ssl
import threading
import time
from typing import Any

import httpcore
import httpx

_WRITE_SLICE = 64 * 1024


class Clock(threading.local):
    """The deadline of the request under way in this thread; None between requests."""

    until: float | None = None
    limited = False  # the last wait was cut short by the deadline: a timeout then means the deadline passed

    def start(self, seconds: float) -> None:
        self.until, self.limited = time.monotonic() + seconds, False

    def stop(self) -> None:
        self.until = None

    def bound(self, timeout: float | None, error: type[Exception]) -> float | None:
        """The wait allowed for one socket operation: the configured timeout, but never past the deadline."""
        if self.until is None:
            return timeout
        left = self.until - time.monotonic()
        self.limited = timeout is None or left <= timeout
        if left <= 0:
            raise error("the request's deadline has passed")
        return left if timeout is None else min(timeout, left)


class BoundedStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, clock: Clock) -> None:
        self._inner = inner
        self._clock = clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._clock.bound(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), _WRITE_SLICE):  # each slice re-reads the time left
            self._inner.write(buffer[start : start + _WRITE_SLICE], self._clock.bound(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        wait = self._clock.bound(timeout, httpcore.ConnectTimeout)
        return BoundedStream(self._inner.start_tls(ssl_context, server_hostname, wait), self._clock)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class BoundedBackend(httpcore.NetworkBackend):
    """Opens connections (directly or through a proxy) whose operations end by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend, clock: Clock) -> None:
        self._inner = inner
        self._clock = clock

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        wait = self._clock.bound(timeout, httpcore.ConnectTimeout)
        return BoundedStream(self._inner.connect_tcp(host, port, wait, local_address, socket_options), self._clock)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        wait = self._clock.bound(timeout, httpcore.ConnectTimeout)
        return BoundedStream(self._inner.connect_unix_socket(path, wait, socket_options), self._clock)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bound_transports(client: httpx.Client, clock: Clock) -> None:
    """Put the deadline under every transport of the client (the direct one and any proxy from the environment)."""
    for transport in [client._transport, *client._mounts.values()]:
        if transport is None:
            continue
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if not isinstance(backend, httpcore.NetworkBackend):
            raise RuntimeError(f"cannot bound the network I/O of {type(transport).__name__}: request deadlines need it")
        pool._network_backend = BoundedBackend(backend, clock)  # type: ignore[union-attr]

"""What a read can end with, besides an answer: the exceptions collectors turn into `unavailable`/`error` records."""

from __future__ import annotations


class Unavailable(Exception):
    """The system could not be reached, did not answer in time, or answered with a server error (5xx)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status of a server error; None when no answer came at all


class CollectError(Exception):
    """The system answered, but not in a usable way (HTTP error, invalid JSON, unexpected shape)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status, when the problem was one


class LimitReached(Unavailable):
    """A limit of the targets file stopped the read (size, deadline, request budget, redirects): not retried."""


class RateLimited(Unavailable):
    """The service refused the request for its rate limit: retrying at once cannot help, so it is not retried."""

"""Target configuration shared by collectors: what to probe and how to authenticate, never credentials inline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from evidence_collectors.secrets import is_sensitive_name

INLINE_REFUSED = (
    "inline credentials are refused: name an environment variable with token_env, or a file with token_file"
)


class TargetConfig(BaseModel):
    """Fields every target has. Collectors subclass this with their own settings."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    collector: str
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", description="Unique name of this target")]
    timeout_s: Annotated[
        float,
        Field(
            gt=0, le=300, description="Longest wait for each network read or write, seconds (see request_deadline_s)"
        ),
    ] = 10.0
    retries: Annotated[int, Field(ge=0, le=10, description="Retries after a failed request, with backoff")] = 2


class HttpTargetConfig(TargetConfig):
    """A system read over HTTP(S). TLS verification is on unless a CA file is named or it is explicitly disabled."""

    url: Annotated[str, Field(pattern=r"^https?://", description="Base URL of the service")]
    token_env: str | None = Field(
        default=None,
        description="Environment variable holding the API token (printable ASCII, at least 4 characters: a shorter "
        "one could not be masked in the evidence and is refused)",
    )
    token_file: Path | None = Field(
        default=None, description="File holding the API token (a regular file of at most 64 KB, UTF-8 text)"
    )
    username: str | None = Field(default=None, description="User name, for services that pair it with a token")
    verify_tls: bool = True
    ca_file: Path | None = None
    request_deadline_s: Annotated[
        float,
        Field(
            gt=0,
            le=3600,
            description="Wall time one request may take in all (connect, redirects, headers, body), seconds",
        ),
    ] = 60.0
    max_response_mb: Annotated[
        float, Field(gt=0, le=10_000, description="Largest response body accepted as sent (compressed), MB")
    ] = 50.0
    max_decoded_mb: Annotated[
        float, Field(gt=0, le=10_000, description="Largest response body accepted once decompressed, MB")
    ] = 100.0
    max_total_mb: Annotated[
        float,
        Field(
            gt=0,
            le=100_000,
            description="Response bytes (decompressed) read from the target in all, MB; held in memory until the "
            "target's evidence is written",
        ),
    ] = 512.0
    max_requests: Annotated[
        int,
        Field(
            ge=1, le=1_000_000, description="HTTP requests to the target per collection, retries and redirects included"
        ),
    ] = 5_000
    max_redirects: Annotated[int, Field(ge=0, le=30, description="Redirects followed per request")] = 5
    max_retry_after_s: Annotated[
        float,
        Field(ge=0, le=3600, description="Longest Retry-After waited for; a server asking more is given up at once"),
    ] = 30.0
    token: Any = Field(default=None, exclude=True, json_schema_extra={"deprecated": True})
    password: Any = Field(default=None, exclude=True, json_schema_extra={"deprecated": True})

    @field_validator("token", "password")
    @classmethod
    def _refuse_inline(cls, value: Any) -> None:
        if value is not None:
            raise ValueError(INLINE_REFUSED)
        return None

    @field_validator("token_file", "ca_file")
    @classmethod
    def _relative_to_targets_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        return resolve_relative(value, info)

    @field_validator("url")
    @classmethod
    def _usable_base_url(cls, value: str) -> str:
        """A host, a port that exists, no space or control character, and no query or fragment (paths are appended to
        the base URL). No user info and no credential-like query parameter (`?private_token=...`) either: the URL is
        written into every record, where an inline credential, unknown to the redactor, would stay readable."""
        if "@" in value.split("://", 1)[1].split("/", 1)[0]:
            raise ValueError(INLINE_REFUSED)
        parts = urlsplit(value)
        if any(is_sensitive_name(name) for name, _ in parse_qsl(parts.query, keep_blank_values=True)):
            raise ValueError(INLINE_REFUSED)
        if not re.fullmatch(r"[\x21-\x7e]+", value):
            raise ValueError("the URL holds a space, a control character or a character other than ASCII")
        if parts.query or parts.fragment or value.endswith(("?", "#")):
            raise ValueError("a base URL takes no query or fragment")
        try:
            port = parts.port
        except ValueError:
            raise ValueError("the URL's port is not a number from 1 to 65535") from None
        if not parts.hostname or port == 0:
            raise ValueError("the URL names no host" if not parts.hostname else "the URL's port cannot be 0")
        return value.rstrip("/")


def resolve_relative(value: Path | None, info: ValidationInfo) -> Path | None:
    """Paths in a targets file are relative to that file, not to the working directory."""
    if value is None:
        return None
    base = (info.context or {}).get("base_dir")
    value = value.expanduser()
    if value.is_absolute() or base is None:
        return value
    joined = Path(base) / value
    try:
        return joined.resolve()
    except (OSError, RuntimeError):  # a symlink loop: the collector reports it when it reads the path
        return joined

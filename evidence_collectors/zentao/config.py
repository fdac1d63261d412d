"""What a ZenTao target names: the server, how to sign in, the products and the time window.

ZenTao's REST API v1 takes a session token in a `Token` header. The token is either issued beforehand (token_env /
token_file) or asked for at the start of the collection with the account and its password (POST
/api.php/v1/tokens); the password, like every credential, comes only from an environment variable or a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator

from evidence_collectors.config import HttpTargetConfig, resolve_relative
from evidence_collectors.jira.text import FEASIBILITY_LABELS, SCENARIO_LABELS  # shared by the two trackers

ProductRef = Annotated[int, Field(ge=1)] | Annotated[str, Field(min_length=1, max_length=200)]


class ZentaoConfig(HttpTargetConfig):
    url: Annotated[
        str,
        Field(
            pattern=r"^https?://",
            description="Base URL of ZenTao, including its deployment path (https://HOST/zentao); the API is read "
            "under /api.php/v1",
        ),
    ]
    account: Annotated[str | None, Field(min_length=1, max_length=100, description="Account signing in")] = None
    password_env: str | None = Field(default=None, description="Environment variable holding the account's password")
    password_file: Path | None = Field(default=None, description="File holding the account's password")
    products: list[ProductRef] = Field(
        default_factory=list, description="Product ids or names to read; empty: every readable product"
    )
    window_days: Annotated[
        int, Field(ge=1, le=3660, description="Stories, bugs, plans and risks of the last N days")
    ] = 180
    feasibility_labels: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=lambda: list(FEASIBILITY_LABELS),
        description="A story records a feasibility conclusion in a section of its description (spec) headed by one "
        "of these, or in a workflow field whose code begins with one of them (any case)",
    )
    scenario_labels: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=lambda: list(SCENARIO_LABELS),
        description="A story carries a scenario description in a spec section headed by one of these, or in a "
        "workflow field whose code begins with one of them (any case), or as a user story "
        "(作为..., 我希望..., 以便...)",
    )
    max_products: Annotated[int, Field(ge=1, le=10_000, description="Products read at most")] = 50
    max_items: Annotated[
        int, Field(ge=1, le=1_000_000, description="Items read per listing (one product's stories, ...) at most")
    ] = 5_000
    max_detail_reads: Annotated[
        int,
        Field(
            ge=0,
            le=100_000,
            description="Single-item reads for fields a listing omits (a story's 验收标准, a test case's steps)",
        ),
    ] = 1_000
    page_size: Annotated[int, Field(ge=1, le=1000, description="Items asked for per page (`limit`)")] = 100

    @field_validator("password_file")
    @classmethod
    def _password_relative_to_targets_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        return resolve_relative(value, info)

    @model_validator(mode="after")
    def _one_way_to_sign_in(self) -> ZentaoConfig:
        if self.username:
            raise ValueError("ZenTao signs in with `account` (and a password) or a token; remove username")
        has_token = bool(self.token_env or self.token_file)
        has_password = bool(self.password_env or self.password_file)
        if has_password and not self.account:
            raise ValueError("a password needs the account it belongs to: set account")
        if self.account and not has_password:
            raise ValueError("account needs its password: set password_env or password_file")
        if has_token and has_password:
            raise ValueError("give either a token (token_env/token_file) or a password, not both")
        return self

    @property
    def signs_in(self) -> bool:
        """Whether a token is asked for with the account's password (else a pre-issued token, or none, is used)."""
        return self.account is not None

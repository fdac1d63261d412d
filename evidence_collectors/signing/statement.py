"""The in-toto Statement v1 a signature envelope carries, and the two predicates this tool writes.

    {"_type": "https://in-toto.io/Statement/v1",
     "subject": [{"name": ..., "digest": {"sha256": ...}}],
     "predicateType": <URI>, "predicate": {...}}

A bundle's statement names its manifest (which hashes every other file); a result's statement names the result file.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evidence_collectors.signing.keys import SigningError

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
BUNDLE_PREDICATE = "urn:mlops-maturity:attestation:evidence-bundle:v1"
RESULT_PREDICATE = "urn:mlops-maturity:attestation:assessment-result:v1"


class Subject(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str = ""
    digest: dict[str, str]


class Statement(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type_: str = Field(alias="_type")
    subject: Annotated[list[Subject], Field(min_length=1)]
    predicateType: str  # the in-toto field name
    predicate: dict[str, Any] = {}

    def to_bytes(self) -> bytes:
        return json.dumps(self.model_dump(by_alias=True), ensure_ascii=False, sort_keys=True).encode("utf-8")

    def sha256_of(self, name: str) -> str | None:
        """The SHA-256 digest of the subject named `name`, if the statement has one."""
        return next((s.digest.get("sha256") for s in self.subject if s.name == name), None)


class ToolInfo(BaseModel):
    name: str
    version: str


class TargetEntry(BaseModel):
    """One target of the collection, as the bundle holds it: where it was read, credentials removed."""

    name: str
    collector: str
    state: str
    records: int
    sources: list[str]


class BundleFacts(BaseModel):
    format: int
    created_at: str
    finished_at: str | None
    complete: bool
    records: int
    raw_responses: int


class BundlePredicate(BaseModel):
    """What the signer vouches for beside the manifest digest: which collectors (and versions) read which targets."""

    tool: ToolInfo
    signed_at: str
    bundle: BundleFacts
    collectors: dict[str, str]
    targets: list[TargetEntry]


class ResultPredicate(BaseModel):
    """What a signed result was computed with: the tool, and the evidence bundle's manifest when there was one."""

    tool: ToolInfo
    signed_at: str
    evidence_manifest_sha256: str | None = None


def parse_statement(payload: bytes, where: str, predicate_type: str) -> Statement:
    try:
        value = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SigningError(f"{where}: the signed payload is not a JSON in-toto statement") from None
    if not isinstance(value, dict):
        raise SigningError(f"{where}: the signed payload is not an in-toto statement (expected a JSON object)")
    try:
        statement = Statement.model_validate(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise SigningError(f"{where}: the signed payload is not an in-toto statement ({field}: {err['msg']})") from None
    if statement.type_ != STATEMENT_TYPE:
        raise SigningError(f"{where}: statement type {statement.type_!r} is not {STATEMENT_TYPE}")
    if statement.predicateType != predicate_type:
        raise SigningError(f"{where}: predicate type {statement.predicateType!r} is not {predicate_type}")
    return statement

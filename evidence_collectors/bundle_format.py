"""What an evidence bundle holds on disk, and reading it back with errors that name the file and line.

Layout:  BUNDLE/records.jsonl  BUNDLE/raw/index.jsonl  BUNDLE/raw/<sha256>  BUNDLE/bundle.json  BUNDLE/MANIFEST.sha256

`bundle.json` is also the collection's state file: rewritten as each target finishes, it says which targets are
collected and which are still pending, and `complete` turns true only when every target has its records. The manifest
is written last, so a bundle without one was stopped before it could be sealed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from evidence_collectors.records import EvidenceRecord

MANIFEST = "MANIFEST.sha256"
RECORDS = "records.jsonl"
INFO = "bundle.json"
RAW_DIR = "raw"
RAW_INDEX = "raw/index.jsonl"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MANIFEST_LINE = re.compile(r"^(?P<sha>[0-9a-f]{64})  (?P<path>\S.*)$")
MAX_PROBLEMS = 20  # per file: one bad file must not flood the terminal
FORMAT = 2  # the newest bundle format this version reads and writes
# Bundle files read whole (records, raw index, bundle.json, manifest) are refused past these sizes, so a damaged or
# hostile bundle (a 1 GB line) costs bounded memory; a real one stays far below (a record is under 2 KB).
MAX_FILE_BYTES = 128 * 1024 * 1024
MAX_LINE_BYTES = 4 * 1024 * 1024

TargetStateName = Literal["pending", "collected", "deadline", "not_collected"]
M = TypeVar("M", bound=BaseModel)


class TargetState(BaseModel):
    """How far one target of the targets file got: its records are in the bundle only when collected (or cut off by
    the deadline, then as `unavailable` records)."""

    name: str
    collector: str
    state: TargetStateName = "pending"
    records: int = 0
    reason: str = ""


class BundleInfo(BaseModel):
    format: int = FORMAT
    created_at: str
    finished_at: str | None = None
    complete: bool = True  # format 1 bundles were only ever written complete
    interrupted: str = ""  # what stopped the collection early (e.g. SIGTERM); empty when nothing did
    deadline_s: float | None = None
    collectors: dict[str, str]
    targets: list[str]  # targets that have records in the bundle
    records: int
    raw_responses: int
    collection: list[TargetState] = []

    def not_collected(self) -> list[TargetState]:
        return [t for t in self.collection if t.state in ("pending", "not_collected")]


class RawIndexEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sha256: str
    url: str
    status: int
    content_type: str
    bytes: int


class ManifestEntry(BaseModel):
    line: int
    sha256: str
    path: str


class BundleReadError(ValueError):
    """A bundle file that cannot be read: names the file and, where it applies, the line."""

    def __init__(self, problems: list[str]) -> None:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)
        self.problems = problems


def _lines(data: bytes, name: str) -> Iterator[tuple[int, str | None, str]]:
    """(line number, text or None when not UTF-8, problem) for each non-empty line."""
    for n, raw in enumerate(data.split(b"\n"), start=1):
        if len(raw) > MAX_LINE_BYTES:  # not decoded nor parsed: JSON of that size costs many times its size
            yield n, None, f"{name}:{n}: line of {len(raw)} bytes, longer than the {_mib(MAX_LINE_BYTES)} limit"
            continue
        if not raw.strip():
            continue
        try:
            yield n, raw.decode("utf-8"), ""
        except UnicodeDecodeError as exc:
            yield n, None, f"{name}:{n}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else str(err["msg"])


def parse_jsonl(data: bytes, name: str, model: type[M], what: str) -> tuple[list[tuple[int, M]], list[str]]:
    """Each line validated as `model`; problems as `name:line: message`."""
    items: list[tuple[int, M]] = []
    problems: list[str] = []
    for n, text, problem in _lines(data, name):
        if text is None:
            problems.append(problem)
            continue
        try:
            value: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(f"{name}:{n}: not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})")
            continue
        if not isinstance(value, dict):
            problems.append(f"{name}:{n}: not {what} (expected a JSON object, found {type(value).__name__})")
            continue
        try:
            items.append((n, model.model_validate(value)))
        except ValidationError as exc:
            problems.append(f"{name}:{n}: not {what}: {_first_error(exc)}")
    return items, problems


def parse_manifest(data: bytes) -> tuple[list[ManifestEntry], list[str]]:
    """`<sha256>  <relative path>` per line; a path leaving the bundle or listed twice is a problem."""
    entries: list[ManifestEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, text, problem in _lines(data, MANIFEST):
        if text is None:
            problems.append(problem)
            continue
        match = _MANIFEST_LINE.match(text.rstrip("\r"))
        if not match:
            problems.append(f"{MANIFEST}:{n}: expected '<sha256>  <path>', found {text[:60]!r}")
            continue
        path = match["path"]
        if path.startswith("/") or ".." in path.split("/") or path == MANIFEST:
            problems.append(f"{MANIFEST}:{n}: path {path!r} is not a file of the bundle")
        elif path in seen:
            problems.append(f"{MANIFEST}:{n}: {path} is listed twice")
        else:
            seen.add(path)
            entries.append(ManifestEntry(line=n, sha256=match["sha"], path=path))
    return entries, problems


def parse_info(data: bytes) -> BundleInfo:
    """bundle.json; raises BundleReadError naming the line of a JSON error."""
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BundleReadError([f"{INFO}: not UTF-8 text (byte offset {exc.start})"]) from None
    except json.JSONDecodeError as exc:
        raise BundleReadError([f"{INFO}:{exc.lineno}: not valid JSON ({exc.msg})"]) from None
    if not isinstance(value, dict):
        raise BundleReadError([f"{INFO}: expected a JSON object"])
    try:
        info = BundleInfo.model_validate(value)
    except ValidationError as exc:
        raise BundleReadError([f"{INFO}: not bundle information: {_first_error(exc)}"]) from None
    if not 1 <= info.format <= FORMAT:
        raise BundleReadError(
            [
                f"{INFO}: bundle format {info.format} is not one this version reads (1 to {FORMAT}); "
                "read it with the version of mlops-maturity that wrote it, or a newer one"
            ]
        )
    return info


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB"


def read_bounded(path: Path, name: str) -> bytes:
    """A bundle file's bytes; BundleReadError (naming the file as `name`) past MAX_FILE_BYTES, without reading it."""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        data = fh.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        size = max(size, len(data))
        raise BundleReadError([f"{name}: {size} bytes, more than the {_mib(MAX_FILE_BYTES)} a bundle file may have"])
    return data


def _read(root: Path, rel: str) -> bytes:
    try:
        return read_bounded(root / rel, f"{root / rel}")
    except FileNotFoundError:
        raise BundleReadError([f"{root / rel}: no such file"]) from None
    except OSError as exc:
        raise BundleReadError([f"{root / rel}: cannot read ({exc.strerror})"]) from None


def _located(root: Path, problems: list[str]) -> list[str]:
    return [f"{root}/{p}" for p in problems]


def read_records(root: Path) -> list[EvidenceRecord]:
    """Every record of the bundle, in file order; BundleReadError names the first bad line."""
    records, problems = parse_jsonl(_read(root, RECORDS), RECORDS, EvidenceRecord, "an evidence record")
    if problems:
        raise BundleReadError(_located(root, problems))
    return [r for _, r in records]


def read_info(root: Path) -> BundleInfo | None:
    """bundle.json, or None when the bundle has none."""
    if not (root / INFO).is_file():
        return None
    data = _read(root, INFO)
    try:
        return parse_info(data)
    except BundleReadError as exc:
        raise BundleReadError(_located(root, exc.problems)) from None

"""Reading and writing assessment files (YAML or JSON): located errors on read, atomic replacement on write.

The writer is the reader's inverse: a file is only written after its text has been read back, exactly as
`load_assessment` would read it, into the assessment that was saved. Text that no file could carry (lone surrogates,
which are not Unicode) is refused before anything is written. A command that changes a file in place holds
`locked_for_update` from reading it to writing it back, so two such commands on one file take turns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assessors.assessment import Answer, Assessment
from assessors.questionnaire import render_questionnaire
from capability_model.atomicfile import TargetIsDirectoryError, write_atomic
from capability_model.schema import Framework, Lang
from capability_model.sourcefile import (
    Positioned,
    SourceError,
    SourceIssue,
    capped,
    load_positioned,
    parse_positioned,
    validate_as,
)


class UnwritableAssessmentError(ValueError):
    """The assessment holds a value that no assessment file can carry; nothing was written."""


# How far a recorded time may lie ahead of this machine's clock: clocks of the machines that wrote and read a file
# differ, and a local time written without its zone reads as UTC. Beyond that, a time is a typo or made up.
FUTURE_SLACK = dt.timedelta(days=1)
_TIMES = (("answered_at",), ("confirmed_at",), ("proposal", "proposed_at"))


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def _future_times(assessment: Assessment, doc: Positioned, now: dt.datetime) -> list[SourceIssue]:
    """Every answer's time (answered, confirmed, proposed) that lies in the future: a record of who did what when
    cannot be dated after the moment it is read."""
    issues = []
    for group in ("answers", "orphaned"):
        for rid, answer in getattr(assessment, group).items():
            for path in _TIMES:
                value: Any = answer
                for key in path:
                    value = getattr(value, key, None)
                if isinstance(value, dt.datetime) and _aware(value) > now + FUTURE_SLACK:
                    issues.append(
                        doc.issue(
                            [group, rid, *path],
                            f"{value.isoformat()} lies in the future (this machine's clock says "
                            f"{now.isoformat(timespec='seconds')}); correct the time",
                        )
                    )
    return issues


def read_assessment(path: Path | str, now: dt.datetime | None = None) -> tuple[Assessment, Positioned]:
    """Open an assessment file to be used (scored, reported, confirmed): parse and validate it, refuse answers dated
    in the future, and keep positions for later checks against the framework."""
    doc = load_positioned(path)
    assessment = validate_as(doc, Assessment)
    future = _future_times(assessment, doc, now or dt.datetime.now(dt.UTC))
    if future:
        raise SourceError(capped(future))
    return assessment, doc


def load_assessment(path: Path | str) -> Assessment:
    """Parse and validate an assessment file exactly as written (the writer's inverse, whatever the clock says);
    raise SourceError naming file, line, column and field on bad input."""
    return validate_as(load_positioned(path), Assessment)


# Characters the YAML reader (which also reads .json files) refuses raw or reads as line breaks: DEL, C1 controls
# (NEL is a line break), line/paragraph separators, the BOM and the non-characters U+FFFE/U+FFFF; and the invisible
# formatting characters (bidi marks, overrides and isolates, zero-width characters), so that JSON printed on a
# terminal cannot reorder or hide what it shows. json.dumps already escapes C0 controls; these get the same \\uXXXX
# escapes, which mean the same in JSON and YAML.
_JSON_ESCAPE = re.compile(
    "[\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
# The YAML reader accepts a mapping key (in JSON, always a "simple key") of at most 1024 characters; the limit below
# counts the key as written (quotes and escapes included) and leaves a margin.
_MAX_JSON_KEY = 1000


def json_text(data: Any) -> str:
    """JSON that both JSON parsers and the assessment reader read back unchanged (non-ASCII text stays readable)."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return _JSON_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _strings(value: Any, where: str = "") -> list[tuple[str, str]]:
    """Every string in dumped data, keys included, with the field path that holds it."""
    if isinstance(value, str):
        return [(where, value)]
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            inner = f"{where}.{k}" if where else str(k)
            out += [(inner, str(k)), *_strings(v, inner)]
        return out
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{where}[{i}]")]
    return []


def _shown(text: str, limit: int = 80) -> str:
    """Text safe to print in an error message, whatever it holds."""
    shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _refuse_unrepresentable(assessment: Assessment, is_json: bool) -> None:
    for where, text in _strings(assessment.model_dump(mode="json")):
        if _SURROGATE.search(text):
            raise UnwritableAssessmentError(
                f"{_shown(where)}: contains a lone surrogate (not Unicode text, e.g. undecodable bytes); "
                "nothing written"
            )
    if is_json:
        for rid in (*assessment.answers, *assessment.orphaned):
            if len(json_text(rid)) > _MAX_JSON_KEY:
                raise UnwritableAssessmentError(
                    f"requirement id {_shown(rid, 60)} is too long to be a key in a .json assessment file "
                    "(save it as .yaml); nothing written"
                )


def _expected_readback(assessment: Assessment, framework: Framework | None, is_json: bool) -> Assessment:
    """What reading the written file must give: the questionnaire also lists every unanswered requirement."""
    if is_json or framework is None:
        return assessment
    listed = {req.id: Answer() for _, req in framework.requirements()}
    return assessment.model_copy(update={"answers": {**listed, **assessment.answers}})


def _check_reads_back(text: str, expected: Assessment, name: str) -> None:
    """Read `text` as load_assessment reads a file (newlines translated on read) and compare with `expected`."""
    as_read = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        back = validate_as(parse_positioned(as_read, name), Assessment)
    except SourceError as exc:
        raise UnwritableAssessmentError(f"{name}: the file would not read back ({exc}); nothing written") from None
    if back != expected:
        fields = [f for f in Assessment.model_fields if getattr(back, f) != getattr(expected, f)]
        raise UnwritableAssessmentError(
            f"{name}: the file would read back different {', '.join(fields)}; nothing written"
        )


# Answer fields a file leaves out while they hold their defaults, so that files without drafted answers keep the
# shape they had before drafting existed.
_OPTIONAL_ANSWER_FIELDS: dict[str, Any] = {
    "source": "person",
    "proposal": None,
    "confirmed_by": None,
    "confirmed_at": None,
    "override_reason": "",
}


def _file_data(assessment: Assessment) -> dict[str, Any]:
    data = assessment.model_dump(mode="json")
    for group in ("answers", "orphaned"):
        for answer in data[group].values():
            for key, default in _OPTIONAL_ANSWER_FIELDS.items():
                if answer.get(key, default) == default:
                    answer.pop(key, None)
    return data


def dump_assessment(assessment: Assessment, framework: Framework | None, path: Path | str, lang: Lang = "zh") -> str:
    """The file text: JSON for .json paths, otherwise the commented YAML questionnaire.

    Raises UnwritableAssessmentError when the text would not read back as `assessment`.
    """
    is_json = Path(path).suffix.lower() == ".json"
    _refuse_unrepresentable(assessment, is_json)
    text = json_text(_file_data(assessment)) if is_json else render_questionnaire(assessment, framework, lang)
    _check_reads_back(text, _expected_readback(assessment, framework, is_json), Path(path).name)
    return text


def save_assessment(
    assessment: Assessment, path: Path | str, framework: Framework | None = None, lang: Lang = "zh"
) -> None:
    """Write the assessment atomically; raise UnwritableAssessmentError or TargetIsDirectoryError before writing."""
    if Path(path).is_dir():
        raise TargetIsDirectoryError(path)
    write_atomic(path, dump_assessment(assessment, framework, path, lang))


class FileBusyError(OSError):
    """Another command is changing the same assessment file and did not finish in time."""


class FileChangedError(OSError):
    """The assessment file changed on disk while a command was changing it; nothing was written."""


class ReadOnlyAssessmentError(PermissionError):
    """The assessment file is marked read-only: a command that would change it leaves it alone."""


class Update:
    """An assessment file held for one read-change-write: `check_unchanged()` before writing refuses a file that a
    program not taking the lock (an editor) rewrote meanwhile."""

    def __init__(self, path: Path, sha256: str) -> None:
        self.path = path
        self._sha256 = sha256

    def check_unchanged(self) -> None:
        try:
            now = hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            now = ""
        if now != self._sha256:
            raise FileChangedError(
                errno.EAGAIN,
                "the file changed while this command ran; nothing written, run the command again",
                str(self.path),
            )


@contextlib.contextmanager
def locked_for_update(path: Path | str, timeout: float = 30.0) -> Iterator[Update]:
    """Hold an exclusive lock on an assessment file from reading it to writing it back.

    The lock is taken on the file itself (a link is followed). Writing replaces the file with a new one, so a command
    that waited for the lock checks it still holds the file the path names, and otherwise takes the new file's
    lock: two commands on one file run one after the other and neither loses the other's change. A file without
    write permission is refused rather than replaced.
    """
    target = Path(os.path.realpath(path))
    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block; a directory is refused below
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise TargetIsDirectoryError(path)
            if not stat.S_ISREG(info.st_mode):
                raise OSError(errno.EINVAL, "not a regular file; an assessment file is changed in place", str(path))
            if not info.st_mode & 0o222:
                raise ReadOnlyAssessmentError(
                    errno.EACCES, "the file is read-only; make it writable to change it (nothing changed)", str(path)
                )
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP):
                        break  # a file system without locks: the check before writing still guards the file
                    if not isinstance(exc, BlockingIOError):
                        raise
                    if time.monotonic() > deadline:
                        raise FileBusyError(
                            errno.EBUSY, "another command is changing this file; nothing changed", str(path)
                        ) from None
                    time.sleep(0.05)
            try:
                current = os.stat(target)
            except FileNotFoundError:
                current = None
            if current is None or (current.st_dev, current.st_ino) != (info.st_dev, info.st_ino):
                continue  # replaced while we waited: lock the file that is there now
            with os.fdopen(os.dup(fd), "rb") as fh:
                sha = hashlib.sha256(fh.read()).hexdigest()
            yield Update(target, sha)
            return
        finally:
            os.close(fd)

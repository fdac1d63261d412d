"""Reading and writing assessment files (YAML or JSON): located errors on read, atomic replacement on write.

The writer is the reader's inverse: a file is only written after its text has been read back, exactly as
`load_assessment` would read it, into the assessment that was saved. Text that no file could carry (lone surrogates,
which are not Unicode) is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any

from assessors.assessment import Answer, Assessment
from assessors.questionnaire import render_questionnaire
from capability_model.schema import Framework, Lang
from capability_model.sourcefile import Positioned, SourceError, load_positioned, parse_positioned, validate_as


class TargetIsDirectoryError(IsADirectoryError):
    """The output path names a directory; an OSError so that the command line reports it as a bad path."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.EISDIR, "it is a directory, not a file", str(path))

    def __str__(self) -> str:
        return f"cannot write {self.filename}: it is a directory"


class UnwritableAssessmentError(ValueError):
    """The assessment holds a value that no assessment file can carry; nothing was written."""


def read_assessment(path: Path | str) -> tuple[Assessment, Positioned]:
    """Parse and validate an assessment file, keeping positions for later checks against the framework."""
    doc = load_positioned(path)
    return validate_as(doc, Assessment), doc


def load_assessment(path: Path | str) -> Assessment:
    """Parse and validate an assessment file; raise SourceError naming file, line, column and field on bad input."""
    return read_assessment(path)[0]


def write_atomic(path: Path | str, data: str | bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old file or the new one, never a torn mix.

    Text is written as UTF-8 with "\\n" line ends. A new file gets mode 0644, a replaced one keeps its mode. A symbolic
    link is followed: the file it points to is replaced, the link stays. A path that is a directory raises
    TargetIsDirectoryError, and one whose parent is not a directory NotADirectoryError, before anything is created.
    A path that is a device, a pipe or a socket (`-o /dev/stdout`, a FIFO) is written in place: replacing it with a
    regular file would destroy it, and it holds no old content to protect.
    """
    path = _final_path(Path(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if not isinstance(payload, bytes):
        raise TypeError(f"write_atomic needs str or bytes, not {type(data).__name__}")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except NotADirectoryError:
        raise _parent_not_a_directory(path) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise TargetIsDirectoryError(path)
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with open(path, "wb") as fh:
                fh.write(payload)
        except OSError as exc:  # a full device fails on close, with no file name: name it
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise _parent_not_a_directory(path) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode & 0o777 if mode is not None else 0o644)
        try:
            os.replace(tmp, path)
        except IsADirectoryError:  # became a directory since the check above
            raise TargetIsDirectoryError(path) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the platform allows
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _final_path(path: Path) -> Path:
    """`path` with symbolic links followed (a dangling link gives the file it would create)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _parent_not_a_directory(path: Path) -> NotADirectoryError:
    """The error for an output path under a file (`-o notes.txt/report.pdf`), naming the part that is not a folder."""
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
    return NotADirectoryError(errno.ENOTDIR, f"cannot write there: {blocking} is not a directory", str(path))


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


def dump_assessment(assessment: Assessment, framework: Framework | None, path: Path | str, lang: Lang = "zh") -> str:
    """The file text: JSON for .json paths, otherwise the commented YAML questionnaire.

    Raises UnwritableAssessmentError when the text would not read back as `assessment`.
    """
    is_json = Path(path).suffix.lower() == ".json"
    _refuse_unrepresentable(assessment, is_json)
    if is_json:
        text = json_text(assessment.model_dump(mode="json"))
    else:
        text = render_questionnaire(assessment, framework, lang)
    _check_reads_back(text, _expected_readback(assessment, framework, is_json), Path(path).name)
    return text


def save_assessment(
    assessment: Assessment, path: Path | str, framework: Framework | None = None, lang: Lang = "zh"
) -> None:
    """Write the assessment atomically; raise UnwritableAssessmentError or TargetIsDirectoryError before writing."""
    if Path(path).is_dir():
        raise TargetIsDirectoryError(path)
    write_atomic(path, dump_assessment(assessment, framework, path, lang))

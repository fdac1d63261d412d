"""Reading and writing assessment files (YAML or JSON): located errors on read, atomic replacement on write."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from assessors.assessment import Assessment
from assessors.questionnaire import render_questionnaire
from capability_model.schema import Framework, Lang
from capability_model.sourcefile import Positioned, load_positioned, validate_as


def read_assessment(path: Path | str) -> tuple[Assessment, Positioned]:
    """Parse and validate an assessment file, keeping positions for later checks against the framework."""
    doc = load_positioned(path)
    return validate_as(doc, Assessment), doc


def load_assessment(path: Path | str) -> Assessment:
    """Parse and validate an assessment file; raise SourceError naming file, line, column and field on bad input."""
    return read_assessment(path)[0]


def write_atomic(path: Path | str, text: str) -> None:
    """Replace `path` with `text` so that a crash leaves either the old file or the new one, never a torn mix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
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


def dump_assessment(assessment: Assessment, framework: Framework | None, path: Path | str, lang: Lang = "zh") -> str:
    """The file text: JSON for .json paths, otherwise the commented YAML questionnaire."""
    if Path(path).suffix.lower() == ".json":
        return json.dumps(assessment.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    return render_questionnaire(assessment, framework, lang)


def save_assessment(
    assessment: Assessment, path: Path | str, framework: Framework | None = None, lang: Lang = "zh"
) -> None:
    write_atomic(path, dump_assessment(assessment, framework, path, lang))

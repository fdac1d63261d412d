"""The operator's targets file (`mlops-maturity workshop --targets`), which the UI shows read-only and collects on.

Its entries name their credentials (token_env, token_file) on the server, as the operator configured them; the page
shows only each target's name, collector and address (credentials masked), and accepts no targets from a visitor.
"""

from __future__ import annotations

import functools
from pathlib import Path

from app.workshop.words import t
from capability_model.schema import Lang
from capability_model.sourcefile import SourceError
from evidence_collectors.secrets import redact_url
from evidence_collectors.targets import Target


class TargetsProblem(ValueError):
    """The operator's targets file cannot be used (the message says why)."""


@functools.lru_cache(maxsize=4)
def _load(path: str, stamp: int) -> tuple[Target, ...]:
    from evidence_collectors.registry import installed_collectors
    from evidence_collectors.targets import load_targets

    try:
        return tuple(load_targets(Path(path), installed_collectors()))
    except SourceError as exc:
        raise TargetsProblem("; ".join(str(i) for i in exc.issues)) from None
    except OSError as exc:
        raise TargetsProblem(f"{path}: {exc.strerror or exc}") from None


def operator_targets(path: Path) -> list[Target]:
    """The targets of the file, read again only when it changed."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise TargetsProblem(f"{path}: {exc.strerror or exc}") from None
    return list(_load(str(path), stamp))


def target_rows(targets: list[Target], lang: Lang) -> list[dict[str, str]]:
    """Name, collector and address of each target, for a read-only table."""
    rows = []
    for target in targets:
        url = getattr(target.config, "url", None)
        rows.append(
            {
                t("target_name", lang): target.config.name,
                t("collector", lang): target.config.collector,
                t("target_url", lang): redact_url(str(url)) if url else "-",
            }
        )
    return rows

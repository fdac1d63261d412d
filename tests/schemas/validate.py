"""Validate documents against the vendored official schemas with check-jsonschema, offline.

check-jsonschema evaluates `pattern` keywords as ECMAScript regular expressions (through `regress`), which the NIST
OSCAL schemas need: their token and string patterns use Unicode classes such as \\p{L}. One run checks many
documents, so a test module validates everything it made at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent
OSCAL_SCHEMA = SCHEMAS / "oscal" / "oscal_complete_schema-1.2.1.json"
SARIF_SCHEMA = SCHEMAS / "sarif" / "sarif-schema-2.1.0.json"


def schema_errors(documents: Sequence[Path], schema: Path) -> dict[Path, list[str]]:
    """Each document's validation errors ([] when it validates); never fetches anything."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--output-format",
            "json",
            "--schemafile",
            str(schema),
            *map(str, documents),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout)
    found: dict[Path, list[str]] = {Path(d): [] for d in documents}
    for error in report.get("errors", []) + report.get("parse_errors", []):
        deep = error.get("best_deep_match") or {}
        text = f"{deep.get('path', error.get('path'))}: {deep.get('message', error.get('message'))}"
        found[Path(error["filename"])].append(text[:500])
    assert (done.returncode == 0) == (report["status"] == "ok") == (not any(found.values())), done.stderr
    return found

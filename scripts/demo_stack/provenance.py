"""The demo's last words: who or what decided the requirements of each part, and the answers the evidence contradicts.

    python -m scripts.demo_stack.provenance examples/out/result.json

Reads the combined result `report --format json` wrote (one result per part).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ORDER = ("evidence", "confirmed", "proposed", "answered", "overridden", "unanswered")
WORDS = {
    "evidence": "decided by evidence",
    "confirmed": "confirmed",
    "proposed": "proposed (not yet confirmed)",
    "answered": "answered",
    "overridden": "overridden",
    "unanswered": "unanswered",
}


def line(result: dict[str, Any]) -> str:
    counts = result.get("provenance", {})
    return ", ".join(f"{WORDS[k]} {counts.get(k, 0)}" for k in ORDER)


def summary(results: list[dict[str, Any]]) -> list[str]:
    """One line per part, the share evidence decided or proposed, and one line per contradiction."""
    lines: list[str] = []
    by_evidence = total = 0
    for result in results:
        counts = result.get("provenance", {})
        by_evidence += sum(counts.get(k, 0) for k in ("evidence", "confirmed", "proposed"))
        total += sum(counts.values())
        lines.append(f"{result['framework']['id']}@{result['framework']['version']}: {line(result)}")
    if total:
        lines.append(
            f"decided or proposed by evidence: {by_evidence} of {total} requirements ({by_evidence / total:.0%})"
        )
    for result in results:
        for c in result.get("conflicts", []):
            lines.append(
                f"contradicted: {c['requirement']} answered {c['manual']}, evidence {c['evidence']} "
                f"({', '.join(c['records'])})"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m scripts.demo_stack.provenance RESULT_JSON", file=sys.stderr)
        return 2
    data = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    print("\n".join(summary(data if isinstance(data, list) else [data])))
    return 0


if __name__ == "__main__":
    sys.exit(main())

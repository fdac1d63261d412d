"""Command line: `run [--out DIR] [--targets BASE] -- COMMAND...` and `stop [--out DIR]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scripts.demo_stack.processes import stop_recorded
from scripts.demo_stack.stack import StackSettings, run, say


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.demo_stack", description="The demo's MLflow + Prometheus.")
    sub = parser.add_subparsers(dest="action", required=True)
    run_p = sub.add_parser("run", help="start the stack, run COMMAND while it is up, stop the stack")
    stop_p = sub.add_parser("stop", help="stop what a killed run left behind (from <out>/demo-stack/state.json)")
    for p in (run_p, stop_p):
        p.add_argument("--out", type=Path, default=StackSettings().out, help="output directory (examples/out)")
    run_p.add_argument("--targets", type=Path, default=StackSettings().base_targets, help="base targets file")
    run_p.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args(argv)

    if args.action == "stop":
        stopped = stop_recorded(StackSettings(out=args.out).state_file)
        say(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")
        return 0
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("run needs a command after --")
    return run(StackSettings(out=args.out, base_targets=args.targets), command)


if __name__ == "__main__":
    sys.exit(main())
